package sinks

import (
	"context"
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"

	"github.com/threatmap/threatmap/scan/routes/tsparse"
)

// maxDepth bounds recursion over syntax trees, so a pathological nesting
// cannot exhaust the stack.
const maxDepth = 300

// pyFile is one parsed Python file.
type pyFile struct {
	rel     string
	src     []byte
	aliases map[string]string // local name -> dotted origin (sp -> subprocess)
	defused bool              // imports defusedxml
	hits    []hit
	defs    map[string]*sitter.Node // function_definition by name
	funcs   []*sitter.Node          // every function_definition, in source order
	seeds   []callSeed
	words   *logicWords
	loggers map[string]bool // names bound to a logger (sensitivelog_py.go)
}

func analyzePython(ctx context.Context, files []source) []hit {
	inputs := make([]tsparse.Input, len(files))
	for i, f := range files {
		inputs[i] = tsparse.Input{Src: f.Src, Lang: python.GetLanguage()}
	}
	var out []hit
	var resets []resetFunc
	for i, r := range tsparse.All(ctx, inputs) {
		if r.Err != nil {
			continue
		}
		root := r.Tree.RootNode()
		if pe, bad := tsparse.SyntaxError(files[i].Rel, root); bad {
			out = append(out, hit{rule: RuleParseError, file: pe.File, line: pe.Line, col: pe.Col, what: pe.Msg})
		}
		pf := &pyFile{rel: files[i].Rel, src: files[i].Src, aliases: map[string]string{}, defs: map[string]*sitter.Node{}}
		pf.imports(root)
		pf.analyze(root)
		pf.privilegedKeyPy(root)
		resets = append(resets, pf.resetFuncsPy()...)
		pf.credentialsPy(root)
		pf.secretFallbackPy(root)
		out = append(out, pf.hits...)
		r.Tree.Close()
	}
	return append(out, resetFlows(resets)...)
}

func (pf *pyFile) text(n *sitter.Node) string {
	if n == nil {
		return ""
	}
	return n.Content(pf.src)
}

func nline(n *sitter.Node) int { return int(n.StartPoint().Row) + 1 }
func ncol(n *sitter.Node) int  { return int(n.StartPoint().Column) + 1 }
func nend(n *sitter.Node) int  { return int(n.EndPoint().Row) + 1 }

// walkTS visits n and its named descendants in source order; fn returns
// false to skip a node's children.
func walkTS(n *sitter.Node, fn func(*sitter.Node) bool, depth int) {
	if n == nil || depth > maxDepth || !fn(n) {
		return
	}
	for i := 0; i < int(n.NamedChildCount()); i++ {
		walkTS(n.NamedChild(i), fn, depth+1)
	}
}

// imports records import aliases so that calls can be named by origin,
// and the file's functions, in one walk.
func (pf *pyFile) imports(root *sitter.Node) {
	walkTS(root, func(n *sitter.Node) bool {
		switch n.Type() {
		case "function_definition":
			pf.defs[pf.text(n.ChildByFieldName("name"))] = n
			pf.funcs = append(pf.funcs, n)
		case "import_statement":
			for i := 0; i < int(n.NamedChildCount()); i++ {
				c := n.NamedChild(i)
				if c.Type() == "aliased_import" {
					pf.aliases[pf.text(c.ChildByFieldName("alias"))] = pf.text(c.ChildByFieldName("name"))
				}
				if strings.HasPrefix(pf.text(c), "defusedxml") {
					pf.defused = true
				}
			}
			return false
		case "import_from_statement":
			mod := pf.text(n.ChildByFieldName("module_name"))
			if strings.HasPrefix(mod, "defusedxml") {
				pf.defused = true
			}
			for i := 0; i < int(n.NamedChildCount()); i++ {
				c := n.NamedChild(i)
				if c == n.ChildByFieldName("module_name") {
					continue
				}
				switch c.Type() {
				case "dotted_name":
					pf.aliases[pf.text(c)] = mod + "." + pf.text(c)
				case "aliased_import":
					pf.aliases[pf.text(c.ChildByFieldName("alias"))] = mod + "." + pf.text(c.ChildByFieldName("name"))
				}
			}
			return false
		}
		return true
	}, 0)
}

