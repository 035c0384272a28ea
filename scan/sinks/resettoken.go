package sinks

import (
	"fmt"
	"go/ast"
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/internal/prefilter"
)

// RuleResetTokenReusable: a password-reset flow accepts a token that is
// checked only by a stateless decode (jwt.decode, jsonwebtoken.verify,
// an itsdangerous or Django signing loads): its signature and expiry. No
// stored state is checked or cleared (no stored token looked up or
// deleted, no used flag, no token version, no password hash in the
// signing key), so the token works again until it expires, also after the
// password has changed. OWASP's Forgot Password cheat sheet: reset tokens
// must be single use.
//
// The decode often sits in a helper (User.verify_reset_token) that the
// route handler calls, in another file. Each analyser records, per file,
// the functions that decode a token statelessly and the handlers of a
// reset flow with the names they call; resetFlows joins them once every
// file is read, and reports at the handler's call of the helper (or at
// the decode, when the handler decodes itself), so the finding links to
// the reset route.

// resetWordRE names a reset flow, in a function's name or code.
var resetWordRE = regexp.MustCompile(`(?i)reset|forgot|recover`)

// resetStateRE matches code that checks or clears state, which makes the
// token single-use: a stored token looked up, compared or deleted, a used
// flag, a revocation or deny list, a token version or password-change
// time, a one-time id, Django's token generator.
var resetStateRE = regexp.MustCompile(`(?i)\bused\b|used_?at|is_?used|consum|revok|invalidat|blacklist|denylist|blocklist|\bjti\b|nonce|redis|cache\.(get|delete|del)\b|\.delete\(|\.destroy\(|\bdel\s|remove|token_?version|password_?changed|last_?login|check_token|compare_digest|timingsafeequal|reset_?(password_?)?token\s*[!=]==?|(find\w*|filter(_by)?|where|get)\(\s*\{?[^()]*token\w*["']?\s*[:=]`)

// resetKeyStateRE matches a decode whose key or arguments carry state: a
// key derived from the password hash dies when the password changes.
var resetKeyStateRE = regexp.MustCompile(`(?i)password|hash|last_?login|updated`)

// authTokenRE matches a decode of the caller's session token (from a
// header or cookie), not of a reset token.
var authTokenRE = regexp.MustCompile(`(?i)header|authorization|cookie|bearer|access_?token|accessToken`)

// resetDecode is a stateless decode of a token in one function.
type resetDecode struct {
	line, col int
	call      string // the decode call, for the message
}

// resetFunc is what the reset check needs to know of one function.
type resetFunc struct {
	file     string
	name     string
	fn       fn
	handler  bool
	resetish bool // its name or code speaks of a reset
	state    bool // its code checks or clears state
	decodes  []resetDecode
	calls    []resetCall // calls by name, for a handler of a reset flow
}

// decode records a stateless decode call whose arguments are args: a
// key that carries state marks the function stateful, a reset word marks
// it a reset. A decode of a header or cookie token is no reset token's,
// and decode reports false without recording it.
func (rf *resetFunc) decode(args string, line, col int, callee string) bool {
	if authTokenRE.MatchString(args) {
		return false
	}
	if resetKeyStateRE.MatchString(args) {
		rf.state = true
	}
	if resetWordRE.MatchString(args) {
		rf.resetish = true
	}
	rf.decodes = append(rf.decodes, resetDecode{line: line, col: col, call: clip(callee)})
	return true
}

// resetCall is a call a reset handler makes, by its callee's last name.
type resetCall struct {
	name      string
	line, col int
	text      string // clipped, for the message
	reset     bool   // the whole call speaks of a reset (an argument, a keyword)
}

// resetFlows joins the functions of one language: a reset handler that
// decodes statelessly, or calls a function of the project that does,
// with no state checked or cleared in either, is reported.
func resetFlows(funcs []resetFunc) []hit {
	decoders := map[string][]*resetFunc{}
	for i := range funcs {
		f := &funcs[i]
		if len(f.decodes) > 0 && !f.state && f.name != "" {
			decoders[f.name] = append(decoders[f.name], f)
		}
	}
	var out []hit
	for i := range funcs {
		h := &funcs[i]
		if !h.handler || !h.resetish || h.state {
			continue
		}
		if len(h.decodes) > 0 {
			d := h.decodes[0]
			out = append(out, hit{rule: RuleResetTokenReusable, file: h.file, line: d.line, col: d.col, sink: d.call,
				what: "checks the reset token's signature and expiry only; nothing marks it used or ties it to the current password", severity: logicSeverity(RuleResetTokenReusable, ""), fn: h.fn})
			continue
		}
		for _, c := range h.calls {
			ds := decoders[c.name]
			if len(ds) != 1 {
				// No decoder of that name, or several: not followed.
				continue
			}
			d := ds[0]
			if !d.resetish && !c.reset {
				continue
			}
			out = append(out, hit{rule: RuleResetTokenReusable, file: h.file, line: c.line, col: c.col, sink: c.text,
				what:     fmt.Sprintf("checks the reset token with %s (%s:%d): signature and expiry only; nothing marks it used or ties it to the current password", d.decodes[0].call, d.file, d.decodes[0].line),
				severity: logicSeverity(RuleResetTokenReusable, ""), fn: h.fn})
			break
		}
	}
	return out
}

