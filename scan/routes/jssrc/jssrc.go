// Package jssrc finds the HTTP routes a JavaScript or TypeScript program
// serves, reading it with the tree-sitter JavaScript, TypeScript and TSX
// grammars: Express apps and routers (app.use prefixes, route chains,
// per-route middleware), Fastify (register with prefix, route options,
// hooks), Next.js (pages/api files and app/**/route.ts exported method
// handlers) and NestJS (@Controller, method decorators, @UseGuards). Imports
// and require calls between the scanned files are followed, so a router
// defined in one file and mounted in another gets its prefix.
package jssrc

import (
	"context"
	"path"
	"slices"
	"sort"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/javascript"
	"github.com/smacker/go-tree-sitter/typescript/tsx"
	"github.com/smacker/go-tree-sitter/typescript/typescript"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/graph"
	"github.com/threatmap/threatmap/scan/routes/tsparse"
)

// Source is one JavaScript or TypeScript file.
type Source = tsparse.Source

// ParseError is a file whose syntax tree has errors.
type ParseError = tsparse.ParseError

// Framework names.
const (
	Express = "express"
	Fastify = "fastify"
	NextJS  = "nextjs"
	NestJS  = "nestjs"
)

type module struct {
	rel   string
	src   []byte
	tree  *sitter.Tree
	root  *sitter.Node
	funcs map[string]*sitter.Node // function declarations and const f = () => {} by name
	vars  map[string]*sitter.Node // const/let/var initialisers by name
	// imports maps a local name to the module file it comes from and the
	// exported name ("default" for default imports, "*" for namespaces).
	imports map[string]importRef
	// exports maps an exported name ("default" included) to its value.
	exports map[string]*sitter.Node
	// specs caches importSpec: the import statement or require naming a
	// local name (found by walking the module).
	specs map[string]string
	// foreign maps a local name imported from a scanned file that holds no
	// route (a controller module) to that file and export; it is read only
	// to say where a route's handler is defined.
	foreign map[string]importRef
}

type importRef struct {
	file string
	name string
}

type extractor struct {
	ctx context.Context
	// factories counts the router factories being followed (factoryRouter).
	factories int
	// factoryMemo holds what each project function returns, as a router
	// or not, once it has been followed (factoryRouter): every function is
	// followed at most once however many call sites reach it.
	factoryMemo map[funcKey]factoryResult
	// factorySteps counts factoryRouter calls over the whole run, and
	// factorySpent those of the file being analysed, against
	// factoryBudget; factoryOver is set once the file's budget is spent
	// (reported once as unresolved).
	factorySteps, factorySpent, factoryBudget int
	factoryOver                               bool
	mods                                      map[string]*module
	// all holds every scanned file, parsed or not, for handlerDef; lazy
	// the modules without routes handlerDef parsed to find a handler's
	// line (never analysed for routes).
	all    map[string][]byte
	lazy   map[string]*module
	files  []string
	g      *graph.Graph
	consts map[string]string
	// bind holds the values a loop variable takes in the iteration being
	// walked: for (const page of ['a', 'b']) or list.forEach((r) => ...).
	bind map[string]string
	// nestPrefix is app.setGlobalPrefix's argument.
	nestPrefix string
	// nestExclude lists paths setGlobalPrefix excludes.
	nestExclude []string
	// nestURIVersion is the URI versioning prefix ("v") when
	// enableVersioning({ type: VersioningType.URI }) is called, and
	// nestDefaultVersion its defaultVersion.
	nestURIVersion, nestDefaultVersion string
	// nestVersions holds each controller's version by router ID.
	nestVersions map[string]string
	nestMW       []nestMiddleware
}

// Language picks the grammar for a file name.
func Language(rel string) *sitter.Language {
	switch path.Ext(rel) {
	case ".ts", ".mts", ".cts":
		return typescript.GetLanguage()
	case ".tsx":
		return tsx.GetLanguage()
	}
	return javascript.GetLanguage()
}

// Parse parses one file with the grammar its name calls for; it is the
// entry point the fuzz test drives.
func Parse(ctx context.Context, rel string, src []byte) (*sitter.Tree, error) {
	p := sitter.NewParser()
	defer p.Close()
	p.SetLanguage(Language(rel))
	return p.ParseCtx(ctx, nil, src)
}