// canonical names a callee by its import origin: sp.Popen -> subprocess.Popen.
func (pf *pyFile) canonical(callee string) string {
	callee = strings.Join(strings.Fields(callee), "")
	head, rest, _ := strings.Cut(callee, ".")
	if o, ok := pf.aliases[head]; ok {
		if rest == "" {
			return o
		}
		return o + "." + rest
	}
	return callee
}

// analyze runs every function of the file, and the module's own code.
func (pf *pyFile) analyze(root *sitter.Node) {
	mod := &pyFunc{pf: pf, vars: map[string]binding{}, fn: fn{Name: "<module>", Line: 1, Head: 1, End: nend(root)}}
	mod.body(root)
	for _, n := range pf.funcs {
		pf.function(n, nil)
	}
	done := map[string]bool{}
	for len(pf.seeds) > 0 {
		c := pf.seeds[0]
		pf.seeds = pf.seeds[1:]
		if done[c.key()] || len(done) > 200 {
			continue
		}
		done[c.key()] = true
		pf.function(pf.defs[c.name], &c)
	}
}

var pyRouteDecorator = regexp.MustCompile(`^@\s*[\w.]*\b(route|get|post|put|delete|patch|api_route|websocket)\s*\(`)

// pyRequestRE matches the request attributes that carry caller input, in
// Flask, Django, FastAPI/Starlette and aiohttp.
var pyRequestRE = regexp.MustCompile(`^(self\.)?request\.(args|form|values|json|data|files|cookies|headers|GET|POST|body|FILES|COOKIES|META|query_params|path_params|get_json|stream|url|full_path|path|query_string|get_data|params|match_info|query|content|text)\b`)

// pyWhole are request containers that hold every field the caller sent.
var pyWhole = map[string]bool{
	"request.json": true, "request.get_json()": true, "request.args": true, "request.form": true, "request.values": true,
	"request.GET": true, "request.POST": true, "request.data": true, "request.query_params": true, "request.args.to_dict()": true,
	"request.form.to_dict()": true, "request.get_json(force=True)": true,
}

var pyNotInput = map[string]bool{"self": true, "cls": true, "request": true, "req": true, "db": true, "session": true, "response": true,
	"background_tasks": true, "current_user": true, "user": true, "settings": true, "context": true, "ctx": true}

// function analyses one def with its own variables; seed, when set, makes
// the parameters a caller filled with request values request-derived.
func (pf *pyFile) function(def *sitter.Node, seed *callSeed) {
	head := def
	if p := def.Parent(); p != nil && p.Type() == "decorated_definition" {
		head = p
	}
	f := &pyFunc{pf: pf, vars: map[string]binding{}, fn: fn{Name: pf.text(def.ChildByFieldName("name")), Line: nline(head), Head: nline(def), End: nend(def)}}
	handler := false
	if head != def {
		for i := 0; i < int(head.NamedChildCount()); i++ {
			if c := head.NamedChild(i); c.Type() == "decorator" && pyRouteDecorator.MatchString(pf.text(c)) {
				handler = true
			}
		}
	}
	params := def.ChildByFieldName("parameters")
	var names, uploads []string
	for i := 0; params != nil && i < int(params.NamedChildCount()); i++ {
		p := params.NamedChild(i)
		name, typ, def := "", "", ""
		switch p.Type() {
		case "identifier":
			name = pf.text(p)
		case "typed_parameter":
			if p.NamedChildCount() > 0 {
				name = pf.text(p.NamedChild(0))
			}
			typ = pf.text(p.ChildByFieldName("type"))
		case "default_parameter":
			name, def = pf.text(p.ChildByFieldName("name")), pf.text(p.ChildByFieldName("value"))
		case "typed_default_parameter":
			name, typ, def = pf.text(p.ChildByFieldName("name")), pf.text(p.ChildByFieldName("type")), pf.text(p.ChildByFieldName("value"))
		}
		names = append(names, name)
		if pyUploadParamRE.MatchString(typ) {
			uploads = append(uploads, name)
		}
		if strings.Contains(def, "Depends") || strings.Contains(typ, "Depends") || strings.Contains(typ, "Request") || strings.Contains(typ, "Session") ||
			strings.Contains(typ, "BackgroundTasks") || strings.Contains(typ, "Response") || pyNotInput[name] {
			continue
		}
		f.params = append(f.params, name)
	}
	// A Django view takes the request first; its other parameters come
	// from the URL.
	if !handler && len(names) > 0 && names[0] == "request" {
		handler = true
	} else if !handler && len(names) > 1 && names[0] == "self" && names[1] == "request" {
		handler = true
	}
	if handler {
		for _, p := range f.params {
			if p != "" {
				f.vars[p] = binding{t: taint{src: "parameter " + p}, prefix: taint{src: "parameter " + p}}
			}
		}
	} else if lambdaHandler(names) {
		// An AWS Lambda handler: the event carries the caller's request
		// (API Gateway's body, queryStringParameters, pathParameters).
		t := taint{src: "Lambda " + names[0]}
		f.vars[names[0]] = binding{t: t, prefix: t}
	}
	if seed != nil {
		f.fn, f.depth = seed.caller, seed.depth
		for i, t := range seed.args {
			if i < len(names) && names[i] != "" {
				f.vars[names[i]] = binding{t: t, prefix: t}
			}
		}
	}
	f.body(def.ChildByFieldName("body"))
	if seed == nil && handler {
		f.logicPy(def, uploads)
	}
}

