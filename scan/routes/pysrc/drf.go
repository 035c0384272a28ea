package pysrc

import (
	"slices"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/graph"
	"github.com/threatmap/threatmap/scan/routes/guard"
)

// Django REST framework: routers (DefaultRouter, SimpleRouter) that
// register ViewSets, API views (APIView, the generic views, @api_view
// functions) and the permission and authentication classes that decide
// whether a caller must be authenticated and whether CSRF is enforced.

// DRF is the framework name of Django REST framework routes.
const DRF = "django-rest-framework"

// drfRouterCtors are the DRF router constructors.
var drfRouterCtors = map[string]bool{"DefaultRouter": true, "SimpleRouter": true, "ExtendedSimpleRouter": true, "ExtendedDefaultRouter": true}

// authLevel is what a permission policy asks of a caller for one method.
type authLevel int

const (
	levelNone authLevel = iota
	levelOptional
	levelRequired
)

// viewsetActions maps a ViewSet action to its method and whether it is a
// detail (per-object) route.
var viewsetActions = []struct {
	name   string
	method string
	detail bool
}{
	{"list", "GET", false}, {"create", "POST", false},
	{"retrieve", "GET", true}, {"update", "PUT", true}, {"partial_update", "PATCH", true}, {"destroy", "DELETE", true},
}

// mixinActions are the actions DRF's mixins and ready-made ViewSets give.
var mixinActions = map[string][]string{
	"ListModelMixin":               {"list"},
	"CreateModelMixin":             {"create"},
	"RetrieveModelMixin":           {"retrieve"},
	"UpdateModelMixin":             {"update", "partial_update"},
	"DestroyModelMixin":            {"destroy"},
	"ModelViewSet":                 {"list", "create", "retrieve", "update", "partial_update", "destroy"},
	"ReadOnlyModelViewSet":         {"list", "retrieve"},
	"ListAPIView":                  {"list"},
	"CreateAPIView":                {"create"},
	"RetrieveAPIView":              {"retrieve"},
	"DestroyAPIView":               {"destroy"},
	"UpdateAPIView":                {"update", "partial_update"},
	"ListCreateAPIView":            {"list", "create"},
	"RetrieveUpdateAPIView":        {"retrieve", "update", "partial_update"},
	"RetrieveDestroyAPIView":       {"retrieve", "destroy"},
	"RetrieveUpdateDestroyAPIView": {"retrieve", "update", "partial_update", "destroy"},
}

// genericMethods maps a generic API view's action to the HTTP method its
// handler answers when the view is mounted with as_view().
var genericMethods = map[string]string{"list": "GET", "retrieve": "GET", "create": "POST", "update": "PUT", "partial_update": "PATCH", "destroy": "DELETE"}

// drfClass is what a DRF view class and its bases in the scanned code say.
type drfClass struct {
	name        string
	isDRF       bool
	actions     []string // ViewSet actions and generic-view actions, in order
	methods     []string // HTTP methods of handler methods (get, post...)
	perm        *sitter.Node
	permMod     *module
	authn       *sitter.Node
	authnMod    *module
	dynamicPerm bool // get_permissions is overridden
	tokenView   bool // a token view: no permission classes of its own
	// actionPerms are the permission classes get_permissions picks per
	// action; elsePerm those of its final else branch.
	actionPerms map[string]nodeIn
	elsePerm    nodeIn
	// httpMethods is http_method_names, upper case; nil when not set.
	httpMethods []string
	lookup      string
	extra       []drfAction
	// guards from the class's decorators and mixins (LoginRequiredMixin).
	guards, without []string
}

// drfAction is an @action method of a ViewSet.
type drfAction struct {
	name    string
	detail  bool
	methods []string
	urlPath string
	perm    *sitter.Node
	mod     *module
	line    int
}

// tokenViews are ready-made DRF views that issue or check tokens: each
// answers POST for anonymous callers (their permission_classes are empty).
var tokenViews = map[string]bool{
	"ObtainAuthToken": true, "TokenObtainPairView": true, "TokenRefreshView": true, "TokenVerifyView": true,
	"TokenObtainSlidingView": true, "TokenRefreshSlidingView": true, "TokenBlacklistView": true, "TokenObtainView": true,
	"ObtainJSONWebTokenView": true, "ObtainJSONWebToken": true, "RefreshJSONWebToken": true, "RefreshJSONWebTokenView": true,
	"VerifyJSONWebToken": true, "VerifyJSONWebTokenView": true,
}

