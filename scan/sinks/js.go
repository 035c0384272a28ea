package sinks

import (
	"context"
	"path"
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/javascript"
	"github.com/smacker/go-tree-sitter/typescript/tsx"
	"github.com/smacker/go-tree-sitter/typescript/typescript"

	"github.com/threatmap/threatmap/scan/routes/tsparse"
)

// jsLanguage picks the grammar by file extension.
func jsLanguage(rel string) *sitter.Language {
	switch path.Ext(rel) {
	case ".ts", ".mts", ".cts":
		return typescript.GetLanguage()
	case ".tsx":
		return tsx.GetLanguage()
	}
	return javascript.GetLanguage()
}

// jsFile is one parsed JavaScript or TypeScript file.
type jsFile struct {
	rel     string
	src     []byte
	aliases map[string]string // local name -> module or module.export
	hits    []hit
	defs    map[string]*sitter.Node // functions by declared or assigned name
	seeds   []callSeed
	words   *logicWords
	resets  []resetFunc
	// resetWords is 0 before the file was looked at, 2 when it does not
	// speak of a reset, 1 when it does, 3 when it also names a JWT library.
	resetWords int8
	// configRefs are basic-auth passwords read from another module.
	configRefs []configRef
}

// logicWords returns, computed once, which logic checks the file's text
// can concern.
func (jf *jsFile) logicWords() logicWords {
	if jf.words == nil {
		w := wordsIn(jf.src)
		jf.words = &w
	}
	return *jf.words
}

func analyzeJS(ctx context.Context, files []source) []hit {
	inputs := make([]tsparse.Input, len(files))
	for i, f := range files {
		inputs[i] = tsparse.Input{Src: f.Src, Lang: jsLanguage(f.Rel)}
	}
	var out []hit
	var resets []resetFunc
	index := make(map[string]int, len(files))
	for i, f := range files {
		index[f.Rel] = i
	}
	has := func(rel string) bool { _, ok := index[rel]; return ok }
	var refs []configRef
	for i, r := range tsparse.All(ctx, inputs) {
		if r.Err != nil {
			continue
		}
		root := r.Tree.RootNode()
		if pe, bad := tsparse.SyntaxError(files[i].Rel, root); bad {
			out = append(out, hit{rule: RuleParseError, file: pe.File, line: pe.Line, col: pe.Col, what: pe.Msg})
		}
		jf := &jsFile{rel: files[i].Rel, src: files[i].Src, aliases: map[string]string{}, defs: map[string]*sitter.Node{}}
		jf.imports(root)
		top := &jsFunc{jf: jf, vars: map[string]binding{}, fn: fn{Name: "<module>", Line: 1, Head: 1, End: nend(root)}}
		top.run(root)
		jf.uploadJS(root)
		jf.publicEnvSecretJS(root)
		jf.privilegedKeyJS(root)
		jf.credentialsJS(root, has)
		jf.secretFallbackJS(root)
		jf.followCalls()
		resets = append(resets, jf.resets...)
		out = append(out, jf.hits...)
		refs = append(refs, jf.configRefs...)
		r.Tree.Close()
	}
	out = append(out, resetFlows(resets)...)
	return append(out, resolveConfigRefs(ctx, refs, files, index)...)
}

// followCalls analyses the functions that handlers pass request values
// to, with those parameters request-derived.
func (jf *jsFile) followCalls() {
	done := map[string]bool{}
	for len(jf.seeds) > 0 {
		c := jf.seeds[0]
		jf.seeds = jf.seeds[1:]
		if done[c.key()] || len(done) > 200 {
			continue
		}
		done[c.key()] = true
		n := jf.defs[c.name]
		g := &jsFunc{jf: jf, vars: map[string]binding{}, req: map[string]bool{}, fn: c.caller, depth: c.depth}
		g.params(n)
		for i, name := range jsParamNames(jf, n) {
			if t, ok := c.args[i]; ok && name != "" {
				g.vars[name] = binding{t: t, prefix: t}
			}
		}
		g.run(n.ChildByFieldName("body"))
	}
}

// jsParamNames lists a function's parameter names in order ("" for a
// pattern).
func jsParamNames(jf *jsFile, n *sitter.Node) []string {
	ps := n.ChildByFieldName("parameters")
	if ps == nil {
		if p := n.ChildByFieldName("parameter"); p != nil {
			return []string{jf.text(p)}
		}
		return nil
	}
	var out []string
	for i := 0; i < int(ps.NamedChildCount()); i++ {
		p := ps.NamedChild(i)
		if q := p.ChildByFieldName("pattern"); q != nil {
			p = q
		}
		if p.Type() == "assignment_pattern" {
			p = p.ChildByFieldName("left")
		}
		if p != nil && p.Type() == "identifier" {
			out = append(out, jf.text(p))
		} else {
			out = append(out, "")
		}
	}
	return out
}

