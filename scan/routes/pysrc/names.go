package pysrc

import (
	"cmp"
	"slices"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/guard"
)

// ScannerName is the Scanner field of the unresolved entries.
const ScannerName = "routes"

// endpointWords name an authentication endpoint: the view that logs a
// caller in or signs one up is what an unauthenticated caller reaches, so
// its name is never a guard.
var endpointWords = []string{"login", "logon", "signin", "signup", "register", "registration", "logout", "signout"}

// guardWords turn an endpoint word into a guard: login_required,
// LoginRequiredMixin, check_login.
var guardWords = []string{"required", "require", "requires", "mixin", "check", "verify", "ensure", "must", "current", "is", "decorator", "guard", "manager"}

// isEndpointName tells whether a name is an authentication endpoint's
// (login, LoginView, onLogin, signup, register_user) rather than a guard's.
func isEndpointName(name string) bool {
	ws := guard.Words(name)
	has := func(list []string) bool {
		return slices.ContainsFunc(ws, func(w string) bool { return slices.Contains(list, w) })
	}
	return has(endpointWords) && !has(guardWords)
}

// guardKinds is guard.Kinds, except that an authentication endpoint's name
// adds no auth guard.
func guardKinds(name string) (adds, cancels []string) {
	adds, cancels = guard.Kinds(name)
	if isEndpointName(name) {
		adds = slices.DeleteFunc(adds, func(k string) bool { return k == evidence.GuardAuth })
	}
	if optionalAuth(name) && !slices.Contains(adds, evidence.GuardAuthOptional) {
		adds = append(adds, evidence.GuardAuthOptional)
	}
	return adds, cancels
}

// optionalWords mark authentication that lets anonymous callers through.
var optionalWords = []string{"optional", "optionally", "maybe"}

// optionalAuth tells whether a name is optional authentication:
// jwt_optional, jwt_required(optional=True), get_current_user_optional.
func optionalAuth(name string) bool {
	ws := guard.Words(name)
	if !slices.ContainsFunc(ws, func(w string) bool { return slices.Contains(optionalWords, w) }) {
		return false
	}
	rest := slices.DeleteFunc(slices.Clone(ws), func(w string) bool {
		return slices.Contains(optionalWords, w) || w == "true" || w == "false"
	})
	if len(rest) == 0 {
		return false
	}
	k, _ := guard.Kinds(strings.Join(rest, "_"))
	return slices.Contains(k, evidence.GuardAuth)
}

// isAuthEndpoint tells whether a route logs a caller in, signs one up,
// issues a token or resets a password, from its handler's name or its
// path's segments.
func isAuthEndpoint(handler, path string) bool {
	handler = handlerName(handler)
	hw := guard.Words(handler)
	has := func(ws []string, list ...string) bool {
		return slices.ContainsFunc(ws, func(w string) bool { return slices.Contains(list, w) })
	}
	if has(hw, "login", "logon", "signin", "signup", "register", "registration") && !has(hw, guardWords...) ||
		has(hw, "token") && has(hw, "obtain", "create", "refresh", "issue", "access", "login", "get") ||
		has(hw, "password") && has(hw, "reset", "forgot", "forgotten", "recover", "recovery") {
		return true
	}
	var pw []string
	for _, seg := range strings.Split(strings.ToLower(path), "/") {
		if strings.HasPrefix(seg, "{") {
			continue
		}
		pw = append(pw, strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '_' || r == '.' })...)
	}
	return has(pw, "login", "signin", "signup", "register", "registration", "token", "tokens") ||
		has(pw, "password", "passwords") && has(pw, "reset", "forgot", "forgotten", "recover", "recovery")
}

// unresolve records a registration that could not be resolved.
func (x *extractor) unresolve(m *module, n *sitter.Node, reason string) {
	x.unresolved = append(x.unresolved, evidence.Unresolved{Scanner: ScannerName, File: m.rel, Line: line(n), Reason: reason})
}

func sortUnresolved(us []evidence.Unresolved) {
	slices.SortFunc(us, func(a, b evidence.Unresolved) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Reason, b.Reason))
	})
}

// finish settings route-level facts the graph does not know: enforced auth
// outranks optional auth, and authentication endpoints are tagged.
func (x *extractor) finish(rs []evidence.Route) []evidence.Route {
	for i := range rs {
		r := &rs[i]
		if slices.Contains(r.Guards, evidence.GuardAuth) {
			r.Guards = slices.DeleteFunc(r.Guards, func(g string) bool { return g == evidence.GuardAuthOptional })
		}
		if isAuthEndpoint(r.Handler, r.Path) && !slices.Contains(r.Tags, evidence.TagAuthEndpoint) {
			r.Tags = append(slices.Clone(r.Tags), evidence.TagAuthEndpoint)
		}
	}
	return rs
}

// handlerName reduces a handler expression to its name:
// views.LoginView.as_view(template_name="x") is LoginView.
func handlerName(h string) string {
	if i := strings.IndexByte(h, '('); i >= 0 {
		h = h[:i]
	}
	h = strings.TrimSuffix(h, ".as_view")
	if i := strings.LastIndexByte(h, '.'); i >= 0 {
		h = h[i+1:]
	}
	return h
}

// codeWords is the code of an expression without its string literals:
// @response(Schema, description="Redirect to the authentication page")
// reads as response Schema description, so that what a decorator's
// arguments say in prose is not taken for what it does.
func (m *module) codeWords(n *sitter.Node) string {
	var parts []string
	walk(n, func(c *sitter.Node) bool {
		switch c.Type() {
		case "string", "concatenated_string", "comment":
			return false
		case "identifier", "true", "false", "none":
			parts = append(parts, m.text(c))
			return false
		}
		return true
	})
	return strings.Join(parts, ".")
}

// wrapperDecorators take the guard as an argument:
// @method_decorator(login_required, name="dispatch").
var wrapperDecorators = map[string]bool{
	"method_decorator": true, "user_passes_test": true, "decorator_from_middleware": true,
	"permission_classes": true, "authentication_classes": true, "throttle_classes": true,
}

// decoratorWords is what a decorator says about itself: its callee and
// keyword arguments (@jwt_required(optional=True)), and its positional
// arguments only for a wrapper that takes the guard as one. The
// positional arguments of others are data (@body(oauth2_schema),
// @response(token_schema)) and no guard.
func (m *module) decoratorWords(d *sitter.Node) string {
	e := d
	if d.Type() == "decorator" && d.NamedChildCount() > 0 {
		e = d.NamedChild(0)
	}
	if e.Type() != "call" {
		return m.codeWords(e)
	}
	fn := e.ChildByFieldName("function")
	callee := m.text(fn)
	parts := []string{m.codeWords(fn)}
	wrapper := wrapperDecorators[callee[strings.LastIndexByte(callee, '.')+1:]]
	if args := e.ChildByFieldName("arguments"); args != nil {
		for i := 0; i < int(args.NamedChildCount()); i++ {
			a := args.NamedChild(i)
			if a.Type() == "keyword_argument" || wrapper || a.Type() == "lambda" {
				parts = append(parts, m.codeWords(a))
			}
		}
	}
	return strings.Join(parts, ".")
}
