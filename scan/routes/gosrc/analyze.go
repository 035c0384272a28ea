package gosrc

import (
	"go/ast"
	"go/token"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/graph"
	"github.com/threatmap/threatmap/scan/routes/guard"
)

// router is what an expression denotes when it is a router: the graph ID
// and the framework whose registration methods apply.
type router struct {
	id string
	fw string
	// group marks an echo Group (made by Group, or a parameter, field or
	// result of type *echo.Group): its Use applies to the routes and
	// groups added after it, since Group.Add and Group.Group copy the
	// group's middleware when called. Echo.Use on the root applies to
	// every route, as it runs around the router.
	group bool
}

// scope is the analysis state of one function body.
type scope struct {
	a     *analyzer
	p     *pkg
	f     *file
	fnKey string
	vars  map[string]router
	// types maps a receiver or parameter name to its named type, so that
	// s.router can be resolved to the struct field Server.router.
	types map[string]string
	// ptypes holds the package of a type in types when it is not this
	// function's own package.
	ptypes map[string]*pkg
}

// typePkg returns the package a variable's type belongs to.
func (s *scope) typePkg(name string) *pkg {
	if p, ok := s.ptypes[name]; ok && p != nil {
		return p
	}
	return s.p
}

// setType records a variable's named type from a type expression read in
// the context of package p and imports.
func (s *scope) setType(name string, typ ast.Expr, p *pkg, imports map[string]string) {
	if s.ptypes == nil {
		s.ptypes = map[string]*pkg{}
	}
	s.types[name] = recvType(typ)
	delete(s.ptypes, name)
	t := typ
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	if sel, ok := t.(*ast.SelectorExpr); ok {
		if x, ok := sel.X.(*ast.Ident); ok {
			if ip, ok := imports[x.Name]; ok {
				s.ptypes[name] = s.a.pkgByImport(ip)
			}
		}
	} else if p != s.p {
		s.ptypes[name] = p
	}
}

// inferType records the type of a variable assigned a composite literal
// (&Server{...}) or the result of a call to a function of the module.
func (s *scope) inferType(name string, rhs ast.Expr) {
	e := rhs
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = u.X
	}
	switch v := e.(type) {
	case *ast.CompositeLit:
		if v.Type != nil {
			s.setType(name, v.Type, s.p, s.f.imports)
		}
	case *ast.CallExpr:
		if key, _, ok := s.resolveCallee(v.Fun); ok {
			if d := s.a.funcDecl(key); d != nil && d.Type.Results != nil && len(d.Type.Results.List) > 0 {
				p, _ := s.a.splitKey(key)
				s.setType(name, d.Type.Results.List[0].Type, p, s.a.importsOfFunc(key))
			}
			return
		}
		// A constructor in a file that was not parsed (it neither imports
		// a router package nor holds a path): by convention pkg.NewT
		// returns a T of pkg, whose methods may register routes.
		if sel, ok := v.Fun.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok {
				if t, ok := strings.CutPrefix(sel.Sel.Name, "New"); ok && t != "" {
					if tp := s.a.pkgByImport(s.f.imports[x.Name]); tp != nil {
						s.setType(name, ast.NewIdent(t), tp, nil)
					}
				}
			}
		}
	}
}

func (s *scope) child() *scope {
	c := *s
	c.vars = make(map[string]router, len(s.vars))
	for k, v := range s.vars {
		c.vars[k] = v
	}
	c.types = make(map[string]string, len(s.types))
	for k, v := range s.types {
		c.types[k] = v
	}
	c.ptypes = make(map[string]*pkg, len(s.ptypes))
	for k, v := range s.ptypes {
		c.ptypes[k] = v
	}
	return &c
}

func (a *analyzer) analyzePackage(p *pkg) {
	for _, f := range p.files {
		// Blank imports of net/http/pprof and expvar register debug
		// handlers on http.DefaultServeMux.
		for _, im := range f.ast.Imports {
			ip, _ := strconv.Unquote(im.Path.Value)
			line := a.fset.Position(im.Pos()).Line
			switch ip {
			case "net/http/pprof":
				for _, pth := range []string{"/debug/pprof/", "/debug/pprof/cmdline", "/debug/pprof/profile", "/debug/pprof/symbol", "/debug/pprof/trace"} {
					a.addRoute(defaultMux, graph.Route{Method: "ANY", Path: pth, File: f.rel, Line: line, Handler: "net/http/pprof", Framework: NetHTTP})
				}
			case "expvar":
				a.addRoute(defaultMux, graph.Route{Method: "ANY", Path: "/debug/vars", File: f.rel, Line: line, Handler: "expvar", Framework: NetHTTP})
			}
		}
		for _, d := range f.ast.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Body == nil || a.ctx.Err() != nil {
					continue
				}
				a.analyzeFunc(p, f, d)
			case *ast.GenDecl:
				// Package-level routers: var mux = http.NewServeMux().
				s := a.newScope(p, f, "pkg")
				for _, sp := range d.Specs {
					if vs, ok := sp.(*ast.ValueSpec); ok {
						for i, n := range vs.Names {
							if i < len(vs.Values) {
								if r, ok := s.eval(vs.Values[i]); ok {
									a.alias(r.id, pkgVarID(p, n.Name))
								}
							}
						}
					}
				}
			}
		}
	}
}