func (jf *jsFile) text(n *sitter.Node) string {
	if n == nil {
		return ""
	}
	return n.Content(jf.src)
}

var requireRE = regexp.MustCompile(`^require\(\s*['"]([^'"]+)['"]\s*\)`)

// imports records what require and import bind (cp -> child_process,
// exec -> child_process.exec) and, in the same walk, the file's functions
// by name, for following calls.
func (jf *jsFile) imports(root *sitter.Node) {
	walkTS(root, func(n *sitter.Node) bool {
		switch n.Type() {
		case "function_declaration", "generator_function_declaration":
			jf.defs[jf.text(n.ChildByFieldName("name"))] = n
		case "variable_declarator":
			v := n.ChildByFieldName("value")
			if v != nil && isJSFunc(v.Type()) {
				jf.defs[jf.text(n.ChildByFieldName("name"))] = v
				return true
			}
			m := requireRE.FindStringSubmatch(jf.text(v))
			if m == nil {
				return true
			}
			mod := m[1]
			if rest := strings.TrimPrefix(jf.text(v), m[0]); strings.HasPrefix(rest, ".") {
				mod += rest
			}
			jf.bindPattern(n.ChildByFieldName("name"), mod)
			return false
		case "import_statement":
			mod := strings.Trim(jf.text(n.ChildByFieldName("source")), `"'`)
			walkTS(n, func(c *sitter.Node) bool {
				switch c.Type() {
				case "import_specifier":
					name := jf.text(c.ChildByFieldName("name"))
					local := name
					if a := c.ChildByFieldName("alias"); a != nil {
						local = jf.text(a)
					}
					jf.aliases[local] = mod + "." + name
					return false
				case "namespace_import":
					if c.NamedChildCount() > 0 {
						jf.aliases[jf.text(c.NamedChild(0))] = mod
					}
					return false
				case "import_clause":
					if c.NamedChildCount() > 0 && c.NamedChild(0).Type() == "identifier" {
						jf.aliases[jf.text(c.NamedChild(0))] = mod
					}
				}
				return true
			}, 0)
			return false
		}
		return true
	}, 0)
}

func (jf *jsFile) bindPattern(p *sitter.Node, mod string) {
	if p == nil {
		return
	}
	switch p.Type() {
	case "identifier":
		jf.aliases[jf.text(p)] = mod
	case "object_pattern":
		for i := 0; i < int(p.NamedChildCount()); i++ {
			c := p.NamedChild(i)
			switch c.Type() {
			case "shorthand_property_identifier_pattern":
				jf.aliases[jf.text(c)] = mod + "." + jf.text(c)
			case "pair_pattern":
				jf.aliases[jf.text(c.ChildByFieldName("value"))] = mod + "." + jf.text(c.ChildByFieldName("key"))
			}
		}
	}
}

// canonical names a callee by its module: cp.exec -> child_process.exec.
func (jf *jsFile) canonical(callee string) string {
	callee = strings.Join(strings.Fields(callee), "")
	if m := requireRE.FindStringSubmatch(callee); m != nil {
		callee = m[1] + strings.TrimPrefix(callee, m[0])
	}
	head, rest, found := strings.Cut(callee, ".")
	if o, ok := jf.aliases[head]; ok {
		if !found {
			return o
		}
		return o + "." + rest
	}
	return callee
}

func isJSFunc(t string) bool {
	switch t {
	case "function_declaration", "function_expression", "function", "arrow_function", "method_definition", "generator_function_declaration", "generator_function":
		return true
	}
	return false
}

// jsRouteCall matches the callees a request handler is passed to inline:
// app.get(path, (req, res) => ...), router.route(p).post(fn), fastify.get.
var jsRouteCall = regexp.MustCompile(`\.(get|post|put|patch|delete|del|all|use|head|options|route|handle|register)$`)

// jsFunc is the analysis of one function body.
type jsFunc struct {
	jf    *jsFile
	vars  map[string]binding
	req   map[string]bool // parameters holding a request object
	fn    fn
	depth int
}

// seedCall records a call to a function of this file that passes request
// values.
func (f *jsFunc) seedCall(callee *sitter.Node, pos []*sitter.Node) {
	if f.depth >= maxCallDepth || callee == nil || callee.Type() != "identifier" {
		return
	}
	name := f.jf.text(callee)
	if f.jf.defs[name] == nil {
		return
	}
	args := map[int]taint{}
	for i, a := range pos {
		if isJSFunc(a.Type()) {
			continue
		}
		if t := f.taintOf(a, 0); t.ok() {
			args[i] = t
		}
	}
	if len(args) > 0 {
		f.jf.seeds = append(f.jf.seeds, callSeed{name: name, args: args, caller: f.fn, depth: f.depth + 1})
	}
}

