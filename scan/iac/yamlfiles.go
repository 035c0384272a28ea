package iac

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap/evidence"
)

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// checkYAMLFile reads every document of a YAML (or JSON) file and checks
// those that are Kubernetes objects, compose files or CloudFormation/SAM
// templates. Other YAML (CI workflows, application config) is left alone.
func checkYAMLFile(r *results, rel string, src []byte, tree *treeState) (serr *SyntaxError) {
	if isTemplated(src) {
		return nil
	}
	// A YAML library panic on hostile input becomes a parse error, never a
	// crash of the scan.
	defer func() {
		if rec := recover(); rec != nil {
			serr = &SyntaxError{File: rel, Line: 1, Column: 1, Msg: fmt.Sprintf("YAML parser failed: %v", rec)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			line := 1
			if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
				line, _ = strconv.Atoi(m[1])
			}
			return &SyntaxError{File: rel, Line: line, Column: 1, Msg: err.Error()}
		}
		n := &doc
		if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
			n = n.Content[0]
		}
		if n.Kind != yaml.MappingNode {
			continue
		}
		switch {
		case lookup(n, "apiVersion") != nil && lookup(n, "kind") != nil:
			checkKubernetes(r, rel, n)
		case lookup(n, "services") != nil && isComposeFile(rel, n):
			checkCompose(r, rel, n)
		case isCloudFormation(n):
			checkCloudFormation(r, rel, n, tree)
		}
	}
}

// looksLikeInfrastructure tells, without parsing, whether a YAML or JSON
// file is meant to be a Kubernetes manifest, a compose file or a
// CloudFormation template, so that only those are reported when broken.
func looksLikeInfrastructure(rel string, src []byte) bool {
	base := strings.ToLower(path.Base(rel))
	switch {
	case strings.Contains(base, "compose"):
		return true
	case bytes.Contains(src, []byte("AWSTemplateFormatVersion")), bytes.Contains(src, []byte("AWS::")):
		return true
	case bytes.Contains(src, []byte("apiVersion:")) && bytes.Contains(src, []byte("kind:")):
		return true
	}
	return false
}

func isComposeFile(rel string, n *yaml.Node) bool {
	base := strings.ToLower(path.Base(rel))
	if strings.Contains(base, "compose") {
		return true
	}
	svcs := lookup(n, "services")
	if svcs == nil || svcs.Kind != yaml.MappingNode {
		return false
	}
	for i := 1; i < len(svcs.Content); i += 2 {
		if lookup(svcs.Content[i], "image") != nil || lookup(svcs.Content[i], "build") != nil {
			return true
		}
	}
	return false
}

// podSpecOf finds the pod spec of a workload object.
func podSpecOf(kind string, n *yaml.Node) *yaml.Node {
	spec := lookup(n, "spec")
	switch kind {
	case "Pod":
		return spec
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController":
		return lookup(lookup(spec, "template"), "spec")
	case "CronJob":
		return lookup(lookup(lookup(lookup(spec, "jobTemplate"), "spec"), "template"), "spec")
	}
	return nil
}

