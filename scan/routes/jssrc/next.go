package jssrc

import (
	"path"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/scan/routes/graph"
)

var sourceExts = []string{".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts"}

func stripExt(rel string) (string, bool) {
	for _, e := range sourceExts {
		if strings.HasSuffix(rel, e) {
			return strings.TrimSuffix(rel, e), true
		}
	}
	return rel, false
}

// segmentAfter returns what follows dir/ in rel, where dir starts rel or
// follows a slash.
func segmentAfter(rel, dir string) (string, bool) {
	if strings.HasPrefix(rel, dir+"/") {
		return strings.TrimPrefix(rel, dir+"/"), true
	}
	if i := strings.Index(rel, "/"+dir+"/"); i >= 0 {
		return rel[i+len(dir)+2:], true
	}
	return "", false
}

// nextPagesAPI returns the URL path of a Next.js pages/api file, or "".
func nextPagesAPI(rel string) string {
	stem, ok := stripExt(rel)
	if !ok {
		return ""
	}
	rest, ok := segmentAfter(stem, "pages/api")
	if !ok {
		return ""
	}
	for _, seg := range strings.Split(rest, "/") {
		if strings.HasPrefix(seg, "_") {
			return ""
		}
	}
	rest = strings.TrimSuffix(strings.TrimSuffix(rest, "index"), "/")
	return graph.Join("/api", rest)
}

// nextAppRoute returns the URL path of a Next.js app/**/route.ts file, or
// "". Route groups (name) and parallel slots @name are not part of the
// URL; folders starting with _ are private and serve nothing.
func nextAppRoute(rel string) string {
	stem, ok := stripExt(rel)
	if !ok || path.Base(stem) != "route" {
		return ""
	}
	rest, ok := segmentAfter(path.Dir(stem), "app")
	if !ok {
		if d := path.Dir(stem); d == "app" || strings.HasSuffix(d, "/app") {
			rest = ""
		} else {
			return ""
		}
	}
	var out []string
	for _, seg := range strings.Split(rest, "/") {
		switch {
		case seg == "":
		case strings.HasPrefix(seg, "_"):
			return ""
		case strings.HasPrefix(seg, "(") && strings.HasSuffix(seg, ")"), strings.HasPrefix(seg, "@"):
		default:
			out = append(out, seg)
		}
	}
	return "/" + strings.Join(out, "/")
}

var appMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// next reads a Next.js route file.
func (x *extractor) next(m *module) {
	if p := nextPagesAPI(m.rel); p != "" {
		h, ok := m.exports["default"]
		if !ok {
			return
		}
		adds, cancels := x.middlewareGuards(m, h, env{}, 2)
		fn := h
		if h.Type() == "identifier" {
			if f, ok := m.funcs[m.text(h)]; ok {
				fn = f
			}
		}
		if h.Type() == "call_expression" {
			// export default withAuth(handler): read the wrapped handler.
			if a := argList(h.ChildByFieldName("arguments")); len(a) > 0 {
				fn = a[len(a)-1]
				if fn.Type() == "identifier" {
					if f, ok := m.funcs[m.text(fn)]; ok {
						fn = f
					}
				}
			}
		}
		methods := x.comparedMethods(m, fn)
		if len(methods) == 0 {
			methods = []string{"ANY"}
		}
		id := "next:" + m.rel
		for _, meth := range methods {
			x.g.Router(id).Routes = append(x.g.Router(id).Routes, graph.Route{
				Method: meth, Path: graph.Params(p), File: m.rel, Line: line(h), Handler: handlerName(m, h), Framework: NextJS, Guards: adds, Without: cancels,
			})
		}
		return
	}
	if p := nextAppRoute(m.rel); p != "" {
		id := "next:" + m.rel
		for _, meth := range appMethods {
			h, ok := m.exports[meth]
			if !ok {
				continue
			}
			fn := h
			if h.Type() == "identifier" {
				if f, ok := m.funcs[m.text(h)]; ok {
					fn = f
				}
			}
			adds, cancels := x.middlewareGuards(m, fn, env{}, 2)
			x.g.Router(id).Routes = append(x.g.Router(id).Routes, graph.Route{
				Method: meth, Path: graph.Params(p), File: m.rel, Line: line(h), Handler: meth, Framework: NextJS, Guards: adds, Without: cancels,
			})
		}
	}
}

// comparedMethods finds the methods a pages/api handler accepts from
// comparisons such as req.method === 'POST' and switch (req.method) cases.
func (x *extractor) comparedMethods(m *module, fn *sitter.Node) []string {
	var out []string
	add := func(n *sitter.Node) {
		if s, ok := x.stringValue(m, n); ok {
			s = strings.ToUpper(s)
			for _, v := range append(appMethods, "ANY") {
				if v == s {
					for _, o := range out {
						if o == s {
							return
						}
					}
					out = append(out, s)
				}
			}
		}
	}
	walk(fn, func(n *sitter.Node) bool {
		switch n.Type() {
		case "binary_expression":
			l, r := n.ChildByFieldName("left"), n.ChildByFieldName("right")
			if l != nil && r != nil {
				if strings.HasSuffix(m.text(l), ".method") {
					add(r)
				} else if strings.HasSuffix(m.text(r), ".method") {
					add(l)
				}
			}
		case "switch_statement":
			if strings.HasSuffix(strings.Trim(m.text(n.ChildByFieldName("value")), "()"), ".method") {
				walk(n.ChildByFieldName("body"), func(c *sitter.Node) bool {
					if c.Type() == "switch_case" {
						add(c.ChildByFieldName("value"))
					}
					return true
				})
			}
		}
		return true
	})
	return out
}