// Extract parses the files and returns the routes they serve, the
// registrations it saw but could not resolve, and the files that could not
// be parsed.
func Extract(ctx context.Context, srcs []Source) ([]evidence.Route, []evidence.Unresolved, []ParseError) {
	x := newExtractor(ctx)
	return x.extract(srcs)
}

func newExtractor(ctx context.Context) *extractor {
	return &extractor{ctx: ctx, mods: map[string]*module{}, all: map[string][]byte{}, lazy: map[string]*module{}, g: graph.New(), consts: map[string]string{}, nestVersions: map[string]string{},
		factoryMemo: map[funcKey]factoryResult{}, factoryBudget: defaultFactoryBudget}
}

func (x *extractor) extract(srcs []Source) ([]evidence.Route, []evidence.Unresolved, []ParseError) {
	ctx := x.ctx
	for _, s := range srcs {
		x.all[s.Rel] = s.Src
	}
	var errs []ParseError
	var cands []Source
	var inputs []tsparse.Input
	for _, s := range srcs {
		if mayRoute(s.Rel, s.Src) {
			cands = append(cands, s)
			inputs = append(inputs, tsparse.Input{Src: s.Src, Lang: Language(s.Rel)})
		}
	}
	for i, res := range tsparse.All(ctx, inputs) {
		s := cands[i]
		if res.Err != nil {
			if res.Tree != nil {
				res.Tree.Close()
			}
			if ctx.Err() == nil {
				errs = append(errs, ParseError{File: s.Rel, Line: 1, Col: 1, Msg: res.Err.Error()})
			}
			continue
		}
		tree := res.Tree
		m := &module{rel: s.Rel, src: s.Src, tree: tree, root: tree.RootNode(), funcs: map[string]*sitter.Node{}, vars: map[string]*sitter.Node{}, imports: map[string]importRef{}, foreign: map[string]importRef{}, exports: map[string]*sitter.Node{}}
		if pe, ok := tsparse.SyntaxError(s.Rel, m.root); ok {
			errs = append(errs, pe)
		}
		x.mods[s.Rel] = m
		x.files = append(x.files, s.Rel)
	}
	defer func() {
		for _, m := range x.mods {
			m.tree.Close()
		}
		for _, m := range x.lazy {
			if m != nil {
				m.tree.Close()
			}
		}
	}()
	sort.Strings(x.files)
	for _, f := range x.files {
		x.index(x.mods[f])
	}
	for _, f := range x.files {
		if ctx.Err() != nil {
			break
		}
		m := x.mods[f]
		x.factorySpent, x.factoryOver = 0, false
		x.next(m)
		if src := string(m.src); strings.Contains(src, "@Controller") || strings.Contains(src, "APP_GUARD") || strings.Contains(src, "setGlobalPrefix") || strings.Contains(src, "useGlobalGuards") || strings.Contains(src, "forRoutes") {
			x.nest(m)
		}
		x.analyze(m)
	}
	x.finishNest()
	x.g.TagUnmounted = true
	return x.g.Flatten(), x.g.Unresolved(), errs
}

// frontendDirs hold browser code by convention: a React or Vue app under
// client/ calls router.get and app.use of its own that serve nothing.
var frontendDirs = []string{"client", "frontend", "web", "webapp", "ui"}

// serverImports are module names whose import marks server code.
var serverImports = []string{"'express'", `"express"`, "fastify", "@nestjs/", "'koa'", `"koa"`, "@hapi/", "'http'", `"http"`, "'node:http'", `"node:http"`}

// frontendFile reports browser code: a file under a frontend directory
// that imports no server framework.
func frontendFile(rel string, src []byte) bool {
	dirs := strings.Split(path.Dir(rel), "/")
	front := false
	for _, d := range dirs {
		if slices.Contains(frontendDirs, d) {
			front = true
		}
	}
	if !front {
		return false
	}
	s := string(src)
	for _, imp := range serverImports {
		if strings.Contains(s, imp) {
			return false
		}
	}
	return true
}