// keyLine returns the line of a key in a mapping, or the mapping's line.
func keyLine(n *yaml.Node, key string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i].Line
		}
	}
	return n.Line
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func checkKubernetes(r *results, rel string, n *yaml.Node) {
	kind := scalar(lookup(n, "kind"))
	name := scalar(lookup(lookup(n, "metadata"), "name"))
	resource := kind + "/" + name
	switch kind {
	case "Service":
		checkK8sService(r, rel, resource, n)
		return
	case "Ingress":
		spec := lookup(n, "spec")
		if tls := lookup(spec, "tls"); tls == nil || len(tls.Content) == 0 {
			r.finding(rulePlainHTTP, 0, rel, keyLine(n, "kind"), resource, "ingress", fmt.Sprintf("ingress %s has no tls section: it serves plain HTTP", resource))
			r.observe(evidence.EncryptedInTransit, resource, false, rel, n.Line, "no tls")
		} else {
			r.observe(evidence.EncryptedInTransit, resource, true, rel, n.Line, "tls configured")
		}
		return
	}
	pod := podSpecOf(kind, n)
	if pod == nil {
		return
	}
	if sa := lookup(pod, "serviceAccountName"); scalar(sa) != "" && scalar(sa) != "default" {
		ns := orDefault(scalar(lookup(lookup(n, "metadata"), "namespace")), "default")
		r.serviceAccounts.add(ns+"/"+sa.Value, resource, rel, sa.Line)
	}
	podSC := lookup(pod, "securityContext")
	var podFlags []setting
	for _, key := range []string{"hostNetwork", "hostPID", "hostIPC"} {
		if v := lookup(pod, key); scalar(v) == "true" {
			podFlags = append(podFlags, setting{"shares the host's namespace (" + key + ": true)", v.Line})
		}
	}
	// hostPath volumes by name, with the path and its line.
	hostVols := map[string]setting{}
	if vols := lookup(pod, "volumes"); vols != nil && vols.Kind == yaml.SequenceNode {
		for _, v := range vols.Content {
			if p := lookup(lookup(v, "hostPath"), "path"); p != nil && p.Kind == yaml.ScalarNode {
				hostVols[scalar(lookup(v, "name"))] = setting{p.Value, p.Line}
			}
		}
	}
	for _, listKey := range []string{"initContainers", "containers"} {
		list := lookup(pod, listKey)
		if list == nil || list.Kind != yaml.SequenceNode {
			continue
		}
		for _, cn := range list.Content {
			c := &container{resource: resource, file: rel, line: cn.Line, name: scalar(lookup(cn, "name"))}
			if img := lookup(cn, "image"); img != nil {
				c.image, c.imageLine = img.Value, img.Line
			}
			sc := lookup(cn, "securityContext")
			c.root, c.rootLine, c.rootWhy = k8sRoot(sc, podSC, cn.Line)
			if v := lookup(sc, "privileged"); scalar(v) == "true" {
				c.escalate = append(c.escalate, setting{"runs privileged", v.Line})
			}
			if v := lookup(sc, "allowPrivilegeEscalation"); scalar(v) == "true" {
				c.escalate = append(c.escalate, setting{"allows privilege escalation", v.Line})
			}
			if add := lookup(lookup(sc, "capabilities"), "add"); add != nil {
				for _, capNode := range add.Content {
					if cp := strings.ToUpper(capNode.Value); cp == "SYS_ADMIN" || cp == "ALL" || cp == "NET_ADMIN" || cp == "SYS_PTRACE" {
						c.escalate = append(c.escalate, setting{"adds the " + cp + " capability", capNode.Line})
					}
				}
			}
			if listKey == "containers" {
				c.escalate = append(c.escalate, podFlags...)
			}
			if vm := lookup(cn, "volumeMounts"); vm != nil && vm.Kind == yaml.SequenceNode {
				for _, m := range vm.Content {
					if hv, ok := hostVols[scalar(lookup(m, "name"))]; ok {
						c.mounts = append(c.mounts, hv)
					}
				}
			}
			if env := lookup(cn, "env"); env != nil && env.Kind == yaml.SequenceNode {
				for _, e := range env.Content {
					v := lookup(e, "value")
					if v == nil || v.Kind != yaml.ScalarNode {
						continue
					}
					c.env = append(c.env, envVar{name: scalar(lookup(e, "name")), value: v.Value, line: v.Line, literal: true})
				}
			}
			checkContainer(r, c)
		}
	}
}

// k8sRoot decides whether a container runs as root from its own and its
// pod's securityContext; the container's settings win.
func k8sRoot(sc, podSC *yaml.Node, line int) (rootState, int, string) {
	for _, ctx := range []*yaml.Node{sc, podSC} {
		if u := lookup(ctx, "runAsUser"); u != nil {
			if strings.TrimSpace(u.Value) == "0" {
				return rootYes, u.Line, "runAsUser: 0"
			}
			return rootNo, u.Line, "runAsUser: " + u.Value
		}
		if v := lookup(ctx, "runAsNonRoot"); v != nil {
			if v.Value == "true" {
				return rootNo, v.Line, "runAsNonRoot: true"
			}
			return rootYes, v.Line, "runAsNonRoot: false"
		}
	}
	return rootYes, line, "neither runAsNonRoot: true nor a non-zero runAsUser is set, so the image's user (usually root) applies"
}