// isDRFBase tells whether a base class name is one of DRF's views.
func isDRFBase(name string) bool {
	name = name[strings.LastIndexByte(name, '.')+1:]
	if _, ok := mixinActions[name]; ok || tokenViews[name] {
		return true
	}
	switch name {
	case "APIView", "GenericAPIView", "ViewSet", "GenericViewSet", "ViewSetMixin":
		return true
	}
	return false
}

// drfClassInfo reads a class and its bases defined in the scanned code.
func (x *extractor) drfClassInfo(m *module, cls *sitter.Node) drfClass {
	info := drfClass{name: m.text(cls.ChildByFieldName("name"))}
	seenAct := map[string]bool{}
	seenMeth := map[string]bool{}
	var visit func(m *module, cls *sitter.Node, depth int)
	visit = func(m *module, cls *sitter.Node, depth int) {
		if depth > 6 {
			return
		}
		if p := cls.Parent(); p != nil && p.Type() == "decorated_definition" {
			for i := 0; i < int(p.NamedChildCount()); i++ {
				if d := p.NamedChild(i); d.Type() == "decorator" {
					a, c := guardKinds(m.decoratorWords(d))
					info.guards, info.without = append(info.guards, a...), append(info.without, c...)
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
					fname := m.text(def.ChildByFieldName("name"))
					if meth, ok := routeMethods[fname]; ok && !seenMeth[meth] {
						seenMeth[meth] = true
						info.methods = append(info.methods, meth)
					}
					if _, ok := genericMethods[fname]; ok && !seenAct[fname] {
						seenAct[fname] = true
						info.actions = append(info.actions, fname)
					}
					if fname == "get_permissions" && info.actionPerms == nil && !info.dynamicPerm {
						if ap, elseP, ok := readGetPermissions(m, def); ok {
							info.actionPerms, info.elsePerm = ap, elseP
						} else {
							info.dynamicPerm = true
						}
					}
					if st.Type() == "decorated_definition" {
						if a, ok := x.drfActionOf(m, st, fname); ok && !slices.ContainsFunc(info.extra, func(e drfAction) bool { return e.name == fname }) {
							info.extra = append(info.extra, a)
						}
					}
				}
				if st.Type() == "expression_statement" && st.NamedChildCount() > 0 && st.NamedChild(0).Type() == "assignment" {
					as := st.NamedChild(0)
					right := as.ChildByFieldName("right")
					switch m.text(as.ChildByFieldName("left")) {
					case "permission_classes":
						if info.perm == nil {
							info.perm, info.permMod = right, m
							if !permReadable(m, right, 0) {
								x.unresolve(m, as, "permission_classes "+clip(m.text(right))+" of "+info.name+" cannot be read, so whether its routes require authentication is unknown")
							}
						}
					case "authentication_classes":
						if info.authn == nil {
							info.authn, info.authnMod = right, m
						}
					case "http_method_names":
						if info.httpMethods == nil {
							info.httpMethods = []string{}
							walk(right, func(n *sitter.Node) bool {
								if n.Type() == "string" {
									if v, ok := m.stringValue(n, nil); ok {
										info.httpMethods = append(info.httpMethods, strings.ToUpper(v))
									}
									return false
								}
								return true
							})
						}
					case "lookup_url_kwarg":
						if v, ok := m.stringValue(right, nil); ok && v != "" {
							info.lookup = v
						}
					case "lookup_field":
						if v, ok := m.stringValue(right, nil); ok && info.lookup == "" && v != "" {
							info.lookup = v
						}
					}
				}
			}
		}
		sup := cls.ChildByFieldName("superclasses")
		if sup == nil {
			return
		}
		for i := 0; i < int(sup.NamedChildCount()); i++ {
			b := sup.NamedChild(i)
			if b.Type() == "keyword_argument" {
				continue
			}
			bname := m.text(b)
			last := bname[strings.LastIndexByte(bname, '.')+1:]
			if isDRFBase(last) {
				info.isDRF = true
				if tokenViews[last] {
					if !seenMeth["POST"] {
						seenMeth["POST"] = true
						info.methods = append(info.methods, "POST")
					}
					info.tokenView = true
				}
				for _, a := range mixinActions[last] {
					if !seenAct[a] {
						seenAct[a] = true
						info.actions = append(info.actions, a)
					}
				}
				continue
			}
			if tm, bc := x.resolveClass(m, b); bc != nil {
				visit(tm, bc, depth+1)
				continue
			}
			a, c := guardKinds(bname)
			info.guards, info.without = append(info.guards, a...), append(info.without, c...)
		}
	}
	visit(m, cls, 0)
	return info
}

