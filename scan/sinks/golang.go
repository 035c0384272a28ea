package sinks

import (
	"context"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// goMarkers are byte strings one of which a Go file with a sink holds; the
// others are not parsed.
var goMarkers = []string{"database/sql", "sqlx", "gorm", "os/exec", "net/http", "\"os\"", "io/ioutil", "text/template", "html/template", "ldap", "bson", "make(", "jwt"}

func analyzeGo(ctx context.Context, files []source) []hit {
	var out []hit
	var resets []resetFunc
	// Files are analysed a package (a directory) at a time, so that a
	// handler's calls into the package's other functions can be followed.
	byDir := map[string][]source{}
	var dirs []string
	for _, f := range files {
		if !goRelevant(f.Src) && !goCredentialRelevant(f.Src) {
			continue
		}
		d := path.Dir(f.Rel)
		if _, ok := byDir[d]; !ok {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], f)
	}
	for _, d := range dirs {
		if ctx.Err() != nil {
			return out
		}
		pkg := &goPkg{decls: map[string][]goDecl{}, summaries: map[string]taint{}}
		var parsed []*goFile
		for _, f := range byDir[d] {
			g, perr := parseGoFile(f, pkg)
			if perr != nil {
				out = append(out, *perr)
				continue
			}
			parsed = append(parsed, g)
		}
		for _, g := range parsed {
			g.analyze()
		}
		pkg.followCalls()
		for _, g := range parsed {
			out = append(out, g.hits...)
			resets = append(resets, g.resets...)
		}
	}
	return append(out, resetFlows(resets)...)
}

// goPkg indexes a package's functions by name, for following calls.
type goPkg struct {
	decls     map[string][]goDecl
	seeds     []callSeed
	summaries map[string]taint
}

type goDecl struct {
	fd *ast.FuncDecl
	g  *goFile
}

func (p *goPkg) followCalls() {
	done := map[string]bool{}
	for len(p.seeds) > 0 {
		c := p.seeds[0]
		p.seeds = p.seeds[1:]
		if done[c.key()] || len(done) > 200 {
			continue
		}
		done[c.key()] = true
		d := p.decls[c.name][0]
		gf := &goFunc{g: d.g, vars: map[string]binding{}, req: map[string]string{}, fn: c.caller, depth: c.depth}
		gf.params(d.fd.Type)
		i := 0
		for _, fld := range d.fd.Type.Params.List {
			for _, n := range fld.Names {
				if t, ok := c.args[i]; ok {
					gf.vars[n.Name] = binding{t: t, prefix: t}
				}
				i++
			}
			if len(fld.Names) == 0 {
				i++
			}
		}
		gf.block(d.fd.Body)
	}
}

func goRelevant(src []byte) bool {
	s := string(src)
	for _, m := range goMarkers {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

func parseGoFile(f source, pkg *goPkg) (*goFile, *hit) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, f.Rel, f.Src, parser.SkipObjectResolution)
	if err != nil {
		line, col, msg := 1, 1, err.Error()
		if list, ok := err.(scanner.ErrorList); ok && len(list) > 0 {
			line, col, msg = list[0].Pos.Line, list[0].Pos.Column, list[0].Msg
		}
		return nil, &hit{rule: RuleParseError, file: f.Rel, line: line, col: col, what: msg}
	}
	g := &goFile{rel: f.Rel, fset: fset, src: f.Src, file: file, pkg: pkg, imports: map[string]string{}, consts: map[string]bool{}, litCall: map[*ast.FuncLit]*ast.CallExpr{}}
	for _, im := range file.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		name := p[strings.LastIndex(p, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		// Versioned paths (.../v2) are named by the element before.
		if len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
			q := strings.TrimSuffix(p, "/"+name)
			name = q[strings.LastIndex(q, "/")+1:]
		}
		g.imports[name] = p
	}
	for _, d := range file.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok == token.CONST {
				for _, s := range d.Specs {
					for _, n := range s.(*ast.ValueSpec).Names {
						g.consts[n.Name] = true
					}
				}
			}
		case *ast.FuncDecl:
			if d.Body != nil {
				pkg.decls[d.Name.Name] = append(pkg.decls[d.Name.Name], goDecl{fd: d, g: g})
			}
		}
	}
	return g, nil
}