func checkK8sService(r *results, rel, resource string, n *yaml.Node) {
	spec := lookup(n, "spec")
	typ := scalar(lookup(spec, "type"))
	exposed := typ == "LoadBalancer" || typ == "NodePort"
	if !exposed {
		r.observe(evidence.NotInternetExposed, resource, true, rel, n.Line, "type "+orDefault(typ, "ClusterIP"))
		return
	}
	checkServicePlainHTTP(r, rel, resource, typ, n)
	ranges := lookup(spec, "loadBalancerSourceRanges")
	restricted := ranges != nil && len(ranges.Content) > 0 && !containsWorld(ranges)
	if ports := lookup(spec, "ports"); ports != nil && !restricted {
		for _, p := range ports.Content {
			for _, key := range []string{"port", "targetPort"} {
				v := lookup(p, key)
				num, err := strconv.Atoi(scalar(v))
				if err != nil {
					continue
				}
				// A Service does not say what runs behind it: a port that
				// applications serve themselves is left alone.
				if _, shared := sharedPorts[num]; shared {
					continue
				}
				if label, risky := riskyPorts[num]; risky {
					r.finding(ruleInternetExposed, 0, rel, v.Line, resource, scalar(v),
						fmt.Sprintf("service %s of type %s exposes port %d (%s) outside the cluster", resource, typ, num, label))
					break
				}
			}
		}
	}
	r.observe(evidence.NotInternetExposed, resource, restricted, rel, n.Line, "type "+typ)
}

// checkServicePlainHTTP flags a LoadBalancer Service that serves port 80
// (or a port named http) without a TLS certificate annotation: the cloud
// load balancer then forwards plain HTTP from the internet.
func checkServicePlainHTTP(r *results, rel, resource, typ string, n *yaml.Node) {
	if typ != "LoadBalancer" {
		return
	}
	annotations := lookup(lookup(n, "metadata"), "annotations")
	for i := 0; annotations != nil && i+1 < len(annotations.Content); i += 2 {
		if strings.Contains(annotations.Content[i].Value, "ssl-cert") || strings.Contains(annotations.Content[i].Value, "certificate") {
			return
		}
	}
	ports := lookup(lookup(n, "spec"), "ports")
	if ports == nil {
		return
	}
	for _, p := range ports.Content {
		port := lookup(p, "port")
		line := p.Line
		if port != nil {
			line = port.Line
		}
		if scalar(port) == "80" || strings.EqualFold(scalar(lookup(p, "name")), "http") {
			r.finding(rulePlainHTTP, 0, rel, line, resource, "http",
				fmt.Sprintf("service %s of type LoadBalancer serves plain HTTP on port %s without a TLS certificate", resource, scalar(port)))
			return
		}
	}
}

