package pysrc

import (
	"bytes"
	"slices"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/graph"
	"github.com/threatmap/threatmap/scan/routes/guard"
)

// routerRef is a router a name denotes.
type routerRef struct {
	id string
	fw string
}

// constructors maps a router constructor to its framework.
var constructors = map[string]string{
	"Flask": Flask, "Blueprint": Flask, "flask.Flask": Flask, "flask.Blueprint": Flask,
	"FastAPI": FastAPI, "APIRouter": FastAPI, "fastapi.FastAPI": FastAPI, "fastapi.APIRouter": FastAPI,
}

var routeMethods = map[string]string{
	"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE",
	"head": "HEAD", "options": "OPTIONS", "trace": "TRACE",
}

func routerID(module, name string) string { return "py:" + module + ":" + name }

// lookup resolves a receiver expression (app, bp, users.bp, an imported
// name) to a router.
func (x *extractor) lookup(m *module, n *sitter.Node) (routerRef, bool) {
	if n == nil {
		return routerRef{}, false
	}
	switch n.Type() {
	case "identifier":
		name := m.text(n)
		if fw, ok := x.routerFW(m.name, name); ok {
			return routerRef{id: routerID(m.name, m.canonRouter(name)), fw: fw}, true
		}
		if ref, ok := m.imports[name]; ok && ref.name != "" && ref.module != "" {
			if r, ok := x.importedRouter(ref.module, ref.name, 0); ok {
				return r, true
			}
		}
		m.routers()
		if ref, ok := m.routerRefs[name]; ok && x.lookDepth < 8 {
			x.lookDepth++
			defer func() { x.lookDepth-- }()
			return x.lookup(m, ref)
		}
	case "attribute":
		obj := n.ChildByFieldName("object")
		attr := m.text(n.ChildByFieldName("attribute"))
		if mod := x.moduleOf(m, obj); mod != "" {
			if r, ok := x.importedRouter(mod, attr, 0); ok {
				return r, true
			}
		}
		if obj != nil && obj.Type() == "identifier" {
			// UserDto.api: a router held by a class.
			cname := m.text(obj) + "." + attr
			if fw, ok := x.routerFW(m.name, cname); ok {
				return routerRef{id: routerID(m.name, cname), fw: fw}, true
			}
			if ref, ok := m.imports[m.text(obj)]; ok && ref.name != "" && ref.module != "" {
				if r, ok := x.importedRouter(ref.module, ref.name+"."+attr, 0); ok {
					return r, true
				}
			}
		}
	}
	return routerRef{}, false
}

// importedRouter resolves name in module to a router, following
// re-exports: a package's __init__.py that imports the blueprint from a
// submodule (from app.account.views import account).
func (x *extractor) importedRouter(module, name string, depth int) (routerRef, bool) {
	if fw, ok := x.routerFW(module, name); ok {
		return routerRef{id: routerID(module, x.mods[module].canonRouter(name)), fw: fw}, true
	}
	m := x.mods[module]
	if m == nil || depth > 4 {
		return routerRef{}, false
	}
	if ref, ok := m.imports[name]; ok && ref.name != "" && ref.module != "" {
		return x.importedRouter(ref.module, ref.name, depth+1)
	}
	for _, star := range m.starImports {
		if r, ok := x.importedRouter(star, name, depth+1); ok {
			return r, true
		}
	}
	m.routers()
	if ref, ok := m.routerRefs[name]; ok && x.lookDepth < 8 {
		x.lookDepth++
		defer func() { x.lookDepth-- }()
		return x.lookup(m, ref)
	}
	return routerRef{}, false
}

// moduleOf resolves an expression that names a scanned module: an
// imported module (views) or a submodule of one (user.views after
// "from conduit import user"). The packages on the way need not have been
// parsed: an __init__.py that registers nothing is skipped.
func (x *extractor) moduleOf(m *module, n *sitter.Node) string {
	name := x.dottedModule(m, n, 0)
	if name == "" {
		return ""
	}
	if x.mods[name] != nil {
		return name
	}
	return x.resolveModule(name)
}

func (x *extractor) dottedModule(m *module, n *sitter.Node, depth int) string {
	if n == nil || depth > 16 {
		return ""
	}
	switch n.Type() {
	case "identifier":
		if ref, ok := m.imports[m.text(n)]; ok {
			mod := ref.module
			if mod == "" {
				mod = ref.path
			}
			if mod == "" {
				return ""
			}
			if ref.name != "" {
				return mod + "." + ref.name
			}
			return mod
		}
	case "attribute":
		if base := x.dottedModule(m, n.ChildByFieldName("object"), depth+1); base != "" {
			return base + "." + m.text(n.ChildByFieldName("attribute"))
		}
	}
	return ""
}

// routerFW tells whether module defines a router called name.
func (x *extractor) routerFW(module, name string) (string, bool) {
	m := x.mods[module]
	if m == nil {
		return "", false
	}
	fw, ok := m.routers()[name]
	return fw, ok
}