// lambdaHandler reports an AWS Lambda handler's parameters: (event,
// context), the names the Lambda runtime's documentation and every
// blueprint use.
func lambdaHandler(names []string) bool {
	return len(names) == 2 && (names[0] == "event" || names[0] == "evt") && (names[1] == "context" || names[1] == "ctx" || names[1] == "_context" || names[1] == "lambda_context")
}

// pyFunc is the analysis of one function body.
type pyFunc struct {
	pf     *pyFile
	vars   map[string]binding
	params []string
	fn     fn
	depth  int
}

// seedCall records a call to a function of this file that passes request
// values, so that the callee is analysed with them.
func (f *pyFunc) seedCall(callee *sitter.Node, pos []*sitter.Node) {
	if f.depth >= maxCallDepth || callee == nil {
		return
	}
	name, offset := "", 0
	switch callee.Type() {
	case "identifier":
		name = f.pf.text(callee)
	case "attribute":
		if f.pf.text(callee.ChildByFieldName("object")) == "self" {
			name, offset = f.pf.text(callee.ChildByFieldName("attribute")), 1
		}
	}
	if f.pf.defs[name] == nil {
		return
	}
	args := map[int]taint{}
	for i, a := range pos {
		if t := f.taintOf(a, 0); t.ok() {
			args[i+offset] = t
		}
	}
	if len(args) > 0 {
		f.pf.seeds = append(f.pf.seeds, callSeed{name: name, args: args, caller: f.fn, depth: f.depth + 1})
	}
}

// body walks statements in source order, binding assignments and checking
// calls; nested functions and classes are analysed on their own.
func (f *pyFunc) body(n *sitter.Node) {
	walkTS(n, func(c *sitter.Node) bool {
		switch c.Type() {
		case "function_definition", "class_definition", "decorated_definition", "lambda":
			return c == n
		case "assignment", "augmented_assignment":
			f.assign(c)
		case "for_statement":
			f.bindTarget(c.ChildByFieldName("left"), c.ChildByFieldName("right"), false)
		case "with_item":
			// with open(x) as fh: the alias holds the opened value.
			if v := c.ChildByFieldName("value"); v != nil && v.Type() == "as_pattern" && v.NamedChildCount() > 1 {
				f.bindTarget(v.NamedChild(int(v.NamedChildCount())-1), v.NamedChild(0), false)
			}
		case "call":
			f.call(c)
		}
		return true
	}, 0)
}

func (f *pyFunc) assign(n *sitter.Node) {
	left, right := n.ChildByFieldName("left"), n.ChildByFieldName("right")
	if right == nil {
		return
	}
	f.bindTarget(left, right, n.Type() == "augmented_assignment")
}

