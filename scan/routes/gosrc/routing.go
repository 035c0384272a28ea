package gosrc

import (
	"go/ast"
	"strings"

	"github.com/threatmap/threatmap/scan/routes/graph"
	"github.com/threatmap/threatmap/scan/routes/guard"
)

// routing handles a call made on a router. It reports whether the call was
// a routing call, so that its arguments are not read again as plain code.
func (s *scope) routing(c *ast.CallExpr) bool {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	name := sel.Sel.Name
	if x, ok := sel.X.(*ast.Ident); ok && s.f.imports[x.Name] == "net/http" {
		if name == "HandleFunc" || name == "Handle" {
			return s.patternRoute(router{id: defaultMux, fw: NetHTTP}, c)
		}
		return false
	}
	// gorilla/mux builder chains are read whole, from the outermost call.
	if root, ch := s.gorillaChain(c); root.id != "" && ch.handler != nil {
		s.gorillaRoute(root, ch)
		return true
	}
	// ozzo-routing chains methods onto a route: r.Get("/x", h).Post(h2).
	if inner, ok := sel.X.(*ast.CallExpr); ok {
		if s.ozzoChain(c, inner) {
			return true
		}
	}
	r, ok := s.eval(sel.X)
	if !ok {
		return false
	}
	args := c.Args
	switch r.fw {
	case NetHTTP:
		if name == "HandleFunc" || name == "Handle" {
			return s.patternRoute(r, c)
		}
	case Chi:
		return s.chi(r, name, c)
	case Gin:
		return s.ginEchoFiber(r, name, c, true)
	case Echo:
		return s.ginEchoFiber(r, name, c, false)
	case Fiber:
		return s.ginEchoFiber(r, name, c, true)
	case Ozzo:
		return s.ozzo(r, name, c)
	case Gorilla:
		if name == "Use" {
			s.routerGuards(r, args, false, c)
			return true
		}
	}
	return false
}

// patternRoute reads a ServeMux pattern: "[METHOD ][HOST]/path".
func (s *scope) patternRoute(r router, c *ast.CallExpr) bool {
	if len(c.Args) < 2 {
		return false
	}
	pat, ok := s.path(c.Args[0], c)
	if !ok {
		return false
	}
	method := "ANY"
	if m, rest, found := strings.Cut(strings.TrimSpace(pat), " "); found {
		method, pat = m, strings.TrimSpace(rest)
	}
	if i := strings.IndexByte(pat, '/'); i > 0 {
		pat = pat[i:] // drop a host
	}
	if !strings.HasPrefix(pat, "/") {
		return false
	}
	// A router served under a pattern, possibly wrapped in middleware or
	// http.StripPrefix, is mounted there.
	if sub, guards, ok := s.unwrapRouter(c.Args[1], 0); ok {
		s.mount(r, sub.id, strings.TrimSuffix(pat, "/"), guards, c)
		return true
	}
	s.route(r, method, pat, c.Args[1], nil, c)
	return true
}

func (s *scope) routerGuards(r router, mws []ast.Expr, ordered bool, at ast.Node) {
	rt := s.a.g.Router(r.id)
	for _, m := range mws {
		adds, cancels := s.handlerGuards(m, 0, false)
		for _, k := range adds {
			rt.Guards = append(rt.Guards, graph.Guard{Kind: k, Ordered: ordered, File: s.f.rel, Line: s.line(at)})
		}
		rt.Without = append(rt.Without, cancels...)
	}
}

func (s *scope) chi(r router, name string, c *ast.CallExpr) bool {
	args := c.Args
	if m, ok := httpMethods[name]; ok && name != strings.ToUpper(name) && name != "Any" && name != "All" {
		if len(args) < 2 {
			return false
		}
		p, ok := s.path(args[0], c)
		if !ok {
			return false
		}
		s.route(r, m, p, args[1], nil, c)
		return true
	}
	switch name {
	case "Method", "MethodFunc":
		if len(args) < 3 {
			return false
		}
		p, ok := s.path(args[1], c)
		if !ok {
			return false
		}
		for _, m := range s.methodList(args[0]) {
			s.route(r, m, p, args[2], nil, c)
		}
		return true
	case "Handle", "HandleFunc":
		return s.patternRoute(r, c)
	case "Mount":
		if len(args) < 2 {
			return false
		}
		p, ok := s.path(args[0], c)
		if !ok {
			return false
		}
		if sub, guards, ok := s.unwrapRouter(args[1], 0); ok {
			s.mount(r, sub.id, p, guards, c)
			return true
		}
		s.route(r, "ANY", graph.Join(p, "*"), args[1], nil, c)
		return true
	case "Route", "Group":
		prefix := ""
		fn := ast.Expr(nil)
		if name == "Route" {
			if len(args) < 2 {
				return false
			}
			p, ok := s.path(args[0], c)
			if !ok {
				return false
			}
			prefix, fn = p, args[1]
		} else if len(args) == 1 {
			fn = args[0]
		} else {
			return false
		}
		s.subRouterFunc(r, prefix, fn, c)
		return true
	case "Use":
		s.routerGuards(r, args, false, c)
		return true
	}
	return false
}

