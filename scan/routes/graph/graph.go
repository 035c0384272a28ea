// Package graph is the language-neutral shape route extractors fill in:
// routers (an app, a blueprint, a chi sub-router, an Express Router) that
// register routes, carry guards and are mounted into one another under a
// prefix. Flatten walks the mounts from every root and yields each route with
// its full path and every guard that applies to it, wherever it was applied.
package graph

import (
	"cmp"
	"slices"
	"strings"

	"github.com/threatmap/threatmap/evidence"
)

// Guard is a protection applied at router or mount level.
type Guard struct {
	Kind string
	// Ordered guards apply only to routes and mounts registered after them
	// in the same file, as Express app.use and gin's Use do.
	Ordered bool
	File    string
	Line    int
	// Prefix limits the guard to routes and mounts under a path, as
	// app.use("/admin", requireAuth) does.
	Prefix string
}

// Route is one registration on a router, before prefixes are joined.
type Route struct {
	Method  string
	Path    string
	File    string
	Line    int
	Handler string
	// HandlerFile, HandlerFunc and HandlerLine say where a handler defined
	// in another file than the registration is (see evidence.Route).
	HandlerFile string
	HandlerFunc string
	HandlerLine int
	Framework   string
	Guards      []string
	// Without lists guards the route opts out of, such as csrf_exempt or
	// SkipThrottle, which cancel a guard inherited from the router.
	Without []string
	Tags    []string
}

// Mount attaches router Child under router Parent at Prefix.
type Mount struct {
	Child  string
	Prefix string
	// Replace means Prefix replaces the child's own prefix, as Flask's
	// register_blueprint(url_prefix=...) does, instead of being joined to it.
	Replace bool
	// Isolated means the child runs only the guards of this mount and its
	// own, none of the parent's: ozzo-routing's Group(prefix, handlers...).
	Isolated bool
	Guards   []string
	File     string
	Line     int
}

// Router is anything routes are registered on.
type Router struct {
	ID     string
	Prefix string
	Guards []Guard
	// Without lists guards cancelled for every route of this router.
	Without []string
	Routes  []Route
	Mounts  []Mount
	// Child marks a router that only makes sense mounted (a Flask
	// blueprint, an Express Router); it is still reported on its own when
	// nothing mounts it, since its routes are in the code.
	Child bool
}

// Graph holds routers by ID.
type Graph struct {
	routers map[string]*Router
	order   []string
	visits  int
	// unresolved lists registrations seen but not turned into routes.
	unresolved []evidence.Unresolved
	// TagUnmounted makes Flatten tag the routes of a Child router that
	// nothing mounts (an Express Router, a function taking a router that
	// no code calls) with evidence.TagUnmounted: the app's entry point
	// never serves them.
	TagUnmounted bool
}

// Unresolve records a registration at file:line the extractor saw but could
// not turn into a route (a router or path it could not follow), so that a
// missing route is reported instead of silently dropped. The Scanner field is
// left for the scanner to fill in.
func (g *Graph) Unresolve(file string, line int, reason string) {
	g.unresolved = append(g.unresolved, evidence.Unresolved{File: file, Line: line, Reason: reason})
}

// Unresolved returns the recorded unresolved registrations, sorted by file,
// line and reason, without duplicates.
func (g *Graph) Unresolved() []evidence.Unresolved {
	return SortUnresolved(g.unresolved)
}

// SortUnresolved sorts unresolved registrations by file, line and reason
// and drops exact duplicates. It never returns nil.
func SortUnresolved(us []evidence.Unresolved) []evidence.Unresolved {
	out := slices.Clone(us)
	slices.SortFunc(out, func(a, b evidence.Unresolved) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Reason, b.Reason), cmp.Compare(a.Scanner, b.Scanner))
	})
	out = slices.Compact(out)
	if out == nil {
		out = []evidence.Unresolved{}
	}
	return out
}

// New returns an empty graph.
func New() *Graph { return &Graph{routers: map[string]*Router{}} }

