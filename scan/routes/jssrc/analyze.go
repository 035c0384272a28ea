package jssrc

import (
	"slices"
	"strconv"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/graph"
	"github.com/threatmap/threatmap/scan/routes/guard"
)

type routerRef struct {
	id string
	fw string
}

type env map[string]routerRef

var verbs = map[string]string{
	"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE",
	"del": "DELETE", "head": "HEAD", "options": "OPTIONS", "all": "ANY",
}

// routerNames are receiver names taken to be a router when the scanner
// cannot trace where the value came from (an app passed into a module's
// exported function, say) and the call is unmistakably a route.
var routerNames = []string{"app", "router", "api", "server", "routes", "fastify", "instance", "r", "route", "v1", "v2"}

func looksLikeRouterName(n string) bool {
	return slices.Contains(routerNames, n) || strings.HasSuffix(n, "Router") || strings.HasSuffix(n, "router") || strings.HasSuffix(n, "App") || strings.HasSuffix(n, "Routes")
}

func fnID(m *module, fn *sitter.Node) string {
	return "fn:" + m.rel + ":" + strconv.Itoa(int(fn.StartByte()))
}

// isFunc tells whether n is a function value.
func isFunc(n *sitter.Node) bool {
	switch n.Type() {
	case "arrow_function", "function_expression", "function", "function_declaration", "generator_function_declaration":
		return true
	}
	return false
}

// analyze walks the module with its routers in scope.
func (x *extractor) analyze(m *module) {
	x.block(m, m.root, env{})
}

func (x *extractor) block(m *module, n *sitter.Node, e env) {
	walk(n, func(c *sitter.Node) bool {
		if x.ctx.Err() != nil {
			return false
		}
		switch c.Type() {
		case "arrow_function", "function_expression", "function", "function_declaration", "generator_function_declaration", "method_definition":
			x.function(m, c, e, "")
			return false
		case "variable_declarator":
			name, val := c.ChildByFieldName("name"), c.ChildByFieldName("value")
			if name != nil && val != nil && name.Type() == "identifier" {
				if r, ok := x.eval(m, val, e); ok {
					e[m.text(name)] = r
				}
			}
		case "assignment_expression":
			left, right := c.ChildByFieldName("left"), c.ChildByFieldName("right")
			if left != nil && right != nil && (left.Type() == "identifier" || left.Type() == "member_expression") {
				if r, ok := x.eval(m, right, e); ok {
					e[m.text(left)] = r
				}
			}
		case "for_in_statement":
			// for (const page of pages) router.get(`/${page}`, h)
			if x.unroll(m, c.ChildByFieldName("left"), c.ChildByFieldName("right"), c.ChildByFieldName("body"), e) {
				return false
			}
		case "call_expression":
			if x.call(m, c, e) {
				return false
			}
		}
		return true
	})
}

// function analyses a function body. Its first parameter is a router when
// it is named like one: Express modules export function(app) {...} and
// Fastify plugins are async function(fastify, opts) {...}.
//
// force, when set, names the framework of a first parameter known to be a
// router whatever its name, as a function passed to fastify.register is.
func (x *extractor) function(m *module, fn *sitter.Node, outer env, force string) {
	e := make(env, len(outer)+1)
	for k, v := range outer {
		e[k] = v
	}
	params := fn.ChildByFieldName("parameters")
	if params == nil {
		if p := fn.ChildByFieldName("parameter"); p != nil {
			params = p
		}
	}
	if params != nil {
		first := true
		walk(params, func(p *sitter.Node) bool {
			if p.Type() == "identifier" {
				name := m.text(p)
				delete(e, name)
				if first && (force != "" || looksLikeRouterName(name)) {
					fw := Express
					if strings.Contains(string(m.src), "fastify") || name == "fastify" || name == "instance" {
						fw = Fastify
					}
					if force != "" {
						fw = force
					}
					e[name] = routerRef{id: fnID(m, fn) + "#0", fw: fw}
					// It serves only if some code passes a router in.
					x.g.Router(fnID(m, fn) + "#0").Child = true
				}
				first = false
				return false
			}
			return p.Type() == "formal_parameters" || p.Type() == "required_parameter" || p.Type() == "optional_parameter"
		})
	}
	if body := fn.ChildByFieldName("body"); body != nil {
		x.block(m, body, e)
	}
}