// drfActionOf reads an @action(detail=..., methods=[...], url_path=...)
// decorator (or the older @detail_route / @list_route).
func (x *extractor) drfActionOf(m *module, dd *sitter.Node, fname string) (drfAction, bool) {
	for i := 0; i < int(dd.NamedChildCount()); i++ {
		d := dd.NamedChild(i)
		if d.Type() != "decorator" || d.NamedChildCount() == 0 {
			continue
		}
		e := d.NamedChild(0)
		call := e
		fn := e
		if e.Type() == "call" {
			fn = e.ChildByFieldName("function")
		} else {
			call = nil
		}
		name := m.text(fn)
		name = name[strings.LastIndexByte(name, '.')+1:]
		a := drfAction{name: fname, urlPath: fname, methods: []string{"GET"}, mod: m, line: line(d)}
		switch name {
		case "action":
		case "detail_route":
			a.detail = true
		case "list_route":
		default:
			continue
		}
		if call != nil {
			if v := m.kwarg(call, "detail"); v != nil {
				a.detail = m.text(v) == "True"
			}
			if v := m.kwarg(call, "url_path"); v != nil {
				if s, ok := m.stringValue(v, nil); ok {
					a.urlPath = s
				}
			}
			if m.kwarg(call, "methods") != nil {
				a.methods = m.methodsKwarg(call)
			} else if p := posarg(call, 0); p != nil && p.Type() == "list" {
				// @action(["get", "put"], detail=False)
				a.methods = nil
				walk(p, func(n *sitter.Node) bool {
					if n.Type() == "string" {
						if s, ok := m.stringValue(n, nil); ok {
							a.methods = append(a.methods, strings.ToUpper(s))
						}
						return false
					}
					return true
				})
			}
			a.perm = m.kwarg(call, "permission_classes")
		}
		return a, true
	}
	return drfAction{}, false
}

// drfSettings reads REST_FRAMEWORK from the settings module.
type drfSettings struct {
	perm, authn []string // dotted class names; nil when not set
}

func (x *extractor) readDRFSettings() {
	if x.drfSet != nil {
		return
	}
	x.drfSet = &drfSettings{}
	if x.restFramework == nil {
		return
	}
	m, d := x.restFramework.m, x.restFramework.n
	for i := 0; i < int(d.NamedChildCount()); i++ {
		p := d.NamedChild(i)
		if p.Type() != "pair" {
			continue
		}
		key, _ := m.stringValue(p.ChildByFieldName("key"), nil)
		var vals []string
		walk(p.ChildByFieldName("value"), func(n *sitter.Node) bool {
			if n.Type() == "string" {
				if s, ok := m.stringValue(n, nil); ok {
					vals = append(vals, s)
				}
				return false
			}
			return true
		})
		if vals == nil {
			vals = []string{}
		}
		switch key {
		case "DEFAULT_PERMISSION_CLASSES":
			x.drfSet.perm = vals
		case "DEFAULT_AUTHENTICATION_CLASSES":
			x.drfSet.authn = vals
		}
	}
}

// classLevel classifies one permission class for a safe (GET, HEAD,
// OPTIONS) or an unsafe method.
func (x *extractor) classLevel(m *module, n *sitter.Node, name string, safe bool) authLevel {
	last := name[strings.LastIndexByte(name, '.')+1:]
	switch last {
	case "AllowAny":
		return levelNone
	case "IsAuthenticated", "IsAdminUser", "DjangoModelPermissions", "DjangoObjectPermissions", "TokenHasScope", "TokenHasReadWriteScope", "TokenHasResourceScope", "IsAuthenticatedOrTokenHasScope":
		return levelRequired
	case "IsAuthenticatedOrReadOnly", "DjangoModelPermissionsOrAnonReadOnly":
		if safe {
			return levelOptional
		}
		return levelRequired
	}
	// A permission class defined in the scanned code: has_permission that
	// looks at the user's authentication, staff flag or permissions.
	if m != nil && n != nil {
		if tm, cls := x.resolveClass(m, n); cls != nil {
			return x.customPermLevel(tm, cls, safe, 0)
		}
	}
	if strings.Contains(last, "ReadOnly") {
		return levelNone
	}
	if k, _ := guard.Kinds(last); slices.Contains(k, evidence.GuardAuth) {
		return levelRequired
	}
	return levelNone
}