func (f *pyFunc) bindTarget(left, right *sitter.Node, augment bool) {
	if left == nil || right == nil {
		return
	}
	b := f.bindingOf(right)
	switch left.Type() {
	case "identifier":
		name := f.pf.text(left)
		if augment {
			old := f.vars[name]
			b.t = firstTaint(old.t, b.t)
			b.prefix = old.prefix
			b.built = old.built || b.built || !b.constant
			if b.part == "" {
				b.part = clip(f.pf.text(right))
			}
			b.text = old.text + " " + b.text
			b.constant = old.constant && b.constant
		}
		f.vars[name] = b
	case "pattern_list", "tuple_pattern", "list_pattern":
		for i := 0; i < int(left.NamedChildCount()); i++ {
			if c := left.NamedChild(i); c.Type() == "identifier" {
				f.vars[f.pf.text(c)] = binding{t: b.t, prefix: b.prefix, text: b.text}
			}
		}
	}
}

// bindingOf evaluates what an expression tells about the value it gives.
func (f *pyFunc) bindingOf(n *sitter.Node) binding {
	t := f.taintOf(n, 0)
	b := binding{t: t, prefix: f.prefixOf(n, 0), text: f.pf.text(n), constant: f.constant(n, 0)}
	if n.Type() == "identifier" {
		if old, ok := f.vars[f.pf.text(n)]; ok {
			return old
		}
	}
	b.built, b.part = f.built(n)
	return b
}

// taintOf returns the request-derived origin of an expression.
func (f *pyFunc) taintOf(n *sitter.Node, depth int) taint {
	if n == nil || depth > maxDepth {
		return taint{}
	}
	text := f.pf.text(n)
	switch n.Type() {
	case "identifier":
		return f.vars[text].t
	case "attribute", "subscript", "call":
		if m := pyRequestRE.FindString(text); m != "" {
			src := strings.TrimPrefix(m, "self.")
			whole := pyWhole[strings.TrimPrefix(text, "self.")]
			raw := !whole && (strings.HasSuffix(src, ".json") || strings.HasSuffix(src, ".get_json")) && (n.Type() == "subscript" || strings.Contains(text, ".get("))
			return taint{src: src, whole: whole, raw: raw}
		}
	case "string", "integer", "float", "true", "false", "none":
		if n.Type() == "string" {
			var ts []taint
			for i := 0; i < int(n.NamedChildCount()); i++ {
				if c := n.NamedChild(i); c.Type() == "interpolation" {
					ts = append(ts, f.taintOf(c, depth+1))
				}
			}
			return firstTaint(ts...)
		}
		return taint{}
	}
	switch n.Type() {
	case "attribute":
		return f.taintOf(n.ChildByFieldName("object"), depth+1)
	case "subscript":
		t := f.taintOf(n.ChildByFieldName("value"), depth+1)
		t.whole = false
		return t
	case "call":
		callee := f.pf.canonical(f.pf.text(n.ChildByFieldName("function")))
		name := lastPart(callee)
		if pySanitizers[callee] || pySanitizers[name] {
			return taint{}
		}
		var ts []taint
		if fn := n.ChildByFieldName("function"); fn != nil && fn.Type() == "attribute" {
			recv := f.taintOf(fn.ChildByFieldName("object"), depth+1)
			if !recv.ok() && lookupCalls[name] {
				return taint{}
			}
			ts = append(ts, recv)
		} else if lookupCalls[name] {
			return taint{}
		}
		args := n.ChildByFieldName("arguments")
		for i := 0; args != nil && i < int(args.NamedChildCount()); i++ {
			ts = append(ts, f.taintOf(args.NamedChild(i), depth+1))
		}
		t := firstTaint(ts...)
		if t.ok() && (name == "int" || name == "float" || name == "len") {
			t.numeric = true
		}
		if callee == "json.loads" && len(ts) > 0 && ts[len(ts)-1].whole {
			t.whole = true
		}
		return t
	}
	var ts []taint
	for i := 0; i < int(n.NamedChildCount()); i++ {
		c := n.NamedChild(i)
		if n.Type() == "keyword_argument" && c == n.ChildByFieldName("name") {
			continue
		}
		ts = append(ts, f.taintOf(c, depth+1))
	}
	return firstTaint(ts...)
}

// pySanitizers turn a request value into one that is safe for the sinks
// this scanner checks (a base name, a quoted shell word, an escaped filter).
var pySanitizers = map[string]bool{
	"secure_filename": true, "werkzeug.utils.secure_filename": true, "os.path.basename": true, "basename": true,
	"shlex.quote": true, "pipes.quote": true, "escape_filter_chars": true, "ldap.filter.escape_filter_chars": true,
	"escape": true, "bool": true, "uuid.UUID": true, "UUID": true, "hash": true, "isdigit": true, "isalnum": true,
	"startswith": true, "endswith": true, "exists": true, "isfile": true,
}