// routers lists the module's router variables and the constructor call
// that created each; computed once, in one walk of the tree.
func (m *module) routers() map[string]string {
	if m.routerVars != nil {
		return m.routerVars
	}
	m.routerVars = map[string]string{}
	m.routerCalls = map[string][]*sitter.Node{}
	m.routerAliases = map[string]string{}
	m.routerRefs = map[string]*sitter.Node{}
	walk(m.root, func(n *sitter.Node) bool {
		switch n.Type() {
		case "assignment":
		case "module", "expression_statement", "block", "function_definition", "decorated_definition", "if_statement", "else_clause", "with_statement", "try_statement", "class_definition":
			return true
		default:
			return false
		}
		left, right := n.ChildByFieldName("left"), n.ChildByFieldName("right")
		// users_router = r = APIRouter() names one router twice.
		names := []*sitter.Node{left}
		for i := 0; i < 8 && right != nil && right.Type() == "assignment"; i++ {
			names = append(names, right.ChildByFieldName("left"))
			right = right.ChildByFieldName("right")
		}
		if left != nil && right != nil && left.Type() == "identifier" && (right.Type() == "attribute" || right.Type() == "identifier") && enclosingClass(n) == nil {
			// api = UserDto.api: another name for a router.
			m.routerRefs[m.text(left)] = right
			return false
		}
		if left == nil || right == nil || right.Type() != "call" {
			return false
		}
		fw, ok := constructors[m.text(right.ChildByFieldName("function"))]
		if !ok {
			fw, ok = m.restxConstructor(right)
		}
		if ok {
			if cls := enclosingClass(n); cls != nil {
				// UserDto.api = Namespace(...) inside class UserDto.
				name := m.text(cls.ChildByFieldName("name")) + "." + m.text(names[0])
				m.routerVars[name] = fw
				m.routerCalls[name] = append(m.routerCalls[name], right)
				return false
			}
			first := m.text(names[0])
			for i, l := range names {
				name := m.text(l)
				m.routerVars[name] = fw
				if i == 0 {
					m.routerCalls[name] = append(m.routerCalls[name], right)
				} else {
					m.routerAliases[name] = first
				}
			}
		}
		return false
	})
	return m.routerVars
}

// canonRouter maps a second name of a router to its first.
func (m *module) canonRouter(name string) string {
	m.routers()
	if c, ok := m.routerAliases[name]; ok {
		return c
	}
	return name
}

// kwarg returns a call's keyword argument value.
func (m *module) kwarg(call *sitter.Node, name string) *sitter.Node {
	args := call.ChildByFieldName("arguments")
	if args == nil {
		return nil
	}
	for i := 0; i < int(args.NamedChildCount()); i++ {
		a := args.NamedChild(i)
		if a.Type() == "keyword_argument" && m.text(a.ChildByFieldName("name")) == name {
			return a.ChildByFieldName("value")
		}
	}
	return nil
}

// posarg returns a call's i-th positional argument.
func posarg(call *sitter.Node, i int) *sitter.Node {
	args := call.ChildByFieldName("arguments")
	if args == nil {
		return nil
	}
	k := 0
	for j := 0; j < int(args.NamedChildCount()); j++ {
		a := args.NamedChild(j)
		if a.Type() == "keyword_argument" || a.Type() == "comment" || a.Type() == "list_splat" || a.Type() == "dictionary_splat" {
			continue
		}
		if k == i {
			return a
		}
		k++
	}
	return nil
}

// dependencyGuards reads dependencies=[Depends(a), Security(b)].
func (x *extractor) dependencyGuards(m *module, list *sitter.Node) []string {
	return x.depGuardsDepth(m, list, 0)
}

func (x *extractor) depGuardsDepth(m *module, list *sitter.Node, depth int) []string {
	if list == nil {
		return nil
	}
	var out []string
	walk(list, func(n *sitter.Node) bool {
		if n.Type() == "call" {
			fn := m.text(n.ChildByFieldName("function"))
			if fn == "Depends" || fn == "Security" || strings.HasSuffix(fn, ".Depends") || strings.HasSuffix(fn, ".Security") {
				if a := posarg(n, 0); a != nil {
					if a2 := m.kwarg(n, "dependency"); a == nil && a2 != nil {
						a = a2
					}
					out = append(out, x.dependsGuards(m, a, depth)...)
				}
				return false
			}
		}
		return true
	})
	return out
}

// dependsGuards classifies the argument of Depends(...): a dependency
// that lets anonymous callers through (get_current_user_optional,
// get_user(required=False), a security scheme created with
// auto_error=False, or a function that only depends on such schemes) is
// optional authentication, never auth.
func (x *extractor) dependsGuards(m *module, a *sitter.Node, depth int) []string {
	name := m.text(a)
	call := a
	if a.Type() == "call" {
		name = m.text(a.ChildByFieldName("function"))
	} else {
		call = nil
	}
	kinds := dependsKinds(name)
	optional := false
	if ws := guard.Words(name); slices.Contains(ws, "optional") || slices.Contains(ws, "optionally") || slices.Contains(ws, "maybe") || orNone(ws) {
		// guard.Kinds drops auth for an optional name; see whether the
		// name is otherwise an authentication step.
		rest := slices.DeleteFunc(slices.Clone(ws), func(w string) bool {
			return w == "optional" || w == "optionally" || w == "maybe" || w == "or" || w == "none" || w == "anonymous"
		})
		if slices.Contains(dependsKinds(strings.Join(rest, "_")), evidence.GuardAuth) {
			optional = true
		}
	}
	if call != nil {
		for _, kw := range []string{"required", "auto_error", "raise_error"} {
			if v := m.kwarg(call, kw); v != nil && m.text(v) == "False" {
				// get_current_user(required=False), or a factory named
				// after the principal: get_user(required=False).
				ws := guard.Words(name)
				if slices.Contains(kinds, evidence.GuardAuth) || slices.ContainsFunc(ws, func(w string) bool {
					return slices.Contains([]string{"user", "token", "principal", "identity", "credentials", "account", "session"}, w)
				}) {
					optional = true
				}
			}
		}
	}
	if !optional && slices.Contains(kinds, evidence.GuardAuth) && depth < 3 {
		optional = x.optionalDependency(m, a, depth)
	}
	if len(kinds) == 0 && depth < 3 {
		// A dependency that is no guard by name may itself depend on
		// one: get_article_by_slug(user = Depends(get_current_user)).
		fn := a
		if call != nil {
			fn = call.ChildByFieldName("function")
		}
		if fm, def := x.resolveFunc(m, fn); def != nil {
			for _, k := range x.depGuardsDepth(fm, def.ChildByFieldName("parameters"), depth+1) {
				if (k == evidence.GuardAuth || k == evidence.GuardAuthOptional) && !slices.Contains(kinds, k) {
					kinds = append(kinds, k)
				}
			}
		}
	}
	if optional {
		kinds = slices.DeleteFunc(kinds, func(k string) bool { return k == evidence.GuardAuth })
		if !slices.Contains(kinds, evidence.GuardAuthOptional) {
			kinds = append(kinds, evidence.GuardAuthOptional)
		}
	}
	return kinds
}

