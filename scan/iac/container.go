package iac

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// rootState says whether a container runs as root.
type rootState int

const (
	rootUnknown rootState = iota
	rootYes
	rootNo
)

// container is what Kubernetes, compose and ECS declare about a container,
// reduced to what the checks need.
type container struct {
	// resource is the subject: Deployment/summarizer, services.web,
	// aws_ecs_task_definition.rss_ingest.
	resource  string
	name      string
	file      string
	line      int
	image     string
	imageLine int
	root      rootState
	rootLine  int
	rootWhy   string
	escalate  []setting
	env       []envVar
	// mounts are host paths mounted into the container.
	mounts []setting
}

// setting is one privileged setting and where it is.
type setting struct {
	what string
	line int
}

type envVar struct {
	name  string
	value string
	line  int
	// literal is false for values taken from a secret store or reference.
	literal bool
}

func (c *container) label() string {
	if c.name != "" && !strings.HasSuffix(c.resource, c.name) {
		return fmt.Sprintf("container %s of %s", c.name, c.resource)
	}
	return c.resource
}

func checkContainer(r *results, c *container) {
	if c.image != "" {
		checkImage(r, c.resource, c.file, c.imageLine, c.image)
	}
	switch c.root {
	case rootYes:
		r.finding(ruleContainerRoot, 0, c.file, c.rootLine, c.resource, c.name, fmt.Sprintf("%s runs as root: %s", c.label(), c.rootWhy))
		r.observe(evidence.NonRootContainer, c.resource, false, c.file, c.line, c.rootWhy)
	case rootNo:
		r.observe(evidence.NonRootContainer, c.resource, len(c.escalate) == 0, c.file, c.line, c.rootWhy)
	}
	for _, f := range c.escalate {
		r.finding(ruleContainerPrivileged, 0, c.file, f.line, c.resource, c.name+f.what, fmt.Sprintf("%s %s", c.label(), f.what))
	}
	for _, m := range c.mounts {
		sev, why := hostPathRisk(m.what)
		r.finding(ruleHostMount, sev, c.file, m.line, c.resource, c.name+m.what, fmt.Sprintf("%s mounts the host path %s: %s", c.label(), m.what, why))
	}
	checkEnv(r, c)
}

// hostSockets are the container runtime's control sockets.
var hostSockets = []string{"/var/run/docker.sock", "/run/docker.sock", "/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/var/run/cri-dockerd.sock"}

// sensitiveHostPaths expose the host's credentials or processes.
var sensitiveHostPaths = []string{"/", "/etc", "/proc", "/sys", "/var/run", "/run", "/var/lib/kubelet", "/var/lib/docker", "/root", "/home", "/boot", "/dev"}

// hostPathRisk ranks a host path mounted into a container.
func hostPathRisk(p string) (threatmap.Severity, string) {
	clean := path.Clean(p)
	for _, s := range hostSockets {
		if clean == s {
			return threatmap.Critical, "it is the container runtime's socket, so code in the container can start a privileged container on the host"
		}
	}
	for _, s := range sensitiveHostPaths {
		// The path itself, anything under it, or a parent directory that
		// holds it (/var/lib holds /var/lib/kubelet).
		if clean == s || s != "/" && strings.HasPrefix(clean, s+"/") && s != "/home" || clean != "/" && strings.HasPrefix(s, clean+"/") {
			return threatmap.High, "it exposes the host's credentials, processes or runtime state to the container"
		}
	}
	return threatmap.Medium, "the container reads (and unless read-only, writes) the node's own files"
}

// authOff are environment settings that disable a database image's
// authentication, with the values that do so.
var authOff = map[string]func(string) bool{
	"POSTGRES_HOST_AUTH_METHOD":         func(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "trust") },
	"MYSQL_ALLOW_EMPTY_PASSWORD":        truthy,
	"MARIADB_ALLOW_EMPTY_ROOT_PASSWORD": truthy,
	"MARIADB_ALLOW_EMPTY_PASSWORD":      truthy,
}

func truthy(v string) bool {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(v), `"'`)) {
	case "yes", "true", "1", "on":
		return true
	}
	return false
}

var secretNameRE = regexp.MustCompile(`(?i)(^|[_.-])(password|passwd|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|secret[_-]?key|credentials?)($|[_.-])`)
var notSecretSuffixRE = regexp.MustCompile(`(?i)[_.-](file|path|arn|name|id|url|uri|host|header|ttl|length|enabled|expiry|expires|type|endpoint|region)$`)

// isSecretName reports whether an environment variable name holds a secret.
func isSecretName(name string) bool {
	return secretNameRE.MatchString(name) && !notSecretSuffixRE.MatchString(name)
}

// looksLikePlaceholder reports values that are not secrets: empty,
// references, template holes and obvious placeholders.
func looksLikePlaceholder(v string) bool {
	v = strings.TrimSpace(v)
	if len(v) < 4 || strings.Contains(v, "${") || strings.HasPrefix(v, "$") || strings.HasPrefix(v, "<") ||
		strings.HasPrefix(v, "arn:") || strings.HasPrefix(v, "/run/secrets/") {
		return true
	}
	switch strings.ToLower(v) {
	case "true", "false", "none", "null", "disabled", "enabled", "required", "optional":
		return true
	}
	if strings.Trim(v, "0123456789") == "" {
		return true
	}
	return strings.Trim(strings.ToLower(v), "x*.-_") == ""
}

