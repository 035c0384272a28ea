package sinks

import (
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// RuleLoginWithoutProof: a request handler creates a session for a user
// found from a value the request supplies (an id, a checkout session id),
// and nothing in the handler checks that the caller owns it: no password
// comparison, no one-time code, no verified token. Whoever holds the value
// (from a shared link, a Referer, a log) signs in as that user.

// jsSessionCalls name the functions that sign a user in.
var jsSessionCalls = map[string]bool{"setSession": true, "createSession": true, "startSession": true, "createUserSession": true, "loginUser": true, "signInUser": true, "setAuthCookie": true, "setUserSession": true}

// sessionFieldRE names the session fields that hold who is signed in.
var sessionFieldRE = regexp.MustCompile(`(?i)^(user|user_?id|uid|account_?id|userid)$`)

// sessionJS checks one JavaScript handler body.
func (f *jsFunc) sessionJS(body *sitter.Node) {
	if len(f.req) == 0 || f.fn.Name == "<module>" {
		return
	}
	text := codeText(body, f.jf.src)
	if proofRE.MatchString(text) || createsAccountRE.MatchString(f.fn.Name) || createsAccountRE.MatchString(text) {
		return
	}
	derived := f.requestDerivedNames(body)
	mentions := func(n *sitter.Node) string {
		if n == nil {
			return ""
		}
		for _, id := range jsIdentRE.FindAllString(f.jf.text(n), -1) {
			if src, ok := derived[id]; ok {
				return src
			}
		}
		if t, ok := f.requestSource(f.jf.text(n)); ok {
			return t.src
		}
		return ""
	}
	walkOwn(body, func(c *sitter.Node) {
		switch c.Type() {
		case "call_expression":
			callee := f.jf.text(c.ChildByFieldName("function"))
			name := lastPart(callee)
			recv, _, _ := strings.Cut(callee, ".")
			if !jsSessionCalls[name] && !((name == "login" || name == "logIn") && f.req[recv]) {
				return
			}
			args := c.ChildByFieldName("arguments")
			for i := 0; args != nil && i < int(args.NamedChildCount()); i++ {
				a := args.NamedChild(i)
				if f.req[f.jf.text(a)] || a.Type() == "identifier" && (f.jf.text(a) == "res" || f.jf.text(a) == "response") {
					continue
				}
				if src := mentions(a); src != "" {
					f.logicHit(RuleLoginWithoutProof, c, clip(callee), "signs in a user found from request input, with no check that the caller owns it", src)
					return
				}
			}
		case "assignment_expression":
			l := c.ChildByFieldName("left")
			if l == nil || l.Type() != "member_expression" {
				return
			}
			obj := f.jf.text(l.ChildByFieldName("object"))
			recv, rest, _ := strings.Cut(obj, ".")
			if !f.req[recv] || rest != "session" || !sessionFieldRE.MatchString(f.jf.text(l.ChildByFieldName("property"))) {
				return
			}
			if src := mentions(c.ChildByFieldName("right")); src != "" {
				f.logicHit(RuleLoginWithoutProof, c, clip(f.jf.text(l)), "signs in a user found from request input, with no check that the caller owns it", src)
			}
		}
	})
}

var jsIdentRE = regexp.MustCompile(`[A-Za-z_$][\w$]*`)

// requestDerivedNames follows, in source order, the local names whose
// value is built from request input, through any call (a database lookup
// too, unlike the injection rules: a record found by a request key is the
// record the caller named). It maps each name to the request source.
func (f *jsFunc) requestDerivedNames(body *sitter.Node) map[string]string {
	out := map[string]string{}
	for k, b := range f.vars {
		if b.t.ok() {
			out[k] = b.t.src
		}
	}
	srcOf := func(n *sitter.Node) string {
		if n == nil {
			return ""
		}
		text := f.jf.text(n)
		for _, m := range jsMemberRE.FindAllString(text, -1) {
			if t, ok := f.requestSource(m); ok {
				return t.src
			}
		}
		for _, id := range jsIdentRE.FindAllString(text, -1) {
			if s, ok := out[id]; ok {
				return s
			}
		}
		return ""
	}
	bindNames := func(left *sitter.Node, src string) {
		if left == nil || src == "" {
			return
		}
		if left.Type() == "identifier" {
			out[f.jf.text(left)] = src
			return
		}
		if left.Type() == "object_pattern" || left.Type() == "array_pattern" {
			for _, id := range jsIdentRE.FindAllString(f.jf.text(left), -1) {
				out[id] = src
			}
		}
	}
	walkOwn(body, func(c *sitter.Node) {
		switch c.Type() {
		case "variable_declarator":
			bindNames(c.ChildByFieldName("name"), srcOf(c.ChildByFieldName("value")))
		case "assignment_expression":
			bindNames(c.ChildByFieldName("left"), srcOf(c.ChildByFieldName("right")))
		}
	})
	return out
}

var jsMemberRE = regexp.MustCompile(`[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+`)