func containsWorld(n *yaml.Node) bool {
	for _, c := range n.Content {
		if isWorld(c.Value) {
			return true
		}
	}
	return false
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func checkCompose(r *results, rel string, n *yaml.Node) {
	svcs := lookup(n, "services")
	if svcs == nil || svcs.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(svcs.Content); i += 2 {
		name, svc := svcs.Content[i].Value, svcs.Content[i+1]
		if svc.Kind != yaml.MappingNode {
			continue
		}
		resource := "services." + name
		c := &container{resource: resource, file: rel, line: svcs.Content[i].Line}
		if img := lookup(svc, "image"); img != nil {
			c.image, c.imageLine = img.Value, img.Line
		}
		if u := lookup(svc, "user"); u != nil {
			c.rootLine = u.Line
			c.root, c.rootWhy = rootNo, fmt.Sprintf("user %q", u.Value)
			if isRootUser(u.Value) {
				c.root = rootYes
			}
		}
		if v := lookup(svc, "privileged"); scalar(v) == "true" {
			c.escalate = append(c.escalate, setting{"runs privileged", v.Line})
		}
		for _, key := range []string{"network_mode", "pid", "ipc"} {
			if v := lookup(svc, key); scalar(v) == "host" {
				c.escalate = append(c.escalate, setting{"shares the host's namespace (" + key + ": host)", v.Line})
			}
		}
		if add := lookup(svc, "cap_add"); add != nil {
			for _, capNode := range add.Content {
				if cp := strings.ToUpper(strings.TrimPrefix(capNode.Value, "CAP_")); cp == "SYS_ADMIN" || cp == "ALL" || cp == "NET_ADMIN" || cp == "SYS_PTRACE" {
					c.escalate = append(c.escalate, setting{"adds the " + cp + " capability", capNode.Line})
				}
			}
		}
		if env := lookup(svc, "environment"); env != nil {
			switch env.Kind {
			case yaml.MappingNode:
				c.env = envFromMapping(env)
			case yaml.SequenceNode:
				for _, e := range env.Content {
					k, v, ok := strings.Cut(e.Value, "=")
					if !ok {
						continue
					}
					c.env = append(c.env, envVar{name: k, value: v, line: e.Line, literal: !strings.Contains(v, "${")})
				}
			}
		}
		c.mounts = composeHostMounts(lookup(svc, "volumes"))
		checkContainer(r, c)
		// A service built from the project's own code runs the
		// application, whatever port it serves on.
		runs := scalar(lookup(svc, "image"))
		if runs == "" && lookup(svc, "build") != nil {
			runs = "build"
		}
		checkComposePorts(r, rel, resource, runs, lookup(svc, "ports"))
	}
}

// checkComposePorts flags risky container ports published on every
// interface of the host.
func checkComposePorts(r *results, rel, resource, image string, ports *yaml.Node) {
	if ports == nil || ports.Kind != yaml.SequenceNode {
		return
	}
	open := false
	for _, p := range ports.Content {
		var hostIP, target string
		switch p.Kind {
		case yaml.ScalarNode:
			parts := strings.Split(p.Value, ":")
			target = parts[len(parts)-1]
			if len(parts) == 3 {
				hostIP = parts[0]
			}
			if len(parts) == 1 {
				// A bare container port is published on a random host port
				// on every interface.
				hostIP = ""
			}
		case yaml.MappingNode:
			target, hostIP = scalar(lookup(p, "target")), scalar(lookup(p, "host_ip"))
		}
		target, _, _ = strings.Cut(target, "/")
		num, err := strconv.Atoi(strings.TrimSpace(target))
		if err != nil {
			continue
		}
		if hostIP != "" && hostIP != "0.0.0.0" && hostIP != "::" && hostIP != "[::]" {
			continue
		}
		open = true
		if label, risky := riskyPortOf(num, image); risky {
			r.finding(ruleInternetExposed, 0, rel, p.Line, resource, target,
				fmt.Sprintf("%s publishes port %d (%s) on every interface of the host; bind it to 127.0.0.1 or drop the mapping", resource, num, label))
		}
	}
	r.observe(evidence.NotInternetExposed, resource, !open, rel, ports.Line, "published ports")
}

// composeHostMounts lists the absolute host paths a compose service binds
// into its container, in the short ("/host:/ctr:ro") and long (type: bind)
// syntax. Paths relative to the project (./data) are the project's own
// files and are not listed; named volumes are not host paths.
func composeHostMounts(vols *yaml.Node) []setting {
	if vols == nil || vols.Kind != yaml.SequenceNode {
		return nil
	}
	var out []setting
	for _, v := range vols.Content {
		src := ""
		switch v.Kind {
		case yaml.ScalarNode:
			src, _, _ = strings.Cut(v.Value, ":")
		case yaml.MappingNode:
			if t := scalar(lookup(v, "type")); t == "bind" || t == "" {
				src = scalar(lookup(v, "source"))
			}
		}
		if strings.HasPrefix(src, "/") {
			out = append(out, setting{src, v.Line})
		}
	}
	return out
}