// optionalDependency follows a dependency to its definition: a security
// scheme variable created with auto_error=False, or a function whose own
// authentication dependencies are all optional.
func (x *extractor) optionalDependency(m *module, a *sitter.Node, depth int) bool {
	if a.Type() != "identifier" && a.Type() != "attribute" {
		return false
	}
	name := m.text(a)
	tm, vn := m, name
	if ref, ok := m.imports[name]; ok && ref.name != "" && x.mods[ref.module] != nil {
		tm, vn = x.mods[ref.module], ref.name
	}
	if c, ok := tm.calls[vn]; ok {
		for _, kw := range []string{"auto_error", "raise_error"} {
			if v := tm.kwarg(c, kw); v != nil && tm.text(v) == "False" {
				return true
			}
		}
		return false
	}
	fm, def := x.resolveFunc(m, a)
	if def == nil {
		return false
	}
	params := def.ChildByFieldName("parameters")
	inner := x.depGuardsDepth(fm, params, depth+1)
	// Parameters typed with a dependency alias (token: JWTTokenOptional).
	for i := 0; params != nil && i < int(params.NamedChildCount()); i++ {
		if t := params.NamedChild(i).ChildByFieldName("type"); t != nil {
			inner = append(inner, x.aliasGuardsDepth(fm, strings.TrimSpace(fm.text(t)), depth+1)...)
		}
	}
	return slices.Contains(inner, evidence.GuardAuthOptional) && !slices.Contains(inner, evidence.GuardAuth)
}

// dependsKinds classifies a FastAPI dependency. Beyond the shared
// vocabulary, a dependency that produces a token, credentials or the
// principal is an authentication step: Depends(get_token_header),
// Depends(oauth2_scheme).
func dependsKinds(name string) []string {
	ws := guard.Words(name)
	// An injected object (container.user_auth_service, get_auth_repo,
	// get_settings) is not a check, whatever it is named after.
	if n := len(ws); n > 0 && slices.Contains([]string{"service", "services", "repository", "repo", "client", "container", "factory", "settings", "config", "db", "database", "dao", "manager", "provider"}, ws[n-1]) ||
		slices.Contains(ws, "container") {
		return nil
	}
	k, _ := guardKinds(name)
	if len(k) > 0 {
		return k
	}
	for _, w := range guard.Words(name) {
		switch w {
		case "token", "credentials", "principal", "scheme":
			return []string{evidence.GuardAuth}
		}
	}
	return nil
}

// analyze reads one module's registrations.
func (x *extractor) analyze(m *module) {
	// Routers are created with their own prefix and dependencies;
	// FastAPI(dependencies=[...]) applies to the whole app.
	m.routers()
	for name, calls := range m.routerCalls {
		r := x.g.Router(routerID(m.name, name))
		for _, call := range calls {
			ctor := m.text(call.ChildByFieldName("function"))
			if _, ok := constructors[ctor]; !ok {
				x.restxRouter(m, r, call)
				continue
			}
			if strings.HasSuffix(ctor, "Blueprint") || strings.HasSuffix(ctor, "APIRouter") {
				r.Child = true
				prefixArg := "url_prefix"
				if strings.HasSuffix(ctor, "APIRouter") {
					prefixArg = "prefix"
				}
				if v, ok := m.pathValue(m.kwarg(call, prefixArg), x.consts, true); ok {
					r.Prefix = v
				}
			}
			for _, k := range x.dependencyGuards(m, m.kwarg(call, "dependencies")) {
				r.Guards = append(r.Guards, graph.Guard{Kind: k, File: m.rel, Line: line(call)})
			}
		}
	}
	walk(m.root, func(n *sitter.Node) bool {
		if x.ctx.Err() != nil {
			return false
		}
		switch n.Type() {
		case "decorated_definition":
			x.decorated(m, n)
			return true
		case "call":
			// Python has no statements inside call arguments (only
			// lambdas), so nothing below a call registers a route.
			x.call(m, n)
			return false
		case "string", "comment", "identifier", "attribute", "integer", "float", "dictionary", "set", "binary_operator", "comparison_operator", "boolean_operator", "not_operator", "subscript", "lambda", "list_comprehension", "dictionary_comprehension", "generator_expression", "import_statement", "import_from_statement":
			return false
		case "for_statement":
			if x.loopRegister(m, n) {
				return false
			}
		case "assignment", "augmented_assignment":
			left := n.ChildByFieldName("left")
			if left != nil && m.text(left) == "urlpatterns" {
				x.django(m, routerDjango(m.name), n.ChildByFieldName("right"))
				return false
			}
		}
		return true
	})
}

