package sinks

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/scan/routes/jssrc"
	"github.com/threatmap/threatmap/scan/routes/tsparse"
)

// basicAuthCallRE names a basic-auth middleware: express-basic-auth,
// basic-auth-connect, koa-basic-auth, @fastify/basic-auth.
var basicAuthCallRE = regexp.MustCompile(`(?i)(^|\.)(express_?)?basic_?auth$|basic-auth`)

// configRef is a basic-auth password read from a configuration module
// (config.agendash.password): the hit waits for the module to be read.
type configRef struct {
	h    hit
	file string   // the module, resolved
	path []string // agendash, password
}

// credentialsJS reports literal credentials in one file: a password
// compared with a literal in a login or basic-auth context, and a
// basic-auth account table whose password is a literal. A password read
// from an imported module is queued in jf.configRefs.
func (jf *jsFile) credentialsJS(root *sitter.Node, has func(string) bool) {
	if !hasCredentialWord(jf.src) {
		return
	}
	re := jsCredentialRE
	var local []string
	for name, mod := range jf.aliases {
		if basicAuthCallRE.MatchString(mod) {
			local = append(local, regexp.QuoteMeta(name))
		}
	}
	if len(local) > 0 {
		slices.Sort(local)
		re = regexp.MustCompile(jsCredentialRE.String() + `|\b(` + strings.Join(local, "|") + `)\s*\(`)
	}
	for _, n := range candidates(root, jf.src, re, "binary_expression", "call_expression") {
		switch n.Type() {
		case "binary_expression":
			op := jf.text(n.ChildByFieldName("operator"))
			if (op == "==" || op == "===") && (jf.authContext(n) || jf.pairedWithUser(n)) {
				jf.literalCompareJS(n, n.ChildByFieldName("left"), n.ChildByFieldName("right"))
			}
		case "call_expression":
			callee := jf.text(n.ChildByFieldName("function"))
			args := argNodes(n.ChildByFieldName("arguments"))
			switch {
			case constantCompareCalls[lastPart(callee)] && len(args) == 2:
				jf.literalCompareJS(n, unwrapBufferFrom(jf, args[0]), unwrapBufferFrom(jf, args[1]))
			case basicAuthCallRE.MatchString(callee) || basicAuthCallRE.MatchString(jf.canonical(callee)):
				jf.basicAuthJS(n, args, has)
			}
		}
	}
}

// jsCredentialRE finds where a credential check may be: an equality
// operator, a basic-auth or constant-time comparison call.
var jsCredentialRE = regexp.MustCompile(`={2,3}|(?i:basic_?auth)\s*\(|\b(timingSafeEqual|safeCompare)\s*\(`)

// authContext reports a node whose nearest function decides a login: a
// function whose name says it logs a user in, a callback passed to a
// basic-auth call, or an authorizer option. A comparison in a callback
// of another kind (a challenge or metrics hook inside a login handler)
// grants nothing and is not reported.
func (jf *jsFile) authContext(n *sitter.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if !isJSFunc(p.Type()) {
			continue
		}
		if name, _ := jf.funcName(p); name != "" && authContextRE.MatchString(name) {
			return true
		}
		q := p.Parent()
		switch {
		case q != nil && q.Type() == "arguments" && q.Parent() != nil:
			return basicAuthCallRE.MatchString(jf.text(q.Parent().ChildByFieldName("function")))
		case q != nil && q.Type() == "pair":
			return jf.text(q.ChildByFieldName("key")) == "authorizer"
		}
		return false
	}
	return false
}

// pairedWithUser reports a comparison that sits in a conjunction with a
// user name compared with a literal (username === 'admin' && ...).
// A callback handed to another call (solveIf(challenge, () => ...)) grants
// nothing, whatever it compares.
func (jf *jsFile) pairedWithUser(n *sitter.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if isJSFunc(p.Type()) {
			if q := p.Parent(); q != nil && q.Type() == "arguments" {
				return false
			}
			break
		}
	}
	top := n
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == "parenthesized_expression" || p.Type() == "binary_expression" && jf.text(p.ChildByFieldName("operator")) == "&&" {
			top = p
			continue
		}
		break
	}
	if top == n {
		return false
	}
	found := false
	walkTS(top, func(c *sitter.Node) bool {
		if found || isJSFunc(c.Type()) {
			return false
		}
		if c.Type() == "binary_expression" {
			if op := jf.text(c.ChildByFieldName("operator")); op == "==" || op == "===" {
				l, r := c.ChildByFieldName("left"), c.ChildByFieldName("right")
				for _, pr := range [][2]*sitter.Node{{l, r}, {r, l}} {
					if _, ok := jsStringLit(jf, pr[1]); ok && pr[0] != nil && (pr[0].Type() == "identifier" || pr[0].Type() == "member_expression") && namesUser(jf.text(pr[0])) {
						found = true
					}
				}
			}
		}
		return true
	}, 0)
	return found
}