// run walks a body in source order; nested functions get their own
// analysis, starting from what this one knows.
func (f *jsFunc) run(body *sitter.Node) {
	var nested []*sitter.Node
	walkTS(body, func(c *sitter.Node) bool {
		if c != body && isJSFunc(c.Type()) {
			nested = append(nested, c)
			return false
		}
		switch c.Type() {
		case "variable_declarator":
			f.bind(c.ChildByFieldName("name"), c.ChildByFieldName("value"), false)
		case "assignment_expression":
			f.bind(c.ChildByFieldName("left"), c.ChildByFieldName("right"), false)
		case "augmented_assignment_expression":
			f.bind(c.ChildByFieldName("left"), c.ChildByFieldName("right"), true)
		case "for_in_statement":
			f.bind(c.ChildByFieldName("left"), c.ChildByFieldName("right"), false)
		case "call_expression", "new_expression":
			f.call(c)
		case "pair":
			f.pair(c)
		}
		return true
	}, 0)
	if f.depth == 0 {
		// Each check runs only in files that hold its words.
		has := f.jf.logicWords()
		if has.paid {
			f.paymentJS(body)
		}
		if has.session {
			f.sessionJS(body)
		}
		if has.storage {
			f.webStorageJS(body)
		}
		f.resetFuncJS(body)
		if has.logged {
			f.sensitiveJS(body)
		}
	}
	for _, n := range nested {
		f.nested(n)
	}
}

// nested analyses a function defined inside this one.
func (f *jsFunc) nested(n *sitter.Node) {
	vars := make(map[string]binding, len(f.vars))
	for k, v := range f.vars {
		vars[k] = v
	}
	g := &jsFunc{jf: f.jf, vars: vars, req: map[string]bool{}, fn: f.fn, depth: f.depth}
	for k := range f.req {
		g.req[k] = true
	}
	name, line := f.jf.funcName(n)
	parent := n.Parent()
	inline := parent != nil && parent.Type() == "arguments"
	var call *sitter.Node
	if inline {
		call = parent.Parent()
	}
	switch {
	case !inline:
		g.fn = fn{Name: name, Line: line, Head: nline(n), End: nend(n)}
	case call != nil && (f.fn.Name == "<module>" || jsRouteCall.MatchString(f.jf.text(call.ChildByFieldName("function")))):
		// A callback passed to a route registration, or any callback at
		// module level: its head runs from the call.
		g.fn = fn{Name: "", Line: nline(call), Head: nline(n), End: nend(n)}
	}
	g.params(n)
	if ps := jsParamNames(f.jf, n); !inline && jsLambdaHandler(name, ps) {
		// An AWS Lambda handler: the event carries the caller's request
		// (API Gateway's body, queryStringParameters, pathParameters).
		t := taint{src: "Lambda " + ps[0]}
		g.vars[ps[0]] = binding{t: t, prefix: t}
	}
	g.run(n.ChildByFieldName("body"))
}

// jsLambdaHandler reports an AWS Lambda handler: a function named handler
// (exports.handler, export const handler, a fooHandler) whose parameters
// are (event), (event, context) or (event, context, callback).
func jsLambdaHandler(name string, params []string) bool {
	if name != "handler" && !strings.HasSuffix(name, "Handler") || len(params) == 0 || len(params) > 3 {
		return false
	}
	if params[0] != "event" && params[0] != "evt" {
		return false
	}
	return len(params) == 1 || params[1] == "context" || params[1] == "ctx" || params[1] == "_context"
}

// funcName names a function by its declaration or what it is assigned to,
// and gives its first line, decorators included.
func (jf *jsFile) funcName(n *sitter.Node) (string, int) {
	line := nline(n)
	if name := n.ChildByFieldName("name"); name != nil {
		if n.Type() == "method_definition" {
			for p := n.PrevNamedSibling(); p != nil && p.Type() == "decorator"; p = p.PrevNamedSibling() {
				line = nline(p)
			}
		}
		return jf.text(name), line
	}
	p := n.Parent()
	for p != nil && (p.Type() == "parenthesized_expression" || p.Type() == "call_expression" && strings.HasSuffix(jf.text(p.ChildByFieldName("function")), "Handler")) {
		p = p.Parent()
	}
	if p == nil {
		return "", line
	}
	switch p.Type() {
	case "variable_declarator":
		return jf.text(p.ChildByFieldName("name")), nline(p)
	case "assignment_expression":
		return lastPart(jf.text(p.ChildByFieldName("left"))), nline(p)
	case "pair":
		return strings.Trim(jf.text(p.ChildByFieldName("key")), `"'`), nline(p)
	case "public_field_definition", "field_definition":
		return jf.text(p.ChildByFieldName("name")), nline(p)
	}
	return "", line
}

var jsRequestName = map[string]bool{"req": true, "request": true}