func routerDjango(module string) string { return "dj:" + module }

// decorated handles a function with decorators: route decorators register
// it; the others may be guards.
func (x *extractor) decorated(m *module, n *sitter.Node) {
	def := n.ChildByFieldName("definition")
	if def != nil && def.Type() == "class_definition" {
		x.resourceClass(m, n, def)
		return
	}
	if def == nil || def.Type() != "function_definition" {
		return
	}
	type reg struct {
		r       routerRef
		methods []string
		path    string
		line    int
		deps    []string
		deco    *sitter.Node
	}
	var regs []reg
	var decoGuards, decoCancels []string
	for i := 0; i < int(n.NamedChildCount()); i++ {
		d := n.NamedChild(i)
		if d.Type() != "decorator" || d.NamedChildCount() == 0 {
			continue
		}
		e := d.NamedChild(0)
		if e.Type() == "attribute" {
			// @bp.before_request guards every route of bp.
			attr := m.text(e.ChildByFieldName("attribute"))
			if attr == "before_request" || attr == "before_app_request" {
				if r, ok := x.lookupOrGuess(m, e.ChildByFieldName("object"), "route"); ok {
					adds := x.funcGuards(m, def, 2)
					// Its other decorators guard it, and so every route:
					// @api.before_request @auth.login_required.
					for j := 0; j < int(n.NamedChildCount()); j++ {
						if o := n.NamedChild(j); o.Type() == "decorator" && !o.Equal(d) {
							a, _ := guardKinds(m.decoratorWords(o))
							adds = append(adds, a...)
						}
					}
					k, _ := guardKinds(m.text(def.ChildByFieldName("name")))
					x.routerGuards(r, append(adds, k...), m, d)
				}
				continue
			}
		}
		if e.Type() == "call" {
			fn := e.ChildByFieldName("function")
			if fn != nil && fn.Type() == "attribute" {
				attr := m.text(fn.ChildByFieldName("attribute"))
				pathArg := posarg(e, 0)
				if pk := m.kwarg(e, "path"); pathArg == nil && pk != nil {
					pathArg = pk
				}
				p, pathOK := m.pathValue(pathArg, x.consts, false)
				method, isMethod := routeMethods[attr]
				if !pathOK && pathArg != nil && (attr == "route" || attr == "api_route") {
					if _, ok := x.lookup(m, fn.ChildByFieldName("object")); ok {
						x.unresolve(m, d, "route path "+clip(m.text(pathArg))+" is not known before run time")
						continue
					}
				}
				if !pathOK && pathArg != nil && isMethod {
					if r, ok := x.lookup(m, fn.ChildByFieldName("object")); ok && r.fw == FastAPI {
						x.unresolve(m, d, "route path "+clip(m.text(pathArg))+" is not known before run time")
						continue
					}
				}
				if pathOK && (attr == "route" || attr == "api_route" || isMethod) && (p == "" || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "{")) {
					if r, ok := x.lookupOrGuess(m, fn.ChildByFieldName("object"), attr); ok {
						methods := []string{method}
						if !isMethod {
							methods = m.methodsKwarg(e)
						}
						regs = append(regs, reg{r: r, methods: methods, path: p, line: line(d), deps: x.dependencyGuards(m, m.kwarg(e, "dependencies")), deco: e})
						continue
					}
				}
			}
		}
		adds, cancels := guardKinds(m.decoratorWords(d))
		decoGuards = append(decoGuards, adds...)
		decoCancels = append(decoCancels, cancels...)
	}
	if len(regs) == 0 {
		return
	}
	pg, bg := x.paramGuards(m, def), x.bodyGuards(m, def, 2)
	name := m.text(def.ChildByFieldName("name"))
	for _, rg := range regs {
		g := slices.Concat(pg, bg)
		if isAuthEndpoint(name, rg.path) {
			// A login or signup handler checks the caller's password or
			// creates the account: what its body calls is not a guard
			// (what its parameters depend on still is).
			g = slices.Concat(pg, slices.DeleteFunc(slices.Clone(bg), func(k string) bool { return k == evidence.GuardAuth }))
		}
		var tags []string
		if x.personalRecord(m, rg.deco, def, 1) {
			tags = []string{evidence.TagPersonalRecord}
		}
		for _, meth := range rg.methods {
			x.addRoute(rg.r.id, graph.Route{
				Method: meth, Path: graph.Params(rg.path), File: m.rel, Line: rg.line, Handler: name, Framework: rg.r.fw,
				Guards: slices.Concat(decoGuards, g, rg.deps), Without: decoCancels, Tags: tags,
			})
		}
	}
}

// lookupOrGuess resolves a route decorator's receiver. A receiver the
// scanner cannot trace (an app passed into a function, current_app) is
// still a router: a decorator like @x.route("/path") is unmistakable.
func (x *extractor) lookupOrGuess(m *module, obj *sitter.Node, attr string) (routerRef, bool) {
	if r, ok := x.lookup(m, obj); ok {
		return r, true
	}
	if obj == nil || (obj.Type() != "identifier" && obj.Type() != "attribute") {
		return routerRef{}, false
	}
	fw := Flask
	if m.importsModule("fastapi") || attr == "api_route" {
		fw = FastAPI
	} else if !m.importsModule("flask") && attr != "route" {
		return routerRef{}, false
	}
	return routerRef{id: routerID(m.name, m.text(obj)), fw: fw}, true
}

func (m *module) importsModule(name string) bool {
	return bytes.Contains(m.src, []byte("from "+name)) || bytes.Contains(m.src, []byte("import "+name))
}