const defaultMux = "net/http:DefaultServeMux"

func pkgVarID(p *pkg, name string) string { return "var:" + p.dir + "." + name }

func (a *analyzer) newScope(p *pkg, f *file, fnKey string) *scope {
	return &scope{a: a, p: p, f: f, fnKey: p.dir + "|" + p.name + "|" + fnKey, vars: map[string]router{}, types: map[string]string{}}
}

func funcKey(d *ast.FuncDecl) string {
	if d.Recv != nil && len(d.Recv.List) > 0 {
		return recvType(d.Recv.List[0].Type) + "." + d.Name.Name
	}
	return d.Name.Name
}

func (a *analyzer) analyzeFunc(p *pkg, f *file, d *ast.FuncDecl) {
	s := a.newScope(p, f, funcKey(d))
	if d.Recv != nil {
		for _, fld := range d.Recv.List {
			for _, n := range fld.Names {
				s.types[n.Name] = recvType(fld.Type)
			}
		}
	}
	s.bindParams(d.Type, s.fnKey)
	s.block(d.Body)
}

// bindParams makes router-typed parameters routers whose ID other
// functions' calls will mount into.
func (s *scope) bindParams(ft *ast.FuncType, key string) {
	if ft.Params == nil {
		return
	}
	i := 0
	for _, fld := range ft.Params.List {
		names := fld.Names
		if len(names) == 0 {
			i++
			continue
		}
		for _, n := range names {
			if fw := routerTypeFramework(fld.Type, s.f.imports); fw != "" {
				s.vars[n.Name] = router{id: paramID(key, i), fw: fw, group: echoGroupType(fw, fld.Type)}
			} else {
				delete(s.vars, n.Name)
				s.setType(n.Name, fld.Type, s.p, s.f.imports)
			}
			i++
		}
	}
}

func paramID(fnKey string, i int) string { return "param:" + fnKey + "#" + strconv.Itoa(i) }

// block walks statements in source order.
func (s *scope) block(body *ast.BlockStmt) {
	ast.Inspect(body, func(n ast.Node) bool {
		if s.a.ctx.Err() != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			// A function literal not consumed by a routing call (a handler,
			// a goroutine) is analysed with its parameters shadowing.
			c := s.child()
			c.bindParams(n.Type, s.fnKey+"@"+s.pos(n))
			c.block(n.Body)
			return false
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				if i >= len(n.Rhs) {
					break
				}
				s.assign(lhs, n.Rhs[i])
			}
			for _, rhs := range n.Rhs {
				s.expr(rhs)
			}
			return false
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if i < len(n.Values) {
					s.assign(name, n.Values[i])
				}
			}
			for _, v := range n.Values {
				s.expr(v)
			}
			return false
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				if rt, ok := s.eval(r); ok {
					s.a.returns[s.fnKey] = rt.id
				}
				s.expr(r)
			}
			return false
		case *ast.CallExpr:
			s.call(n)
			return false
		}
		return true
	})
}

// assign records that lhs now holds a router, when rhs is one.
func (s *scope) assign(lhs, rhs ast.Expr) {
	r, ok := s.eval(rhs)
	if !ok {
		if id, isIdent := lhs.(*ast.Ident); isIdent {
			delete(s.vars, id.Name)
			s.inferType(id.Name, rhs)
		}
		// Composite literals may set router fields: &Server{router: chi.NewRouter()}.
		s.compositeFields(rhs)
		return
	}
	switch l := lhs.(type) {
	case *ast.Ident:
		if l.Name != "_" {
			s.vars[l.Name] = r
		}
	case *ast.SelectorExpr:
		if fid, ok := s.fieldID(l); ok {
			s.a.alias(r.id, fid)
			s.a.fieldFW(fid, r.fw)
		} else {
			s.vars[exprString(l)] = r
		}
	}
}

func (s *scope) compositeFields(e ast.Expr) {
	if u, ok := e.(*ast.UnaryExpr); ok {
		e = u.X
	}
	cl, ok := e.(*ast.CompositeLit)
	if !ok {
		return
	}
	typ := recvType(cl.Type)
	for _, el := range cl.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		k, ok := kv.Key.(*ast.Ident)
		if !ok {
			continue
		}
		if r, ok := s.eval(kv.Value); ok && typ != "" {
			fid := "field:" + s.p.dir + "." + typ + "." + k.Name
			s.a.alias(r.id, fid)
			s.a.fieldFW(fid, r.fw)
		}
	}
}

