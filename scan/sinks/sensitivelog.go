package sinks

import (
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// RuleSensitiveLogged: a request handler writes a password, secret or
// token, or the whole request body of a route that takes one, to the
// log. What is looked at is what the call is given: names and member
// chains inside its arguments, never the message text, so "password reset
// sent" is not a finding.

// logMethods are the methods loggers write with.
var logMethods = map[string]bool{"log": true, "info": true, "debug": true, "warn": true, "warning": true, "error": true, "trace": true, "verbose": true,
	"silly": true, "fatal": true, "critical": true, "exception": true, "dir": true, "table": true}

// logReceiverRE names what logs: console, logger, this.logger, log,
// winston, pino, app.logger, logging.
var logReceiverRE = regexp.MustCompile(`(?i)(^|\.)(console|_?logger|_?log|logging|winston|pino|bunyan|signale|fastify\.log|request\.log|req\.log)$`)

// credentialContextRE matches a handler (its name, its code, or the route
// registration an inline handler is passed to) that takes credentials: a
// whole body logged there carries them.
var credentialContextRE = regexp.MustCompile(`(?i)passw|passwd|secret|credential|log_?in|sign_?in|sign_?up|register|/auth\b|/token`)

// notSecretFirstWords start a name that says something about a secret
// without holding it: has_password, isTokenValid, hashedPassword.
var notSecretWords = map[string]bool{"has": true, "is": true, "should": true, "needs": true, "need": true, "must": true, "valid": true, "invalid": true,
	"hash": true, "hashed": true, "encrypted": true, "salt": true, "digest": true, "length": true, "len": true, "count": true, "type": true, "expires": true,
	"expiry": true, "expired": true, "reset": true, "forgot": true, "policy": true, "strength": true, "field": true, "label": true, "placeholder": true,
	"name": true, "id": true, "url": true, "uri": true, "header": true, "new": false}

// namesSecretValue reports a name whose value is a password, secret or
// token: password, req.body.password, accessToken, jwt, authorization.
// Not has_password, passwordHash, token.length, tokenCount, the LLM's
// tokens.
func namesSecretValue(name string) bool {
	if i := strings.LastIndexAny(name, ".>"); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Trim(name, `"'[]`+"`")
	ws := words(name)
	if len(ws) == 0 {
		return false
	}
	for _, w := range ws {
		if notSecretWords[w] {
			return false
		}
	}
	last := ws[len(ws)-1]
	switch {
	case namesPassword(name):
		return true
	case last == "jwt" || last == "authorization" || last == "bearer":
		return true
	case last == "token":
		return true
	}
	return false
}

// secretWordRE gates the check on a handler's raw text: no logger, or
// nothing that can name a secret or the body, and it is not walked.
var (
	loggerWordRE = regexp.MustCompile(`(?i)log|print`)
	secretWordRE = regexp.MustCompile(`(?i)passw|passwd|pwd|pass\b|secret|token|jwt|authoriz|bearer|api_?key|body|request\.(json|get_json|form|data|POST|values)`)
)

// mayLogSecret reports a body whose raw text holds both a logger word and
// a secret word.
func mayLogSecret(src []byte) bool {
	return loggerWordRE.Match(src) && secretWordRE.Match(src)
}

// sensitiveJS checks one JavaScript handler body.
func (f *jsFunc) sensitiveJS(body *sitter.Node) {
	if len(f.req) == 0 || f.fn.Name == "<module>" || !mayLogSecret(f.jf.src[body.StartByte():body.EndByte()]) {
		return
	}
	ctxText := ""
	walkOwn(body, func(c *sitter.Node) {
		if c.Type() != "call_expression" {
			return
		}
		callee := strings.Join(strings.Fields(f.jf.text(c.ChildByFieldName("function"))), "")
		recv, method := "", callee
		if i := strings.LastIndexByte(callee, '.'); i >= 0 {
			recv, method = callee[:i], callee[i+1:]
		}
		if !logMethods[method] || !logReceiverRE.MatchString(recv) {
			return
		}
		for _, a := range argNodes(c.ChildByFieldName("arguments")) {
			what, ok := f.loggedSecret(a, func() bool {
				if ctxText == "" {
					ctxText = f.fn.Name + " " + codeText(body, f.jf.src) + " " + f.routeCallText(body)
				}
				return credentialContextRE.MatchString(ctxText)
			})
			if ok {
				f.logicHit(RuleSensitiveLogged, c, clip(callee)+"("+clip(f.jf.text(a))+")", what, "")
				return
			}
		}
	})
}

// loggedSecret looks inside one logged argument for a secret-named value
// or the whole request body (reported only where credContext holds).
func (f *jsFunc) loggedSecret(a *sitter.Node, credContext func() bool) (string, bool) {
	var what string
	walkTS(a, func(n *sitter.Node) bool {
		if what != "" {
			return false
		}
		switch n.Type() {
		case "unary_expression":
			// !!password, typeof token: a boolean or a type name.
			op := f.jf.text(n.ChildByFieldName("operator"))
			return op != "!" && op != "typeof"
		case "binary_expression":
			switch f.jf.text(n.ChildByFieldName("operator")) {
			case "==", "===", "!=", "!==", "<", ">", "<=", ">=", "instanceof", "in":
				return false
			}
			return true
		case "call_expression":
			// password.trim() or hash(password): what is logged is the
			// call's result; JSON.stringify(req.body) is still the body.
			if fnText := f.jf.text(n.ChildByFieldName("function")); fnText == "JSON.stringify" || fnText == "util.inspect" {
				return true
			}
			return false
		case "member_expression", "identifier", "subscript_expression":
			t := strings.Join(strings.Fields(f.jf.text(n)), "")
			if rs, ok := f.requestSource(t); ok && rs.whole && strings.HasSuffix(t, ".body") {
				if credContext() {
					what = "logs the whole request body, which carries the credentials the route takes"
				}
				return false
			}
			if namesSecretValue(t) {
				what = "logs " + clip(t) + ", a credential"
			}
			return false
		case "pair":
			// { password } or { password: x } in a logged object.
			if k := f.jf.text(n.ChildByFieldName("key")); namesSecretValue(k) {
				if v := n.ChildByFieldName("value"); v != nil && v.Type() != "string" && v.Type() != "true" && v.Type() != "false" {
					what = "logs " + clip(k) + ", a credential"
				}
			}
			return what == ""
		case "shorthand_property_identifier":
			if namesSecretValue(f.jf.text(n)) {
				what = "logs " + f.jf.text(n) + ", a credential"
			}
			return false
		}
		return true
	}, 0)
	return what, what != ""
}

// routeCallText is the text of the route registration an inline handler
// is passed to (its path and validation schema), "" otherwise.
func (f *jsFunc) routeCallText(body *sitter.Node) string {
	fnNode := body.Parent()
	if fnNode == nil {
		return ""
	}
	args := fnNode.Parent()
	if args == nil || args.Type() != "arguments" || args.Parent() == nil {
		return ""
	}
	call := args.Parent()
	if !jsRouteCall.MatchString(f.jf.text(call.ChildByFieldName("function"))) {
		return ""
	}
	var parts []string
	for _, a := range argNodes(args) {
		if a != fnNode {
			parts = append(parts, codeText(a, f.jf.src))
		}
	}
	return strings.Join(parts, " ")
}