// customPermLevel reads a permission class's has_permission, or inherits
// from its base.
func (x *extractor) customPermLevel(m *module, cls *sitter.Node, safe bool, depth int) authLevel {
	if depth > 4 {
		return levelNone
	}
	var hp *sitter.Node
	if body := cls.ChildByFieldName("body"); body != nil {
		for i := 0; i < int(body.NamedChildCount()); i++ {
			st := body.NamedChild(i)
			if st.Type() == "decorated_definition" {
				st = st.ChildByFieldName("definition")
			}
			if st != nil && st.Type() == "function_definition" && m.text(st.ChildByFieldName("name")) == "has_permission" {
				hp = st
			}
		}
	}
	if hp == nil {
		if sup := cls.ChildByFieldName("superclasses"); sup != nil {
			for i := 0; i < int(sup.NamedChildCount()); i++ {
				b := sup.NamedChild(i)
				if l := x.classLevel(m, b, m.text(b), safe); l != levelNone {
					return l
				}
			}
		}
		return levelNone
	}
	body := m.text(hp.ChildByFieldName("body"))
	checksUser := strings.Contains(body, "is_authenticated") || strings.Contains(body, "is_staff") || strings.Contains(body, "is_superuser") || strings.Contains(body, "has_perm") || strings.Contains(body, "request.auth")
	if !checksUser {
		return levelNone
	}
	if safe && strings.Contains(body, "SAFE_METHODS") {
		return levelOptional
	}
	return levelRequired
}

// permLevel evaluates a permission_classes value: a list or tuple (every
// class must pass), or the composed form A | B, A & B, ~A.
func (x *extractor) permLevel(m *module, n *sitter.Node, safe bool, depth int) authLevel {
	if n == nil || depth > 16 {
		return levelNone
	}
	switch n.Type() {
	case "list", "tuple", "expression_list":
		lv := levelNone
		for i := 0; i < int(n.NamedChildCount()); i++ {
			lv = max(lv, x.permLevel(m, n.NamedChild(i), safe, depth+1))
		}
		return lv
	case "parenthesized_expression":
		return x.permLevel(m, n.NamedChild(0), safe, depth+1)
	case "binary_operator":
		l := x.permLevel(m, n.ChildByFieldName("left"), safe, depth+1)
		r := x.permLevel(m, n.ChildByFieldName("right"), safe, depth+1)
		if strings.TrimSpace(m.text(n.ChildByFieldName("operator"))) == "|" {
			return min(l, r)
		}
		return max(l, r)
	case "unary_operator":
		return levelNone
	case "identifier", "attribute":
		if strings.HasSuffix(m.text(n), "DEFAULT_PERMISSION_CLASSES") {
			return x.defaultLevel(safe)
		}
		return x.classLevel(m, n, m.text(n), safe)
	case "call":
		return x.permLevel(m, n.ChildByFieldName("function"), safe, depth+1)
	}
	return levelNone
}

// defaultLevel applies DEFAULT_PERMISSION_CLASSES.
func (x *extractor) defaultLevel(safe bool) authLevel {
	lv := levelNone
	for _, c := range x.drfSet.perm {
		lv = max(lv, x.classLevel(nil, nil, c, safe))
	}
	return lv
}

// sessionAuth tells whether SessionAuthentication (which enforces CSRF
// for session-authenticated requests) is among the authentication classes
// in force: the view's own, or the settings' default, or DRF's default
// (SessionAuthentication and BasicAuthentication).
func (x *extractor) sessionAuth(m *module, authn *sitter.Node) bool {
	if authn != nil {
		found := false
		walk(authn, func(n *sitter.Node) bool {
			if n.Type() == "identifier" || n.Type() == "attribute" {
				found = found || x.enforcesCSRF(m, n, m.text(n))
				return false
			}
			return true
		})
		return found
	}
	if x.drfSet.authn != nil {
		for _, c := range x.drfSet.authn {
			if x.enforcesCSRF(nil, nil, c) {
				return true
			}
		}
		return false
	}
	return true
}