// fieldFW remembers the framework of routers stored in struct fields whose
// declared type is an interface such as http.Handler.
func (a *analyzer) fieldFW(fid, fw string) { a.fieldFWs[fid] = fw }

// fieldID resolves recv.field to a struct-field router ID when recv's type
// is known.
func (s *scope) fieldID(sel *ast.SelectorExpr) (string, bool) {
	x, ok := sel.X.(*ast.Ident)
	if !ok {
		return "", false
	}
	typ, ok := s.types[x.Name]
	if !ok || typ == "" {
		return "", false
	}
	return "field:" + s.typePkg(x.Name).dir + "." + typ + "." + sel.Sel.Name, true
}

func (s *scope) pos(n ast.Node) string {
	p := s.a.fset.Position(n.Pos())
	return strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column)
}

func (s *scope) line(n ast.Node) int { return s.a.fset.Position(n.Pos()).Line }

// eval tells whether e denotes a router, creating graph nodes for inline
// groups, sub-routers and With chains on the way.
func (s *scope) eval(e ast.Expr) (router, bool) {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return s.eval(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return s.eval(e.X)
		}
	case *ast.Ident:
		if r, ok := s.vars[e.Name]; ok {
			return r, true
		}
		if v, ok := s.p.vars[e.Name]; ok {
			if fw := s.constructorFW(v); fw != "" {
				return router{id: pkgVarID(s.p, e.Name), fw: fw}, true
			}
		}
	case *ast.SelectorExpr:
		if r, ok := s.vars[exprString(e)]; ok {
			return r, true
		}
		if fid, ok := s.fieldID(e); ok {
			typ := s.types[e.X.(*ast.Ident).Name]
			if ft, ok := s.typePkg(e.X.(*ast.Ident).Name).fields[typ+"."+e.Sel.Name]; ok {
				if fw := routerTypeFramework(ft, s.fileOfField()); fw != "" {
					return router{id: fid, fw: fw, group: echoGroupType(fw, ft)}, true
				}
			}
			if fw, ok := s.a.fieldFWs[fid]; ok {
				return router{id: fid, fw: fw}, true
			}
		}
		// http.DefaultServeMux used by name.
		if x, ok := e.X.(*ast.Ident); ok && s.f.imports[x.Name] == "net/http" && e.Sel.Name == "DefaultServeMux" {
			return router{id: defaultMux, fw: NetHTTP}, true
		}
	case *ast.CallExpr:
		return s.evalCall(e)
	}
	return router{}, false
}

// fileOfField returns the imports to interpret a struct field type with;
// struct types are usually declared in a file with the same imports, so
// the package's union of imports is used.
func (s *scope) fileOfField() map[string]string {
	all := map[string]string{}
	for _, f := range s.p.files {
		for k, v := range f.imports {
			all[k] = v
		}
	}
	return all
}

// constructorFW returns the framework of a router constructor call.
func (s *scope) constructorFW(e ast.Expr) string { return constructorOf(e, s.f.imports) }

func (s *scope) evalCall(c *ast.CallExpr) (router, bool) {
	if fw := s.constructorFW(c); fw != "" {
		return router{id: "new:" + s.f.rel + ":" + s.pos(c), fw: fw}, true
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if ok {
		if parent, ok := s.eval(sel.X); ok {
			id := "sub:" + s.f.rel + ":" + s.pos(c)
			switch name := sel.Sel.Name; {
			case name == "Group" && (parent.fw == Gin || parent.fw == Echo || parent.fw == Fiber) && len(c.Args) > 0:
				prefix, _ := s.str(c.Args[0])
				s.mount(parent, id, prefix, s.guardsOf(c.Args[1:]), c)
				return router{id: id, fw: parent.fw, group: parent.fw == Echo}, true
			case name == "Group" && parent.fw == Ozzo && len(c.Args) > 0:
				// A group with handlers of its own runs those alone; one
				// without copies its parent's as they stand now.
				prefix, _ := s.str(c.Args[0])
				s.mountOzzoGroup(parent, id, ozzoPath(prefix), c)
				return router{id: id, fw: Ozzo}, true
			case name == "With" && parent.fw == Chi:
				s.mount(parent, id, "", s.guardsOf(c.Args), c)
				return router{id: id, fw: Chi}, true
			case name == "Subrouter" && parent.fw == Gorilla:
				// The parent expression is a route builder such as
				// r.PathPrefix("/api"); its prefix is gathered from the chain.
				root, chain := s.gorillaChain(sel.X)
				if root.id == "" {
					return router{}, false
				}
				s.mount(root, id, chain.path, nil, c)
				return router{id: id, fw: Gorilla}, true
			case parent.fw == Gorilla && (name == "PathPrefix" || name == "Path" || name == "Host" || name == "Methods" || name == "Schemes" || name == "Headers" || name == "Queries" || name == "NewRoute" || name == "MatcherFunc"):
				// A gorilla route builder: keep the router it hangs off
				// so that a later .Subrouter() can find it.
				return parent, true
			}
		}
	}
	// A call to a function or method of this module that returns a router,
	// declared as one or as an http.Handler built from one.
	if key, _, ok := s.resolveCallee(c.Fun); ok {
		if d := s.a.funcDecl(key); d != nil && d.Type.Results != nil {
			for _, r := range d.Type.Results.List {
				if fw := routerTypeFramework(r.Type, s.a.importsOfFunc(key)); fw != "" {
					return router{id: "ret:" + key, fw: fw, group: echoGroupType(fw, r.Type)}, true
				}
			}
			if fw := s.a.builtRouter(key, d); fw != "" {
				return router{id: "ret:" + key, fw: fw}, true
			}
		}
	}
	return router{}, false
}

// builtRouter tells whether a function declared to return an interface
// such as http.Handler builds a router and returns it: its body calls a
// router constructor and returns a variable holding the result.
func (a *analyzer) builtRouter(key string, d *ast.FuncDecl) string {
	if fw, ok := a.built[key]; ok {
		return fw
	}
	a.built[key] = ""
	if d.Body == nil || len(d.Type.Results.List) != 1 {
		return ""
	}
	imports := a.importsOfFunc(key)
	vars := map[string]string{}
	fw := ""
	ast.Inspect(d.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if len(n.Lhs) == 1 && len(n.Rhs) == 1 {
				if id, ok := n.Lhs[0].(*ast.Ident); ok {
					if f := constructorOf(n.Rhs[0], imports); f != "" {
						vars[id.Name] = f
					}
				}
			}
		case *ast.ReturnStmt:
			if len(n.Results) == 1 {
				if id, ok := n.Results[0].(*ast.Ident); ok && vars[id.Name] != "" {
					fw = vars[id.Name]
				}
			}
		}
		return true
	})
	a.built[key] = fw
	return fw
}

