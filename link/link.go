// Package link matches evidence to the elements of a model: a finding about
// aws_s3_bucket.uploads to the bucket component that lists that ref, a
// discovered route to the surface with the same method and path, a
// vulnerable lockfile to the component whose code holds it. Evidence that
// matches no element is kept for the whole system, and routes that match no
// surface are the model's unmodeled surfaces.
package link

import (
	"path"
	"regexp"
	"strings"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/model"
)

// Index is the evidence attached to each element id. The pseudo-element
// model.SystemElement collects repository-wide evidence.
type Index struct {
	Findings     map[string][]evidence.Finding
	Observations map[string][]evidence.Observation
	Routes       map[string][]evidence.Route
	// Unmodeled lists discovered routes that match no surface in the model;
	// UnmodeledComponent holds, at the same index, the component whose code
	// serves each one ("" when no component's path holds the file).
	Unmodeled          []evidence.Route
	UnmodeledComponent []string
	// Stale lists surfaces with a path that no discovered route serves,
	// when route discovery ran and found routes in the surface's component.
	Stale []string
	// UnmodeledResources lists infrastructure resources (IaC addresses,
	// IAM identities) that scanners reported on and that no element of the
	// model names in its id, name or refs, in order of first mention.
	UnmodeledResources []Resource
}