// enforcesCSRF tells whether an authentication class enforces CSRF: DRF's
// SessionAuthentication or a subclass that does not override enforce_csrf
// (the usual way of exempting an API from CSRF).
func (x *extractor) enforcesCSRF(m *module, n *sitter.Node, name string) bool {
	last := name[strings.LastIndexByte(name, '.')+1:]
	var tm *module
	var cls *sitter.Node
	if m != nil && n != nil {
		tm, cls = x.resolveClass(m, n)
	} else if x.mods != nil {
		// A dotted name from settings: module path and class name.
		if i := strings.LastIndexByte(name, '.'); i > 0 {
			if mod := x.mods[x.resolveModule(name[:i])]; mod != nil {
				tm, cls = mod, mod.classes[last]
			}
		}
	}
	if cls == nil {
		return last == "SessionAuthentication"
	}
	if body := cls.ChildByFieldName("body"); body != nil {
		for i := 0; i < int(body.NamedChildCount()); i++ {
			st := body.NamedChild(i)
			if st.Type() == "function_definition" && tm.text(st.ChildByFieldName("name")) == "enforce_csrf" {
				return strings.Contains(tm.text(st.ChildByFieldName("body")), "super(")
			}
		}
	}
	sup := cls.ChildByFieldName("superclasses")
	if sup == nil {
		return false
	}
	for i := 0; i < int(sup.NamedChildCount()); i++ {
		b := sup.NamedChild(i)
		if (b.Type() == "identifier" || b.Type() == "attribute") && x.enforcesCSRF(tm, b, tm.text(b)) {
			return true
		}
	}
	return false
}

// drfRoute builds one DRF route's guards.
func (x *extractor) drfGuards(c drfClass, perm *sitter.Node, permMod *module, method, action string) (guards, without []string) {
	safe := method == "GET" || method == "HEAD" || method == "OPTIONS"
	var lv authLevel
	ap, hasAction := c.actionPerms[action]
	if !hasAction && c.actionPerms != nil && c.elsePerm.n != nil {
		ap, hasAction = c.elsePerm, true
	}
	switch {
	case perm != nil:
		lv = x.permLevel(permMod, perm, safe, 0)
	case hasAction:
		lv = x.permLevel(ap.m, ap.n, safe, 0)
	case c.perm != nil:
		lv = x.permLevel(c.permMod, c.perm, safe, 0)
	case c.tokenView:
		lv = levelNone
	default:
		lv = x.defaultLevel(safe)
	}
	if c.dynamicPerm && lv == levelRequired {
		// get_permissions chooses per action at run time: the declared
		// classes may not apply.
		lv = levelOptional
	}
	guards = slices.Clone(c.guards)
	without = slices.Clone(c.without)
	switch lv {
	case levelRequired:
		guards = append(guards, evidence.GuardAuth)
	case levelOptional:
		guards = append(guards, evidence.GuardAuthOptional)
	}
	// DRF views are exempt from Django's CSRF middleware; only
	// SessionAuthentication enforces CSRF, for session-authenticated
	// requests.
	if x.sessionAuth(c.authnMod, c.authn) {
		guards = append(guards, evidence.GuardCSRF)
	} else {
		without = append(without, evidence.GuardCSRF)
	}
	return guards, without
}

// drfRouterID names a DRF router variable.
func drfRouterID(module, name string) string { return "drf:" + module + ":" + name }

// drfRouters records the module's DRF router variables, from the index.
func (m *module) isDRFRouterCtor(call *sitter.Node) bool {
	fn := m.text(call.ChildByFieldName("function"))
	return drfRouterCtors[fn[strings.LastIndexByte(fn, '.')+1:]]
}

// lookupDRFRouter resolves router or module.router to a DRF router.
func (x *extractor) lookupDRFRouter(m *module, n *sitter.Node) (string, bool) {
	if n == nil {
		return "", false
	}
	switch n.Type() {
	case "identifier":
		name := m.text(n)
		if _, ok := m.drfRouters[name]; ok {
			return drfRouterID(m.name, name), true
		}
		if ref, ok := m.imports[name]; ok && ref.name != "" {
			if tm := x.mods[ref.module]; tm != nil {
				if _, ok := tm.drfRouters[ref.name]; ok {
					return drfRouterID(tm.name, ref.name), true
				}
			}
		}
	case "attribute":
		obj := n.ChildByFieldName("object")
		if obj != nil && obj.Type() == "identifier" {
			if ref, ok := m.imports[m.text(obj)]; ok && ref.name == "" {
				if tm := x.mods[ref.module]; tm != nil {
					attr := m.text(n.ChildByFieldName("attribute"))
					if _, ok := tm.drfRouters[attr]; ok {
						return drfRouterID(tm.name, attr), true
					}
				}
			}
		}
	}
	return "", false
}