// Python.

var pyResetWordRE = prefilter.MustCompile(`(?i)reset|forgot|recover`)

// pyDecodeWordRE matches a file that may decode a token.
var pyDecodeWordRE = prefilter.MustCompile(`jwt|jose|itsdangerous|signing`)

// pyStatelessDecode reports a call that decodes a signed token without
// state: PyJWT or python-jose jwt.decode, an itsdangerous serializer's
// loads, django.core.signing.loads.
func (pf *pyFile) pyStatelessDecode(callee string) bool {
	c := pf.canonical(callee)
	switch {
	case c == "jwt.decode" || c == "jose.jwt.decode" || strings.HasSuffix(c, "jwt.decode") && !strings.Contains(c, "self."):
		return true
	case c == "django.core.signing.loads" || c == "signing.loads":
		return true
	case lastPart(c) == "loads" && pf.itsdangerous():
		recv := strings.TrimSuffix(c, ".loads")
		switch lastPart(recv) {
		case "json", "pickle", "marshal", "yaml", "simplejson", "ujson", "orjson", "dill", "cPickle":
			return false
		}
		return recv != c
	}
	return false
}

func (pf *pyFile) itsdangerous() bool {
	for _, o := range pf.aliases {
		if strings.HasPrefix(o, "itsdangerous") {
			return true
		}
	}
	return false
}

// resetFuncsPy records the reset facts of every function of the file.
func (pf *pyFile) resetFuncsPy() []resetFunc {
	if !pyResetWordRE.Match(pf.src) {
		return nil
	}
	decodeWords := pyDecodeWordRE.Match(pf.src)
	var out []resetFunc
	for _, def := range pf.funcs {
		body := def.ChildByFieldName("body")
		if body == nil {
			continue
		}
		head := def
		if p := def.Parent(); p != nil && p.Type() == "decorated_definition" {
			head = p
		}
		name := pf.text(def.ChildByFieldName("name"))
		rf := resetFunc{file: pf.rel, name: name, fn: fn{Name: name, Line: nline(head), Head: nline(def), End: nend(def)},
			handler: pyHandlerDef(pf, def, head), resetish: resetWordRE.MatchString(name)}
		if !rf.handler && !decodeWords {
			continue
		}
		walkOwn(body, func(c *sitter.Node) {
			if c.Type() != "call" {
				return
			}
			callee := pf.text(c.ChildByFieldName("function"))
			// In a file without a decode word only a handler's calls matter.
			if decodeWords && pf.pyStatelessDecode(callee) {
				if rf.decode(pf.text(c.ChildByFieldName("arguments")), nline(c), ncol(c), callee) {
					return
				}
			}
			if rf.handler {
				rf.calls = append(rf.calls, resetCall{name: lastPart(callee), line: nline(c), col: ncol(c), text: clip(pf.text(c)), reset: resetWordRE.MatchString(pf.text(c))})
			}
		})
		if !rf.handler && len(rf.decodes) == 0 {
			continue
		}
		text := codeText(body, pf.src)
		rf.state = rf.state || resetStateRE.MatchString(text)
		if rf.handler && !rf.resetish {
			rf.resetish = resetWordRE.MatchString(text)
		}
		if len(rf.decodes) > 0 || rf.handler && rf.resetish {
			out = append(out, rf)
		}
	}
	return out
}

// pyHandlerDef reports a route-decorated function or a Django view.
func pyHandlerDef(pf *pyFile, def, head *sitter.Node) bool {
	if head != def {
		for i := 0; i < int(head.NamedChildCount()); i++ {
			if c := head.NamedChild(i); c.Type() == "decorator" && pyRouteDecorator.MatchString(pf.text(c)) {
				return true
			}
		}
	}
	params := def.ChildByFieldName("parameters")
	var names []string
	for i := 0; params != nil && i < int(params.NamedChildCount()) && i < 2; i++ {
		p := params.NamedChild(i)
		if p.Type() == "identifier" {
			names = append(names, pf.text(p))
		} else if p.NamedChildCount() > 0 {
			names = append(names, pf.text(p.NamedChild(0)))
		}
	}
	return len(names) > 0 && names[0] == "request" || len(names) > 1 && names[0] == "self" && names[1] == "request"
}

// JavaScript and TypeScript.

// jsStatelessDecodeRE matches jsonwebtoken's verify and decode, jose's
// jwtVerify, and a NestJS JwtService's verify.
var jsStatelessDecodeRE = regexp.MustCompile(`^(jwt|jsonwebtoken|JWT|jsonWebToken|jose)\.(verify|decode)$|^jwtVerify$|^jose\.jwtVerify$|(?i)jwt_?service\.(verify|verifyAsync|decode)$`)