// constructorOf is constructorFW for a given import table.
func constructorOf(e ast.Expr, imports map[string]string) string {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return ""
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok {
		return ""
	}
	fw := frameworkOf(imports[x.Name])
	switch name := sel.Sel.Name; {
	case fw == NetHTTP && name == "NewServeMux",
		fw == Chi && (name == "NewRouter" || name == "NewMux"),
		fw == Gin && (name == "New" || name == "Default"),
		fw == Echo && name == "New",
		fw == Gorilla && name == "NewRouter",
		fw == Fiber && name == "New",
		fw == Ozzo && name == "New":
		return fw
	}
	return ""
}

// mount records child under parent.
func (s *scope) mount(parent router, child, prefix string, guards []string, at ast.Node) {
	s.a.g.Router(child)
	pr := s.a.g.Router(parent.id)
	for _, m := range pr.Mounts {
		if m.Child == child && m.Prefix == prefix {
			return
		}
	}
	pr.Mounts = append(pr.Mounts, graph.Mount{Child: child, Prefix: prefix, Guards: guards, File: s.f.rel, Line: s.line(at)})
}

func (a *analyzer) addRoute(id string, rt graph.Route) {
	r := a.g.Router(id)
	r.Routes = append(r.Routes, rt)
}

// expr looks for routing calls anywhere inside an expression.
func (s *scope) expr(e ast.Expr) {
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			c := s.child()
			c.bindParams(n.Type, s.fnKey+"@"+s.pos(n))
			c.block(n.Body)
			return false
		case *ast.CallExpr:
			s.call(n)
			return false
		}
		return true
	})
}

// str evaluates a string constant expression: a literal, a package
// constant or a concatenation of those.
func (s *scope) str(e ast.Expr) (string, bool) {
	return s.strDepth(e, 0)
}

func (s *scope) strDepth(e ast.Expr, depth int) (string, bool) {
	if depth > 16 {
		return "", false
	}
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		v, err := strconv.Unquote(e.Value)
		return v, err == nil
	case *ast.ParenExpr:
		return s.strDepth(e.X, depth+1)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		l, ok1 := s.strDepth(e.X, depth+1)
		r, ok2 := s.strDepth(e.Y, depth+1)
		return l + r, ok1 && ok2
	case *ast.Ident:
		if v, ok := s.p.consts[e.Name]; ok {
			return s.strDepth(v, depth+1)
		}
	}
	return "", false
}

var httpMethods = map[string]string{
	"Get": "GET", "Post": "POST", "Put": "PUT", "Patch": "PATCH", "Delete": "DELETE",
	"Head": "HEAD", "Options": "OPTIONS", "Connect": "CONNECT", "Trace": "TRACE",
	"GET": "GET", "POST": "POST", "PUT": "PUT", "PATCH": "PATCH", "DELETE": "DELETE",
	"HEAD": "HEAD", "OPTIONS": "OPTIONS", "CONNECT": "CONNECT", "TRACE": "TRACE",
	"Any": "ANY", "All": "ANY",
}