// drfRegister reads router.register(prefix, ViewSet, ...).
func (x *extractor) drfRegister(m *module, routerVar string, call *sitter.Node) {
	x.drfRegisterArgs(m, routerVar, call, func(pos int, kw string) (nodeIn, bool) {
		if v := m.kwarg(call, kw); v != nil {
			return nodeIn{m: m, n: v}, true
		}
		if v := posarg(call, pos); v != nil {
			return nodeIn{m: m, n: v}, true
		}
		return nodeIn{}, false
	})
}

// argFunc returns a registration's argument by position or keyword, with
// the module its expression belongs to (a loop over a list defined
// elsewhere substitutes the list's elements).
type argFunc func(pos int, kw string) (nodeIn, bool)

func (x *extractor) drfRegisterArgs(m *module, routerVar string, call *sitter.Node, arg argFunc) {
	id := drfRouterID(m.name, routerVar)
	r := x.g.Router(id)
	r.Child = true
	pa, ok := arg(0, "prefix")
	prefix := ""
	if ok {
		prefix, ok = pa.m.stringValue(pa.n, x.consts)
	}
	if !ok {
		x.unresolve(m, call, "router.register prefix is not a constant string")
		return
	}
	vsa, ok := arg(1, "viewset")
	if !ok {
		x.unresolve(m, call, "router.register without a ViewSet")
		return
	}
	tm, cls := x.resolveClass(vsa.m, vsa.n)
	if cls == nil {
		x.unresolve(m, call, "ViewSet "+clip(vsa.m.text(vsa.n))+" is not defined in the scanned code")
		return
	}
	c := x.drfClassInfo(tm, cls)
	x.readDRFSettings()
	slash := "/"
	if ctor := m.drfRouters[routerVar]; ctor != nil {
		if v := m.kwarg(ctor, "trailing_slash"); v != nil && m.text(v) == "False" {
			slash = ""
		}
	}
	lookup := c.lookup
	if lookup == "" {
		lookup = "pk"
	}
	list := strings.Trim(prefix, "/")
	detail := list + "/{" + lookup + "}"
	if list == "" {
		detail = "{" + lookup + "}"
	}
	ln := line(call)
	add := func(method, p, action string, perm *sitter.Node, permMod *module) {
		if c.httpMethods != nil && !slices.Contains(c.httpMethods, method) {
			return
		}
		g, w := x.drfGuards(c, perm, permMod, method, action)
		r.Routes = append(r.Routes, graph.Route{Method: method, Path: graph.Join("", p+slash), File: m.rel, Line: ln, Handler: c.name + "." + action, Framework: DRF, Guards: g, Without: w})
	}
	for _, va := range viewsetActions {
		if !slices.Contains(c.actions, va.name) {
			continue
		}
		p := list
		if va.detail {
			p = detail
		}
		add(va.method, p, va.name, nil, nil)
	}
	for _, a := range c.extra {
		base := list
		if a.detail {
			base = detail
		}
		p := strings.Trim(base+"/"+strings.Trim(graph.Params(djangoRegex(a.urlPath)), "/"), "/")
		for _, meth := range a.methods {
			add(meth, p, a.name, a.perm, a.mod)
		}
	}
}

// drfRoot adds DefaultRouter's API root view once per router.
func (x *extractor) drfRoot(m *module, routerVar string) {
	ctor := m.drfRouters[routerVar]
	if ctor == nil {
		return
	}
	fn := m.text(ctor.ChildByFieldName("function"))
	if !strings.HasSuffix(fn, "DefaultRouter") && !x.routerClassFrom(m, ctor.ChildByFieldName("function"), map[string]bool{"DefaultRouter": true, "ExtendedDefaultRouter": true}, 0) {
		return
	}
	x.readDRFSettings()
	r := x.g.Router(drfRouterID(m.name, routerVar))
	g, w := x.drfGuards(drfClass{name: "APIRootView"}, nil, nil, "GET", "")
	r.Routes = append(r.Routes, graph.Route{Method: "GET", Path: "/", File: m.rel, Line: line(ctor), Handler: "APIRootView", Framework: DRF, Guards: g, Without: w})
}