// prefixOf returns the taint of an expression's first part: whether the
// caller decides how a string such as a URL starts.
func (f *pyFunc) prefixOf(n *sitter.Node, depth int) taint {
	if n == nil || depth > maxDepth {
		return taint{}
	}
	switch n.Type() {
	case "identifier":
		return f.vars[f.pf.text(n)].prefix
	case "string":
		for i := 0; i < int(n.NamedChildCount()); i++ {
			c := n.NamedChild(i)
			switch c.Type() {
			case "interpolation":
				return f.prefixOf(c.NamedChild(0), depth+1)
			case "string_content":
				return taint{}
			}
		}
		return taint{}
	case "concatenated_string":
		return f.prefixOf(n.NamedChild(0), depth+1)
	case "binary_operator":
		left := n.ChildByFieldName("left")
		if f.pf.text(n.ChildByFieldName("operator")) == "%" && left.Type() == "string" {
			if strings.HasPrefix(strings.TrimLeft(f.pf.text(left), "rbuRBUfF"), `"%s`) || strings.HasPrefix(strings.TrimLeft(f.pf.text(left), "rbuRBUfF"), `'%s`) {
				return f.taintOf(n.ChildByFieldName("right"), depth+1)
			}
			return taint{}
		}
		return f.prefixOf(left, depth+1)
	case "parenthesized_expression":
		return f.prefixOf(n.NamedChild(0), depth+1)
	case "call":
		fn := n.ChildByFieldName("function")
		if fn != nil && fn.Type() == "attribute" && f.pf.text(fn.ChildByFieldName("attribute")) == "format" {
			obj := fn.ChildByFieldName("object")
			if obj.Type() == "string" && !strings.HasPrefix(strings.Trim(f.pf.text(obj), `"'`), "{") {
				return taint{}
			}
		}
	}
	return f.taintOf(n, depth+1)
}

// constant reports an expression whose value is fixed in the source:
// literals, ALL_CAPS names, names bound to constants, and strings built
// only from those and shell-quoted words.
func (f *pyFunc) constant(n *sitter.Node, depth int) bool {
	if n == nil || depth > maxDepth {
		return true
	}
	switch n.Type() {
	case "integer", "float", "true", "false", "none":
		return true
	case "identifier":
		name := f.pf.text(n)
		if b, ok := f.vars[name]; ok {
			return b.constant
		}
		return constName(name)
	case "string", "concatenated_string", "binary_operator", "parenthesized_expression", "list", "tuple", "interpolation", "conditional_expression":
		for i := 0; i < int(n.NamedChildCount()); i++ {
			c := n.NamedChild(i)
			if n.Type() == "binary_operator" && c == n.ChildByFieldName("operator") {
				continue
			}
			switch c.Type() {
			case "string_start", "string_content", "string_end", "escape_sequence", "format_specifier", "type_conversion":
				continue
			}
			if !f.constant(c, depth+1) {
				return false
			}
		}
		return true
	case "attribute":
		return constName(f.pf.text(n.ChildByFieldName("attribute")))
	case "call":
		callee := f.pf.canonical(f.pf.text(n.ChildByFieldName("function")))
		if callee == "shlex.quote" || callee == "pipes.quote" || callee == "quote" || numericCalls[callee] {
			return true
		}
	}
	return false
}