// call handles a call statement or expression: a route registration, a
// mount, middleware, a router passed to a function, or a router wrapped in
// middleware.
func (s *scope) call(c *ast.CallExpr) {
	handled := s.routing(c)
	for _, arg := range c.Args {
		if !handled {
			s.expr(arg)
		}
	}
	if sel, ok := c.Fun.(*ast.SelectorExpr); ok && !handled {
		s.expr(sel.X)
	}
	if handled {
		return
	}
	// A router passed to another function of the module: that function's
	// router parameter is mounted here; if the function is a wrapper
	// (returns a handler), its guards apply to the whole router.
	key, recvArgs, resolved := s.resolveCallee(c.Fun)
	s.externalRegistration(c, resolved, key)
	kinds, _ := guard.Kinds(calleeName(c))
	for i, arg := range c.Args {
		r, ok := s.eval(arg)
		if !ok {
			continue
		}
		if resolved {
			d := s.a.funcDecl(key)
			if d != nil && paramIsRouter(d, i, s.a.importsOfFunc(key)) {
				s.mount(r, paramID(key, i+recvArgs), "", nil, c)
				continue
			}
			if d != nil && d.Type.Results != nil {
				kinds = append(kinds, s.bodyGuards(d.Body, 2)...)
			}
		}
		if len(kinds) > 0 {
			rt := s.a.g.Router(r.id)
			for _, k := range kinds {
				rt.Guards = append(rt.Guards, graph.Guard{Kind: k, File: s.f.rel, Line: s.line(c)})
			}
		}
	}
	// Nested wrappers: auth(limit(mux)).
	for _, arg := range c.Args {
		if inner, ok := arg.(*ast.CallExpr); ok {
			if r, ok := s.wrapped(inner, 0); ok && len(kinds) > 0 {
				rt := s.a.g.Router(r.id)
				for _, k := range kinds {
					rt.Guards = append(rt.Guards, graph.Guard{Kind: k, File: s.f.rel, Line: s.line(c)})
				}
			}
		}
	}
}

// wrapped finds a router wrapped inside nested calls.
func (s *scope) wrapped(c *ast.CallExpr, depth int) (router, bool) {
	if depth > 8 {
		return router{}, false
	}
	for _, arg := range c.Args {
		if r, ok := s.eval(arg); ok {
			return r, true
		}
		if inner, ok := arg.(*ast.CallExpr); ok {
			if r, ok := s.wrapped(inner, depth+1); ok {
				return r, true
			}
		}
	}
	return router{}, false
}

func paramIsRouter(d *ast.FuncDecl, i int, imports map[string]string) bool {
	if d.Type.Params == nil {
		return false
	}
	j := 0
	for _, fld := range d.Type.Params.List {
		n := max(1, len(fld.Names))
		if i < j+n {
			return routerTypeFramework(fld.Type, imports) != ""
		}
		j += n
	}
	return false
}

// resolveCallee finds the declaration a call refers to: a function of this
// package, a method of a receiver whose type is known, a function of
// another package of the module, or a method found by a unique name.
func (s *scope) resolveCallee(fun ast.Expr) (key string, recvArgs int, ok bool) {
	switch f := fun.(type) {
	case *ast.Ident:
		if _, ok := s.p.funcs[f.Name]; ok {
			return s.p.dir + "|" + s.p.name + "|" + f.Name, 0, true
		}
	case *ast.SelectorExpr:
		if x, isIdent := f.X.(*ast.Ident); isIdent {
			if typ, ok := s.types[x.Name]; ok {
				tp := s.typePkg(x.Name)
				if _, ok := tp.funcs[typ+"."+f.Sel.Name]; ok {
					return tp.dir + "|" + tp.name + "|" + typ + "." + f.Sel.Name, 0, true
				}
			}
			if ip, ok := s.f.imports[x.Name]; ok {
				if p := s.a.pkgByImport(ip); p != nil {
					if _, ok := p.funcs[f.Sel.Name]; ok {
						return p.dir + "|" + p.name + "|" + f.Sel.Name, 0, true
					}
				}
				return "", 0, false
			}
		}
		// A method on a composite literal or on a call's result:
		// usersResource{}.Routes(), api.NewHandler(db).Routes().
		if tp, typ, ok := s.exprType(f.X); ok {
			if _, ok := tp.funcs[typ+"."+f.Sel.Name]; ok {
				return tp.dir + "|" + tp.name + "|" + typ + "." + f.Sel.Name, 0, true
			}
		}
		// A method on a value of unknown type: resolve by a unique method
		// name in the package the receiver expression comes from.
		p := s.p
		if root := rootIdent(f.X); root != "" {
			if ip, ok := s.f.imports[root]; ok {
				p = s.a.pkgByImport(ip)
			}
		}
		if p != nil && len(p.methods[f.Sel.Name]) == 1 {
			return p.dir + "|" + p.name + "|" + p.methods[f.Sel.Name][0], 0, true
		}
	}
	return "", 0, false
}