// drfView reads an API view class mounted with as_view(): its methods come
// from its handlers or its generic bases. mapping is the
// ViewSet.as_view({"get": "list"}) argument, if any.
func (x *extractor) drfView(m *module, cls *sitter.Node, mapping *sitter.Node, mm *module) (methods []string, guards map[string][]string, without map[string][]string, ok bool) {
	c := x.drfClassInfo(m, cls)
	if !c.isDRF {
		return nil, nil, nil, false
	}
	x.readDRFSettings()
	if mapping != nil && mapping.Type() == "dictionary" {
		for i := 0; i < int(mapping.NamedChildCount()); i++ {
			p := mapping.NamedChild(i)
			if p.Type() != "pair" {
				continue
			}
			if k, ok := mm.stringValue(p.ChildByFieldName("key"), nil); ok {
				methods = append(methods, strings.ToUpper(k))
			}
		}
	} else {
		methods = slices.Clone(c.methods)
		for _, a := range c.actions {
			if meth := genericMethods[a]; !slices.Contains(methods, meth) {
				// A generic view answers retrieve and list on GET.
				methods = append(methods, meth)
			}
		}
	}
	if len(methods) == 0 {
		methods = []string{"ANY"}
	}
	guards, without = map[string][]string{}, map[string][]string{}
	for _, meth := range methods {
		guards[meth], without[meth] = x.drfGuards(c, nil, nil, meth, methodAction(meth, c))
	}
	return methods, guards, without, true
}

// apiView reads an @api_view([...]) function view with its
// @permission_classes and @authentication_classes decorators.
func (x *extractor) apiView(m *module, def *sitter.Node) (methods []string, guards, without map[string][]string, ok bool) {
	p := def.Parent()
	if p == nil || p.Type() != "decorated_definition" {
		return nil, nil, nil, false
	}
	var c drfClass
	c.name = m.text(def.ChildByFieldName("name"))
	for i := 0; i < int(p.NamedChildCount()); i++ {
		d := p.NamedChild(i)
		if d.Type() != "decorator" || d.NamedChildCount() == 0 {
			continue
		}
		e := d.NamedChild(0)
		if e.Type() != "call" {
			a, w := guardKinds(m.decoratorWords(e))
			c.guards, c.without = append(c.guards, a...), append(c.without, w...)
			continue
		}
		fn := m.text(e.ChildByFieldName("function"))
		switch fn[strings.LastIndexByte(fn, '.')+1:] {
		case "api_view":
			ok = true
			methods = []string{"GET"}
			if a := posarg(e, 0); a != nil {
				methods = nil
				walk(a, func(n *sitter.Node) bool {
					if n.Type() == "string" {
						if s, ok := m.stringValue(n, nil); ok {
							methods = append(methods, strings.ToUpper(s))
						}
						return false
					}
					return true
				})
			}
		case "permission_classes":
			c.perm, c.permMod = posarg(e, 0), m
		case "authentication_classes":
			c.authn, c.authnMod = posarg(e, 0), m
		default:
			a, w := guardKinds(m.decoratorWords(e))
			c.guards, c.without = append(c.guards, a...), append(c.without, w...)
		}
	}
	if !ok {
		return nil, nil, nil, false
	}
	x.readDRFSettings()
	guards, without = map[string][]string{}, map[string][]string{}
	for _, meth := range methods {
		guards[meth], without[meth] = x.drfGuards(c, nil, nil, meth, "")
	}
	return methods, guards, without, true
}

// permReadable tells whether a permission_classes value names its classes
// (IsAuthenticated, permissions.AllowAny, A | B) rather than computing
// them from something the scanner cannot read (settings.PERMISSIONS.user).
func permReadable(m *module, n *sitter.Node, depth int) bool {
	if n == nil || depth > 16 {
		return false
	}
	switch n.Type() {
	case "list", "tuple", "expression_list", "parenthesized_expression", "binary_operator", "unary_operator":
		for i := 0; i < int(n.NamedChildCount()); i++ {
			if c := n.NamedChild(i); c.Type() != "comment" && !permReadable(m, c, depth+1) {
				return false
			}
		}
		return true
	case "identifier", "attribute":
		t := m.text(n)
		last := t[strings.LastIndexByte(t, '.')+1:]
		return last != "" && (last[0] >= 'A' && last[0] <= 'Z')
	case "call":
		return permReadable(m, n.ChildByFieldName("function"), depth+1)
	}
	return false
}

// linkDRFRouters finds routers created from a subclass of a DRF router
// defined in the scanned code (class MasterRouter(DefaultRouter)).
func (x *extractor) linkDRFRouters() {
	for _, n := range x.names {
		m := x.mods[n]
		for name, call := range m.calls {
			if _, ok := m.drfRouters[name]; ok {
				continue
			}
			if x.routerClassFrom(m, call.ChildByFieldName("function"), drfRouterCtors, 0) {
				m.drfRouters[name] = call
			}
		}
	}
}