// eval tells whether an expression is a router.
func (x *extractor) eval(m *module, n *sitter.Node, e env) (routerRef, bool) {
	if n == nil {
		return routerRef{}, false
	}
	switch n.Type() {
	case "identifier", "member_expression":
		if r, ok := e[m.text(n)]; ok {
			return r, true
		}
		if n.Type() == "identifier" {
			if ref, ok := m.imports[m.text(n)]; ok {
				return x.exported(ref.file, ref.name, 0)
			}
		}
	case "parenthesized_expression", "await_expression":
		if n.NamedChildCount() > 0 {
			return x.eval(m, n.NamedChild(0), e)
		}
	case "assignment_expression":
		return x.eval(m, n.ChildByFieldName("right"), e)
	case "new_expression":
		ctor := m.text(n.ChildByFieldName("constructor"))
		if ctor == "Router" || ctor == "express.Router" {
			return x.newRouter(m, n, Express, true), true
		}
	case "call_expression":
		fn := n.ChildByFieldName("function")
		callee := m.text(fn)
		switch {
		case callee == "express":
			return x.newRouter(m, n, Express, false), true
		case callee == "express.Router" || callee == "Router" || strings.HasSuffix(callee, "express.Router") ||
			strings.HasSuffix(callee, ".Router") && strings.Contains(callee, "require(") && strings.Contains(callee, "express"):
			// var router = require('express').Router()
			return x.newRouter(m, n, Express, true), true
		case callee == "fastify" || callee == "Fastify" || strings.HasSuffix(callee, "require('fastify')") || strings.HasSuffix(callee, `require("fastify")`):
			return x.newRouter(m, n, Fastify, false), true
		case fn != nil && fn.Type() == "member_expression" && chainable(m.text(fn.ChildByFieldName("property")), n):
			// app.use(...), router.get(path, h) return the router itself.
			return x.eval(m, fn.ChildByFieldName("object"), e)
		case callee == "require" || callee == "import":
			args := n.ChildByFieldName("arguments")
			if args != nil && args.NamedChildCount() > 0 {
				if spec, ok := x.stringValue(m, args.NamedChild(0)); ok {
					if f := x.resolveFile(m.rel, spec); f != "" {
						return x.exported(f, "default", 0)
					}
				}
			}
		case fn != nil && fn.Type() == "identifier":
			// routes(): a project function that returns the router it built.
			return x.factoryRouter(m, n, 0)
		}
	}
	return routerRef{}, false
}

// chainable tells whether an Express call returns its receiver.
func chainable(prop string, call *sitter.Node) bool {
	if prop == "use" || prop == "register" || prop == "addHook" {
		return true
	}
	if _, ok := verbs[prop]; ok {
		if args := call.ChildByFieldName("arguments"); args != nil && args.NamedChildCount() >= 2 {
			return true
		}
	}
	return false
}

func (x *extractor) newRouter(m *module, n *sitter.Node, fw string, child bool) routerRef {
	id := "js:" + m.rel + ":" + strconv.Itoa(int(n.StartByte()))
	x.g.Router(id).Child = child
	return routerRef{id: id, fw: fw}
}