// exprType returns the named type of a composite literal (T{}, &T{},
// pkg.T{}) or of a call to a function of the module.
func (s *scope) exprType(e ast.Expr) (*pkg, string, bool) {
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = u.X
	}
	if p, ok := e.(*ast.ParenExpr); ok {
		e = p.X
	}
	var typ ast.Expr
	p, imports := s.p, s.f.imports
	switch v := e.(type) {
	case *ast.CompositeLit:
		typ = v.Type
	case *ast.SelectorExpr:
		// A struct field of a value whose type is known: a.Account in
		// a.Account.router(), with Account declared *AccountResource.
		x, ok := v.X.(*ast.Ident)
		if !ok {
			return nil, "", false
		}
		t, ok := s.types[x.Name]
		if !ok {
			return nil, "", false
		}
		tp := s.typePkg(x.Name)
		ft, ok := tp.fields[t+"."+v.Sel.Name]
		if !ok {
			return nil, "", false
		}
		typ, p, imports = ft, tp, s.a.importsOfPkg(tp)
	case *ast.CallExpr:
		key, _, ok := s.resolveCallee(v.Fun)
		if !ok {
			return nil, "", false
		}
		d := s.a.funcDecl(key)
		if d == nil || d.Type.Results == nil || len(d.Type.Results.List) == 0 {
			return nil, "", false
		}
		typ = d.Type.Results.List[0].Type
		p, _ = s.a.splitKey(key)
		imports = s.a.importsOfFunc(key)
	default:
		return nil, "", false
	}
	if typ == nil || p == nil {
		return nil, "", false
	}
	t := typ
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	if sel, ok := t.(*ast.SelectorExpr); ok {
		if x, ok := sel.X.(*ast.Ident); ok {
			if tp := s.a.pkgByImport(imports[x.Name]); tp != nil {
				return tp, sel.Sel.Name, true
			}
		}
		return nil, "", false
	}
	return p, recvType(t), true
}

func rootIdent(e ast.Expr) string {
	for i := 0; i < 32; i++ {
		switch t := e.(type) {
		case *ast.Ident:
			return t.Name
		case *ast.SelectorExpr:
			e = t.X
		case *ast.CallExpr:
			e = t.Fun
		default:
			return ""
		}
	}
	return ""
}

// pkgByImport maps an import path of one of the scanned modules to its
// package.
func (a *analyzer) pkgByImport(ip string) *pkg {
	for _, m := range a.modules {
		if ip != m.Path && !strings.HasPrefix(ip, m.Path+"/") {
			continue
		}
		dir := strings.TrimPrefix(strings.TrimPrefix(ip, m.Path), "/")
		if m.Dir != "." && m.Dir != "" {
			dir = strings.TrimSuffix(m.Dir+"/"+dir, "/")
		}
		if dir == "" {
			dir = "."
		}
		if p := a.pkgByDir(dir); p != nil {
			return p
		}
	}
	return nil
}

// pkgByDir returns the non-test package in dir, using an index built on
// first use.
func (a *analyzer) pkgByDir(dir string) *pkg {
	if a.dirs == nil {
		a.dirs = map[string]*pkg{}
		keys := make([]string, 0, len(a.pkgs))
		for k := range a.pkgs {
			keys = append(keys, k)
		}
		sort.Strings(keys) // deterministic when a directory holds two packages
		for _, k := range keys {
			p := a.pkgs[k]
			if _, ok := a.dirs[p.dir]; !ok {
				a.dirs[p.dir] = p
			}
		}
	}
	return a.dirs[dir]
}

func (a *analyzer) splitKey(key string) (*pkg, string) {
	parts := strings.SplitN(key, "|", 3)
	if len(parts) != 3 {
		return nil, ""
	}
	return a.pkgs[parts[0]+"|"+parts[1]], parts[2]
}

func (a *analyzer) funcDecl(key string) *ast.FuncDecl {
	p, name := a.splitKey(key)
	if p == nil {
		return nil
	}
	return p.funcs[name]
}

func (a *analyzer) importsOfFunc(key string) map[string]string {
	p, name := a.splitKey(key)
	if p == nil {
		return nil
	}
	d := p.funcs[name]
	for _, f := range p.files {
		if d != nil && f.ast.Pos() <= d.Pos() && d.End() <= f.ast.End() {
			return f.imports
		}
	}
	return nil
}

// route adds a route to r.
func (s *scope) route(r router, method, pattern string, handler ast.Expr, mw []ast.Expr, at ast.Node) {
	guards := s.guardsOf(mw)
	var without []string
	hg, hw := s.handlerGuards(handler, 0, true)
	guards = append(guards, hg...)
	without = append(without, hw...)
	s.a.addRoute(r.id, graph.Route{
		Method:    method,
		Path:      graph.Params(pattern),
		File:      s.f.rel,
		Line:      s.line(at),
		Handler:   handlerName(handler),
		Framework: r.fw,
		Guards:    guards,
		Without:   without,
	})
}