// params marks request parameters: the first of (req, res), a parameter
// called req or request, NestJS @Body/@Query/@Param parameters.
func (f *jsFunc) params(n *sitter.Node) {
	ps := n.ChildByFieldName("parameters")
	if ps == nil {
		if p := n.ChildByFieldName("parameter"); p != nil && jsRequestName[f.jf.text(p)] {
			f.req[f.jf.text(p)] = true
		}
		return
	}
	var names []string
	for i := 0; i < int(ps.NamedChildCount()); i++ {
		p := ps.NamedChild(i)
		text := f.jf.text(p)
		pat := p
		if q := p.ChildByFieldName("pattern"); q != nil {
			pat = q
		}
		name := f.jf.text(pat)
		names = append(names, name)
		if m := nestParamRE.FindStringSubmatch(text); m != nil && pat.Type() == "identifier" {
			f.vars[name] = binding{t: taint{src: "@" + m[1] + " " + name, whole: m[1] == "Body" || m[1] == "Query"}, prefix: taint{src: "@" + m[1] + " " + name}}
			continue
		}
		if pat.Type() == "object_pattern" && i == 0 && ps.NamedChildCount() > 1 {
			// ({ body, query }, res) => ...
			for j := 0; j < int(pat.NamedChildCount()); j++ {
				c := pat.NamedChild(j)
				if c.Type() == "shorthand_property_identifier_pattern" && jsRequestProps[f.jf.text(c)] {
					f.vars[f.jf.text(c)] = binding{t: taint{src: "req." + f.jf.text(c), whole: true}, prefix: taint{src: "req." + f.jf.text(c)}}
				}
			}
		}
		if jsRequestName[name] {
			f.req[name] = true
		} else {
			delete(f.req, name)
			delete(f.vars, name)
		}
	}
	if len(names) >= 2 && (names[1] == "res" || names[1] == "response" || names[1] == "reply" || names[1] == "h") {
		f.req[names[0]] = true
	}
}

var nestParamRE = regexp.MustCompile(`^@(Body|Query|Param|Headers)\b`)

var jsRequestProps = map[string]bool{"query": true, "params": true, "body": true, "headers": true, "cookies": true, "signedCookies": true, "url": true,
	"originalUrl": true, "path": true, "files": true, "file": true, "payload": true, "nextUrl": true, "json": true, "formData": true, "text": true, "searchParams": true, "hostname": true, "get": true, "header": true, "param": true}

// requestSource reports a member chain on a request object: req.query.x,
// ctx.request.body, request.nextUrl.searchParams.
func (f *jsFunc) requestSource(text string) (taint, bool) {
	text = strings.Join(strings.Fields(text), "")
	parts := strings.Split(text, ".")
	if len(parts) < 2 {
		return taint{}, false
	}
	i := 1
	if parts[0] == "ctx" || parts[0] == "context" {
		if parts[1] == "request" && len(parts) > 2 {
			i = 2
		}
	} else if !f.req[parts[0]] {
		return taint{}, false
	}
	prop := parts[i]
	if p, _, ok := strings.Cut(prop, "("); ok {
		prop = p
	}
	if p, _, ok := strings.Cut(prop, "["); ok {
		prop = p
	}
	if !jsRequestProps[prop] {
		return taint{}, false
	}
	src := strings.Join(parts[:i], ".") + "." + prop
	whole := len(parts) == i+1 && (prop == "body" || prop == "query" || prop == "params" || prop == "payload")
	raw := len(parts) > i+1 && (prop == "body" || prop == "query" || prop == "payload") && !strings.ContainsAny(text[strings.Index(text, prop):], "()")
	return taint{src: src, whole: whole, raw: raw}, true
}

func (f *jsFunc) bind(left, right *sitter.Node, augment bool) {
	if left == nil || right == nil {
		return
	}
	b := f.bindingOf(right)
	switch left.Type() {
	case "identifier", "shorthand_property_identifier_pattern":
		name := f.jf.text(left)
		if augment {
			old := f.vars[name]
			b.t = firstTaint(old.t, b.t)
			b.prefix = old.prefix
			b.built = old.built || b.built || !b.constant
			if b.part == "" {
				b.part = clip(f.jf.text(right))
			}
			b.text = old.text + " " + b.text
			b.constant = old.constant && b.constant
		}
		f.vars[name] = b
	case "object_pattern", "array_pattern":
		t := b.t
		t.raw = t.whole && left.Type() == "object_pattern" && (strings.HasSuffix(t.src, ".body") || strings.HasSuffix(t.src, ".query"))
		t.whole = false
		for i := 0; i < int(left.NamedChildCount()); i++ {
			c := left.NamedChild(i)
			switch c.Type() {
			case "shorthand_property_identifier_pattern", "identifier":
				f.vars[f.jf.text(c)] = binding{t: t, prefix: t}
			case "pair_pattern":
				f.vars[f.jf.text(c.ChildByFieldName("value"))] = binding{t: t, prefix: t}
			case "assignment_pattern":
				f.vars[f.jf.text(c.ChildByFieldName("left"))] = binding{t: t, prefix: t}
			}
		}
	case "lexical_declaration", "variable_declaration":
		if left.NamedChildCount() > 0 {
			if d := left.NamedChild(0); d.Type() == "variable_declarator" {
				f.bind(d.ChildByFieldName("name"), right, false)
			}
		}
	}
}