// exported resolves what a module exports under name to a router: a router
// variable, or a function whose first parameter receives one.
func (x *extractor) exported(file, name string, depth int) (routerRef, bool) {
	m := x.mods[file]
	if m == nil || depth > 8 {
		return routerRef{}, false
	}
	v, ok := m.exports[name]
	if !ok {
		return routerRef{}, false
	}
	if v.Type() == "identifier" {
		n := m.text(v)
		if f, ok := m.funcs[n]; ok {
			v = f
		} else if ref, ok := m.imports[n]; ok {
			return x.exported(ref.file, ref.name, depth+1)
		} else if val, ok := m.vars[n]; ok {
			// Evaluate the variable's initialiser in a fresh scope; router
			// IDs depend on the node only, so they match the module's own
			// analysis.
			return x.eval(m, val, env{})
		}
	}
	if v.Type() == "call_expression" {
		// export default fp(async function (fastify) {...}), or
		// module.exports = fp(plugin) with plugin declared in the file.
		args := v.ChildByFieldName("arguments")
		var first *sitter.Node
		if args != nil && args.NamedChildCount() > 0 {
			first = args.NamedChild(0)
		}
		if first != nil && first.Type() == "identifier" {
			if f, ok := m.funcs[m.text(first)]; ok {
				first = f
			}
		}
		if first != nil && isFunc(first) {
			v = first
		} else {
			return x.eval(m, v, env{})
		}
	}
	if isFunc(v) {
		fw := Express
		if strings.Contains(string(m.src), "fastify") {
			fw = Fastify
		}
		return routerRef{id: fnID(m, v) + "#0", fw: fw}, true
	}
	return routerRef{}, false
}

// call handles routing calls; it reports whether it consumed the call.
// A consumed call whose receiver is itself a call (Router().use(a).use(b))
// has that receiver handled too, since the walk will not descend into it.
func (x *extractor) call(m *module, c *sitter.Node, e env) bool {
	return x.callDepth(m, c, e, 0)
}

func (x *extractor) callDepth(m *module, c *sitter.Node, e env, depth int) bool {
	consumed := x.callOne(m, c, e)
	if consumed && depth < 64 {
		if fn := c.ChildByFieldName("function"); fn != nil && fn.Type() == "member_expression" {
			if obj := fn.ChildByFieldName("object"); obj != nil && obj.Type() == "call_expression" {
				x.callDepth(m, obj, e, depth+1)
			}
		}
	}
	return consumed
}

func (x *extractor) callOne(m *module, c *sitter.Node, e env) bool {
	fn := c.ChildByFieldName("function")
	args := c.ChildByFieldName("arguments")
	if fn == nil || args == nil {
		return false
	}
	// A router handed to a function: require('./routes')(app), or
	// registerRoutes(app).
	if fn.Type() != "member_expression" {
		for i := 0; i < int(args.NamedChildCount()); i++ {
			if r, ok := x.eval(m, args.NamedChild(i), e); ok {
				if target, ok := x.calleeRouter(m, fn); ok && i == 0 {
					x.mount(r, target.id, "", nil, m, c)
				}
			}
		}
		return false
	}
	obj := fn.ChildByFieldName("object")
	prop := m.text(fn.ChildByFieldName("property"))
	// app.route('/x').get(h).post(h)
	if base, p, ok := x.routeChain(m, obj, e); ok {
		if meth, isVerb := verbs[prop]; isVerb {
			x.addRoute(m, base, meth, p, argList(args), c, e)
			return false
		}
	}
	if prop == "forEach" {
		a := argList(args)
		if len(a) == 1 && isFunc(a[0]) {
			// routes.forEach((route) => router.use(route.path, route.route))
			if ps := funcParams(a[0]); len(ps) > 0 {
				if body := a[0].ChildByFieldName("body"); body != nil && x.unroll(m, ps[0], obj, body, e) {
					return true
				}
			}
			return false
		}
	}
	r, ok := x.eval(m, obj, e)
	if !ok {
		// An untraced receiver named like a router calling a verb with a
		// path and a handler: app.get('/x', h), where app came from
		// somewhere the scanner cannot follow. A variable initialised with
		// something else (an HTTP client such as axios.create()) is not one.
		if g, ok := x.guessRouter(m, obj, prop, args); ok {
			r = g
			e[m.text(obj)] = r
		} else {
			return false
		}
	}
	a := argList(args)
	switch prop {
	case "get", "post", "put", "patch", "delete", "del", "head", "options", "all":
		if len(a) < 2 {
			return false
		}
		x.addRoute(m, r, verbs[prop], a[0], a[1:], c, e)
		x.visitArgs(m, a[1:], e)
		return true
	case "route":
		if r.fw == Fastify && len(a) == 1 && a[0].Type() == "object" {
			x.fastifyRoute(m, r, a[0], c, e)
			return true
		}
	case "use":
		x.use(m, r, a, c, e)
		return true
	case "register":
		x.register(m, r, a, c, e)
		return true
	case "addHook":
		if len(a) >= 2 {
			if hook, ok := x.stringValue(m, a[0]); ok && (hook == "onRequest" || hook == "preHandler" || hook == "preValidation" || hook == "preParsing") {
				adds, cancels := x.middlewareGuards(m, a[1], e, 2)
				x.routerGuards(r, adds, cancels, false, "", m, c)
			}
		}
		return false
	}
	return false
}