// methodsKwarg reads methods=["GET", "POST"]; Flask's default is GET.
func (m *module) methodsKwarg(call *sitter.Node) []string {
	v := m.kwarg(call, "methods")
	if v == nil {
		return []string{"GET"}
	}
	var out []string
	walk(v, func(n *sitter.Node) bool {
		if n.Type() == "string" {
			if s, ok := m.stringValue(n, nil); ok {
				out = append(out, strings.ToUpper(s))
			}
			return false
		}
		return true
	})
	if len(out) == 0 {
		return []string{"ANY"}
	}
	return out
}

func (x *extractor) addRoute(id string, rt graph.Route) {
	r := x.g.Router(id)
	r.Routes = append(r.Routes, rt)
}

func (x *extractor) routerGuards(r routerRef, kinds []string, m *module, at *sitter.Node) {
	rt := x.g.Router(r.id)
	for _, k := range kinds {
		rt.Guards = append(rt.Guards, graph.Guard{Kind: k, File: m.rel, Line: line(at)})
	}
}

// funcGuards reads a handler: Depends(...) in its parameters and the checks
// its body makes, following calls into the scanned modules a little way.
func (x *extractor) funcGuards(m *module, def *sitter.Node, depth int) []string {
	return append(x.paramGuards(m, def), x.bodyGuards(m, def, depth)...)
}

// paramGuards reads a handler's parameters: Depends(...) and types that
// alias a dependency (CurrentUser).
func (x *extractor) paramGuards(m *module, def *sitter.Node) []string {
	var out []string
	if params := def.ChildByFieldName("parameters"); params != nil {
		out = append(out, x.dependencyGuards(m, params)...)
		// Parameters typed with an alias that carries a dependency.
		for i := 0; i < int(params.NamedChildCount()); i++ {
			p := params.NamedChild(i)
			if t := p.ChildByFieldName("type"); t != nil {
				out = append(out, x.aliasGuards(m, strings.TrimSpace(m.text(t)))...)
			}
		}
	}
	return out
}

// bodyGuards reads the checks a function's body makes, following calls
// into the scanned modules depth levels down.
func (x *extractor) bodyGuards(m *module, def *sitter.Node, depth int) []string {
	var out []string
	body := def.ChildByFieldName("body")
	if body == nil {
		return out
	}
	walk(body, func(n *sitter.Node) bool {
		switch n.Type() {
		case "function_definition", "class_definition":
			return false
		case "comparison_operator":
			// request.remote_addr not in ALLOWED_IPS
			walk(n, func(c *sitter.Node) bool {
				if c.Type() == "identifier" || c.Type() == "attribute" {
					if k, _ := guard.Kinds(m.text(c)); slices.Contains(k, evidence.GuardIPAllowlist) {
						out = append(out, evidence.GuardIPAllowlist)
					}
					return false
				}
				return true
			})
		case "call":
			fn := n.ChildByFieldName("function")
			if !principalMethod(m, fn) {
				out = append(out, guard.BodyKinds(m.text(fn))...)
			}
			if depth > 0 && fn != nil {
				if tm, td := x.resolveFunc(m, fn); td != nil {
					out = append(out, x.funcGuards(tm, td, depth-1)...)
				}
			}
		}
		return true
	})
	return out
}

// aliasGuards resolves a parameter's type name to a dependency-carrying
// alias in this module or the module it was imported from.
func (x *extractor) aliasGuards(m *module, name string) []string {
	return x.aliasGuardsDepth(m, name, 0)
}

func (x *extractor) aliasGuardsDepth(m *module, name string, depth int) []string {
	if a, ok := m.depAliases[name]; ok {
		return x.depGuardsDepth(m, a, depth)
	}
	if ref, ok := m.imports[name]; ok && ref.name != "" {
		if tm := x.mods[ref.module]; tm != nil {
			if a, ok := tm.depAliases[ref.name]; ok {
				return x.depGuardsDepth(tm, a, depth)
			}
		}
	}
	return nil
}

// orNone tells whether a name says it may return nothing:
// get_current_user_or_none, user_or_anonymous.
func orNone(ws []string) bool {
	for i := 0; i+1 < len(ws); i++ {
		if ws[i] == "or" && (ws[i+1] == "none" || ws[i+1] == "anonymous") {
			return true
		}
	}
	return false
}

// resolveFunc finds the definition of a called function in the scanned
// modules.
func (x *extractor) resolveFunc(m *module, fn *sitter.Node) (*module, *sitter.Node) {
	switch fn.Type() {
	case "identifier":
		name := m.text(fn)
		if d, ok := m.funcs[name]; ok {
			return m, d
		}
		if ref, ok := m.imports[name]; ok && ref.name != "" {
			return x.defIn(ref.module, ref.name, true, 0)
		}
	case "attribute":
		if mod := x.moduleOf(m, fn.ChildByFieldName("object")); mod != "" {
			return x.defIn(mod, m.text(fn.ChildByFieldName("attribute")), true, 0)
		}
	}
	return nil, nil
}