func (g *goFile) analyze() {
	for _, d := range g.file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		gf := &goFunc{g: g, vars: map[string]binding{}, req: map[string]string{}, fn: fn{Name: fd.Name.Name, Line: g.line(fd.Pos()), Head: g.line(fd.Pos()), End: g.line(fd.End())}}
		if fd.Doc != nil {
			gf.fn.Line = g.line(fd.Doc.Pos())
		}
		gf.params(fd.Type)
		gf.block(fd.Body)
		gf.resetFuncGo(fd)
		g.sensitiveGo(fd, gf.fn)
	}
	g.credentials()
}

type goFile struct {
	file    *ast.File
	pkg     *goPkg
	rel     string
	fset    *token.FileSet
	src     []byte
	imports map[string]string // package name -> import path
	consts  map[string]bool
	// litCall maps a function literal to the call it is an argument of.
	litCall map[*ast.FuncLit]*ast.CallExpr
	hits    []hit
	resets  []resetFunc
	// resetWords: 1 when the file speaks of a reset, 2 when not, 0 unread.
	resetWords int8
}

func (g *goFile) line(p token.Pos) int { return g.fset.Position(p).Line }

func (g *goFile) text(n ast.Node) string {
	if n == nil {
		return ""
	}
	s, e := g.fset.Position(n.Pos()).Offset, g.fset.Position(n.End()).Offset
	if s < 0 || e > len(g.src) || s > e {
		return ""
	}
	return string(g.src[s:e])
}

// goFunc is the analysis of one function, function literals included.
type goFunc struct {
	g    *goFile
	vars map[string]binding
	// req maps parameters that hold a request to their kind: http, gin,
	// echo, fiber.
	req   map[string]string
	fn    fn
	depth int
	// quiet analyses a callee only to learn whether its results carry the
	// request values it was given; it reports nothing.
	quiet   bool
	results []taint
	named   []string
}

// returned records what a return statement gives back: its expressions,
// or the named results' current values.
func (f *goFunc) returned(n *ast.ReturnStmt) {
	for _, e := range n.Results {
		f.results = append(f.results, f.taintOf(e, 0))
	}
	if len(n.Results) == 0 {
		for _, name := range f.named {
			f.results = append(f.results, f.vars[name].t)
		}
	}
}

// summary tells whether a call to a function of this package returns the
// request values passed to it: uuid.Parse or strconv.Atoi inside the
// callee, or a result that does not depend on the argument, make the result
// clean. ok is false when the callee is not known.
func (f *goFunc) summary(n *ast.CallExpr, args []taint) (taint, bool) {
	if f.depth >= maxCallDepth {
		return taint{}, false
	}
	name := ""
	switch fun := n.Fun.(type) {
	case *ast.Ident:
		name = fun.Name
	case *ast.SelectorExpr:
		if id, ok := fun.X.(*ast.Ident); ok && f.g.imports[id.Name] != "" {
			return taint{}, false
		}
		name = fun.Sel.Name
	}
	ds := f.g.pkg.decls[name]
	if len(ds) != 1 {
		return taint{}, false
	}
	d := ds[0]
	key := name
	for i, t := range args {
		if t.ok() {
			key += "|" + strconv.Itoa(i) + t.src
		}
	}
	if t, ok := f.g.pkg.summaries[key]; ok {
		return t, true
	}
	f.g.pkg.summaries[key] = taint{} // a recursive call sees a clean result
	q := &goFunc{g: d.g, vars: map[string]binding{}, req: map[string]string{}, fn: f.fn, depth: f.depth + 1, quiet: true}
	q.params(d.fd.Type)
	i := 0
	for _, fld := range d.fd.Type.Params.List {
		for _, pn := range fld.Names {
			if i < len(args) && args[i].ok() {
				q.vars[pn.Name] = binding{t: args[i], prefix: args[i]}
			}
			i++
		}
		if len(fld.Names) == 0 {
			i++
		}
	}
	if d.fd.Type.Results != nil {
		for _, fld := range d.fd.Type.Results.List {
			for _, rn := range fld.Names {
				q.named = append(q.named, rn.Name)
			}
		}
	}
	q.block(d.fd.Body)
	t := firstTaint(q.results...)
	f.g.pkg.summaries[key] = t
	return t, true
}

