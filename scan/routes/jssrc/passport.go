package jssrc

import (
	"slices"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/evidence"
)

// tokenStrategies are passport strategies that check a credential sent
// with every request; any other strategy (local, github, google, saml...)
// is how a user logs in, so the route it sits on is an authentication
// endpoint and the strategy no guard.
var tokenStrategies = []string{"jwt", "bearer", "basic", "digest", "headerapikey", "apikey", "api-key", "localapikey", "hash", "oauth2-client-password", "oauth-bearer", "session", "cookie"}

// passportCall recognises passport.authenticate(strategy, ...) and its
// aliases (const pauth = passport.authenticate.bind(passport)) and returns
// the strategy names.
func (x *extractor) passportCall(m *module, call *sitter.Node) ([]string, bool) {
	fn := call.ChildByFieldName("function")
	if fn == nil {
		return nil, false
	}
	name := m.text(fn)
	isPassport := strings.HasSuffix(name, "passport.authenticate") || strings.HasSuffix(name, "passport.authorize")
	if !isPassport && fn.Type() == "identifier" {
		if v, ok := m.vars[name]; ok && strings.Contains(m.text(v), "passport.authenticate") || ok && strings.Contains(m.text(v), "passport.authorize") {
			isPassport = true
		}
	}
	if !isPassport {
		return nil, false
	}
	a := argList(call.ChildByFieldName("arguments"))
	if len(a) == 0 {
		return nil, true
	}
	return x.paths(m, a[0]), true
}

// passportGuards classifies a passport.authenticate call by its strategies:
// a token strategy authenticates, with 'anonymous' among them only
// optionally; a login strategy is no guard.
func passportGuards(strategies []string) []string {
	token := false
	for _, s := range strategies {
		s = strings.ToLower(s)
		if slices.Contains(tokenStrategies, s) || strings.Contains(s, "jwt") || strings.Contains(s, "bearer") || strings.Contains(s, "token") || strings.Contains(s, "apikey") {
			token = true
		}
	}
	switch {
	case token && slices.Contains(strategies, "anonymous"):
		return []string{evidence.GuardAuthOptional}
	case token:
		return []string{evidence.GuardAuth}
	}
	return nil
}

// loginStrategy reports a middleware that logs a user in: passport with a
// strategy that is not a per-request credential check.
func (x *extractor) loginStrategy(m *module, h *sitter.Node) bool {
	if h.Type() != "call_expression" {
		return false
	}
	s, ok := x.passportCall(m, h)
	return ok && len(s) > 0 && len(passportGuards(s)) == 0 && !slices.Contains(s, "anonymous")
}

// optionalArgs reports an authentication middleware built to let
// anonymous callers through: AuthMiddleware(false), auth({ required: false }),
// expressjwt({ credentialsRequired: false }), auth({ optional: true }).
func optionalArgs(m *module, call *sitter.Node) bool {
	args := call.ChildByFieldName("arguments")
	if args == nil {
		return false
	}
	for _, a := range argList(args) {
		switch a.Type() {
		case "false":
			return true
		case "object":
			for i := 0; i < int(a.NamedChildCount()); i++ {
				p := a.NamedChild(i)
				if p.Type() != "pair" {
					continue
				}
				k, v := trimQuotes(m.text(p.ChildByFieldName("key"))), m.text(p.ChildByFieldName("value"))
				switch {
				case (k == "required" || k == "credentialsRequired" || k == "mandatory") && v == "false",
					(k == "optional" || k == "allowAnonymous" || k == "passthrough") && v == "true":
					return true
				}
			}
		}
	}
	return false
}

// optionalAuth turns required authentication into optional.
func optionalAuth(kinds []string) []string {
	out := slices.Clone(kinds)
	for i, k := range out {
		if k == evidence.GuardAuth {
			out[i] = evidence.GuardAuthOptional
		}
	}
	return out
}