// built reports a string assembled from a part that is not a constant, and
// names that part.
func (f *pyFunc) built(n *sitter.Node) (bool, string) {
	switch n.Type() {
	case "identifier":
		b := f.vars[f.pf.text(n)]
		return b.built, b.part
	case "string":
		for i := 0; i < int(n.NamedChildCount()); i++ {
			c := n.NamedChild(i)
			if c.Type() == "interpolation" && !f.constant(c, 0) && !placeholderPart(f.pf.text(c)) {
				return true, clip(f.pf.text(c.NamedChild(0)))
			}
		}
	case "binary_operator":
		op := f.pf.text(n.ChildByFieldName("operator"))
		left, right := n.ChildByFieldName("left"), n.ChildByFieldName("right")
		if op == "+" || op == "%" {
			if ok, part := f.built(left); ok {
				return true, part
			}
			if ok, part := f.built(right); ok && op == "+" {
				return true, part
			}
			for _, side := range []*sitter.Node{left, right} {
				if op == "%" && side == left {
					continue
				}
				if !f.constant(side, 0) && !placeholderPart(f.pf.text(side)) {
					return true, clip(f.pf.text(side))
				}
			}
		}
	case "parenthesized_expression":
		return f.built(n.NamedChild(0))
	case "call":
		fn := n.ChildByFieldName("function")
		if fn != nil && fn.Type() == "attribute" && f.pf.text(fn.ChildByFieldName("attribute")) == "format" {
			args := n.ChildByFieldName("arguments")
			for i := 0; args != nil && i < int(args.NamedChildCount()); i++ {
				a := args.NamedChild(i)
				if a.Type() == "keyword_argument" {
					a = a.ChildByFieldName("value")
				}
				if !f.constant(a, 0) && !placeholderPart(f.pf.text(a)) {
					return true, clip(f.pf.text(a))
				}
			}
		}
	}
	return false, ""
}