// call handles registration calls: register_blueprint, include_router,
// mount, add_url_rule, add_api_route, before_request, add_middleware, and
// app-wide protections such as CSRFProtect(app) or a Limiter with default
// limits.
func (x *extractor) call(m *module, n *sitter.Node) {
	fn := n.ChildByFieldName("function")
	if fn == nil {
		return
	}
	if fn.Type() == "attribute" {
		attr := m.text(fn.ChildByFieldName("attribute"))
		obj := fn.ChildByFieldName("object")
		if attr == "register" && obj.Type() == "identifier" {
			if _, ok := m.drfRouters[m.text(obj)]; ok {
				x.drfRegister(m, m.text(obj), n)
				return
			}
		}
		if attr == "register_blueprint" || attr == "include_router" {
			if _, ok := x.lookup(m, obj); !ok {
				// app = create_app(); app.register_blueprint(bp): the
				// app is not traced, but bp is served by some app.
				if child, ok := x.lookup(m, mountArg(m, n)); ok {
					if x.mountedElsewhere == nil {
						x.mountedElsewhere = map[string]bool{}
					}
					x.mountedElsewhere[child.id] = true
					prefix, _ := m.pathValue(m.kwarg(n, map[bool]string{true: "url_prefix", false: "prefix"}[attr == "register_blueprint"]), x.consts, true)
					if prefix != "" {
						x.unresolve(m, n, attr+" on "+clip(m.text(obj))+", an app the scanner cannot trace: the prefix "+prefix+" is not applied")
					}
				}
				return
			}
		}
		if r, ok := x.lookup(m, obj); ok {
			switch attr {
			case "register_blueprint", "include_router":
				childArg := mountArg(m, n)
				child, ok := x.lookup(m, childArg)
				if !ok {
					x.unresolve(m, n, attr+" of "+clip(m.text(childArg))+", which is not a router the scanner can trace")
					x.mountDoubt = true
					return
				}
				kw := "url_prefix"
				if attr == "include_router" {
					kw = "prefix"
				}
				prefix, _ := m.pathValue(m.kwarg(n, kw), x.consts, true)
				pr := x.g.Router(r.id)
				x.g.Router(child.id)
				pr.Mounts = append(pr.Mounts, graph.Mount{Child: child.id, Prefix: prefix, Replace: attr == "register_blueprint", Guards: x.dependencyGuards(m, m.kwarg(n, "dependencies")), File: m.rel, Line: line(n)})
				return
			case "mount":
				p, ok := m.pathValue(posarg(n, 0), x.consts, true)
				if !ok {
					x.unresolve(m, n, "mount path is not known before run time")
					return
				}
				if child, ok := x.lookup(m, posarg(n, 1)); ok {
					pr := x.g.Router(r.id)
					pr.Mounts = append(pr.Mounts, graph.Mount{Child: child.id, Prefix: p, File: m.rel, Line: line(n)})
					return
				}
				handler := m.text(posarg(n, 1))
				if i := strings.IndexByte(handler, '('); i >= 0 {
					handler = handler[:i]
				}
				x.addRoute(r.id, graph.Route{Method: "ANY", Path: graph.Join(p, "*"), File: m.rel, Line: line(n), Handler: handler, Framework: r.fw})
				return
			case "add_url_rule", "add_api_route":
				x.addRule(m, r, n, attr)
				return
			case "add_namespace", "add_resource":
				if x.restxCall(m, r, n, attr) {
					return
				}
			case "init_app":
				if x.restxInitApp(m, r, n) {
					return
				}
			case "before_request", "before_app_request":
				if f := posarg(n, 0); f != nil {
					k, _ := guardKinds(m.text(f))
					if tm, td := x.resolveFunc(m, f); td != nil {
						k = append(k, x.funcGuards(tm, td, 2)...)
					}
					x.routerGuards(r, k, m, n)
				}
				return
			case "add_middleware":
				if f := posarg(n, 0); f != nil {
					k, _ := guard.Kinds(m.text(f))
					x.routerGuards(r, k, m, n)
				}
				return
			}
		}
	}
	// limiter.limit("100/minute")(bp) limits a whole blueprint.
	if fn.Type() == "call" {
		inner := fn.ChildByFieldName("function")
		if k, _ := guard.Kinds(m.text(inner)); len(k) > 0 {
			if r, ok := x.lookup(m, posarg(n, 0)); ok {
				x.routerGuards(r, k, m, n)
				return
			}
		}
	}
	// CSRFProtect(app), csrf.init_app(app), Limiter(..., app=app,
	// default_limits=[...]), limiter.init_app(app).
	name := m.text(fn)
	target := posarg(n, 0)
	if app := m.kwarg(n, "app"); app != nil {
		target = app
	}
	r, ok := x.lookup(m, target)
	if !ok {
		return
	}
	kinds, _ := guard.Kinds(name)
	var keep []string
	for _, k := range kinds {
		switch k {
		case evidence.GuardAuth:
			// LoginManager(app) and JWTManager(app) configure auth but
			// protect no route by themselves.
			continue
		case evidence.GuardRateLimit:
			if !x.hasDefaultLimits(m, n, fn) {
				continue
			}
		}
		keep = append(keep, k)
	}
	x.routerGuards(r, keep, m, n)
}

// hasDefaultLimits tells whether a Limiter applies limits to every route:
// created with default_limits, or init_app on such a limiter.
func (x *extractor) hasDefaultLimits(m *module, call, fn *sitter.Node) bool {
	if m.kwarg(call, "default_limits") != nil || m.kwarg(call, "application_limits") != nil {
		return true
	}
	if fn.Type() != "attribute" {
		return false
	}
	obj := m.text(fn.ChildByFieldName("object"))
	found := false
	walk(m.root, func(n *sitter.Node) bool {
		if n.Type() == "assignment" && m.text(n.ChildByFieldName("left")) == obj {
			if c := n.ChildByFieldName("right"); c != nil && c.Type() == "call" && m.kwarg(c, "default_limits") != nil {
				found = true
			}
		}
		return !found
	})
	return found
}