// literalCompareJS reports password === 'literal' (either order).
func (jf *jsFile) literalCompareJS(at, x, y *sitter.Node) {
	for _, pair := range [][2]*sitter.Node{{x, y}, {y, x}} {
		name, lit := pair[0], pair[1]
		if name == nil || lit == nil {
			continue
		}
		v, ok := jsStringLit(jf, lit)
		if !ok || !credentialLiteral(v) {
			continue
		}
		switch name.Type() {
		case "identifier", "member_expression", "subscript_expression":
		default:
			continue
		}
		if !namesPassword(jf.text(name)) {
			continue
		}
		callee := ""
		if at.Type() == "call_expression" {
			callee = jf.text(at.ChildByFieldName("function"))
		}
		jf.hits = append(jf.hits, loginLiteralHit(jf.rel, at, jf.text(name), "===", callee, jf.enclosing(at), v))
		return
	}
}

// basicAuthJS reads a basic-auth middleware's options: users: {name:
// 'password'}, { name, pass } (koa-basic-auth), or (user, password)
// positional literals (basic-auth-connect).
func (jf *jsFile) basicAuthJS(call *sitter.Node, args []*sitter.Node, has func(string) bool) {
	callee := clip(jf.text(call.ChildByFieldName("function")))
	report := func(at, val *sitter.Node, user string) {
		h := hit{rule: RuleHardcodedCredential, file: jf.rel, line: nline(at), col: ncol(at), sink: callee + "(" + user + ": " + maskedLiteral + ")",
			what: "a basic-auth account whose password is a literal in the code", severity: logicSeverity(RuleHardcodedCredential, ""), fn: jf.enclosing(call)}
		if v, ok := jsLiteralOrDefault(jf, val); ok {
			if credentialLiteral(v) {
				h.secret = v
				jf.hits = append(jf.hits, h)
			}
			return
		}
		if ref, ok := jf.configPath(val, has); ok {
			ref.h = h
			jf.configRefs = append(jf.configRefs, ref)
		}
	}
	if len(args) == 2 {
		if _, ok := jsStringLit(jf, args[0]); ok {
			report(args[1], args[1], clip(jf.text(args[0])))
			return
		}
	}
	for _, a := range args {
		if a.Type() != "object" {
			continue
		}
		for i := 0; i < int(a.NamedChildCount()); i++ {
			p := a.NamedChild(i)
			if p.Type() != "pair" {
				continue
			}
			key := strings.Trim(jf.text(p.ChildByFieldName("key")), `"'`)
			val := p.ChildByFieldName("value")
			switch {
			case key == "users" && val != nil && val.Type() == "object":
				for j := 0; j < int(val.NamedChildCount()); j++ {
					u := val.NamedChild(j)
					if u.Type() == "pair" {
						report(u, u.ChildByFieldName("value"), clip(jf.text(u.ChildByFieldName("key"))))
					}
				}
			case key == "pass" || key == "password":
				report(p, val, "pass")
			}
		}
	}
}

// enclosing is the function a node sits in, for linking: the call to a
// route registration when the node is one of its arguments
// (app.use('/dash', basicAuth(...), agendash(...))), else the nearest
// function, else the module.
func (jf *jsFile) enclosing(n *sitter.Node) fn {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if isJSFunc(p.Type()) {
			name, line := jf.funcName(p)
			return fn{Name: name, Line: line, Head: nline(p), End: nend(p)}
		}
		if p.Type() == "call_expression" && p != n && jsRouteCall.MatchString(jf.text(p.ChildByFieldName("function"))) {
			return fn{Name: "", Line: nline(p), Head: nline(n), End: nend(p)}
		}
	}
	return fn{Name: "<module>", Line: 1, Head: 1, End: nline(n)}
}

// configPath reads config.agendash.password, where config is imported from
// a module of the scanned tree, as that module and the path in it.
func (jf *jsFile) configPath(n *sitter.Node, has func(string) bool) (configRef, bool) {
	if n == nil || n.Type() != "member_expression" {
		return configRef{}, false
	}
	parts := strings.Split(strings.Join(strings.Fields(jf.text(n)), ""), ".")
	if len(parts) < 2 || !namesPassword(parts[len(parts)-1]) {
		return configRef{}, false
	}
	spec, ok := jf.aliases[parts[0]]
	if !ok {
		return configRef{}, false
	}
	file := jssrc.ResolveImport(jf.rel, spec, has)
	rest := parts[1:]
	if file == "" {
		// import { agendash } from './config': the alias is spec.name.
		i := strings.LastIndexByte(spec, '.')
		if i <= strings.LastIndexByte(spec, '/') {
			return configRef{}, false
		}
		file = jssrc.ResolveImport(jf.rel, spec[:i], has)
		rest = append([]string{spec[i+1:]}, rest...)
	}
	if file == "" {
		return configRef{}, false
	}
	return configRef{file: file, path: rest}, true
}