func (x *extractor) guessRouter(m *module, obj *sitter.Node, prop string, args *sitter.Node) (routerRef, bool) {
	if _, isVerb := verbs[prop]; !isVerb {
		return routerRef{}, false
	}
	if obj.Type() != "identifier" && obj.Type() != "member_expression" {
		return routerRef{}, false
	}
	name := m.text(obj)
	if !looksLikeRouterName(lastName(name)) {
		return routerRef{}, false
	}
	if _, declared := m.vars[name]; declared {
		return routerRef{}, false
	}
	a := argList(args)
	if len(a) < 2 {
		return routerRef{}, false
	}
	if p, ok := x.stringValue(m, a[0]); !ok || !strings.HasPrefix(p, "/") {
		return routerRef{}, false
	}
	last := a[len(a)-1]
	switch {
	case isFunc(last), last.Type() == "member_expression":
	case last.Type() == "identifier":
		n := m.text(last)
		if _, ok := m.funcs[n]; !ok {
			if _, ok := m.imports[n]; !ok {
				return routerRef{}, false
			}
		}
	default:
		return routerRef{}, false
	}
	fw := Express
	if strings.Contains(string(m.src), "fastify") {
		fw = Fastify
	}
	return routerRef{id: "js:" + m.rel + ":" + name, fw: fw}, true
}