func lastPart(s string) string {
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// pyArgs splits a call's arguments into positional ones and keywords.
func (f *pyFunc) args(call *sitter.Node) ([]*sitter.Node, map[string]*sitter.Node) {
	var pos []*sitter.Node
	kw := map[string]*sitter.Node{}
	args := call.ChildByFieldName("arguments")
	for i := 0; args != nil && i < int(args.NamedChildCount()); i++ {
		a := args.NamedChild(i)
		switch a.Type() {
		case "keyword_argument":
			kw[f.pf.text(a.ChildByFieldName("name"))] = a.ChildByFieldName("value")
		case "comment", "list_splat", "dictionary_splat":
		default:
			pos = append(pos, a)
		}
	}
	return pos, kw
}

var (
	pySQLCalls   = map[string]bool{"execute": true, "executemany": true, "executescript": true, "raw": true, "exec_driver_sql": true, "read_sql": true, "read_sql_query": true, "mogrify": true}
	pyMongoCalls = map[string]bool{"find": true, "find_one": true, "find_one_and_update": true, "find_one_and_delete": true, "update_one": true, "update_many": true, "delete_one": true, "delete_many": true, "count_documents": true, "aggregate": true}
	pyShellCalls = map[string]bool{"os.system": true, "os.popen": true, "commands.getoutput": true, "commands.getstatusoutput": true, "subprocess.getoutput": true, "subprocess.getstatusoutput": true, "popen2.popen2": true}
	pyProcCalls  = map[string]bool{"subprocess.call": true, "subprocess.run": true, "subprocess.Popen": true, "subprocess.check_output": true, "subprocess.check_call": true}
	pyDeser      = map[string]bool{"pickle.loads": true, "pickle.load": true, "cPickle.loads": true, "cPickle.load": true, "_pickle.loads": true, "dill.loads": true, "dill.load": true,
		"marshal.loads": true, "marshal.load": true, "jsonpickle.decode": true, "pandas.read_pickle": true, "yaml.unsafe_load": true, "yaml.unsafe_load_all": true, "shelve.open": false}
	pyLxmlParse = map[string]bool{"lxml.etree.parse": true, "lxml.etree.fromstring": true, "lxml.etree.XML": true, "lxml.etree.iterparse": true, "lxml.etree.XMLID": true}
	pyFileCalls = map[string]bool{"open": true, "io.open": true, "codecs.open": true, "flask.send_file": true, "send_file": true, "django.http.FileResponse": true, "FileResponse": true,
		"fastapi.responses.FileResponse": true, "starlette.responses.FileResponse": true, "os.remove": true, "os.unlink": true, "shutil.rmtree": true, "shutil.copy": true, "shutil.copyfile": true}
	pyHTTPCalls = map[string]bool{"requests.get": true, "requests.post": true, "requests.put": true, "requests.patch": true, "requests.delete": true, "requests.head": true, "requests.options": true,
		"urllib.request.urlopen": true, "urllib.urlopen": true, "urllib2.urlopen": true, "urllib.request.Request": true, "httpx.get": true, "httpx.post": true, "httpx.put": true,
		"httpx.delete": true, "httpx.head": true, "httpx.stream": true, "pycurl.Curl": false}
	pyTemplates = map[string]bool{"jinja2.Template": true, "mako.template.Template": true, "django.template.Template": true, "jinja2.Environment.from_string": true}
)

// call checks one call against the sinks.
func (f *pyFunc) call(n *sitter.Node) {
	calleeNode := n.ChildByFieldName("function")
	raw := f.pf.text(calleeNode)
	callee := f.pf.canonical(raw)
	name := lastPart(callee)
	sink := clip(raw)
	pos, kw := f.args(n)
	f.seedCall(calleeNode, pos)
	arg := func(i int, key string) *sitter.Node {
		if v := kw[key]; v != nil && key != "" {
			return v
		}
		if i < len(pos) {
			return pos[i]
		}
		return nil
	}
	report := func(rule string, at *sitter.Node, what string, t taint) {
		src := ""
		if t.ok() {
			src = t.src
		}
		f.pf.hits = append(f.pf.hits, hit{rule: rule, file: f.pf.rel, line: nline(at), col: ncol(at), sink: sink, source: src, what: what, severity: severityFor(rule, src), fn: f.fn})
	}
	switch {
	case pySQLCalls[name] || callee == "sqlalchemy.text" || callee == "sqlalchemy.sql.text" || callee == "sqlalchemy.sql.expression.text":
		q := arg(0, "")
		if name == "read_sql" || name == "read_sql_query" {
			q = arg(0, "sql")
		}
		if q == nil {
			return
		}
		b := f.bindingOf(q)
		if b.built && looksSQL(b.text+f.pf.text(q)) {
			report(RuleSQL, n, "a query built from "+b.part, b.t)
		} else if q.Type() != "string" && b.t.str() && name != "raw" {
			report(RuleSQL, n, "a query taken from the request", b.t)
		}
	case name == "extra" && kw["where"] != nil:
		w := kw["where"]
		for i := 0; i < int(w.NamedChildCount()); i++ {
			if b := f.bindingOf(w.NamedChild(i)); b.built {
				report(RuleSQL, n, "a where clause built from "+b.part, b.t)
				break
			}
		}
	case pyMongoCalls[name]:
		if q := arg(0, "filter"); q != nil {
			if t := f.taintOf(q, 0); q.Type() != "dictionary" && t.whole {
				report(RuleNoSQL, n, "the whole request object as its filter", t)
				return
			}
			if q.Type() == "dictionary" {
				for i := 0; i < int(q.NamedChildCount()); i++ {
					p := q.NamedChild(i)
					if p.Type() == "pair" {
						if t := f.taintOf(p.ChildByFieldName("value"), 0); t.raw {
							report(RuleNoSQL, p, "a filter value taken as is from "+t.src+" (it can be an operator object such as {\"$ne\": None})", t)
							continue
						}
					}
					if p.Type() == "pair" && strings.Trim(f.pf.text(p.ChildByFieldName("key")), `"'`) == "$where" && !f.constant(p.ChildByFieldName("value"), 0) {
						report(RuleNoSQL, p, "a $where clause built from "+clip(f.pf.text(p.ChildByFieldName("value"))), f.taintOf(p.ChildByFieldName("value"), 0))
					}
				}
			}
		}
	case pyShellCalls[callee]:
		if c := arg(0, "cmd"); c != nil && !f.constant(c, 0) {
			report(RuleCommand, n, "a command line built from "+f.part(c), f.taintOf(c, 0))
		}
	case pyProcCalls[callee]:
		c := arg(0, "args")
		if c == nil || f.constant(c, 0) {
			return
		}
		shell := kw["shell"] != nil && f.pf.text(kw["shell"]) != "False"
		if shell {
			report(RuleCommand, n, "a command line built from "+f.part(c)+" with shell=True", f.taintOf(c, 0))
		} else if ok, part := f.built(c); ok {
			report(RuleCommand, n, "a command string built from "+part, f.taintOf(c, 0))
		} else if c.Type() != "list" && c.Type() != "tuple" && !strings.HasSuffix(f.pf.text(c.ChildByFieldName("function")), ".split") && f.taintOf(c, 0).str() {
			report(RuleCommand, n, "a program name from the request", f.taintOf(c, 0))
		}
	case (callee == "eval" || callee == "exec") && !strings.Contains(raw, "."):
		if c := arg(0, ""); c != nil && f.taintOf(c, 0).str() {
			report(RuleCode, n, clip(f.pf.text(c)), f.taintOf(c, 0))
		} else if c != nil && !f.constant(c, 0) {
			report(RuleCode, n, "a value that is not a constant: "+clip(f.pf.text(c)), taint{})
		}
	case pyDeser[callee]:
		if c := arg(0, ""); c != nil && !f.constant(c, 0) {
			report(RuleDeserialize, n, clip(f.pf.text(c)), f.taintOf(c, 0))
		}
	case callee == "yaml.load" || callee == "yaml.load_all":
		loader := arg(1, "Loader")
		if loader != nil && (strings.Contains(f.pf.text(loader), "Safe") || strings.Contains(f.pf.text(loader), "BaseLoader")) {
			return
		}
		if c := arg(0, "stream"); c != nil && !f.constant(c, 0) {
			report(RuleDeserialize, n, clip(f.pf.text(c))+" without a safe loader", f.taintOf(c, 0))
		}
	case callee == "lxml.etree.XMLParser" || callee == "lxml.etree.XSLTAccessControl":
		if f.pf.defused {
			return
		}
		if v := kw["resolve_entities"]; v != nil && f.pf.text(v) == "True" {
			report(RuleXXE, n, "resolve_entities=True", taint{})
		} else if v := kw["no_network"]; v != nil && f.pf.text(v) == "False" {
			report(RuleXXE, n, "no_network=False", taint{})
		}
	case pyLxmlParse[callee]:
		if f.pf.defused || arg(1, "parser") != nil {
			return
		}
		if c := arg(0, ""); c != nil && f.taintOf(c, 0).str() {
			report(RuleXXE, n, "request input parsed with lxml's default parser", f.taintOf(c, 0))
		}
	case name == "setFeature":
		if len(pos) == 2 && strings.HasSuffix(f.pf.text(pos[0]), "feature_external_ges") && f.pf.text(pos[1]) != "False" && f.pf.text(pos[1]) != "0" {
			report(RuleXXE, n, "feature_external_ges on", taint{})
		}
	case pyFileCalls[callee]:
		if c := arg(0, "file"); c != nil {
			if c.Type() == "call" && pyFileCalls[f.pf.canonical(f.pf.text(c.ChildByFieldName("function")))] {
				// FileResponse(open(path)): the inner call is the sink.
				return
			}
			if t := f.taintOf(c, 0); t.str() {
				report(RulePath, n, "a path built from "+f.part(c), t)
			}
		}
	case pyHTTPCalls[callee] || callee == "requests.request" || callee == "httpx.request":
		u := arg(0, "url")
		if callee == "requests.request" || callee == "httpx.request" {
			u = arg(1, "url")
		}
		if u == nil {
			return
		}
		if t := f.prefixOf(u, 0); t.str() {
			report(RuleSSRF, n, "a URL from "+f.part(u), t)
		}
	case callee == "render_template_string" || callee == "flask.render_template_string" || pyTemplates[callee] || name == "from_string":
		c := arg(0, "source")
		if c == nil {
			return
		}
		if t := f.taintOf(c, 0); t.str() {
			report(RuleTemplate, n, "template text built from "+f.part(c), t)
		} else if ok, part := f.built(c); ok && name == "render_template_string" {
			report(RuleTemplate, n, "template text built from "+part, t)
		}
	case name == "search_s" || name == "search_st" || name == "search_ext_s" || name == "search_ext" || (name == "search" && (strings.Contains(strings.ToLower(raw), "conn") || strings.Contains(strings.ToLower(raw), "ldap"))):
		fl := arg(2, "filterstr")
		if name == "search" {
			fl = arg(1, "search_filter")
		}
		if fl == nil {
			return
		}
		if t := f.taintOf(fl, 0); t.str() && strings.Contains(f.bindingOf(fl).text+f.pf.text(fl), "(") {
			report(RuleLDAP, n, "a filter built from "+f.part(fl), t)
		}
	}
}

// part names what reaches a sink: the expression itself, or for a variable
// the expression it was built from.
func (f *pyFunc) part(n *sitter.Node) string {
	if ok, p := f.built(n); ok && p != "" {
		return p
	}
	return clip(f.pf.text(n))
}