// seedCall records a call to a function of this package that passes
// request values.
func (f *goFunc) seedCall(n *ast.CallExpr) {
	if f.depth >= maxCallDepth || f.quiet {
		return
	}
	name := ""
	switch fun := n.Fun.(type) {
	case *ast.Ident:
		name = fun.Name
	case *ast.SelectorExpr:
		if id, ok := fun.X.(*ast.Ident); ok && f.g.imports[id.Name] != "" {
			return
		}
		name = fun.Sel.Name
	}
	if len(f.g.pkg.decls[name]) != 1 {
		return
	}
	args := map[int]taint{}
	for i, a := range n.Args {
		if t := f.taintOf(a, 0); t.ok() {
			args[i] = t
		}
	}
	if len(args) > 0 {
		f.g.pkg.seeds = append(f.g.pkg.seeds, callSeed{name: name, args: args, caller: f.fn, depth: f.depth + 1})
	}
}

// params marks request parameters by type.
func (f *goFunc) params(ft *ast.FuncType) {
	if ft == nil || ft.Params == nil {
		return
	}
	for _, p := range ft.Params.List {
		typ := f.g.text(p.Type)
		kind := ""
		switch {
		case strings.HasSuffix(typ, "http.Request"):
			kind = "http"
		case strings.HasSuffix(typ, "gin.Context"):
			kind = "gin"
		case typ == "echo.Context":
			kind = "echo"
		case strings.HasSuffix(typ, "fiber.Ctx"):
			kind = "fiber"
		}
		for _, n := range p.Names {
			if kind != "" {
				f.req[n.Name] = kind
			} else if goLambdaEvent(typ) {
				// An AWS Lambda handler's HTTP event (API Gateway, a
				// function URL, an ALB): its body, path and query
				// parameters and headers are the caller's.
				delete(f.req, n.Name)
				t := taint{src: "Lambda " + n.Name}
				f.vars[n.Name] = binding{t: t, prefix: t}
			} else {
				delete(f.req, n.Name)
				delete(f.vars, n.Name)
			}
		}
	}
}

// goLambdaEvent reports an aws-lambda-go event type that carries an HTTP
// request.
func goLambdaEvent(typ string) bool {
	typ = strings.TrimPrefix(typ, "*")
	switch typ {
	case "events.APIGatewayProxyRequest", "events.APIGatewayV2HTTPRequest", "events.APIGatewayWebsocketProxyRequest",
		"events.ALBTargetGroupRequest", "events.LambdaFunctionURLRequest":
		return true
	}
	return false
}

var goRouteCall = regexp.MustCompile(`\.(HandleFunc|Handle|GET|POST|PUT|PATCH|DELETE|Get|Post|Put|Patch|Delete|Any|Group|Route|Use|HEAD|OPTIONS|Head|Options|Method|Methods)$`)

// block walks statements in source order.
func (f *goFunc) block(body ast.Node) {
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			f.lit(n)
			return false
		case *ast.AssignStmt:
			f.assign(n.Lhs, n.Rhs)
		case *ast.ValueSpec:
			lhs := make([]ast.Expr, len(n.Names))
			for i, id := range n.Names {
				lhs[i] = id
			}
			f.assign(lhs, n.Values)
		case *ast.ReturnStmt:
			if f.quiet {
				f.returned(n)
			}
		case *ast.ExprStmt:
			// json.NewDecoder(r.Body).Decode(&v) on its own line: the
			// evaluation binds v.
			f.taintOf(n.X, 0)
		case *ast.RangeStmt:
			b := f.bindingOf(n.X)
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok {
					f.vars[id.Name] = binding{t: b.t, prefix: b.t}
				}
			}
		case *ast.CallExpr:
			for _, a := range n.Args {
				if lit, ok := a.(*ast.FuncLit); ok {
					f.g.litCall[lit] = n
				}
			}
			f.call(n)
		case *ast.CompositeLit:
			f.composite(n)
		}
		return true
	})
}

