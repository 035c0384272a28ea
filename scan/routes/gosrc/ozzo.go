package gosrc

import (
	"go/ast"
	"strings"

	"github.com/threatmap/threatmap/scan/routes/graph"
)

// ozzo handles a call on an ozzo-routing Router or RouteGroup:
// Get/Post/... (path, handlers...), To("GET,HEAD", path, handlers...),
// Any and Use. Handlers run in order and the last one serves; Use adds
// handlers to the routes registered after it only, since a group combines
// its handlers with a route's when the route is added.
func (s *scope) ozzo(r router, name string, c *ast.CallExpr) bool {
	args := c.Args
	switch name {
	case "Use":
		s.routerGuards(r, args, true, c)
		return true
	case "To":
		if len(args) < 3 {
			return false
		}
		p, ok := s.path(args[1], c)
		if !ok {
			return false
		}
		for _, m := range s.ozzoMethods(args[0]) {
			s.ozzoRoute(r, m, p, args[2:], c)
		}
		return true
	}
	m, ok := ozzoMethod(name)
	if !ok || len(args) < 2 {
		return false
	}
	p, ok := s.path(args[0], c)
	if !ok {
		return false
	}
	s.ozzoRoute(r, m, p, args[1:], c)
	return true
}

// ozzoMethod maps a registration method of a router, a group or a route
// to the HTTP method it adds.
func ozzoMethod(name string) (string, bool) {
	if name == "Any" {
		return "ANY", true
	}
	if name == "All" || name != strings.ToUpper(name[:1])+strings.ToLower(name[1:]) {
		return "", false
	}
	m, ok := httpMethods[name]
	return m, ok
}

// ozzoMethods reads To's method list, "GET,HEAD".
func (s *scope) ozzoMethods(e ast.Expr) []string {
	v, ok := s.str(e)
	if !ok {
		return []string{"ANY"}
	}
	var out []string
	for _, m := range strings.Split(v, ",") {
		if m = strings.ToUpper(strings.TrimSpace(m)); m != "" {
			out = append(out, m)
		}
	}
	return out
}

func (s *scope) ozzoRoute(r router, method, p string, handlers []ast.Expr, at *ast.CallExpr) {
	if len(handlers) == 0 {
		return
	}
	s.route(r, method, ozzoPath(p), handlers[len(handlers)-1], handlers[:len(handlers)-1], at)
}

// ozzoChain reads the methods chained onto an ozzo-routing route, from the
// outermost call c down to the registration on a router:
// api.Get("/users", h1).Post(h2).To("PUT,PATCH", h3). It reports false,
// touching nothing, when the chain does not start on an ozzo router.
func (s *scope) ozzoChain(c, inner *ast.CallExpr) bool {
	type link struct {
		call *ast.CallExpr
		name string
	}
	chain := []link{}
	for e, i := ast.Expr(c), 0; i < 32; i++ {
		call, ok := e.(*ast.CallExpr)
		if !ok {
			return false
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		if r, ok := s.eval(sel.X); ok {
			if r.fw != Ozzo || call == c {
				return false
			}
			// call registers the route on r; the links above it add
			// methods to its path with the same group's handlers.
			if !s.ozzo(r, sel.Sel.Name, call) || len(call.Args) == 0 {
				return true
			}
			pathArg := call.Args[0]
			if sel.Sel.Name == "To" && len(call.Args) > 1 {
				pathArg = call.Args[1]
			}
			p, ok := s.str(pathArg)
			if !ok {
				return true
			}
			for j := len(chain) - 1; j >= 0; j-- {
				l := chain[j]
				switch l.name {
				case "Name", "Tag":
				case "To":
					if len(l.call.Args) >= 2 {
						for _, m := range s.ozzoMethods(l.call.Args[0]) {
							s.ozzoRoute(r, m, p, l.call.Args[1:], l.call)
						}
					}
				default:
					if m, ok := ozzoMethod(l.name); ok {
						s.ozzoRoute(r, m, p, l.call.Args, l.call)
					}
				}
			}
			return true
		}
		name := sel.Sel.Name
		if _, ok := ozzoMethod(name); !ok && name != "To" && name != "Name" && name != "Tag" {
			return false
		}
		chain = append(chain, link{call, name})
		e = sel.X
	}
	return false
}

// mountOzzoGroup mounts an ozzo-routing group created by parent.Group(prefix,
// handlers...). Given handlers, the group runs those and none of its
// parent's; given none, it copies its parent's handlers as they stand,
// which the ordered guards of the parent already model.
func (s *scope) mountOzzoGroup(parent router, id, prefix string, c *ast.CallExpr) {
	if len(c.Args) == 1 {
		s.mount(parent, id, prefix, nil, c)
		return
	}
	s.a.g.Router(id)
	pr := s.a.g.Router(parent.id)
	for _, m := range pr.Mounts {
		if m.Child == id {
			return
		}
	}
	pr.Mounts = append(pr.Mounts, graph.Mount{Child: id, Prefix: prefix, Guards: s.guardsOf(c.Args[1:]), Isolated: true, File: s.f.rel, Line: s.line(c)})
}

// ozzoPath rewrites ozzo-routing's <name> and <name:regexp> parameters as
// {name}; graph.Params reads <a:b> the Flask way, as converter:name.
func ozzoPath(p string) string {
	if !strings.Contains(p, "<") {
		return p
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(p, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(p[i:], '>')
		if j < 0 {
			break
		}
		name, _, _ := strings.Cut(p[i+1:i+j], ":")
		b.WriteString(p[:i] + "{" + strings.TrimSpace(name) + "}")
		p = p[i+j+1:]
	}
	b.WriteString(p)
	return b.String()
}