// addRule reads add_url_rule(rule, endpoint, view_func, methods=...) and
// add_api_route(path, endpoint, methods=...).
func (x *extractor) addRule(m *module, r routerRef, n *sitter.Node, attr string) {
	pathArg := posarg(n, 0)
	if v := m.kwarg(n, "rule"); v != nil {
		pathArg = v
	}
	if v := m.kwarg(n, "path"); v != nil {
		pathArg = v
	}
	p, ok := m.pathValue(pathArg, x.consts, false)
	if !ok {
		x.unresolve(m, n, attr+" path "+clip(m.text(pathArg))+" is not known before run time")
		return
	}
	view := m.kwarg(n, "view_func")
	if attr == "add_api_route" {
		view = posarg(n, 1)
		if v := m.kwarg(n, "endpoint"); v != nil {
			view = v
		}
	} else if view == nil {
		view = posarg(n, 2)
	}
	methods := m.methodsKwarg(n)
	var guards, without []string
	handler := ""
	if view != nil {
		handler = m.text(view)
		g, w, viewMethods := x.viewGuards(m, view)
		guards, without = g, w
		if m.kwarg(n, "methods") == nil && len(viewMethods) > 0 {
			methods = viewMethods
		}
	}
	guards = append(guards, x.dependencyGuards(m, m.kwarg(n, "dependencies"))...)
	for _, meth := range methods {
		x.addRoute(r.id, graph.Route{Method: meth, Path: graph.Params(p), File: m.rel, Line: line(n), Handler: handler, Framework: r.fw, Guards: guards, Without: without})
	}
}

// viewGuards reads a view reference: a function (its decorators and
// body), a class-based view (Cls.as_view()), or a view wrapped in a
// decorator call such as login_required(view). It returns the methods a
// class-based view or a require_http_methods decorator allows.
func (x *extractor) viewGuards(m *module, view *sitter.Node) (guards, without, methods []string) {
	for depth := 0; view != nil && depth < 8; depth++ {
		if view.Type() != "call" {
			break
		}
		fn := view.ChildByFieldName("function")
		if fn != nil && fn.Type() == "attribute" && m.text(fn.ChildByFieldName("attribute")) == "as_view" {
			view = fn.ChildByFieldName("object")
			break
		}
		a, c := guardKinds(m.text(fn))
		guards, without = append(guards, a...), append(without, c...)
		view = posarg(view, 0)
	}
	if view == nil {
		return guards, without, nil
	}
	tm, def := x.resolveFunc(m, view)
	if def != nil {
		guards = append(guards, x.funcGuards(tm, def, 2)...)
		if p := def.Parent(); p != nil && p.Type() == "decorated_definition" {
			for i := 0; i < int(p.NamedChildCount()); i++ {
				d := p.NamedChild(i)
				if d.Type() != "decorator" {
					continue
				}
				a, c := guardKinds(tm.decoratorWords(d))
				guards, without = append(guards, a...), append(without, c...)
				methods = append(methods, decoratorMethods(tm, d)...)
			}
		}
		return guards, without, methods
	}
	// A class-based view: its bases and decorators, permission_classes,
	// and the HTTP methods it defines.
	tm, cls := x.resolveClass(m, view)
	if cls == nil {
		return guards, without, nil
	}
	a, c := x.baseGuards(tm, cls, 0)
	guards, without = append(guards, a...), append(without, c...)
	if p := cls.Parent(); p != nil && p.Type() == "decorated_definition" {
		for i := 0; i < int(p.NamedChildCount()); i++ {
			if d := p.NamedChild(i); d.Type() == "decorator" {
				a, c := guardKinds(tm.decoratorWords(d))
				guards, without = append(guards, a...), append(without, c...)
			}
		}
	}
	if body := cls.ChildByFieldName("body"); body != nil {
		for i := 0; i < int(body.NamedChildCount()); i++ {
			st := body.NamedChild(i)
			def := st
			if st.Type() == "decorated_definition" {
				def = st.ChildByFieldName("definition")
			}
			if def != nil && def.Type() == "function_definition" {
				if meth, ok := routeMethods[tm.text(def.ChildByFieldName("name"))]; ok {
					methods = append(methods, meth)
					guards = append(guards, x.funcGuards(tm, def, 1)...)
				}
			}
			if st.Type() == "expression_statement" && st.NamedChildCount() > 0 && st.NamedChild(0).Type() == "assignment" {
				as := st.NamedChild(0)
				switch tm.text(as.ChildByFieldName("left")) {
				case "permission_classes", "authentication_classes", "throttle_classes", "decorators", "method_decorators":
					a, c := guardKinds(tm.text(as.ChildByFieldName("right")))
					guards, without = append(guards, a...), append(without, c...)
				}
			}
		}
	}
	if x.genericView(tm, cls, 0) {
		// A generic view such as DeleteView or UpdateView answers the
		// methods its base defines as well as those the class adds.
		methods = nil
	}
	return guards, without, methods
}

func (x *extractor) resolveClass(m *module, n *sitter.Node) (*module, *sitter.Node) {
	switch n.Type() {
	case "identifier":
		name := m.text(n)
		if c, ok := m.classes[name]; ok {
			return m, c
		}
		if ref, ok := m.imports[name]; ok && ref.name != "" {
			return x.defIn(ref.module, ref.name, false, 0)
		}
		for _, star := range m.starImports {
			if tm, d := x.defIn(star, name, false, 1); d != nil {
				return tm, d
			}
		}
	case "attribute":
		if mod := x.moduleOf(m, n.ChildByFieldName("object")); mod != "" {
			return x.defIn(mod, m.text(n.ChildByFieldName("attribute")), false, 0)
		}
	}
	return nil, nil
}