// lit analyses a function literal with what the enclosing function knows;
// one passed to a route registration is its own handler.
func (f *goFunc) lit(n *ast.FuncLit) {
	vars := make(map[string]binding, len(f.vars))
	for k, v := range f.vars {
		vars[k] = v
	}
	req := make(map[string]string, len(f.req))
	for k, v := range f.req {
		req[k] = v
	}
	g := &goFunc{g: f.g, vars: vars, req: req, fn: f.fn, depth: f.depth}
	g.params(n.Type)
	if len(g.req) > len(f.req) || hasNewReq(g.req, f.req) {
		g.fn = fn{Name: "", Line: f.g.line(n.Pos()), Head: f.g.line(n.Pos()), End: f.g.line(n.End())}
		if call := f.enclosingRouteCall(n); call != nil {
			g.fn.Line = f.g.line(call.Pos())
		}
	}
	g.block(n.Body)
}

func hasNewReq(inner, outer map[string]string) bool {
	for k := range inner {
		if _, ok := outer[k]; !ok {
			return true
		}
	}
	return false
}

// enclosingRouteCall finds the registration call a literal is passed to by
// looking for it among the calls of the enclosing function.
func (f *goFunc) enclosingRouteCall(lit *ast.FuncLit) *ast.CallExpr {
	if c := f.g.litCall[lit]; c != nil && goRouteCall.MatchString(f.g.text(c.Fun)) {
		return c
	}
	return nil
}

func (f *goFunc) assign(lhs, rhs []ast.Expr) {
	if len(rhs) == 0 {
		return
	}
	for i, l := range lhs {
		var r ast.Expr
		if len(rhs) == len(lhs) {
			r = rhs[i]
		} else {
			r = rhs[0]
		}
		id, ok := l.(*ast.Ident)
		if !ok || id.Name == "_" {
			continue
		}
		b := f.bindingOf(r)
		if len(rhs) != len(lhs) && i > 0 {
			// err, ok: the second result of a call carries no input.
			b = binding{constant: false}
		}
		f.vars[id.Name] = b
	}
}

func (f *goFunc) bindingOf(e ast.Expr) binding {
	if id, ok := e.(*ast.Ident); ok {
		if b, ok := f.vars[id.Name]; ok {
			return b
		}
	}
	b := binding{t: f.taintOf(e, 0), prefix: f.prefixOf(e, 0), text: f.g.text(e), constant: f.constant(e, 0)}
	b.built, b.part = f.built(e)
	return b
}

// requestSource reports an expression read from a request parameter.
func (f *goFunc) requestSource(e ast.Expr) (taint, bool) {
	switch x := e.(type) {
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			if kind := f.req[id.Name]; kind != "" {
				switch kind {
				case "http":
					switch x.Sel.Name {
					case "URL", "Form", "PostForm", "Body", "Header", "FormValue", "PostFormValue", "PathValue", "Cookie", "Cookies", "MultipartForm", "FormFile", "RequestURI", "Host":
						return taint{src: id.Name + "." + x.Sel.Name}, true
					}
				case "gin":
					switch x.Sel.Name {
					case "Query", "Param", "PostForm", "DefaultQuery", "DefaultPostForm", "GetHeader", "GetQuery", "GetPostForm", "QueryArray", "PostFormArray", "FormFile", "GetRawData", "Request", "Params", "QueryMap", "PostFormMap", "Cookie":
						return taint{src: id.Name + "." + x.Sel.Name}, true
					}
				case "echo":
					switch x.Sel.Name {
					case "QueryParam", "Param", "FormValue", "QueryParams", "FormParams", "Request", "Cookie", "QueryString", "FormFile":
						return taint{src: id.Name + "." + x.Sel.Name}, true
					}
				case "fiber":
					switch x.Sel.Name {
					case "Params", "Query", "FormValue", "Body", "Get", "Cookies", "BodyParser", "QueryParser", "ParamsInt", "OriginalURL", "Path":
						return taint{src: id.Name + "." + x.Sel.Name}, true
					}
				}
			}
		}
	case *ast.CallExpr:
		callee := f.g.text(x.Fun)
		if (callee == "mux.Vars" || callee == "chi.URLParam" || callee == "chi.URLParamFromCtx" || callee == "httprouter.ParamsFromContext") && len(x.Args) > 0 {
			if id, ok := x.Args[0].(*ast.Ident); ok && f.req[id.Name] == "http" {
				return taint{src: callee + "(" + id.Name + ")"}, true
			}
		}
	}
	return taint{}, false
}