func (f *jsFunc) bindingOf(n *sitter.Node) binding {
	if n.Type() == "identifier" {
		if old, ok := f.vars[f.jf.text(n)]; ok {
			return old
		}
	}
	b := binding{t: f.taintOf(n, 0), prefix: f.prefixOf(n, 0), text: f.jf.text(n), constant: f.constant(n, 0)}
	b.built, b.part = f.built(n)
	return b
}

var jsSanitizers = map[string]bool{"path.basename": true, "basename": true, "encodeURIComponent": false, "escape": true, "shellescape": true, "shell-quote.quote": true,
	"quote": true, "sanitize": true, "validator.escape": true, "ldap-escape.filter": true, "escapeFilter": true, "Boolean": true, "isValid": true, "test": true, "includes": true, "startsWith": true}

func (f *jsFunc) taintOf(n *sitter.Node, depth int) taint {
	if n == nil || depth > maxDepth {
		return taint{}
	}
	switch n.Type() {
	case "identifier", "shorthand_property_identifier":
		return f.vars[f.jf.text(n)].t
	case "string", "number", "true", "false", "null", "undefined", "regex":
		return taint{}
	case "member_expression", "subscript_expression":
		if t, ok := f.requestSource(f.jf.text(n)); ok {
			return t
		}
		t := f.taintOf(n.ChildByFieldName("object"), depth+1)
		t.whole = false
		return t
	case "call_expression":
		if t, ok := f.requestSource(f.jf.text(n.ChildByFieldName("function"))); ok {
			t.whole = strings.HasSuffix(t.src, ".json") || strings.HasSuffix(t.src, ".formData")
			return t
		}
		callee := f.jf.canonical(f.jf.text(n.ChildByFieldName("function")))
		if jsSanitizers[callee] || jsSanitizers[lastPart(callee)] {
			return taint{}
		}
		if a := n.ChildByFieldName("arguments"); a != nil && a.Type() == "template_string" {
			// sql`... ${x}`: a tagged template keeps values apart.
			return taint{}
		}
		var ts []taint
		if fnode := n.ChildByFieldName("function"); fnode != nil && fnode.Type() == "member_expression" {
			recv := f.taintOf(fnode.ChildByFieldName("object"), depth+1)
			if !recv.ok() && lookupCalls[lastPart(callee)] {
				return taint{}
			}
			ts = append(ts, recv)
		}
		args := n.ChildByFieldName("arguments")
		for i := 0; args != nil && i < int(args.NamedChildCount()); i++ {
			if a := args.NamedChild(i); !isJSFunc(a.Type()) {
				ts = append(ts, f.taintOf(a, depth+1))
			}
		}
		t := firstTaint(ts...)
		switch lastPart(callee) {
		case "parseInt", "parseFloat", "Number", "length":
			t.numeric = t.ok()
		case "parse":
			if callee == "JSON.parse" && len(ts) > 0 && ts[len(ts)-1].ok() {
				t.whole = true
			}
		}
		return t
	case "await_expression", "parenthesized_expression", "as_expression", "non_null_expression", "satisfies_expression", "type_assertion":
		if n.NamedChildCount() > 0 {
			return f.taintOf(n.NamedChild(0), depth+1)
		}
		return taint{}
	}
	if isJSFunc(n.Type()) {
		return taint{}
	}
	var ts []taint
	for i := 0; i < int(n.NamedChildCount()); i++ {
		c := n.NamedChild(i)
		if n.Type() == "pair" && c == n.ChildByFieldName("key") {
			continue
		}
		ts = append(ts, f.taintOf(c, depth+1))
	}
	return firstTaint(ts...)
}

func (f *jsFunc) prefixOf(n *sitter.Node, depth int) taint {
	if n == nil || depth > maxDepth {
		return taint{}
	}
	switch n.Type() {
	case "identifier":
		return f.vars[f.jf.text(n)].prefix
	case "string":
		return taint{}
	case "template_string":
		if n.NamedChildCount() > 0 {
			c := n.NamedChild(0)
			if c.Type() == "template_substitution" && c.StartByte() == n.StartByte()+1 && c.NamedChildCount() > 0 {
				return f.prefixOf(c.NamedChild(0), depth+1)
			}
		}
		return taint{}
	case "binary_expression":
		return f.prefixOf(n.ChildByFieldName("left"), depth+1)
	case "parenthesized_expression", "await_expression":
		if n.NamedChildCount() > 0 {
			return f.prefixOf(n.NamedChild(0), depth+1)
		}
	}
	return f.taintOf(n, depth+1)
}