// subRouterFunc mounts a child router that a function fills in: chi's
// r.Route("/x", func(r chi.Router) {...}) and Group, fiber's Route.
func (s *scope) subRouterFunc(parent router, prefix string, fn ast.Expr, at *ast.CallExpr) {
	child := router{id: "sub:" + s.f.rel + ":" + s.pos(at), fw: parent.fw}
	s.mount(parent, child.id, prefix, nil, at)
	switch f := fn.(type) {
	case *ast.FuncLit:
		c := s.child()
		c.bindParams(f.Type, s.fnKey+"@"+s.pos(f))
		if f.Type.Params != nil && len(f.Type.Params.List) > 0 && len(f.Type.Params.List[0].Names) > 0 {
			c.vars[f.Type.Params.List[0].Names[0].Name] = child
		}
		c.block(f.Body)
	default:
		if key, _, ok := s.resolveCallee(fn); ok {
			s.mount(child, paramID(key, 0), "", nil, at)
		}
	}
}

// ginEchoFiber handles the three frameworks whose methods take a path and
// a list of handlers. In gin and fiber the last handler serves and the
// others are middleware; in echo the first serves and the rest follow it.
func (s *scope) ginEchoFiber(r router, name string, c *ast.CallExpr, lastServes bool) bool {
	args := c.Args
	handlers := func(hs []ast.Expr) (ast.Expr, []ast.Expr) {
		if len(hs) == 0 {
			return nil, nil
		}
		if lastServes {
			return hs[len(hs)-1], hs[:len(hs)-1]
		}
		return hs[0], hs[1:]
	}
	if m, ok := httpMethods[name]; ok {
		// gin and echo spell methods in capitals; fiber capitalises.
		upper := name == strings.ToUpper(name)
		if (r.fw == Fiber) == upper && name != "All" && name != "Any" {
			return false
		}
		if r.fw == Fiber && name == "Any" || r.fw != Fiber && name == "All" {
			return false
		}
		if len(args) < 2 {
			return false
		}
		p, ok := s.path(args[0], c)
		if !ok {
			return false
		}
		h, mw := handlers(args[1:])
		s.route(r, m, p, h, mw, c)
		return true
	}
	switch name {
	case "Handle", "Add", "Match":
		if len(args) < 3 {
			return false
		}
		p, ok := s.path(args[1], c)
		if !ok {
			return false
		}
		h, mw := handlers(args[2:])
		for _, m := range s.methodList(args[0]) {
			s.route(r, m, p, h, mw, c)
		}
		return true
	case "Use":
		rest := args
		prefix := ""
		if len(rest) > 0 {
			if p, ok := s.str(rest[0]); ok {
				prefix, rest = p, rest[1:]
			}
		}
		var mws []ast.Expr
		for _, a := range rest {
			if sub, ok := s.eval(a); ok {
				s.mount(r, sub.id, prefix, nil, c)
				continue
			}
			mws = append(mws, a)
		}
		if prefix == "" {
			// gin and fiber: routes added after Use. echo: the same in a
			// Group (Group.Add copies the group's middleware then); on
			// the root Echo, every route (Echo.Use wraps the router).
			s.routerGuards(r, mws, r.fw != Echo || r.group, c)
		}
		return true
	case "Mount":
		if len(args) == 2 {
			p, ok := s.path(args[0], c)
			sub, ok2 := s.eval(args[1])
			if ok && ok2 {
				s.mount(r, sub.id, p, nil, c)
				return true
			}
		}
	case "Route":
		if r.fw == Fiber && len(args) >= 2 {
			if p, ok := s.path(args[0], c); ok {
				s.subRouterFunc(r, p, args[1], c)
				return true
			}
		}
	case "Static", "StaticFS", "StaticFile", "File":
		if len(args) >= 1 {
			if p, ok := s.path(args[0], c); ok {
				if name == "Static" || name == "StaticFS" {
					p = graph.Join(p, "*")
				}
				s.a.addRoute(r.id, graph.Route{Method: "GET", Path: graph.Params(p), File: s.f.rel, Line: s.line(c), Handler: "static files", Framework: r.fw})
				return true
			}
		}
	}
	return false
}