// routerClassFrom tells whether the class n names derives from one of
// bases, through classes defined in the scanned code.
func (x *extractor) routerClassFrom(m *module, n *sitter.Node, bases map[string]bool, depth int) bool {
	if n == nil || depth > 4 || (n.Type() != "identifier" && n.Type() != "attribute") {
		return false
	}
	tm, cls := x.resolveClass(m, n)
	if cls == nil {
		return false
	}
	sup := cls.ChildByFieldName("superclasses")
	if sup == nil {
		return false
	}
	for i := 0; i < int(sup.NamedChildCount()); i++ {
		b := sup.NamedChild(i)
		t := tm.text(b)
		if bases[t[strings.LastIndexByte(t, '.')+1:]] || x.routerClassFrom(tm, b, bases, depth+1) {
			return true
		}
	}
	return false
}

// methodAction names the action a generic API view runs for a method, so
// that get_permissions branches on self.action apply.
func methodAction(method string, c drfClass) string {
	for _, a := range c.actions {
		if genericMethods[a] == method {
			return a
		}
	}
	return ""
}

// readGetPermissions reads a get_permissions that picks classes by
// self.action: an if/elif/else chain on self.action == "x" or
// self.action in (...), each branch assigning or returning a list of
// classes, or a dictionary from action to classes looked up with
// .get(self.action, ...). It reports false for any other shape.
func readGetPermissions(m *module, def *sitter.Node) (map[string]nodeIn, nodeIn, bool) {
	body := def.ChildByFieldName("body")
	if body == nil {
		return nil, nodeIn{}, false
	}
	out := map[string]nodeIn{}
	var elseP nodeIn
	// branchList finds the classes a branch assigns or returns.
	branchList := func(block *sitter.Node) *sitter.Node {
		var found *sitter.Node
		walk(block, func(n *sitter.Node) bool {
			if found != nil {
				return false
			}
			switch n.Type() {
			case "assignment":
				if r := n.ChildByFieldName("right"); r != nil && strings.HasSuffix(m.text(n.ChildByFieldName("left")), "permission_classes") {
					found = r
				}
				return false
			case "return_statement":
				if n.NamedChildCount() > 0 {
					if r := n.NamedChild(0); r.Type() == "list" || r.Type() == "tuple" {
						found = r
					}
				}
				return false
			}
			return true
		})
		return found
	}
	actionsIn := func(cond *sitter.Node) []string {
		if cond == nil || !strings.Contains(m.text(cond), "self.action") {
			return nil
		}
		var acts []string
		walk(cond, func(n *sitter.Node) bool {
			if n.Type() == "string" {
				if v, ok := m.stringValue(n, nil); ok {
					acts = append(acts, v)
				}
				return false
			}
			return true
		})
		return acts
	}
	addBranch := func(acts []string, block *sitter.Node) {
		if l := branchList(block); l != nil {
			for _, a := range acts {
				if _, seen := out[a]; !seen {
					out[a] = nodeIn{m: m, n: l}
				}
			}
		}
	}
	for i := 0; i < int(body.NamedChildCount()); i++ {
		st := body.NamedChild(i)
		switch st.Type() {
		case "if_statement":
			acts := actionsIn(st.ChildByFieldName("condition"))
			if acts == nil {
				return nil, nodeIn{}, false
			}
			addBranch(acts, st.ChildByFieldName("consequence"))
			for j := 0; j < int(st.NamedChildCount()); j++ {
				c := st.NamedChild(j)
				switch c.Type() {
				case "elif_clause":
					acts := actionsIn(c.ChildByFieldName("condition"))
					if acts == nil {
						return nil, nodeIn{}, false
					}
					addBranch(acts, c.ChildByFieldName("consequence"))
				case "else_clause":
					if l := branchList(c.ChildByFieldName("body")); l != nil {
						elseP = nodeIn{m: m, n: l}
					}
				}
			}
		case "expression_statement":
			if st.NamedChildCount() == 0 || st.NamedChild(0).Type() != "assignment" {
				continue
			}
			r := st.NamedChild(0).ChildByFieldName("right")
			if r == nil || r.Type() != "dictionary" {
				continue
			}
			for j := 0; j < int(r.NamedChildCount()); j++ {
				p := r.NamedChild(j)
				if p.Type() != "pair" {
					continue
				}
				if k, ok := m.stringValue(p.ChildByFieldName("key"), nil); ok {
					out[k] = nodeIn{m: m, n: p.ChildByFieldName("value")}
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, nodeIn{}, false
	}
	return out, elseP, true
}