// Resource is an infrastructure resource seen in the evidence.
type Resource struct {
	Address string `json:"address"`
	Scanner string `json:"scanner"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
}

// Build links set to m. dirRel is the path of the model's directory
// relative to the scanned root, with forward slashes ("" when the model sits
// at the root), so that component paths written in the model line up with
// file paths in the evidence.
func Build(m *model.Model, set evidence.Set, dirRel string) *Index {
	ix := &Index{
		Findings:     map[string][]evidence.Finding{},
		Observations: map[string][]evidence.Observation{},
		Routes:       map[string][]evidence.Route{},
	}
	// The names of every element are indexed when the first piece of
	// evidence names something to resolve (on a large model the index is
	// one of the largest things a run builds, and most evidence names no
	// resource or subject).
	var index names
	nameIndexed := func() names {
		if index == nil {
			index = nameIndex(m)
		}
		return index
	}
	paths := componentPaths(m, dirRel)
	secretSurfaces := surfacesOfKind(m, "secret")
	ciComponents := componentsOfKind(m, "ci")

	seenResource := map[string]bool{}
	noteResource := func(scanner, address, file string, line int) {
		if (scanner != "iac" && scanner != "iam") || !looksLikeResource(address) || seenResource[address] || len(nameIndexed().lookup(address)) > 0 || nameIndexed().covers(address) {
			return
		}
		seenResource[address] = true
		ix.UnmodeledResources = append(ix.UnmodeledResources, Resource{Address: address, Scanner: scanner, File: file, Line: line})
	}
	for _, f := range set.Findings {
		noteResource(f.Scanner, f.Resource, f.File, f.Line)
		var targets []string
		if f.Resource != "" {
			targets = nameIndexed().resolve(f.Resource)
		}
		if method, p, ok := splitRouteSubject(f.Resource); ok {
			targets = append(targets, surfacesMatching(m, kindOfMethod(method), method, p)...)
		} else if strings.HasPrefix(f.Resource, "/") {
			// A probed URL path: the surfaces at that path, whatever the method.
			targets = append(targets, surfacesMatching(m, "", "", f.Resource)...)
		}
		// A code finding whose handler serves a route attaches to the
		// surfaces that describe the route, so that a surface's input
		// rules see the sink behind it.
		for _, rt := range strings.Split(f.Route, ", ") {
			if method, p, ok := splitRouteSubject(rt); ok {
				targets = append(targets, surfacesMatching(m, "", method, p)...)
			}
		}
		switch f.Scanner {
		case "secrets":
			targets = append(targets, secretSurfaces...)
		case "workflows":
			targets = append(targets, ciComponents...)
		}
		if c := paths.owner(f.File); c != "" {
			targets = append(targets, c)
		}
		ix.Findings[model.SystemElement] = append(ix.Findings[model.SystemElement], f)
		for _, id := range dedupe(targets) {
			ix.Findings[id] = append(ix.Findings[id], f)
		}
	}

	for _, o := range set.Observations {
		noteResource(o.Scanner, o.Subject, o.File, o.Line)
		var targets []string
		if o.Subject != "" {
			targets = nameIndexed().resolve(o.Subject)
		}
		if method, p, ok := splitRouteSubject(o.Subject); ok {
			targets = append(targets, surfacesMatching(m, kindOfMethod(method), method, p)...)
		}
		if o.Subject == "" {
			switch {
			case o.Scanner == "secrets":
				targets = append(targets, secretSurfaces...)
			case strings.HasPrefix(string(o.Property), "ci-"):
				targets = append(targets, ciComponents...)
			}
		}
		if o.Scanner == "workflows" {
			targets = append(targets, ciComponents...)
		}
		if c := paths.owner(o.File); c != "" {
			targets = append(targets, c)
		}
		ix.Observations[model.SystemElement] = append(ix.Observations[model.SystemElement], o)
		for _, id := range dedupe(targets) {
			ix.Observations[id] = append(ix.Observations[id], o)
		}
	}

	routeComponents := map[string]bool{}
	for _, r := range set.Routes {
		matched := surfacesMatching(m, r.Kind, r.Method, r.Path)
		if c := paths.owner(r.File); c != "" {
			routeComponents[c] = true
		}
		if len(matched) == 0 {
			ix.Unmodeled = append(ix.Unmodeled, r)
			ix.UnmodeledComponent = append(ix.UnmodeledComponent, paths.owner(r.File))
			continue
		}
		for _, id := range matched {
			ix.Routes[id] = append(ix.Routes[id], r)
		}
	}
	if len(set.Routes) > 0 {
		for _, s := range m.Surfaces {
			if s.Path == "" || len(ix.Routes[s.ID]) > 0 || s.Kind == "storage" || s.Kind == "secret" || s.Kind == "exit" {
				continue
			}
			if routeComponents[s.Component] {
				ix.Stale = append(ix.Stale, s.ID)
			}
		}
	}
	return ix
}

// names maps every name a model author might write for an element (its
// id, name and refs) to element ids.
type names map[string][]string

func (n names) add(key, id string) {
	key = strings.ToLower(strings.TrimSpace(key))
	if key == "" {
		return
	}
	for _, existing := range n[key] {
		if existing == id {
			return
		}
	}
	n[key] = append(n[key], id)
}

func (n names) lookup(key string) []string {
	if key == "" {
		return nil
	}
	return append([]string(nil), n[strings.ToLower(strings.TrimSpace(key))]...)
}

// looksLikeResource tells a resource address (aws_s3_bucket.x,
// Deployment/api, services.web) from a bare resource type or a file path.
func looksLikeResource(address string) bool {
	switch path.Ext(address) {
	case ".json", ".yaml", ".yml", ".tf", "":
		if path.Ext(address) != "" {
			return false
		}
	}
	return strings.Contains(address, ".") || strings.Contains(address, "/")
}

// resolve looks an address up, and also its base without an instance key,
// so a component with ref aws_lambda_function.bot receives the evidence
// about aws_lambda_function.bot["summarizer"].
func (n names) resolve(address string) []string {
	out := n.lookup(address)
	if base, _, ok := strings.Cut(address, "["); ok {
		out = append(out, n.lookup(base)...)
	}
	return out
}

// covers reports whether a ref written without an instance key names an
// instance: aws_lambda_function.bot covers aws_lambda_function.bot["a"].
func (n names) covers(address string) bool {
	base, _, ok := strings.Cut(address, "[")
	return ok && len(n.lookup(base)) > 0
}

func nameIndex(m *model.Model) names {
	n := names{}
	for _, c := range m.Components {
		n.add(c.ID, c.ID)
		for _, r := range c.Refs {
			n.add(r, c.ID)
		}
	}
	for _, id := range m.Identities {
		n.add(id.ID, id.ID)
		n.add(id.Name, id.ID)
		for _, r := range id.Refs {
			n.add(r, id.ID)
		}
		if id.Policy != "" {
			n.add(path.Clean(id.Policy), id.ID)
		}
	}
	for _, s := range m.Surfaces {
		n.add(s.ID, s.ID)
	}
	for _, f := range m.Flows {
		n.add(f.ID, f.ID)
	}
	return n
}

type pathOwner struct {
	prefix string
	id     string
}

type pathOwners []pathOwner

func componentPaths(m *model.Model, dirRel string) pathOwners {
	var owners pathOwners
	for _, c := range m.Components {
		if c.Path == "" {
			continue
		}
		p := path.Clean(path.Join(dirRel, strings.TrimPrefix(c.Path, "./")))
		owners = append(owners, pathOwner{prefix: p, id: c.ID})
	}
	return owners
}

// owner returns the component whose path holds file, preferring the
// longest (most specific) path.
func (po pathOwners) owner(file string) string {
	if file == "" {
		return ""
	}
	best, bestLen := "", -1
	for _, o := range po {
		if (file == o.prefix || strings.HasPrefix(file, o.prefix+"/") || o.prefix == ".") && len(o.prefix) > bestLen {
			best, bestLen = o.id, len(o.prefix)
		}
	}
	return best
}

func surfacesOfKind(m *model.Model, kind string) []string {
	var ids []string
	for _, s := range m.Surfaces {
		if s.Kind == kind {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

func componentsOfKind(m *model.Model, kind string) []string {
	var ids []string
	for _, c := range m.Components {
		if c.Kind == kind {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

func surfacesMatching(m *model.Model, routeKind, method, p string) []string {
	var ids []string
	for _, s := range m.Surfaces {
		if s.Path != "" && KindMatches(s.Kind, routeKind) && (routeKind != "" && routeKind != evidence.RouteKindBotWebhook || MethodMatches(s.Method, method)) && NormalizePath(s.Path) == NormalizePath(p) {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// KindMatches reports whether a surface of the model's kind can be the
// entry point a scanner found: a bot command a command surface, a server
// action an action, a consumer a queue, a scheduled job a job; HTTP routes
// (and the webhook servers bot frameworks start) match the other kinds.
func KindMatches(surfaceKind, routeKind string) bool {
	switch routeKind {
	case evidence.RouteKindBotCommand:
		return surfaceKind == "command"
	case evidence.RouteKindServerAction:
		return surfaceKind == "action"
	case evidence.RouteKindQueue:
		return surfaceKind == "queue"
	case evidence.RouteKindCron:
		return surfaceKind == "job"
	}
	return surfaceKind != "command" && surfaceKind != "action" && surfaceKind != "job"
}

// kindOfMethod tells the kind of entry point an observation subject names
// by the method the route scanner gives it.
func kindOfMethod(method string) string {
	switch method {
	case "COMMAND", "MESSAGE", "EVENT", "CALLBACK":
		return evidence.RouteKindBotCommand
	case "SCHEDULE":
		return evidence.RouteKindCron
	case "CONSUME":
		return evidence.RouteKindQueue
	}
	return ""
}

// MethodMatches reports whether a method written in the model covers a
// method found in code; ANY and empty cover every method.
func MethodMatches(modelMethod, found string) bool {
	a, b := strings.ToUpper(modelMethod), strings.ToUpper(found)
	return a == "" || a == "ANY" || b == "" || b == "ANY" || a == b
}

var paramPatterns = []*regexp.Regexp{
	regexp.MustCompile(`\{[^/}]*\}`),               // {id}, {id:[0-9]+}
	regexp.MustCompile(`<[^/>]*>`),                 // <int:id>
	regexp.MustCompile(`:[A-Za-z_][^/]*`),          // :id
	regexp.MustCompile(`\[\[?\.{0,3}[^/\]]*\]?\]`), // [id], [...slug]
	regexp.MustCompile(`\*[A-Za-z_]*`),             // *path
}

// NormalizePath writes every path parameter as {} and drops a trailing
// slash, so /api/documents/:id, /api/documents/<int:id> and
// /api/documents/{doc_id}/ compare equal.
func NormalizePath(p string) string {
	for _, re := range paramPatterns {
		p = re.ReplaceAllString(p, "{}")
	}
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return p
}

// splitRouteSubject reads an observation subject of the form "METHOD /path".
func splitRouteSubject(s string) (method, p string, ok bool) {
	method, p, ok = strings.Cut(s, " ")
	if !ok || !strings.HasPrefix(p, "/") || method == "" || strings.ToUpper(method) != method {
		return "", "", false
	}
	return method, p, true
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