// jsDecodeWordRE matches a file that may decode a token.
var jsDecodeWordRE = regexp.MustCompile(`jwt|JWT|Jwt|jose|jsonwebtoken`)

// resetFuncJS records the reset facts of one JavaScript function. The
// file's words are looked at once, and a function's text only when it is
// a handler or decodes a token.
func (f *jsFunc) resetFuncJS(body *sitter.Node) {
	if body == nil || f.fn.Name == "<module>" {
		return
	}
	if f.jf.resetWords == 0 {
		f.jf.resetWords = 2
		if resetWordRE.Match(f.jf.src) {
			f.jf.resetWords = 1
			if jsDecodeWordRE.Match(f.jf.src) {
				f.jf.resetWords = 3
			}
		}
	}
	handler := len(f.req) > 0
	// A file without a reset word holds neither; one without a decode
	// word holds only reset handlers.
	if f.jf.resetWords == 2 || !handler && (f.jf.resetWords == 1 || !jsDecodeWordRE.MatchString(f.jf.text(body))) {
		return
	}
	rf := resetFunc{file: f.jf.rel, name: f.fn.Name, fn: f.fn, handler: handler, resetish: resetWordRE.MatchString(f.fn.Name)}
	walkOwn(body, func(c *sitter.Node) {
		if c.Type() != "call_expression" {
			return
		}
		callee := strings.TrimPrefix(f.jf.text(c.ChildByFieldName("function")), "this.")
		canon := callee
		if o, ok := f.jf.aliases[callee]; ok {
			canon = o
		}
		if jsStatelessDecodeRE.MatchString(callee) || canon == "jsonwebtoken.verify" || canon == "jsonwebtoken.decode" || canon == "jose.jwtVerify" {
			rf.decode(f.jf.text(c.ChildByFieldName("arguments")), nline(c), ncol(c), callee)
			return
		}
		if handler {
			rf.calls = append(rf.calls, resetCall{name: lastPart(callee), line: nline(c), col: ncol(c), text: clip(f.jf.text(c)), reset: resetWordRE.MatchString(f.jf.text(c))})
		}
	})
	if !handler && len(rf.decodes) == 0 {
		return
	}
	text := codeText(body, f.jf.src)
	rf.state = rf.state || resetStateRE.MatchString(text)
	if handler && !rf.resetish {
		rf.resetish = resetWordRE.MatchString(text) || resetWordRE.MatchString(f.jf.routePathOf(body))
	}
	if len(rf.decodes) > 0 || handler && rf.resetish {
		f.jf.resets = append(f.jf.resets, rf)
	}
}

// routePathOf gives the first argument of the call an inline handler is
// passed to (router.post('/reset/:token', (req, res) => ...)), or "".
func (jf *jsFile) routePathOf(body *sitter.Node) string {
	fnNode := body.Parent()
	if fnNode == nil || fnNode.Parent() == nil || fnNode.Parent().Type() != "arguments" {
		return ""
	}
	args := fnNode.Parent()
	if args.NamedChildCount() == 0 {
		return ""
	}
	if first := args.NamedChild(0); first.Type() == "string" || first.Type() == "template_string" {
		return jf.text(first)
	}
	return ""
}

// Go.

// resetFuncGo records the reset facts of one Go function: golang-jwt's
// (or dgrijalva's) Parse and ParseWithClaims are the stateless decodes.
func (f *goFunc) resetFuncGo(fd *ast.FuncDecl) {
	g := f.g
	if g.resetWords == 0 {
		g.resetWords = 2
		if resetWordRE.Match(g.src) {
			g.resetWords = 1
		}
	}
	if g.resetWords != 1 {
		return
	}
	text := g.text(fd.Body)
	rf := resetFunc{file: g.rel, name: fd.Name.Name, fn: f.fn, handler: len(f.req) > 0,
		resetish: resetWordRE.MatchString(fd.Name.Name), state: resetStateRE.MatchString(text)}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		callee := g.text(c.Fun)
		pkg, name, _ := strings.Cut(callee, ".")
		args := ""
		for _, a := range c.Args {
			args += g.text(a) + ", "
		}
		if strings.Contains(g.imports[pkg], "jwt") && (name == "Parse" || name == "ParseWithClaims") &&
			rf.decode(args, g.line(c.Pos()), g.fset.Position(c.Pos()).Column, callee) {
			return true
		}
		rf.calls = append(rf.calls, resetCall{name: lastPart(callee), line: g.line(c.Pos()), col: g.fset.Position(c.Pos()).Column, text: clip(g.text(c)), reset: resetWordRE.MatchString(g.text(c))})
		return true
	})
	if rf.handler && !rf.resetish {
		rf.resetish = resetWordRE.MatchString(text)
	}
	if len(rf.decodes) > 0 || rf.handler && rf.resetish {
		g.resets = append(g.resets, rf)
	}
}