func (f *jsFunc) constant(n *sitter.Node, depth int) bool {
	if n == nil || depth > maxDepth {
		return true
	}
	switch n.Type() {
	case "string", "number", "true", "false", "null", "undefined", "string_fragment", "escape_sequence":
		return true
	case "identifier":
		name := f.jf.text(n)
		if b, ok := f.vars[name]; ok {
			return b.constant
		}
		return constName(name) || name == "__dirname"
	case "template_string", "binary_expression", "parenthesized_expression", "template_substitution", "array", "ternary_expression":
		for i := 0; i < int(n.NamedChildCount()); i++ {
			if !f.constant(n.NamedChild(i), depth+1) {
				return false
			}
		}
		return true
	case "member_expression":
		return constName(f.jf.text(n.ChildByFieldName("property")))
	case "call_expression":
		callee := f.jf.canonical(f.jf.text(n.ChildByFieldName("function")))
		if callee == "shell-quote.quote" || lastPart(callee) == "shellescape" || lastPart(callee) == "quote" || numericCalls[callee] {
			return true
		}
	}
	return false
}

func (f *jsFunc) built(n *sitter.Node) (bool, string) {
	switch n.Type() {
	case "identifier":
		b := f.vars[f.jf.text(n)]
		return b.built, b.part
	case "template_string":
		for i := 0; i < int(n.NamedChildCount()); i++ {
			c := n.NamedChild(i)
			if c.Type() == "template_substitution" && !f.constant(c, 0) && !placeholderPart(f.jf.text(c)) {
				return true, clip(f.jf.text(c.NamedChild(0)))
			}
		}
	case "binary_expression":
		if f.jf.text(n.ChildByFieldName("operator")) != "+" {
			return false, ""
		}
		for _, side := range []*sitter.Node{n.ChildByFieldName("left"), n.ChildByFieldName("right")} {
			if ok, part := f.built(side); ok {
				return true, part
			}
		}
		for _, side := range []*sitter.Node{n.ChildByFieldName("left"), n.ChildByFieldName("right")} {
			if !f.constant(side, 0) && !placeholderPart(f.jf.text(side)) {
				return true, clip(f.jf.text(side))
			}
		}
	case "parenthesized_expression":
		if n.NamedChildCount() > 0 {
			return f.built(n.NamedChild(0))
		}
	}
	return false, ""
}

func (f *jsFunc) part(n *sitter.Node) string {
	if ok, p := f.built(n); ok && p != "" {
		return p
	}
	return clip(f.jf.text(n))
}

// objectKey returns the value of key in an object literal.
func (f *jsFunc) objectKey(obj *sitter.Node, key string) *sitter.Node {
	if obj == nil || obj.Type() != "object" {
		return nil
	}
	for i := 0; i < int(obj.NamedChildCount()); i++ {
		p := obj.NamedChild(i)
		if p.Type() == "pair" && strings.Trim(f.jf.text(p.ChildByFieldName("key")), `"'`) == key {
			return p.ChildByFieldName("value")
		}
		if p.Type() == "shorthand_property_identifier" && f.jf.text(p) == key {
			return p
		}
	}
	return nil
}

var (
	jsSQLCalls   = map[string]bool{"query": true, "raw": true, "whereRaw": true, "orderByRaw": true, "havingRaw": true, "joinRaw": true, "execute": true, "exec": true, "run": true, "all": true, "get": true, "each": true, "prepare": true, "$queryRawUnsafe": true, "$executeRawUnsafe": true, "queryRawUnsafe": true, "executeRawUnsafe": true, "unsafe": true}
	jsMongoCalls = map[string]bool{"find": true, "findOne": true, "findOneAndUpdate": true, "findOneAndDelete": true, "updateOne": true, "updateMany": true, "deleteOne": true, "deleteMany": true, "countDocuments": true, "count": true, "remove": true, "update": true, "findAndModify": true}
	jsFileCalls  = map[string]bool{"readFile": true, "readFileSync": true, "createReadStream": true, "writeFile": true, "writeFileSync": true, "createWriteStream": true, "unlink": true, "unlinkSync": true, "readdir": true, "readdirSync": true, "appendFile": true, "appendFileSync": true, "rm": true, "rmSync": true}
	jsHTTPCalls  = map[string]bool{"fetch": true, "node-fetch": true, "axios": true, "axios.get": true, "axios.post": true, "axios.put": true, "axios.delete": true, "axios.patch": true, "axios.head": true, "axios.request": true,
		"got": true, "got.get": true, "got.post": true, "needle.get": true, "needle.post": true, "needle.request": true, "request": true, "request.get": true, "request.post": true, "superagent.get": true, "superagent.post": true,
		"http.get": true, "http.request": true, "https.get": true, "https.request": true, "undici.request": true, "undici.fetch": true}
	jsTemplates = map[string]bool{"ejs.render": true, "ejs.compile": true, "pug.render": true, "pug.compile": true, "jade.render": true, "jade.compile": true, "handlebars.compile": true, "Handlebars.compile": true,
		"lodash.template": true, "_.template": true, "nunjucks.renderString": true, "mustache.render": true, "Mustache.render": true, "dot.template": true, "doT.template": true, "lodash.template.default": false}
	jsCode = map[string]bool{"eval": true, "mathjs.eval": true, "mathjs.evaluate": true, "Function": true, "vm.runInNewContext": true, "vm.runInThisContext": true, "vm.runInContext": true, "vm.compileFunction": true, "vm.Script": true, "setTimeout": true, "setInterval": true}
)