// resolveConfigRefs reads each configuration module named by a queued
// reference once and reports the references whose value there is a
// literal (or a literal default: process.env.X || 'literal').
func resolveConfigRefs(ctx context.Context, refs []configRef, files []source, index map[string]int) []hit {
	var out []hit
	byFile := map[string][]configRef{}
	var order []string
	for _, r := range refs {
		if _, ok := byFile[r.file]; !ok {
			order = append(order, r.file)
		}
		byFile[r.file] = append(byFile[r.file], r)
	}
	for _, file := range order {
		i, ok := index[file]
		if !ok {
			continue
		}
		res := tsparse.All(ctx, []tsparse.Input{{Src: files[i].Src, Lang: jsLanguage(file)}})
		if len(res) == 0 || res[0].Err != nil || res[0].Tree == nil {
			continue
		}
		cf := &jsFile{rel: file, src: files[i].Src, aliases: map[string]string{}, defs: map[string]*sitter.Node{}}
		root := res[0].Tree.RootNode()
		for _, r := range byFile[file] {
			lit, at := cf.literalAtPath(root, r.path)
			if at == nil || !credentialLiteral(lit) {
				continue
			}
			h := r.h
			h.secret = lit
			h.what = "a basic-auth account whose password is the literal at " + file + ":" + strconv.Itoa(nline(at)) + ", the same in every deployment"
			out = append(out, h)
		}
		res[0].Tree.Close()
	}
	return out
}

// literalAtPath finds the pair a path names (agendash.password: a pair
// password inside a pair agendash) and returns its literal value.
func (jf *jsFile) literalAtPath(root *sitter.Node, keys []string) (string, *sitter.Node) {
	var lit string
	var at *sitter.Node
	walkTS(root, func(n *sitter.Node) bool {
		if at != nil {
			return false
		}
		if n.Type() != "pair" || jsKey(jf, n) != keys[len(keys)-1] {
			return true
		}
		v, ok := jsLiteralOrDefault(jf, n.ChildByFieldName("value"))
		if !ok {
			return true
		}
		// The enclosing pairs' keys must end with the rest of the path.
		want := len(keys) - 2
		for p := n.Parent(); p != nil && want >= 0; p = p.Parent() {
			if p.Type() == "pair" {
				if jsKey(jf, p) != keys[want] {
					return true
				}
				want--
			}
		}
		if want < 0 {
			lit, at = v, n
		}
		return true
	}, 0)
	return lit, at
}

func jsKey(jf *jsFile, pair *sitter.Node) string {
	return strings.Trim(jf.text(pair.ChildByFieldName("key")), `"'`+"`")
}

// jsStringLit reads a string literal or a template without substitutions.
func jsStringLit(jf *jsFile, n *sitter.Node) (string, bool) {
	if n == nil {
		return "", false
	}
	switch n.Type() {
	case "string":
		t := jf.text(n)
		if len(t) >= 2 {
			return t[1 : len(t)-1], true
		}
	case "template_string":
		t := jf.text(n)
		if len(t) >= 2 && !strings.Contains(t, "${") {
			return t[1 : len(t)-1], true
		}
	}
	return "", false
}

// jsLiteralOrDefault reads a literal, or the literal default of
// process.env.X || 'literal' (and ??), which is the password wherever the
// variable is not set.
func jsLiteralOrDefault(jf *jsFile, n *sitter.Node) (string, bool) {
	if v, ok := jsStringLit(jf, n); ok {
		return v, true
	}
	if n != nil && n.Type() == "binary_expression" {
		op := jf.text(n.ChildByFieldName("operator"))
		if op == "||" || op == "??" {
			return jsStringLit(jf, n.ChildByFieldName("right"))
		}
	}
	return "", false
}

// unwrapBufferFrom reads Buffer.from(x) as x.
func unwrapBufferFrom(jf *jsFile, n *sitter.Node) *sitter.Node {
	if n != nil && n.Type() == "call_expression" && jf.text(n.ChildByFieldName("function")) == "Buffer.from" {
		if a := argNodes(n.ChildByFieldName("arguments")); len(a) >= 1 {
			return a[0]
		}
	}
	return n
}

// argNodes lists a call's arguments.
func argNodes(args *sitter.Node) []*sitter.Node {
	var out []*sitter.Node
	for i := 0; args != nil && i < int(args.NamedChildCount()); i++ {
		if c := args.NamedChild(i); c.Type() != "comment" {
			out = append(out, c)
		}
	}
	return out
}