var goSanitizers = map[string]bool{"uuid.Parse": true, "uuid.MustParse": true, "uuid.FromString": true, "filepath.Base": true, "path.Base": true, "html.EscapeString": true, "template.HTMLEscapeString": true, "ldap.EscapeFilter": true, "strconv.Quote": true, "url.QueryEscape": false, "len": true, "errors.New": true}

func (f *goFunc) taintOf(e ast.Expr, depth int) taint {
	if e == nil || depth > maxDepth {
		return taint{}
	}
	if t, ok := f.requestSource(e); ok {
		return t
	}
	switch x := e.(type) {
	case *ast.Ident:
		return f.vars[x.Name].t
	case *ast.BasicLit:
		return taint{}
	case *ast.SelectorExpr:
		return f.taintOf(x.X, depth+1)
	case *ast.CallExpr:
		callee := f.g.text(x.Fun)
		if goSanitizers[callee] {
			return taint{}
		}
		if t, ok := f.requestSource(x.Fun); ok {
			return t
		}
		var ts []taint
		recv := taint{}
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
			recv = f.taintOf(sel.X, depth+1)
			ts = append(ts, recv)
		}
		var args []taint
		for _, a := range x.Args {
			args = append(args, f.taintOf(a, depth+1))
		}
		ts = append(ts, args...)
		t := firstTaint(ts...)
		if t.ok() {
			switch callee {
			case "strconv.Atoi", "strconv.ParseInt", "strconv.ParseUint", "strconv.ParseFloat", "int", "int64", "uint", "uint64", "int32":
				t.numeric = true
			}
			// json.NewDecoder(r.Body).Decode(&v), c.ShouldBindJSON(&v):
			// the pointed-to variable receives the input.
			for _, a := range x.Args {
				if u, ok := a.(*ast.UnaryExpr); ok && u.Op == token.AND {
					if id, ok := u.X.(*ast.Ident); ok {
						f.vars[id.Name] = binding{t: taint{src: t.src}, prefix: taint{src: t.src}}
					}
				}
			}
		}
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok && f.req[identName(sel.X)] != "" {
			for _, a := range x.Args {
				if u, ok := a.(*ast.UnaryExpr); ok && u.Op == token.AND {
					if id, ok := u.X.(*ast.Ident); ok {
						src := identName(sel.X) + "." + sel.Sel.Name
						f.vars[id.Name] = binding{t: taint{src: src}, prefix: taint{src: src}}
					}
				}
			}
		}
		if t.ok() && !recv.ok() {
			if st, ok := f.summary(x, args); ok {
				return st
			}
		}
		return t
	case *ast.BinaryExpr:
		return firstTaint(f.taintOf(x.X, depth+1), f.taintOf(x.Y, depth+1))
	case *ast.IndexExpr:
		return f.taintOf(x.X, depth+1)
	case *ast.SliceExpr:
		return f.taintOf(x.X, depth+1)
	case *ast.StarExpr:
		return f.taintOf(x.X, depth+1)
	case *ast.UnaryExpr:
		return f.taintOf(x.X, depth+1)
	case *ast.ParenExpr:
		return f.taintOf(x.X, depth+1)
	case *ast.TypeAssertExpr:
		return f.taintOf(x.X, depth+1)
	case *ast.CompositeLit:
		var ts []taint
		for _, el := range x.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				el = kv.Value
			}
			ts = append(ts, f.taintOf(el, depth+1))
		}
		return firstTaint(ts...)
	}
	return taint{}
}