func handlerName(e ast.Expr) string {
	for i := 0; i < 16 && e != nil; i++ {
		c, ok := e.(*ast.CallExpr)
		if !ok || len(c.Args) == 0 {
			break
		}
		// http.HandlerFunc(h), auth(h), tollbooth.LimitFuncHandler(lmt, h):
		// the handler is the last argument.
		e = c.Args[len(c.Args)-1]
	}
	if e == nil {
		return ""
	}
	if _, ok := e.(*ast.FuncLit); ok {
		return "(anonymous)"
	}
	return exprString(e)
}

// guardsOf classifies middleware expressions.
func (s *scope) guardsOf(mws []ast.Expr) []string {
	var out []string
	for _, m := range mws {
		g, _ := s.handlerGuards(m, 0, false)
		out = append(out, g...)
	}
	return out
}

// handlerGuards returns the guards a handler or middleware expression
// carries: by the names of wrappers and middleware, and by the checks its
// body makes. A serving handler's own name says nothing (a handler called
// login is not a login check), so with serving set only its body counts.
func (s *scope) handlerGuards(e ast.Expr, depth int, serving bool) (adds, cancels []string) {
	if e == nil || depth > 4 {
		return nil, nil
	}
	switch t := e.(type) {
	case *ast.ParenExpr:
		return s.handlerGuards(t.X, depth+1, serving)
	case *ast.FuncLit:
		return s.bodyGuards(t.Body, 2), nil
	case *ast.Ident, *ast.SelectorExpr:
		if !serving {
			adds, cancels = guard.Kinds(exprString(t))
		}
		if key, _, ok := s.resolveCallee(t); ok {
			if d := s.a.funcDecl(key); d != nil {
				adds = append(adds, s.a.bodyGuardsOf(key, d, 2)...)
				if !serving && passesAnonymous(d) {
					adds = optionalKinds(adds)
				}
			}
		}
		return adds, cancels
	case *ast.CallExpr:
		key, _, resolved := s.resolveCallee(t.Fun)
		var d *ast.FuncDecl
		if resolved {
			d = s.a.funcDecl(key)
		}
		// A serving handler built by a call is named after what it
		// serves, as a handler is: echo's h.Login(), or a factory of the
		// module that takes no handler, login(service). Only its body
		// counts. A wrapper, requireAuth(next), is named after its check.
		wraps := len(t.Args) > 0
		if d != nil {
			wraps = takesHandler(d)
		}
		if !serving || wraps {
			adds, cancels = guard.Kinds(calleeName(t))
		}
		if d != nil {
			adds = append(adds, s.a.bodyGuardsOf(key, d, 2)...)
			if passesAnonymous(d) {
				adds = optionalKinds(adds)
			}
		}
		for i, arg := range t.Args {
			a, c := s.handlerGuards(arg, depth+1, serving && i == len(t.Args)-1)
			adds, cancels = append(adds, a...), append(cancels, c...)
		}
		return s.optionality(t, adds), cancels
	}
	return nil, nil
}

// bodyGuardsOf memoises the guards found in a declared function's body.
func (a *analyzer) bodyGuardsOf(key string, d *ast.FuncDecl, depth int) []string {
	if d.Body == nil {
		return nil
	}
	if g, ok := a.bodyCache[key]; ok {
		return g
	}
	a.bodyCache[key] = nil // breaks recursion
	p, _ := a.splitKey(key)
	var f *file
	for _, pf := range p.files {
		if pf.ast.Pos() <= d.Pos() && d.End() <= pf.ast.End() {
			f = pf
		}
	}
	if f == nil {
		return nil
	}
	sc := &scope{a: a, p: p, f: f, fnKey: key, vars: map[string]router{}, types: map[string]string{}}
	if d.Recv != nil {
		for _, fld := range d.Recv.List {
			for _, n := range fld.Names {
				sc.types[n.Name] = recvType(fld.Type)
			}
		}
	}
	g := sc.bodyGuards(d.Body, depth)
	a.bodyCache[key] = g
	return g
}

// bodyGuards looks at the calls a function body makes: a call whose name
// says it checks something (ConstructEvent, hmac.Equal, limiter.Allow,
// requireAuth) counts, and calls to the module's own functions are
// followed a little way.
func (s *scope) bodyGuards(body *ast.BlockStmt, depth int) []string {
	if body == nil {
		return nil
	}
	var out []string
	ast.Inspect(body, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		name := calleeName(c)
		kinds := guard.BodyKinds(name)
		if ws := guard.Words(name); len(c.Args) == 0 && len(ws) > 0 && ws[len(ws)-1] == "limit" {
			// A getter, pages.Limit(): a page size, not a rate limit.
			kinds = slices.DeleteFunc(kinds, func(k string) bool { return k == evidence.GuardRateLimit })
		}
		out = append(out, kinds...)
		if name == "r.BasicAuth" || strings.HasSuffix(name, ".BasicAuth") {
			out = append(out, evidence.GuardAuth)
		}
		if depth > 0 {
			if key, _, ok := s.resolveCallee(c.Fun); ok {
				if d := s.a.funcDecl(key); d != nil {
					out = append(out, s.a.bodyGuardsOf(key, d, depth-1)...)
				}
			}
		}
		return true
	})
	return out
}