// defIn finds the class (or function, when fn is set) called name in a
// module, following re-exports through the module's imports: a package's
// __init__.py that imports a view from a submodule.
func (x *extractor) defIn(module, name string, fn bool, depth int) (*module, *sitter.Node) {
	m := x.mods[module]
	if m == nil || depth > 4 {
		return nil, nil
	}
	defs := m.classes
	if fn {
		defs = m.funcs
	}
	if d, ok := defs[name]; ok {
		return m, d
	}
	if ref, ok := m.imports[name]; ok && ref.name != "" {
		return x.defIn(ref.module, ref.name, fn, depth+1)
	}
	for _, star := range m.starImports {
		if tm, d := x.defIn(star, name, fn, depth+1); d != nil {
			return tm, d
		}
	}
	return nil, nil
}

// decoratorMethods reads Django's require_POST, require_GET, require_safe
// and require_http_methods([...]).
func decoratorMethods(m *module, d *sitter.Node) []string {
	t := strings.TrimPrefix(m.text(d), "@")
	switch {
	case strings.HasSuffix(t, "require_POST"):
		return []string{"POST"}
	case strings.HasSuffix(t, "require_GET"):
		return []string{"GET"}
	case strings.HasSuffix(t, "require_safe"):
		return []string{"GET", "HEAD"}
	case strings.Contains(t, "require_http_methods("):
		var out []string
		walk(d, func(n *sitter.Node) bool {
			if n.Type() == "string" {
				if s, ok := m.stringValue(n, nil); ok {
					out = append(out, strings.ToUpper(s))
				}
				return false
			}
			return true
		})
		return out
	}
	return nil
}

// principalMethod tells whether a call is a method of the caller's
// identity (current_user.can(...), g.current_user.ping(),
// request.user.has_perm(...)): it uses an identity that may be anonymous
// and proves no check was made.
func principalMethod(m *module, fn *sitter.Node) bool {
	if fn == nil || fn.Type() != "attribute" {
		return false
	}
	obj := fn.ChildByFieldName("object")
	if obj == nil {
		return false
	}
	ws := guard.Words(m.text(obj))
	return len(ws) > 0 && slices.Contains([]string{"user", "account", "principal", "identity"}, ws[len(ws)-1])
}

// baseGuards reads a class's bases: a mixin named like a guard
// (LoginRequiredMixin), and the bases of a base defined in the scanned
// code (DraftsListView(ArticlesListView) inherits its login requirement).
func (x *extractor) baseGuards(m *module, cls *sitter.Node, depth int) (adds, cancels []string) {
	sup := cls.ChildByFieldName("superclasses")
	if sup == nil || depth > 6 {
		return nil, nil
	}
	for i := 0; i < int(sup.NamedChildCount()); i++ {
		b := sup.NamedChild(i)
		if b.Type() == "keyword_argument" {
			continue
		}
		if tm, bc := x.resolveClass(m, b); bc != nil {
			a, c := x.baseGuards(tm, bc, depth+1)
			adds, cancels = append(adds, a...), append(cancels, c...)
			if body := bc.ChildByFieldName("body"); body != nil {
				for j := 0; j < int(body.NamedChildCount()); j++ {
					st := body.NamedChild(j)
					if st.Type() == "expression_statement" && st.NamedChildCount() > 0 && st.NamedChild(0).Type() == "assignment" {
						as := st.NamedChild(0)
						switch tm.text(as.ChildByFieldName("left")) {
						case "permission_classes", "authentication_classes", "decorators", "method_decorators":
							a, c := guardKinds(tm.codeWords(as.ChildByFieldName("right")))
							adds, cancels = append(adds, a...), append(cancels, c...)
						}
					}
				}
			}
			continue
		}
		a, c := guardKinds(m.text(b))
		adds, cancels = append(adds, a...), append(cancels, c...)
	}
	return adds, cancels
}

// readOnlyViews are Django's generic views that answer GET only, so that
// the methods a subclass defines are all it answers.
var readOnlyViews = map[string]bool{
	"TemplateView": true, "ListView": true, "DetailView": true, "ArchiveIndexView": true, "YearArchiveView": true,
	"MonthArchiveView": true, "WeekArchiveView": true, "DayArchiveView": true, "TodayArchiveView": true, "DateDetailView": true,
}

// genericView tells whether a class-based view derives from one of
// Django's generic views that answer more than GET (CreateView,
// DeleteView, FormView, RedirectView, or any other base named like XxxView
// other than View itself), directly or through classes in the scanned code.
func (x *extractor) genericView(m *module, cls *sitter.Node, depth int) bool {
	sup := cls.ChildByFieldName("superclasses")
	if sup == nil || depth > 6 {
		return false
	}
	for i := 0; i < int(sup.NamedChildCount()); i++ {
		b := sup.NamedChild(i)
		if b.Type() != "identifier" && b.Type() != "attribute" {
			continue
		}
		if tm, bc := x.resolveClass(m, b); bc != nil {
			if x.genericView(tm, bc, depth+1) {
				return true
			}
			continue
		}
		t := m.text(b)
		last := t[strings.LastIndexByte(t, '.')+1:]
		if strings.HasSuffix(last, "View") && last != "View" && !readOnlyViews[last] {
			return true
		}
	}
	return false
}

// mountArg is the router argument of include_router(router=...) or
// register_blueprint(blueprint=...), by position or keyword.
func mountArg(m *module, call *sitter.Node) *sitter.Node {
	if a := posarg(call, 0); a != nil {
		return a
	}
	if a := m.kwarg(call, "router"); a != nil {
		return a
	}
	return m.kwarg(call, "blueprint")
}