func identName(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

func (f *goFunc) prefixOf(e ast.Expr, depth int) taint {
	if depth > maxDepth {
		return taint{}
	}
	switch x := e.(type) {
	case *ast.Ident:
		if b, ok := f.vars[x.Name]; ok {
			return b.prefix
		}
		return taint{}
	case *ast.BasicLit:
		return taint{}
	case *ast.BinaryExpr:
		return f.prefixOf(x.X, depth+1)
	case *ast.ParenExpr:
		return f.prefixOf(x.X, depth+1)
	case *ast.CallExpr:
		if f.g.text(x.Fun) == "fmt.Sprintf" && len(x.Args) > 1 {
			if lit, ok := x.Args[0].(*ast.BasicLit); ok {
				s, _ := strconv.Unquote(lit.Value)
				if strings.HasPrefix(s, "%s") || strings.HasPrefix(s, "%v") {
					return f.taintOf(x.Args[1], depth+1)
				}
				return taint{}
			}
		}
	}
	return f.taintOf(e, depth+1)
}

func (f *goFunc) constant(e ast.Expr, depth int) bool {
	if depth > maxDepth {
		return true
	}
	switch x := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		if b, ok := f.vars[x.Name]; ok {
			return b.constant
		}
		return f.g.consts[x.Name] || x.Name == "true" || x.Name == "false" || x.Name == "nil"
	case *ast.BinaryExpr:
		return f.constant(x.X, depth+1) && f.constant(x.Y, depth+1)
	case *ast.ParenExpr:
		return f.constant(x.X, depth+1)
	case *ast.SelectorExpr:
		// pkg.Const: an exported name of another package written in
		// upper case only, or a constant of this one.
		return constName(x.Sel.Name)
	case *ast.CompositeLit:
		// []string{"a = ?"}: a list of constants, as dynamic WHERE
		// clauses are gathered.
		for _, el := range x.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				el = kv.Value
			}
			if !f.constant(el, depth+1) {
				return false
			}
		}
		return true
	case *ast.CallExpr:
		callee := f.g.text(x.Fun)
		if (callee == "append" || goPureString[callee]) && len(x.Args) > 0 {
			for _, a := range x.Args {
				if !f.constant(a, depth+1) {
					return false
				}
			}
			return true
		}
		// QuotedTableName(), pq.QuoteIdentifier(x): quoted identifiers.
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok && (strings.Contains(sel.Sel.Name, "Quote") || strings.Contains(sel.Sel.Name, "Escape")) {
			return true
		}
	}
	return false
}

// goPureString are functions whose result is constant when their
// arguments are.
var goPureString = map[string]bool{"strings.Join": true, "fmt.Sprintf": true, "fmt.Sprint": true, "strings.Repeat": true, "strings.ToUpper": true,
	"strings.ToLower": true, "strings.TrimSpace": true, "strconv.Itoa": true, "strings.ReplaceAll": true, "strings.Replace": true}

func (f *goFunc) built(e ast.Expr) (bool, string) {
	switch x := e.(type) {
	case *ast.Ident:
		b := f.vars[x.Name]
		return b.built, b.part
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return false, ""
		}
		for _, side := range []ast.Expr{x.X, x.Y} {
			if ok, part := f.built(side); ok {
				return true, part
			}
		}
		for _, side := range []ast.Expr{x.X, x.Y} {
			if !f.constant(side, 0) && !placeholderPart(f.g.text(side)) {
				return true, clip(f.g.text(side))
			}
		}
	case *ast.ParenExpr:
		return f.built(x.X)
	case *ast.CallExpr:
		callee := f.g.text(x.Fun)
		if callee == "fmt.Sprintf" || callee == "fmt.Sprint" || callee == "strings.Join" || callee == "strings.ReplaceAll" || callee == "strings.Replace" {
			from := min(1, len(x.Args))
			if callee != "fmt.Sprintf" {
				from = 0
			}
			for _, a := range x.Args[from:] {
				if !f.constant(a, 0) && !placeholderPart(f.g.text(a)) {
					return true, clip(f.g.text(a))
				}
			}
		}
	}
	return false, ""
}