// clearSchemes are URL schemes that carry traffic without TLS.
var clearSchemes = map[string]string{"http": "https", "ws": "wss", "redis": "rediss", "amqp": "amqps", "ftp": "sftp", "mqtt": "mqtts"}

func isLoopback(host string) bool {
	h := strings.ToLower(host)
	return h == "localhost" || h == "127.0.0.1" || h == "::1" || h == "0.0.0.0" || strings.HasSuffix(h, ".localhost")
}

func checkEnv(r *results, c *container) {
	for _, e := range c.env {
		if !e.literal {
			continue
		}
		if off := authOff[strings.ToUpper(e.name)]; off != nil && off(e.value) {
			r.finding(ruleDatabaseNoAuth, 0, c.file, e.line, c.resource, e.name,
				fmt.Sprintf("%s sets %s=%s: the database accepts connections without a password", c.label(), e.name, e.value))
			continue
		}
		if isSecretName(e.name) && !looksLikePlaceholder(e.value) {
			f := r.finding(ruleSecretLiteral, 0, c.file, e.line, c.resource, e.name,
				fmt.Sprintf("%s sets %s to a literal secret in its environment", c.label(), e.name))
			f.Secret = r.mask(e.value)
			continue
		}
		u, err := url.Parse(strings.TrimSpace(e.value))
		if err != nil || u.Host == "" {
			continue
		}
		if pw, ok := u.User.Password(); ok && !looksLikePlaceholder(pw) {
			f := r.finding(ruleSecretLiteral, 0, c.file, e.line, c.resource, e.name,
				fmt.Sprintf("%s puts a password in the URL of %s", c.label(), e.name))
			f.Secret = r.mask(pw)
		}
		if secure, clear := clearSchemes[strings.ToLower(u.Scheme)]; clear && !isLoopback(u.Hostname()) {
			r.finding(rulePlainHTTP, 0, c.file, e.line, c.resource, e.name,
				fmt.Sprintf("%s calls %s over %s:// (%s); use %s://", c.label(), u.Host, u.Scheme, e.name, secure))
		}
	}
}

// checkImage flags images not pinned by digest.
func checkImage(r *results, resource, file string, line int, image string) {
	image = strings.TrimSpace(image)
	if image == "" || strings.Contains(image, "$") || strings.EqualFold(image, "scratch") {
		return
	}
	if strings.Contains(image, "@sha256:") {
		r.observe(evidence.PinnedImage, resource, true, file, line, image)
		return
	}
	name := image
	tag := ""
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		name, tag = image[:i], image[i+1:]
	}
	sev := threatmap.Low
	why := fmt.Sprintf("tag %q can be moved to a different image", tag)
	switch tag {
	case "":
		sev, why = threatmap.Medium, "no tag means latest, which changes with every release"
	case "latest":
		sev, why = threatmap.Medium, "latest changes with every release"
	}
	r.finding(ruleMutableImage, sev, file, line, resource, image, fmt.Sprintf("%s uses image %s without a digest: %s", resource, name+tagSuffix(tag), why))
	r.observe(evidence.PinnedImage, resource, false, file, line, image)
}

func tagSuffix(tag string) string {
	if tag == "" {
		return ""
	}
	return ":" + tag
}

// envFromMapping reads {NAME: value} (compose, Lambda variables).
func envFromMapping(n *yaml.Node) []envVar {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out []envVar
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			continue
		}
		out = append(out, envVar{name: k.Value, value: v.Value, line: v.Line, literal: !strings.Contains(v.Value, "${")})
	}
	return out
}

// ecsContainers reads an ECS container_definitions list.
func ecsContainers(resource, file string, n *yaml.Node) []*container {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []*container
	for _, def := range n.Content {
		if def.Kind != yaml.MappingNode {
			continue
		}
		c := &container{resource: resource, file: file, line: def.Line}
		if v := lookup(def, "name"); v != nil {
			c.name = v.Value
		}
		if v := lookup(def, "image"); v != nil {
			c.image, c.imageLine = v.Value, v.Line
		}
		if v := lookup(def, "user"); v != nil {
			c.rootLine = v.Line
			if isRootUser(v.Value) {
				c.root, c.rootWhy = rootYes, fmt.Sprintf("user %q", v.Value)
			} else {
				c.root, c.rootWhy = rootNo, fmt.Sprintf("user %q", v.Value)
			}
		}
		if v := lookup(def, "privileged"); v != nil && v.Value == "true" {
			c.escalate = append(c.escalate, setting{"runs privileged", v.Line})
		}
		if env := lookup(def, "environment"); env != nil && env.Kind == yaml.SequenceNode {
			for _, e := range env.Content {
				name, value := lookup(e, "name"), lookup(e, "value")
				if name == nil || value == nil || value.Kind != yaml.ScalarNode {
					continue
				}
				c.env = append(c.env, envVar{name: name.Value, value: value.Value, line: value.Line, literal: !strings.Contains(value.Value, "${")})
			}
		}
		out = append(out, c)
	}
	return out
}

func isRootUser(u string) bool {
	u = strings.TrimSpace(u)
	name, _, _ := strings.Cut(u, ":")
	return name == "root" || name == "0"
}