// Router returns the router with this ID, creating it on first use.
func (g *Graph) Router(id string) *Router {
	if r, ok := g.routers[id]; ok {
		return r
	}
	r := &Router{ID: id}
	g.routers[id] = r
	g.order = append(g.order, id)
	return r
}

// Each calls fn for every router in creation order.
func (g *Graph) Each(fn func(*Router)) {
	for _, id := range g.order {
		fn(g.routers[id])
	}
}

// Lookup returns the router with this ID, if any.
func (g *Graph) Lookup(id string) (*Router, bool) {
	r, ok := g.routers[id]
	return r, ok
}

// Rename moves every reference to router from onto router to, merging the
// two. Linkers use it when a symbol in one file turns out to be a router
// defined in another.
func (g *Graph) Alias(from, to string) {
	if from == to {
		return
	}
	src, ok := g.routers[from]
	if !ok {
		return
	}
	dst := g.Router(to)
	dst.Guards = append(dst.Guards, src.Guards...)
	dst.Without = append(dst.Without, src.Without...)
	dst.Routes = append(dst.Routes, src.Routes...)
	dst.Mounts = append(dst.Mounts, src.Mounts...)
	if dst.Prefix == "" {
		dst.Prefix = src.Prefix
	}
	dst.Child = dst.Child || src.Child
	delete(g.routers, from)
	g.order = slices.DeleteFunc(g.order, func(id string) bool { return id == from })
	for _, r := range g.routers {
		for i := range r.Mounts {
			if r.Mounts[i].Child == from {
				r.Mounts[i].Child = to
			}
		}
	}
}

// maxDepth bounds mount nesting so that a cycle or a pathological input
// cannot blow the stack.
const maxDepth = 32

// maxVisits bounds the work of one Flatten: routers mounted several times
// at every level multiply, and a hostile tree could make that exponential.
const maxVisits = 200_000

// Flatten returns every route with its prefixes joined and guards merged.
// Routers that are mounted somewhere are reached through their parents;
// the rest are roots.
func (g *Graph) Flatten() []evidence.Route {
	mounted := map[string]bool{}
	for _, id := range g.order {
		for _, m := range g.routers[id].Mounts {
			if _, ok := g.routers[m.Child]; ok && m.Child != id {
				mounted[m.Child] = true
			}
		}
	}
	var out []evidence.Route
	for _, id := range g.order {
		if mounted[id] {
			continue
		}
		r := g.routers[id]
		start := len(out)
		g.walk(r, r.Prefix, nil, nil, map[string]bool{}, 0, &out)
		if g.TagUnmounted && r.Child {
			for i := start; i < len(out); i++ {
				out[i].Tags = appendTag(out[i].Tags, evidence.TagUnmounted)
			}
		}
	}
	// A set of routers that only mount each other has no root; report
	// their routes from each of them so nothing is lost.
	reached := map[string]bool{}
	for _, id := range g.order {
		if !mounted[id] {
			g.reach(id, reached, 0)
		}
	}
	for _, id := range g.order {
		if !reached[id] {
			r := g.routers[id]
			g.walk(r, r.Prefix, nil, nil, map[string]bool{id: true}, maxDepth-1, &out)
		}
	}
	return out
}

func (g *Graph) reach(id string, seen map[string]bool, depth int) {
	if seen[id] || depth > maxDepth {
		return
	}
	seen[id] = true
	for _, m := range g.routers[id].Mounts {
		if _, ok := g.routers[m.Child]; ok {
			g.reach(m.Child, seen, depth+1)
		}
	}
}

// scoped is a guard inherited from a parent: its kind, and the absolute
// path prefix it is limited to (empty for all).
type scoped struct {
	kind   string
	prefix string
}