func lastName(s string) string {
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// visitArgs analyses function arguments that were consumed by a routing
// call, so routers created or used inside them are still seen.
func (x *extractor) visitArgs(m *module, args []*sitter.Node, e env) {
	for _, a := range args {
		if isFunc(a) {
			x.function(m, a, e, "")
		}
	}
}

func argList(args *sitter.Node) []*sitter.Node {
	var out []*sitter.Node
	for i := 0; i < int(args.NamedChildCount()); i++ {
		if c := args.NamedChild(i); c.Type() != "comment" {
			out = append(out, c)
		}
	}
	return out
}

// calleeRouter resolves a called function to the router its first
// parameter receives.
func (x *extractor) calleeRouter(m *module, fn *sitter.Node) (routerRef, bool) {
	switch fn.Type() {
	case "identifier":
		name := m.text(fn)
		if f, ok := m.funcs[name]; ok {
			return routerRef{id: fnID(m, f) + "#0"}, true
		}
		if ref, ok := m.imports[name]; ok {
			return x.exported(ref.file, ref.name, 0)
		}
	case "call_expression":
		// require('./routes')(app)
		return x.eval(m, fn, env{})
	case "member_expression":
		obj := fn.ChildByFieldName("object")
		if obj != nil && obj.Type() == "identifier" {
			if ref, ok := m.imports[m.text(obj)]; ok && ref.name == "*" {
				return x.exported(ref.file, m.text(fn.ChildByFieldName("property")), 0)
			}
		}
	}
	return routerRef{}, false
}

// routeChain recognises app.route('/x') (possibly followed by verbs) and
// returns the router and path.
func (x *extractor) routeChain(m *module, n *sitter.Node, e env) (routerRef, *sitter.Node, bool) {
	for i := 0; i < 16 && n != nil && n.Type() == "call_expression"; i++ {
		fn := n.ChildByFieldName("function")
		if fn == nil || fn.Type() != "member_expression" {
			return routerRef{}, nil, false
		}
		prop := m.text(fn.ChildByFieldName("property"))
		if prop == "route" {
			a := argList(n.ChildByFieldName("arguments"))
			if len(a) == 1 && a[0].Type() != "object" {
				if r, ok := x.eval(m, fn.ChildByFieldName("object"), e); ok {
					return r, a[0], true
				}
			}
			return routerRef{}, nil, false
		}
		if _, ok := verbs[prop]; !ok {
			return routerRef{}, nil, false
		}
		n = fn.ChildByFieldName("object")
	}
	return routerRef{}, nil, false
}

// paths reads a path argument: a string, a template, or an array of them.
func (x *extractor) paths(m *module, n *sitter.Node) []string {
	if n.Type() == "array" {
		var out []string
		for i := 0; i < int(n.NamedChildCount()); i++ {
			out = append(out, x.paths(m, n.NamedChild(i))...)
		}
		return out
	}
	if p, ok := x.pathValue(m, n); ok {
		return []string{p}
	}
	return nil
}

// addRoute registers a verb route. For Express the last handler serves and
// the earlier ones are middleware; for Fastify an options object may carry
// hooks and a rate-limit config.
func (x *extractor) addRoute(m *module, r routerRef, method string, pathArg *sitter.Node, handlers []*sitter.Node, at *sitter.Node, e env) {
	ps := x.paths(m, pathArg)
	if len(ps) == 0 {
		x.g.Unresolve(m.rel, line(at), "route path is not a constant: "+truncate(m.text(pathArg), 60))
		return
	}
	var adds, cancels, tags []string
	handler := ""
	for i, h := range handlers {
		if h.Type() == "object" {
			a, c := x.optionGuards(m, h, e)
			adds, cancels = append(adds, a...), append(cancels, c...)
			continue
		}
		if x.loginStrategy(m, h) {
			tags = append(tags, evidence.TagAuthEndpoint)
		}
		if i == len(handlers)-1 {
			// The handler serves the route: what its body checks counts,
			// its name never does (a handler called login is no guard).
			adds = append(adds, x.handlerGuards(m, h, e)...)
			handler = handlerName(m, h)
			if x.personalRecord(m, h, 1) {
				tags = append(tags, evidence.TagPersonalRecord)
			}
			continue
		}
		a, c := x.middlewareGuards(m, h, e, 2)
		adds, cancels = append(adds, a...), append(cancels, c...)
	}
	var def handlerDef
	if len(handlers) > 0 {
		def = x.handlerDef(m, handlers[len(handlers)-1], 0)
	}
	for _, p := range ps {
		x.g.Router(r.id).Routes = append(x.g.Router(r.id).Routes, graph.Route{
			Method: method, Path: graph.Params(p), File: m.rel, Line: line(at), Handler: handler, Framework: r.fw, Guards: adds, Without: cancels, Tags: tags,
			HandlerFile: def.file, HandlerFunc: def.name, HandlerLine: def.line,
		})
	}
}

// handlerGuards classifies the function that serves a route by the calls
// its body makes; a handler wrapped in a call (withAuth(h)) is classified
// as middleware, since the wrapper runs first.
func (x *extractor) handlerGuards(m *module, h *sitter.Node, e env) []string {
	switch {
	case isFunc(h):
		return x.bodyGuards(m, h, 2)
	case h.Type() == "identifier":
		if f, ok := m.funcs[m.text(h)]; ok {
			return x.bodyGuards(m, f, 2)
		}
	case h.Type() == "call_expression":
		a, _ := x.middlewareGuards(m, h, e, 2)
		return a
	}
	return nil
}

func handlerName(m *module, h *sitter.Node) string {
	if isFunc(h) {
		if n := h.ChildByFieldName("name"); n != nil {
			return m.text(n)
		}
		return "(anonymous)"
	}
	t := m.text(h)
	if len(t) > 80 {
		t = t[:80]
	}
	return t
}

// optionGuards reads Fastify route options: hooks and config.rateLimit.
func (x *extractor) optionGuards(m *module, obj *sitter.Node, e env) (adds, cancels []string) {
	for i := 0; i < int(obj.NamedChildCount()); i++ {
		p := obj.NamedChild(i)
		if p.Type() != "pair" {
			continue
		}
		key := strings.Trim(m.text(p.ChildByFieldName("key")), `'"`)
		val := p.ChildByFieldName("value")
		switch key {
		case "preHandler", "onRequest", "preValidation", "preParsing", "beforeHandler":
			a, c := x.middlewareGuards(m, val, e, 2)
			adds, cancels = append(adds, a...), append(cancels, c...)
		case "config":
			if strings.Contains(m.text(val), "rateLimit") && !strings.Contains(m.text(val), "rateLimit: false") {
				adds = append(adds, evidence.GuardRateLimit)
			}
		}
	}
	return adds, cancels
}

// fastifyRoute reads fastify.route({ method, url, handler, ...hooks }).
func (x *extractor) fastifyRoute(m *module, r routerRef, obj *sitter.Node, at *sitter.Node, e env) {
	var methods []string
	var url, handler *sitter.Node
	for i := 0; i < int(obj.NamedChildCount()); i++ {
		p := obj.NamedChild(i)
		if p.Type() != "pair" {
			continue
		}
		switch strings.Trim(m.text(p.ChildByFieldName("key")), `'"`) {
		case "method":
			for _, s := range x.paths(m, p.ChildByFieldName("value")) {
				methods = append(methods, strings.ToUpper(s))
			}
		case "url", "path":
			url = p.ChildByFieldName("value")
		case "handler":
			handler = p.ChildByFieldName("value")
		}
	}
	if url == nil {
		return
	}
	adds, cancels := x.optionGuards(m, obj, e)
	name := ""
	if handler != nil {
		adds = append(adds, x.handlerGuards(m, handler, e)...)
		name = handlerName(m, handler)
		if isFunc(handler) {
			x.function(m, handler, e, "")
		}
	}
	if len(methods) == 0 {
		methods = []string{"ANY"}
	}
	for _, p := range x.paths(m, url) {
		for _, meth := range methods {
			x.g.Router(r.id).Routes = append(x.g.Router(r.id).Routes, graph.Route{
				Method: meth, Path: graph.Params(p), File: m.rel, Line: line(at), Handler: name, Framework: r.fw, Guards: adds, Without: cancels,
			})
		}
	}
}

// use reads app.use([path], ...middleware | router).
func (x *extractor) use(m *module, r routerRef, a []*sitter.Node, at *sitter.Node, e env) {
	prefix := ""
	if len(a) > 0 {
		if ps := x.paths(m, a[0]); len(ps) > 0 && a[0].Type() != "identifier" {
			prefix, a = ps[0], a[1:]
		} else if p, ok := x.stringValue(m, a[0]); ok && strings.HasPrefix(p, "/") {
			prefix, a = p, a[1:]
		}
	}
	var mwGuards, mwCancels []string
	dashed := false
	for _, arg := range a {
		if sub, ok := x.eval(m, arg, e); ok && sub.id != r.id {
			x.mount(r, sub.id, prefix, mwGuards, m, at)
			continue
		}
		if d, ok := x.dashboardOf(m, arg); ok {
			// swaggerUi.serve, swaggerUi.setup(doc): one UI, one route.
			if !dashed {
				x.addDashboard(m, r, prefix, d, mwGuards, mwCancels, at)
				dashed = true
			}
			continue
		}
		adds, cancels := x.middlewareGuards(m, arg, e, 2)
		mwGuards, mwCancels = append(mwGuards, adds...), append(mwCancels, cancels...)
		if isFunc(arg) {
			x.function(m, arg, e, "")
		}
		// app.use('/api', apiRouter) where apiRouter could not be followed
		// (a package, a value built at run time): its routes are missing.
		if len(adds) == 0 && len(cancels) == 0 && (arg.Type() == "identifier" || arg.Type() == "member_expression") {
			if n := lastName(m.text(arg)); looksLikeRouterName(n) || strings.HasSuffix(strings.ToLower(n), "routes") {
				x.g.Unresolve(m.rel, line(at), "router "+truncate(m.text(arg), 60)+" mounted here could not be followed: routes it registers are not listed")
			}
		}
	}
	// Middleware given with routers in one call guards those routers
	// (handled above as mount guards); on its own it guards what follows.
	x.routerGuards(r, mwGuards, mwCancels, true, prefix, m, at)
}

// register reads fastify.register(plugin, { prefix }).
func (x *extractor) register(m *module, r routerRef, a []*sitter.Node, at *sitter.Node, e env) {
	if len(a) == 0 {
		return
	}
	prefix := ""
	if len(a) > 1 && a[1].Type() == "object" {
		for i := 0; i < int(a[1].NamedChildCount()); i++ {
			p := a[1].NamedChild(i)
			if p.Type() == "pair" && strings.Trim(m.text(p.ChildByFieldName("key")), `'"`) == "prefix" {
				prefix, _ = x.stringValue(m, p.ChildByFieldName("value"))
			}
		}
	}
	plugin := a[0]
	if x.autoload(m, r, plugin, a[1:], at) {
		return
	}
	if isFunc(plugin) {
		child := routerRef{id: fnID(m, plugin) + "#0", fw: Fastify}
		x.mount(r, child.id, prefix, nil, m, at)
		x.function(m, plugin, e, Fastify)
		return
	}
	if sub, ok := x.eval(m, plugin, e); ok {
		x.mount(r, sub.id, prefix, nil, m, at)
		return
	}
	if sub, ok := x.calleeRouter(m, plugin); ok {
		x.mount(r, sub.id, prefix, nil, m, at)
		return
	}
	// A guard plugin such as @fastify/rate-limit or @fastify/csrf-protection
	// protects the routes of the instance it is registered on. Registering
	// an auth plugin (@fastify/jwt) only adds helpers, so it is no guard.
	name := m.text(plugin)
	if ref, ok := m.imports[name]; ok {
		name += " " + ref.file
	}
	if plugin.Type() == "identifier" {
		if spec := x.importSpec(m, name); spec != "" {
			name += " " + spec
		}
	}
	adds, _ := guard.Kinds(name)
	adds = slices.DeleteFunc(adds, func(k string) bool { return k == evidence.GuardAuth })
	x.routerGuards(r, adds, nil, false, "", m, at)
}

// importSpec returns the package an identifier was imported from, for
// packages outside the scanned tree: import rateLimit from '@fastify/rate-limit'.
func (x *extractor) importSpec(m *module, name string) string {
	if spec, ok := m.specs[name]; ok {
		return spec
	}
	spec := ""
	walk(m.root, func(n *sitter.Node) bool {
		if spec != "" {
			return false
		}
		switch n.Type() {
		case "import_statement":
			if strings.Contains(m.text(n), name) {
				spec, _ = x.stringValue(m, n.ChildByFieldName("source"))
			}
			return false
		case "variable_declarator":
			if m.text(n.ChildByFieldName("name")) == name {
				if v := n.ChildByFieldName("value"); v != nil && strings.HasPrefix(m.text(v), "require(") {
					spec = m.text(v)
				}
			}
		}
		return true
	})
	if m.specs == nil {
		m.specs = map[string]string{}
	}
	m.specs[name] = spec
	return spec
}

func (x *extractor) mount(parent routerRef, child, prefix string, guards []string, m *module, at *sitter.Node) {
	x.g.Router(child)
	pr := x.g.Router(parent.id)
	for _, mt := range pr.Mounts {
		if mt.Child == child && mt.Prefix == prefix && mt.Line == line(at) {
			return
		}
	}
	pr.Mounts = append(pr.Mounts, graph.Mount{Child: child, Prefix: prefix, Guards: guards, File: m.rel, Line: line(at)})
}

func (x *extractor) routerGuards(r routerRef, adds, cancels []string, ordered bool, prefix string, m *module, at *sitter.Node) {
	rt := x.g.Router(r.id)
	for _, k := range adds {
		rt.Guards = append(rt.Guards, graph.Guard{Kind: k, Ordered: ordered, File: m.rel, Line: line(at), Prefix: prefix})
	}
	if prefix == "" {
		rt.Without = append(rt.Without, cancels...)
	}
}

// middlewareGuards classifies a middleware or handler: by name, by the
// call that built it, and by what its body checks.
func (x *extractor) middlewareGuards(m *module, n *sitter.Node, e env, depth int) (adds, cancels []string) {
	if n == nil || depth < 0 {
		return nil, nil
	}
	switch n.Type() {
	case "array":
		for i := 0; i < int(n.NamedChildCount()); i++ {
			a, c := x.middlewareGuards(m, n.NamedChild(i), e, depth)
			adds, cancels = append(adds, a...), append(cancels, c...)
		}
	case "identifier":
		name := m.text(n)
		adds, cancels = guard.Kinds(name)
		if f, ok := m.funcs[name]; ok {
			adds = append(adds, x.bodyGuards(m, f, depth)...)
		} else if v, ok := m.vars[name]; ok && v.Type() == "call_expression" {
			// const requireJwt = passport.authenticate('jwt', ...),
			// const maybeUser = expressjwt({ credentialsRequired: false })
			if strategies, ok := x.passportCall(m, v); ok {
				return passportGuards(strategies), cancels
			}
			a, _ := guard.Kinds(m.text(v.ChildByFieldName("function")))
			if optionalArgs(m, v) {
				a = optionalAuth(a)
			}
			adds = append(adds, a...)
		} else if ref, ok := m.imports[name]; ok {
			if tm := x.mods[ref.file]; tm != nil {
				if v, ok := tm.exports[ref.name]; ok {
					a, _ := guard.Kinds(ref.name)
					adds = append(adds, a...)
					if v.Type() == "identifier" {
						if f, ok := tm.funcs[tm.text(v)]; ok {
							v = f
						}
					}
					if isFunc(v) {
						adds = append(adds, x.bodyGuards(tm, v, depth-1)...)
					}
				}
			}
		}
	case "member_expression":
		adds, cancels = guard.Kinds(m.text(n))
	case "call_expression":
		fn := n.ChildByFieldName("function")
		if strategies, ok := x.passportCall(m, n); ok {
			return passportGuards(strategies), nil
		}
		adds, cancels = guard.Kinds(m.text(fn))
		if optionalArgs(m, n) {
			adds = optionalAuth(adds)
		}
		if fn != nil && fn.Type() == "identifier" {
			if f, ok := m.funcs[m.text(fn)]; ok {
				adds = append(adds, x.bodyGuards(m, f, depth-1)...)
			}
		}
		// withAuth(handler): the wrapped handler's own checks count too.
		if args := n.ChildByFieldName("arguments"); args != nil {
			for _, a := range argList(args) {
				if a.Type() == "identifier" || isFunc(a) || a.Type() == "call_expression" {
					ad, c := x.middlewareGuards(m, a, e, depth-1)
					adds, cancels = append(adds, ad...), append(cancels, c...)
				}
			}
		}
	case "arrow_function", "function_expression", "function", "function_declaration":
		adds = x.bodyGuards(m, n, depth)
	}
	return adds, cancels
}

// bodyGuards looks at the calls a function body makes.
func (x *extractor) bodyGuards(m *module, fn *sitter.Node, depth int) []string {
	body := fn.ChildByFieldName("body")
	if body == nil {
		return nil
	}
	var out []string
	walk(body, func(n *sitter.Node) bool {
		if n.Type() != "call_expression" {
			return true
		}
		f := n.ChildByFieldName("function")
		name := m.text(f)
		if len(name) < 120 {
			out = append(out, guard.BodyKinds(name)...)
		}
		if depth > 0 && f != nil && f.Type() == "identifier" {
			if d, ok := m.funcs[name]; ok && d != fn {
				out = append(out, x.bodyGuards(m, d, depth-1)...)
			}
		}
		return true
	})
	return out
}