// path reads a route path or prefix argument of registration c. A
// concatenation of constants and values known only at run time (a prefix
// from the environment) keeps the constant parts and writes each unknown
// one as a {name} placeholder. A path that is not a constant at all is
// recorded as an unresolved registration, so that the route it registers
// is not silently missing.
func (s *scope) path(e ast.Expr, c *ast.CallExpr) (string, bool) {
	if p, ok := s.str(e); ok {
		return p, true
	}
	if be, ok := e.(*ast.BinaryExpr); ok && be.Op == token.ADD {
		if p, ok := s.holes(be, 0); ok && strings.Contains(p, "/") {
			return p, true
		}
	}
	s.a.g.Unresolve(s.f.rel, s.line(c), "route path is not a constant: "+truncate(exprString(e), 60))
	return "", false
}

// holes folds a concatenation, writing operands that are not constants
// as placeholders named after them.
func (s *scope) holes(e ast.Expr, depth int) (string, bool) {
	if depth > 16 {
		return "", false
	}
	if v, ok := s.str(e); ok {
		return v, true
	}
	switch t := e.(type) {
	case *ast.ParenExpr:
		return s.holes(t.X, depth+1)
	case *ast.BinaryExpr:
		if t.Op != token.ADD {
			return "", false
		}
		l, ok1 := s.holes(t.X, depth+1)
		r, ok2 := s.holes(t.Y, depth+1)
		if !ok1 || !ok2 {
			return "", false
		}
		if strings.HasSuffix(l, "}") && r != "" && !strings.HasPrefix(r, "/") {
			r = "/" + r
		}
		return l + r, true
	case *ast.Ident:
		return "{" + t.Name + "}", true
	case *ast.SelectorExpr:
		return "{" + t.Sel.Name + "}", true
	case *ast.CallExpr:
		return "{prefix}", true
	}
	return "", false
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// importsOfPkg is the union of a package's imports, to read a struct
// field's type with.
func (a *analyzer) importsOfPkg(p *pkg) map[string]string {
	out := map[string]string{}
	for _, f := range p.files {
		for k, v := range f.imports {
			out[k] = v
		}
	}
	return out
}

// externalRegistration records, as unresolved, a call into a package
// outside the scanned code that registers handlers on a mux or router:
// grpc-gateway's generated pb.RegisterXHandlerServer(ctx, mux, srv) and
// RegisterXHandlerFromEndpoint, or a router handed to an unknown
// RegisterRoutes or Mount. The routes it adds cannot be listed, and that
// must not look like "no routes".
func (s *scope) externalRegistration(c *ast.CallExpr, resolved bool, key string) {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok {
		return
	}
	ip, imported := s.f.imports[x.Name]
	if !imported || frameworkOf(ip) != "" || ip == "net/http" {
		return
	}
	name := sel.Sel.Name
	// A function of the module that takes a router the scanner knows is
	// followed like any other.
	if resolved {
		if d := s.a.funcDecl(key); d != nil {
			for i := range c.Args {
				if paramIsRouter(d, i, s.a.importsOfFunc(key)) {
					return
				}
			}
		}
	}
	lower := strings.ToLower(name)
	routerArg := false
	for _, a := range c.Args {
		if _, ok := s.eval(a); ok {
			routerArg = true
		}
	}
	switch {
	case strings.HasPrefix(name, "Register") && strings.Contains(name, "Handler") && len(c.Args) >= 2:
		s.a.g.Unresolve(s.f.rel, s.line(c), "handlers registered by "+x.Name+"."+name+" on a mux the scanner does not model (generated or third-party code): their routes are not listed")
	case !resolved && routerArg && (strings.Contains(lower, "register") || strings.Contains(lower, "route") || strings.Contains(lower, "mount")):
		s.a.g.Unresolve(s.f.rel, s.line(c), "router passed to "+x.Name+"."+name+", outside the scanned code: routes it registers are not listed")
	}
}

// takesHandler reports whether a function has a parameter that can hold a
// handler: a function type or a type named like one (http.Handler,
// gin.HandlerFunc, routing.Handler, ...).
func takesHandler(d *ast.FuncDecl) bool {
	if d.Type.Params == nil {
		return false
	}
	for _, f := range d.Type.Params.List {
		t := f.Type
		if el, ok := t.(*ast.Ellipsis); ok {
			t = el.Elt
		}
		if _, ok := t.(*ast.FuncType); ok {
			return true
		}
		if strings.Contains(exprString(t), "Handle") {
			return true
		}
	}
	return false
}