func (g *Graph) walk(r *Router, prefix string, inherited []scoped, without []string, stack map[string]bool, depth int, out *[]evidence.Route) {
	if depth > maxDepth || stack[r.ID] || g.visits > maxVisits {
		return
	}
	g.visits += 1 + len(r.Routes)
	stack[r.ID] = true
	defer delete(stack, r.ID)
	without = append(slices.Clone(without), r.Without...)
	// applies lists the guards in force for a registration at file:line.
	applies := func(file string, line int, extra []string) []scoped {
		gs := slices.Clone(inherited)
		for _, gd := range r.Guards {
			if gd.Ordered && gd.File == file && line <= gd.Line {
				continue
			}
			p := ""
			if gd.Prefix != "" {
				p = Join(prefix, gd.Prefix)
			}
			gs = append(gs, scoped{kind: gd.Kind, prefix: p})
		}
		for _, k := range extra {
			gs = append(gs, scoped{kind: k})
		}
		return gs
	}
	for _, rt := range r.Routes {
		full := Join(prefix, rt.Path)
		var guards []string
		for _, sg := range applies(rt.File, rt.Line, rt.Guards) {
			if sg.prefix == "" || underPrefix(full, sg.prefix) {
				if k := resolveCond(sg.kind, rt.Method, full); k != "" {
					guards = append(guards, k)
				}
			}
		}
		guards = removeAll(guards, append(slices.Clone(without), rt.Without...))
		*out = append(*out, evidence.Route{
			Method:      strings.ToUpper(rt.Method),
			Path:        full,
			File:        rt.File,
			Line:        rt.Line,
			Framework:   rt.Framework,
			Handler:     rt.Handler,
			HandlerFile: rt.HandlerFile,
			HandlerFunc: rt.HandlerFunc,
			HandlerLine: rt.HandlerLine,
			Guards:      Canonical(guards),
			Tags:        rt.Tags,
		})
	}
	for _, m := range r.Mounts {
		child, ok := g.routers[m.Child]
		if !ok || child.ID == r.ID {
			continue
		}
		childPrefix := Join(Join(prefix, m.Prefix), child.Prefix)
		if m.Replace && m.Prefix != "" {
			childPrefix = Join(prefix, m.Prefix)
		}
		inherit := applies(m.File, m.Line, m.Guards)
		if m.Isolated {
			inherit = nil
			for _, k := range m.Guards {
				inherit = append(inherit, scoped{kind: k})
			}
		}
		g.walk(child, childPrefix, inherit, without, stack, depth+1, out)
	}
}

// underPrefix reports whether path p is prefix or lies below it.
func underPrefix(p, prefix string) bool {
	p, prefix = Join("", p), strings.TrimSuffix(Join("", prefix), "/")
	return prefix == "" || p == prefix || strings.HasPrefix(p, prefix+"/")
}

func removeAll(list, drop []string) []string {
	return slices.DeleteFunc(list, func(s string) bool { return slices.Contains(drop, s) })
}

// guardOrder is the order guards are listed in output.
var guardOrder = []string{evidence.GuardAuth, evidence.GuardAuthOptional, evidence.GuardPermission, evidence.GuardRateLimit, evidence.GuardSignature, evidence.GuardIPAllowlist, evidence.GuardCSRF}

// Canonical de-duplicates guards and puts them in a fixed order; it never
// returns nil, so JSON output always has an array. Required authentication
// absorbs optional authentication on the same route.
func Canonical(guards []string) []string {
	out := []string{}
	for _, g := range guardOrder {
		if g == evidence.GuardAuthOptional && slices.Contains(guards, evidence.GuardAuth) {
			continue
		}
		if slices.Contains(guards, g) {
			out = append(out, g)
		}
	}
	return out
}

// Join joins two URL path pieces with exactly one slash between them and a
// leading slash, keeping a trailing slash only when the last piece has one.
func Join(a, b string) string {
	switch {
	case a == "" && b == "":
		return "/"
	case b == "":
		return lead(a)
	case a == "":
		return lead(b)
	}
	return lead(strings.TrimSuffix(a, "/") + "/" + strings.TrimPrefix(b, "/"))
}

func lead(p string) string {
	if !strings.HasPrefix(p, "/") {
		return "/" + p
	}
	return p
}

func appendTag(tags []string, t string) []string {
	if slices.Contains(tags, t) {
		return tags
	}
	return append(slices.Clone(tags), t)
}