func (f *jsFunc) report(rule string, at *sitter.Node, sink, what string, t taint) {
	src := ""
	if t.ok() {
		src = t.src
	}
	f.jf.hits = append(f.jf.hits, hit{rule: rule, file: f.jf.rel, line: nline(at), col: ncol(at), sink: sink, source: src, what: what, severity: severityFor(rule, src), fn: f.fn})
}

// pair flags a Mongo $where clause built from a variable.
func (f *jsFunc) pair(p *sitter.Node) {
	if strings.Trim(f.jf.text(p.ChildByFieldName("key")), `"'`) != "$where" {
		return
	}
	v := p.ChildByFieldName("value")
	if v == nil || f.constant(v, 0) || isJSFunc(v.Type()) {
		return
	}
	f.report(RuleNoSQL, p, "$where", "a clause built from "+f.part(v), f.taintOf(v, 0))
}

func (f *jsFunc) call(n *sitter.Node) {
	calleeNode := n.ChildByFieldName("function")
	if n.Type() == "new_expression" {
		calleeNode = n.ChildByFieldName("constructor")
	}
	args := n.ChildByFieldName("arguments")
	if calleeNode == nil || args == nil || args.Type() == "template_string" {
		// A tagged template (sql`...`) passes values as parameters.
		return
	}
	raw := f.jf.text(calleeNode)
	callee := f.jf.canonical(raw)
	name := lastPart(callee)
	sink := clip(raw)
	var pos []*sitter.Node
	for i := 0; i < int(args.NamedChildCount()); i++ {
		if a := args.NamedChild(i); a.Type() != "comment" {
			pos = append(pos, a)
		}
	}
	arg := func(i int) *sitter.Node {
		if i < len(pos) {
			return pos[i]
		}
		return nil
	}
	f.seedCall(calleeNode, pos)
	a0 := arg(0)
	if a0 == nil {
		return
	}
	mod, _, _ := strings.Cut(callee, ".")
	switch {
	case mod == "child_process" || mod == "shelljs":
		switch name {
		case "exec", "execSync":
			if !f.constant(a0, 0) {
				f.report(RuleCommand, n, sink, "a command line built from "+f.part(a0), f.taintOf(a0, 0))
			}
		case "spawn", "spawnSync", "execFile", "execFileSync":
			for _, a := range pos[1:] {
				if v := f.objectKey(a, "shell"); v != nil && f.jf.text(v) != "false" && !f.constant(a0, 0) {
					f.report(RuleCommand, n, sink, "a command built from "+f.part(a0)+" with shell: true", f.taintOf(a0, 0))
				}
			}
			if !f.constant(a0, 0) && f.taintOf(a0, 0).str() {
				f.report(RuleCommand, n, sink, "a program name from the request", f.taintOf(a0, 0))
			}
		}
	case jsCode[callee]:
		if a0.Type() == "string" || isJSFunc(a0.Type()) || (callee == "setTimeout" || callee == "setInterval") && a0.Type() == "identifier" && !f.vars[f.jf.text(a0)].t.ok() {
			return
		}
		if t := f.taintOf(a0, 0); t.str() {
			f.report(RuleCode, n, sink, clip(f.jf.text(a0)), t)
		} else if callee != "setTimeout" && callee != "setInterval" && !f.constant(a0, 0) {
			// Code from a stored value (a username, a setting) is still
			// code an attacker may have written.
			f.report(RuleCode, n, sink, "a value that is not a constant: "+clip(f.jf.text(a0)), t)
		}
	case name == "unserialize" || callee == "node-serialize.unserialize":
		if !f.constant(a0, 0) {
			f.report(RuleDeserialize, n, sink, clip(f.jf.text(a0)), f.taintOf(a0, 0))
		}
	case name == "parseXml" || name == "parseXmlString" || name == "parseXmlAsync":
		for _, a := range pos[1:] {
			if v := f.objectKey(a, "noent"); v != nil && f.jf.text(v) == "true" {
				f.report(RuleXXE, n, sink, "noent: true", f.taintOf(a0, 0))
			}
		}
	case (name == "sendFile" || name == "download" || name == "sendfile") && strings.Contains(raw, "."):
		for _, a := range pos[1:] {
			if f.objectKey(a, "root") != nil {
				return
			}
		}
		if t := f.taintOf(a0, 0); t.str() {
			f.report(RulePath, n, sink, "a path built from "+f.part(a0), t)
		}
	case jsFileCalls[name] && (mod == "fs" || mod == "fs/promises" || mod == "fs-extra" || strings.Contains(raw, "fs")):
		if t := f.taintOf(a0, 0); t.str() {
			f.report(RulePath, n, sink, "a path built from "+f.part(a0), t)
		}
	case jsHTTPCalls[callee] || jsHTTPCalls[mod] && (name == "get" || name == "post" || name == mod):
		if mod == "request" && f.req["request"] {
			return
		}
		u := a0
		if v := f.objectKey(a0, "url"); v != nil {
			u = v
		} else if v := f.objectKey(a0, "uri"); v != nil {
			u = v
		} else if v := f.objectKey(a0, "host"); v != nil {
			u = v
		}
		if t := f.prefixOf(u, 0); t.str() {
			f.report(RuleSSRF, n, sink, "a URL from "+f.part(u), t)
		}
	case jsTemplates[callee] || (name == "render" || name == "compile" || name == "renderString" || name == "template") && (mod == "ejs" || mod == "pug" || mod == "jade" || mod == "handlebars" || mod == "nunjucks" || mod == "lodash" || mod == "mustache"):
		if t := f.taintOf(a0, 0); t.str() {
			f.report(RuleTemplate, n, sink, "template text built from "+f.part(a0), t)
		}
	case callee == "Buffer.alloc" || callee == "Buffer.allocUnsafe" || callee == "Buffer.allocUnsafeSlow" || callee == "Array" || n.Type() == "new_expression" && callee == "Buffer" || name == "repeat":
		sz := a0
		if name == "repeat" && calleeNode.Type() != "member_expression" {
			return
		}
		t := f.taintOf(sz, 0)
		if (callee == "Buffer" || callee == "Array") && !t.numeric {
			return
		}
		if t.ok() {
			f.report(RuleAllocation, n, sink, "a size from "+clip(f.jf.text(sz)), t)
		}
	case jsMongoCalls[name] && calleeNode.Type() == "member_expression":
		if recv := strings.ToLower(f.jf.text(calleeNode.ChildByFieldName("object"))); strings.Contains(recv, "service") || strings.Contains(recv, "repo") {
			// this.userService.findOne(dto): an application method, not a
			// Mongo filter.
			return
		}
		if t := f.taintOf(a0, 0); t.whole && a0.Type() != "object" {
			f.report(RuleNoSQL, n, sink, "the whole request object as its filter", t)
			return
		}
		if a0.Type() != "object" {
			return
		}
		if strings.HasPrefix(name, "update") || name == "findOneAndUpdate" {
			// A Sequelize instance's update(values) takes no filter: only
			// a collection's update(filter, change) does.
			recv := strings.ToLower(f.jf.text(calleeNode.ChildByFieldName("object")))
			if len(pos) < 2 || !strings.Contains(recv, "collection") && !strings.HasPrefix(recv, "db") {
				return
			}
		}
		for i := 0; i < int(a0.NamedChildCount()); i++ {
			p := a0.NamedChild(i)
			var v *sitter.Node
			switch p.Type() {
			case "pair":
				v = p.ChildByFieldName("value")
			case "shorthand_property_identifier":
				v = p
			}
			if v == nil {
				continue
			}
			if t := f.taintOf(v, 0); t.raw {
				f.report(RuleNoSQL, p, sink, "a filter value taken as is from "+t.src+" (it can be an operator object such as {\"$ne\": null})", t)
				return
			}
		}
	case name == "search" && len(pos) >= 2 && strings.Contains(strings.ToLower(raw), "client") || name == "search" && strings.Contains(strings.ToLower(raw), "ldap"):
		fl := pos[1]
		if v := f.objectKey(fl, "filter"); v != nil {
			fl = v
		}
		if t := f.taintOf(fl, 0); t.str() && strings.Contains(f.bindingOf(fl).text+f.jf.text(fl), "(") {
			f.report(RuleLDAP, n, sink, "a filter built from "+f.part(fl), t)
		}
	case jsSQLCalls[name] && calleeNode.Type() == "member_expression":
		b := f.bindingOf(a0)
		if b.built && looksSQL(b.text+f.jf.text(a0)) {
			f.report(RuleSQL, n, sink, "a query built from "+b.part, b.t)
		} else if a0.Type() != "string" && a0.Type() != "template_string" && b.t.str() && (name == "query" || name == "$queryRawUnsafe" || name == "$executeRawUnsafe") && !b.t.whole {
			f.report(RuleSQL, n, sink, "a query taken from the request", b.t)
		}
	}
}