func (f *goFunc) part(e ast.Expr) string {
	if ok, p := f.built(e); ok && p != "" {
		return p
	}
	return clip(f.g.text(e))
}

func (f *goFunc) report(rule string, at ast.Node, sink, what string, t taint) {
	if f.quiet {
		return
	}
	src := ""
	if t.ok() {
		src = t.src
	}
	p := f.g.fset.Position(at.Pos())
	f.g.hits = append(f.g.hits, hit{rule: rule, file: f.g.rel, line: p.Line, col: p.Column, sink: sink, source: src, what: what, severity: severityFor(rule, src), fn: f.fn})
}

var (
	goSQLArg0 = map[string]bool{"Query": true, "QueryRow": true, "Exec": true, "Prepare": true, "Raw": true, "MustExec": true, "Queryx": true, "QueryRowx": true, "NamedExec": true, "NamedQuery": true}
	goSQLArg1 = map[string]bool{"QueryContext": true, "QueryRowContext": true, "ExecContext": true, "PrepareContext": true, "Select": true, "Get": true, "QueryxContext": true, "MustExecContext": true}
	goFiles   = map[string]bool{"os.Open": true, "os.OpenFile": true, "os.ReadFile": true, "os.Create": true, "os.Remove": true, "os.RemoveAll": true, "os.WriteFile": true, "ioutil.ReadFile": true, "ioutil.WriteFile": true, "os.ReadDir": true, "ioutil.ReadDir": true}
	goHTTP    = map[string]int{"http.Get": 0, "http.Head": 0, "http.Post": 0, "http.PostForm": 0, "http.NewRequest": 1, "http.NewRequestWithContext": 2}
	goShells  = map[string]bool{"sh": true, "bash": true, "/bin/sh": true, "/bin/bash": true, "zsh": true, "cmd": true, "cmd.exe": true, "powershell": true, "pwsh": true}
)