// mayRoute skips files that cannot serve a route.
func mayRoute(rel string, src []byte) bool {
	if nextPagesAPI(rel) != "" || nextAppRoute(rel) != "" {
		return true
	}
	if frontendFile(rel, src) {
		return false
	}
	s := string(src)
	for _, k := range []string{"express", "Router", "fastify", "Fastify", "@Controller", "setGlobalPrefix", "APP_GUARD", "forRoutes", "useGlobalGuards", ".get(", ".post(", ".use(", ".register(", ".route(", "module.exports", "export default"} {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

func (m *module) text(n *sitter.Node) string {
	if n == nil {
		return ""
	}
	return n.Content(m.src)
}

func line(n *sitter.Node) int { return int(n.StartPoint().Row) + 1 }

const maxDepth = 400

func walk(n *sitter.Node, fn func(*sitter.Node) bool) { walkDepth(n, fn, 0) }

func walkDepth(n *sitter.Node, fn func(*sitter.Node) bool, depth int) {
	if n == nil || depth > maxDepth || !fn(n) {
		return
	}
	for i := 0; i < int(n.NamedChildCount()); i++ {
		walkDepth(n.NamedChild(i), fn, depth+1)
	}
}

// resolveFile maps a relative import specifier to a scanned file.
func (x *extractor) resolveFile(from, spec string) string {
	return ResolveImport(from, spec, func(rel string) bool {
		_, ok := x.mods[rel]
		return ok
	})
}

// ResolveImport maps an import specifier in file from to one of the files
// has knows: a relative path ("./x", "../x.js") or the usual tsconfig path
// alias of the project's source root ("@/x", "~/x": the root itself or
// src/), with the extensions and index files Node and TypeScript try. A
// package name resolves to "". The sinks scanner uses it to read a
// configuration module the same way the route scanner follows routers.
func ResolveImport(from, spec string, has func(rel string) bool) string {
	var bases []string
	switch {
	case strings.HasPrefix(spec, "."):
		bases = []string{path.Clean(path.Join(path.Dir(from), spec))}
	case strings.HasPrefix(spec, "@/"), strings.HasPrefix(spec, "~/"):
		rest := path.Clean(spec[2:])
		bases = []string{rest, path.Join("src", rest)}
	default:
		return ""
	}
	for _, base := range bases {
		cands := []string{base}
		for _, ext := range []string{".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"} {
			cands = append(cands, base+ext, base+"/index"+ext)
		}
		// TypeScript sources import "./x.js" meaning ./x.ts.
		if strings.HasSuffix(base, ".js") {
			stem := strings.TrimSuffix(base, ".js")
			cands = append(cands, stem+".ts", stem+".tsx")
		}
		for _, c := range cands {
			if has(c) {
				return c
			}
		}
	}
	return ""
}

// stringValue evaluates a string, a template string whose substitutions
// are known constants, or a constant.
func (x *extractor) stringValue(m *module, n *sitter.Node) (string, bool) {
	return x.stringDepth(m, n, 0, false)
}

// pathValue reads a route path. Where a concatenation or template mixes
// constant text with a value known only at run time (options.prefix +
// 'articles', `${baseUrl}/cart` with baseUrl from the environment), the
// unknown part becomes a {name} placeholder instead of losing the route. A
// path that is wholly unknown is not a path.
func (x *extractor) pathValue(m *module, n *sitter.Node) (string, bool) {
	v, ok := x.stringDepth(m, n, 0, true)
	if !ok || strings.HasPrefix(v, "\x00") && !strings.Contains(v[1:], "\x00") && strings.HasSuffix(v, "}") {
		return "", false
	}
	return strings.ReplaceAll(v, "\x00", ""), true
}

// placeholder names an unknown value in a path: options.prefix gives
// {prefix}, baseUrl gives {baseUrl}. It is marked with a NUL so that
// pathValue can tell a path that is nothing but a placeholder.
func placeholder(m *module, n *sitter.Node) (string, bool) {
	switch n.Type() {
	case "identifier":
		return "\x00{" + m.text(n) + "}", true
	case "member_expression":
		return "\x00{" + m.text(n.ChildByFieldName("property")) + "}", true
	case "call_expression":
		// process.env.X ?? 'y', config.get('prefix')
		return "\x00{prefix}", true
	}
	return "", false
}

// joinPiece concatenates two folded pieces, putting a slash between a
// placeholder and text that does not start with one ({prefix} + 'articles').
func joinPiece(l, r string) string {
	if strings.HasSuffix(l, "}") && strings.Contains(l, "\x00") && r != "" && !strings.HasPrefix(r, "/") && !strings.HasPrefix(r, "\x00") {
		return l + "/" + r
	}
	return l + r
}

func (x *extractor) stringDepth(m *module, n *sitter.Node, depth int, holes bool) (string, bool) {
	if n == nil || depth > 16 {
		return "", false
	}
	// Values bound by a loop or a forEach over a constant list.
	if v, ok := x.bind[m.text(n)]; ok && (n.Type() == "identifier" || n.Type() == "member_expression") {
		return v, true
	}
	switch n.Type() {
	case "string":
		var b strings.Builder
		for i := 0; i < int(n.NamedChildCount()); i++ {
			b.WriteString(m.text(n.NamedChild(i)))
		}
		return b.String(), true
	case "template_string":
		var b strings.Builder
		for i := 0; i < int(n.NamedChildCount()); i++ {
			c := n.NamedChild(i)
			switch c.Type() {
			case "string_fragment", "escape_sequence":
				b.WriteString(m.text(c))
			case "template_substitution":
				if c.NamedChildCount() == 0 {
					return "", false
				}
				v, ok := x.stringDepth(m, c.NamedChild(0), depth+1, holes)
				if !ok {
					return "", false
				}
				b.WriteString(v)
			}
		}
		return b.String(), true
	case "binary_expression":
		op := n.ChildByFieldName("operator")
		if op != nil && m.text(op) != "+" {
			// a || b, a ?? b: the first constant alternative.
			if t := m.text(op); t == "||" || t == "??" {
				if v, ok := x.stringDepth(m, n.ChildByFieldName("left"), depth+1, false); ok {
					return v, true
				}
				if holes {
					if v, ok := placeholder(m, n.ChildByFieldName("left")); ok {
						return v, true
					}
				}
				return x.stringDepth(m, n.ChildByFieldName("right"), depth+1, holes)
			}
			return "", false
		}
		l, ok1 := x.stringDepth(m, n.ChildByFieldName("left"), depth+1, holes)
		r, ok2 := x.stringDepth(m, n.ChildByFieldName("right"), depth+1, holes)
		return joinPiece(l, r), ok1 && ok2
	case "parenthesized_expression":
		return x.stringDepth(m, n.NamedChild(0), depth+1, holes)
	case "identifier":
		if v, ok := m.vars[m.text(n)]; ok {
			switch v.Type() {
			case "string", "template_string", "binary_expression", "parenthesized_expression":
				return x.stringDepth(m, v, depth+1, holes)
			}
		}
	case "member_expression":
		prop := m.text(n.ChildByFieldName("property"))
		if v, ok := x.consts[prop]; ok && v != "\x00" {
			return v, true
		}
	}
	if holes && depth > 0 {
		return placeholder(m, n)
	}
	return "", false
}

// index records declarations, imports and exports.
func (x *extractor) index(m *module) {
	walk(m.root, func(n *sitter.Node) bool {
		switch n.Type() {
		case "function_declaration", "generator_function_declaration":
			m.funcs[m.text(n.ChildByFieldName("name"))] = n
		case "variable_declarator":
			name, val := n.ChildByFieldName("name"), n.ChildByFieldName("value")
			if name == nil || val == nil {
				return true
			}
			if name.Type() == "identifier" {
				m.vars[m.text(name)] = val
				switch val.Type() {
				case "arrow_function", "function_expression", "function":
					m.funcs[m.text(name)] = val
				case "call_expression":
					x.requireBinding(m, m.text(name), val, "default")
				case "await_expression":
					if val.NamedChildCount() > 0 {
						x.requireBinding(m, m.text(name), val.NamedChild(0), "default")
					}
				}
			}
			if name.Type() == "object_pattern" && val.Type() == "call_expression" {
				// const { a, b } = require('./x')
				for i := 0; i < int(name.NamedChildCount()); i++ {
					c := name.NamedChild(i)
					if c.Type() == "shorthand_property_identifier_pattern" {
						x.requireBinding(m, m.text(c), val, m.text(c))
					}
				}
			}
		case "pair":
			// Properties of config objects: { apiPrefix: '/api' }.
			k, v := n.ChildByFieldName("key"), n.ChildByFieldName("value")
			if k != nil && v != nil && v.Type() == "string" {
				if s, ok := x.stringValue(m, v); ok && strings.HasPrefix(s, "/") {
					key := strings.Trim(m.text(k), `'"`)
					if _, dup := x.consts[key]; dup {
						x.consts[key] = "\x00"
					} else {
						x.consts[key] = s
					}
				}
			}
		case "import_statement":
			x.indexImport(m, n)
			return false
		case "export_statement":
			x.indexExport(m, n)
		case "assignment_expression":
			// module.exports = x; module.exports.name = x; exports.name = x
			left := m.text(n.ChildByFieldName("left"))
			right := n.ChildByFieldName("right")
			switch {
			case left == "module.exports":
				m.exports["default"] = right
			case strings.HasPrefix(left, "module.exports."):
				m.exports[strings.TrimPrefix(left, "module.exports.")] = right
			case strings.HasPrefix(left, "exports."):
				m.exports[strings.TrimPrefix(left, "exports.")] = right
			}
		}
		return true
	})
}

// known reports a scanned file, parsed for routes or not.
func (x *extractor) known(rel string) bool {
	_, ok := x.all[rel]
	return ok
}

// requireBinding records const name = require('./x') (optionally .prop).
func (x *extractor) requireBinding(m *module, local string, call *sitter.Node, exported string) {
	if call.Type() == "member_expression" {
		exported = m.text(call.ChildByFieldName("property"))
		call = call.ChildByFieldName("object")
	}
	if call == nil || call.Type() != "call_expression" {
		return
	}
	fn := m.text(call.ChildByFieldName("function"))
	if fn != "require" && fn != "import" {
		return
	}
	args := call.ChildByFieldName("arguments")
	if args == nil || args.NamedChildCount() == 0 {
		return
	}
	spec, ok := x.stringValue(m, args.NamedChild(0))
	if !ok {
		return
	}
	if f := x.resolveFile(m.rel, spec); f != "" {
		m.imports[local] = importRef{file: f, name: exported}
	} else if f := ResolveImport(m.rel, spec, x.known); f != "" {
		m.foreign[local] = importRef{file: f, name: exported}
	}
}

func (x *extractor) indexImport(m *module, n *sitter.Node) {
	src := n.ChildByFieldName("source")
	spec, ok := x.stringValue(m, src)
	if !ok {
		return
	}
	f := x.resolveFile(m.rel, spec)
	into := m.imports
	if f == "" {
		// A module without routes (a controller): remembered apart, so
		// that only handlerDef reads it.
		f = ResolveImport(m.rel, spec, x.known)
		into = m.foreign
	}
	if f == "" {
		return
	}
	walk(n, func(c *sitter.Node) bool {
		switch c.Type() {
		case "import_clause":
			for i := 0; i < int(c.NamedChildCount()); i++ {
				if d := c.NamedChild(i); d.Type() == "identifier" {
					into[m.text(d)] = importRef{file: f, name: "default"}
				}
			}
		case "namespace_import":
			for i := 0; i < int(c.NamedChildCount()); i++ {
				if d := c.NamedChild(i); d.Type() == "identifier" {
					into[m.text(d)] = importRef{file: f, name: "*"}
				}
			}
		case "import_specifier":
			name := m.text(c.ChildByFieldName("name"))
			local := name
			if a := c.ChildByFieldName("alias"); a != nil {
				local = m.text(a)
			}
			into[local] = importRef{file: f, name: name}
			return false
		}
		return true
	})
}

func (x *extractor) indexExport(m *module, n *sitter.Node) {
	isDefault := false
	for i := 0; i < int(n.ChildCount()); i++ {
		if n.Child(i).Type() == "default" {
			isDefault = true
		}
	}
	if d := n.ChildByFieldName("declaration"); d != nil {
		switch d.Type() {
		case "function_declaration", "generator_function_declaration", "class_declaration":
			name := m.text(d.ChildByFieldName("name"))
			if isDefault {
				m.exports["default"] = d
			}
			if name != "" {
				m.exports[name] = d
			}
		case "lexical_declaration", "variable_declaration":
			for i := 0; i < int(d.NamedChildCount()); i++ {
				vd := d.NamedChild(i)
				if vd.Type() == "variable_declarator" {
					m.exports[m.text(vd.ChildByFieldName("name"))] = vd.ChildByFieldName("value")
				}
			}
		}
		return
	}
	if v := n.ChildByFieldName("value"); v != nil && isDefault {
		m.exports["default"] = v
		return
	}
	// export { handler as GET, handler as POST }
	walk(n, func(c *sitter.Node) bool {
		if c.Type() == "export_specifier" {
			name := c.ChildByFieldName("name")
			alias := c.ChildByFieldName("alias")
			key := m.text(name)
			if alias != nil {
				key = m.text(alias)
			}
			m.exports[key] = name
			return false
		}
		return true
	})
}