// methodList reads a method argument: "POST", http.MethodPost, or a
// []string{...} of those.
func (s *scope) methodList(e ast.Expr) []string {
	if cl, ok := e.(*ast.CompositeLit); ok {
		var out []string
		for _, el := range cl.Elts {
			out = append(out, s.methodList(el)...)
		}
		return out
	}
	if m, ok := s.str(e); ok {
		return []string{strings.ToUpper(m)}
	}
	if sel, ok := e.(*ast.SelectorExpr); ok && strings.HasPrefix(sel.Sel.Name, "Method") {
		return []string{strings.ToUpper(strings.TrimPrefix(sel.Sel.Name, "Method"))}
	}
	return []string{"ANY"}
}

// gchain is a gorilla/mux route builder read from the outside in.
type gchain struct {
	path string
	// hasPath is set when the chain names a path, even an empty one:
	// sub.HandleFunc("", h) on a subrouter serves the subrouter's prefix.
	hasPath bool
	prefix  bool
	methods []string
	handler ast.Expr
	at      ast.Node
}

// gorillaChain reads r.HandleFunc("/x", h).Methods("POST") and
// r.Path("/x").Methods("GET").HandlerFunc(h), returning the router the
// chain hangs off.
func (s *scope) gorillaChain(e ast.Expr) (router, gchain) {
	var ch gchain
	for i := 0; i < 32; i++ {
		c, ok := e.(*ast.CallExpr)
		if !ok {
			break
		}
		sel, ok := c.Fun.(*ast.SelectorExpr)
		if !ok {
			break
		}
		args := c.Args
		switch sel.Sel.Name {
		case "HandleFunc", "Handle":
			if len(args) < 2 {
				return router{}, ch
			}
			p, ok := s.str(args[0])
			if !ok {
				return router{}, ch
			}
			ch.path, ch.handler, ch.at, ch.hasPath = p, args[1], c, true
		case "Path", "PathPrefix":
			if len(args) == 1 {
				if p, ok := s.str(args[0]); ok && ch.path == "" {
					ch.path, ch.prefix, ch.hasPath = p, sel.Sel.Name == "PathPrefix", true
				}
			}
		case "Methods":
			for _, a := range args {
				ch.methods = append(ch.methods, s.methodList(a)...)
			}
		case "Handler", "HandlerFunc":
			if len(args) == 1 {
				ch.handler = args[0]
				if ch.at == nil {
					ch.at = c
				}
			}
		case "Name", "Schemes", "Host", "Headers", "HeadersRegexp", "Queries", "MatcherFunc", "NewRoute", "BuildVarsFunc":
		default:
			r, ok := s.eval(e)
			if ok && r.fw == Gorilla {
				return r, ch
			}
			return router{}, ch
		}
		e = sel.X
	}
	r, ok := s.eval(e)
	if !ok || r.fw != Gorilla {
		return router{}, ch
	}
	return r, ch
}

func (s *scope) gorillaRoute(r router, ch gchain) {
	p := ch.path
	if ch.prefix {
		p = graph.Join(p, "*")
	}
	if p == "" && !ch.hasPath {
		return
	}
	methods := ch.methods
	if len(methods) == 0 {
		methods = []string{"ANY"}
	}
	if sub, guards, ok := s.unwrapRouter(ch.handler, 0); ok {
		s.mount(r, sub.id, ch.path, guards, ch.at)
		return
	}
	for _, m := range methods {
		s.route(r, m, p, ch.handler, nil, ch.at)
	}
}

// unwrapRouter finds a router inside handler wrappers, such as
// ipAllowlist(requireAuth(admin)) or http.StripPrefix("/admin", admin),
// and returns the guards the wrappers add.
func (s *scope) unwrapRouter(e ast.Expr, depth int) (router, []string, bool) {
	if depth > 8 || e == nil {
		return router{}, nil, false
	}
	if r, ok := s.eval(e); ok {
		return r, nil, true
	}
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return router{}, nil, false
	}
	for _, arg := range c.Args {
		r, inner, ok := s.unwrapRouter(arg, depth+1)
		if !ok {
			continue
		}
		kinds, _ := guard.Kinds(calleeName(c))
		if key, _, ok := s.resolveCallee(c.Fun); ok {
			if d := s.a.funcDecl(key); d != nil {
				kinds = append(kinds, s.a.bodyGuardsOf(key, d, 2)...)
			}
		}
		return r, append(kinds, inner...), true
	}
	return router{}, nil, false
}