func (f *goFunc) call(n *ast.CallExpr) {
	f.seedCall(n)
	callee := f.g.text(n.Fun)
	sel, _ := n.Fun.(*ast.SelectorExpr)
	name := ""
	if sel != nil {
		name = sel.Sel.Name
	} else if id, ok := n.Fun.(*ast.Ident); ok {
		name = id.Name
	}
	sink := clip(callee)
	pkg := ""
	if sel != nil {
		if id, ok := sel.X.(*ast.Ident); ok {
			pkg = f.g.imports[id.Name]
		}
	}
	arg := func(i int) ast.Expr {
		if i < len(n.Args) {
			return n.Args[i]
		}
		return nil
	}
	switch {
	case pkg == "os/exec" && (name == "Command" || name == "CommandContext"):
		args := n.Args
		if name == "CommandContext" && len(args) > 0 {
			args = args[1:]
		}
		if len(args) == 0 {
			return
		}
		prog := ""
		if lit, ok := args[0].(*ast.BasicLit); ok {
			prog, _ = strconv.Unquote(lit.Value)
		}
		if goShells[prog] {
			for i := 1; i+1 < len(args); i++ {
				if lit, ok := args[i].(*ast.BasicLit); ok && (lit.Value == `"-c"` || lit.Value == `"/c"` || lit.Value == `"-Command"`) && !f.constant(args[i+1], 0) {
					f.report(RuleCommand, n, sink, "a command line built from "+f.part(args[i+1]), f.taintOf(args[i+1], 0))
					return
				}
			}
		}
		if t := f.taintOf(args[0], 0); t.str() {
			f.report(RuleCommand, n, sink, "a program name from the request", t)
		}
	case goFiles[pkgName(pkg)+"."+name] && pkg != "":
		if a := arg(0); a != nil {
			if t := f.taintOf(a, 0); t.str() {
				f.report(RulePath, n, sink, "a path built from "+f.part(a), t)
			}
		}
	case pkg == "net/http" && name == "ServeFile":
		if a := arg(2); a != nil {
			if t := f.taintOf(a, 0); t.str() {
				f.report(RulePath, n, sink, "a path built from "+f.part(a), t)
			}
		}
	case sel != nil && f.req[identName(sel.X)] == "gin" && (name == "File" || name == "FileAttachment"),
		sel != nil && f.req[identName(sel.X)] == "echo" && (name == "File" || name == "Attachment"),
		sel != nil && f.req[identName(sel.X)] == "fiber" && (name == "SendFile" || name == "Download"):
		if a := arg(0); a != nil {
			if t := f.taintOf(a, 0); t.str() {
				f.report(RulePath, n, sink, "a path built from "+f.part(a), t)
			}
		}
	case pkg == "net/http" && hasKey(goHTTP, "http."+name):
		if a := arg(goHTTP["http."+name]); a != nil {
			if t := f.prefixOf(a, 0); t.str() {
				f.report(RuleSSRF, n, sink, "a URL from "+f.part(a), t)
			}
		}
	case sel != nil && (name == "Get" || name == "Post" || name == "Head") && len(n.Args) >= 1 && strings.Contains(strings.ToLower(f.g.text(sel.X)), "client"):
		if t := f.prefixOf(n.Args[0], 0); t.str() {
			f.report(RuleSSRF, n, sink, "a URL from "+f.part(n.Args[0]), t)
		}
	case name == "Parse" && sel != nil && strings.Contains(strings.ToLower(f.g.text(sel.X)), "t") && (strings.Contains(callee, "template") || strings.Contains(strings.ToLower(f.g.text(sel.X)), "tmpl") || strings.Contains(strings.ToLower(f.g.text(sel.X)), "tpl")):
		if a := arg(0); a != nil {
			if t := f.taintOf(a, 0); t.str() {
				f.report(RuleTemplate, n, sink, "template text built from "+f.part(a), t)
			}
		}
	case callee == "make" && len(n.Args) >= 2:
		for _, a := range n.Args[1:] {
			if t := f.taintOf(a, 0); t.ok() {
				f.report(RuleAllocation, n, sink, "a size from "+clip(f.g.text(a)), t)
				return
			}
		}
	case (callee == "bytes.Repeat" || callee == "strings.Repeat") && len(n.Args) == 2:
		if t := f.taintOf(n.Args[1], 0); t.ok() {
			f.report(RuleAllocation, n, sink, "a count from "+clip(f.g.text(n.Args[1])), t)
		}
	case name == "NewSearchRequest" && len(n.Args) >= 7:
		if t := f.taintOf(n.Args[6], 0); t.str() {
			f.report(RuleLDAP, n, sink, "a filter built from "+f.part(n.Args[6]), t)
		}
	case sel != nil && (goSQLArg0[name] || goSQLArg1[name]):
		if recv := identName(sel.X); recv != "" && (strings.Contains(strings.ToLower(recv), "stmt") || strings.Contains(f.vars[recv].text, "Prepare")) {
			// A prepared statement's arguments are values, not SQL.
			return
		}
		idx := 0
		if goSQLArg1[name] {
			idx = 1
		}
		q := arg(idx)
		if q == nil {
			return
		}
		b := f.bindingOf(q)
		if b.built && looksSQL(b.text+f.g.text(q)) {
			f.report(RuleSQL, n, sink, "a query built from "+b.part, b.t)
		} else if _, lit := q.(*ast.BasicLit); !lit && b.t.str() && (name == "Query" || name == "Exec" || name == "Raw" || name == "QueryRow") {
			f.report(RuleSQL, n, sink, "a query taken from the request", b.t)
		}
	}
}

// composite flags bson.M{"$where": x} with a value that is not constant.
func (f *goFunc) composite(n *ast.CompositeLit) {
	for _, el := range n.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if lit, ok := kv.Key.(*ast.BasicLit); ok && lit.Value == `"$where"` && !f.constant(kv.Value, 0) {
			f.report(RuleNoSQL, kv, "$where", "a clause built from "+f.part(kv.Value), f.taintOf(kv.Value, 0))
		}
	}
}

func pkgName(p string) string { return p[strings.LastIndex(p, "/")+1:] }

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}
