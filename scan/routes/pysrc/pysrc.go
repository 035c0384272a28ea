// Package pysrc finds the HTTP routes a Python program registers, reading
// it with the tree-sitter Python grammar: Flask apps and blueprints
// (route decorators, add_url_rule, register_blueprint with url_prefix,
// before_request hooks), FastAPI apps and APIRouters (prefixes, include_router,
// dependencies at app, router, include and route level, Depends in handler
// parameters) and Django URLconfs (path, re_path, include). Imports between
// the scanned modules are followed, so a blueprint defined in one file and
// registered in another gets its prefix.
package pysrc

import (
	"bytes"
	"context"
	"path"
	"regexp"
	"sort"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/graph"
	"github.com/threatmap/threatmap/scan/routes/tsparse"
)

// Source is one Python file.
type Source = tsparse.Source

// ParseError is a file whose syntax tree has errors.
type ParseError = tsparse.ParseError

// Framework names.
const (
	Flask   = "flask"
	FastAPI = "fastapi"
	Django  = "django"
)

// module is one parsed file.
type module struct {
	name    string // dotted module name, e.g. app.api.routes
	rel     string
	src     []byte
	tree    *sitter.Tree
	root    *sitter.Node
	funcs   map[string]*sitter.Node // function_definition by name (module and class level)
	classes map[string]*sitter.Node // class_definition by name
	imports map[string]importRef    // local name -> where it comes from
	isPkg   bool                    // an __init__.py
	// routerVars maps router variable names to their framework.
	routerVars  map[string]string
	routerCalls map[string][]*sitter.Node
	// routerAliases maps the other names of a chained assignment
	// (users_router = r = APIRouter()) to the first.
	routerAliases map[string]string
	// routerRefs maps names assigned another name or attribute
	// (api = UserDto.api), which may denote a router.
	routerRefs map[string]*sitter.Node
	// depAliases holds type aliases that carry a FastAPI dependency:
	// CurrentUser = Annotated[User, Depends(get_current_user)].
	depAliases map[string]*sitter.Node
	// drfRouters maps Django REST framework router variables to the
	// constructor call that created them.
	drfRouters map[string]*sitter.Node
	// calls maps module-level variables to the call that created them
	// (oauth2_scheme = OAuth2PasswordBearer(..., auto_error=False)).
	calls map[string]*sitter.Node
	// lists maps module-level variables to the list literal assigned to
	// them (login_urlpatterns = [...]).
	lists map[string]*sitter.Node
	// starImports are the modules of "from x import *".
	starImports []string
	// restx is 1 when the module imports Flask-RESTX, -RESTPlus or
	// -RESTful, -1 when not, 0 before the first look.
	restx int8
}

// nodeIn is a syntax node and the module it belongs to.
type nodeIn struct {
	m *module
	n *sitter.Node
}

type importRef struct {
	module string // resolved dotted module name of the source
	name   string // the imported name; empty for "import x" / "from . import x"
	// path is the source's dotted name as written (relative imports made
	// absolute), kept when it names no scanned module.
	path string
}

type extractor struct {
	ctx     context.Context
	mods    map[string]*module
	names   []string // module names, sorted
	consts  map[string]string
	g       *graph.Graph
	csrfDj  bool
	limited map[string]bool // limiter variables created with default limits, by "module:name"
	// byLast indexes module names by their last component for import
	// resolution.
	byLast map[string][]string
	// restFramework is the REST_FRAMEWORK settings dictionary, drfSet
	// what it says, read on first use.
	restFramework *nodeIn
	drfSet        *drfSettings
	drfRooted     map[string]bool
	nested        []string // routers of include([...]) lists
	// mountDoubt is set when a blueprint or router was mounted through an
	// expression the scanner could not trace: any router may be the one
	// mounted, so none is reported unmounted.
	mountDoubt bool
	lookDepth  int // bounds lookup through routerRefs
	// mountedElsewhere holds routers registered on an app the scanner
	// cannot trace: they are served, just not from a known root.
	mountedElsewhere map[string]bool
	// rootURLConf is the module ROOT_URLCONF names, if a settings module
	// was scanned.
	rootURLConf    string
	settingsModule string
	// unresolved collects registrations seen but not turned into routes.
	unresolved []evidence.Unresolved
}

// Result is what Extract finds.
type Result struct {
	Routes []evidence.Route
	// Unresolved lists registrations the extractor saw but could not
	// resolve (a path computed at run time, a router it cannot trace).
	Unresolved []evidence.Unresolved
	Errors     []ParseError
}

// Parse parses one file and reports whether its tree has syntax errors; it
// is the entry point the fuzz test drives.
func Parse(ctx context.Context, src []byte) (*sitter.Tree, error) {
	p := sitter.NewParser()
	defer p.Close()
	p.SetLanguage(python.GetLanguage())
	return p.ParseCtx(ctx, nil, src)
}

// Extract parses the files and returns the routes they register.
func Extract(ctx context.Context, srcs []Source) ([]evidence.Route, []ParseError) {
	r := ExtractAll(ctx, srcs)
	return r.Routes, r.Errors
}

// ExtractAll parses the files and returns the routes they register and
// the registrations it could not resolve.
func ExtractAll(ctx context.Context, srcs []Source) Result {
	x := &extractor{ctx: ctx, mods: map[string]*module{}, consts: map[string]string{}, g: graph.New(), limited: map[string]bool{}}
	var errs []ParseError
	var cands []Source
	var inputs []tsparse.Input
	for _, s := range srcs {
		if mayRoute(s.Src) || path.Base(s.Rel) == "__init__.py" && bytes.Contains(s.Src, []byte("import")) {
			// A package's __init__.py may re-export a blueprint or router
			// defined in a submodule (from .views import bp).
			cands = append(cands, s)
			inputs = append(inputs, tsparse.Input{Src: s.Src, Lang: python.GetLanguage()})
		} else {
			// A file that registers nothing may still define the
			// constants paths are built from (config.py: API_PREFIX = "/api").
			x.lineConsts(s.Src)
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
		name := moduleName(s.Rel)
		if _, dup := x.mods[name]; dup {
			// a/b.py and a/b/__init__.py name one module; the first wins.
			tree.Close()
			continue
		}
		m := &module{name: name, rel: s.Rel, src: s.Src, tree: tree, root: tree.RootNode(),
			funcs: map[string]*sitter.Node{}, classes: map[string]*sitter.Node{}, imports: map[string]importRef{},
			drfRouters: map[string]*sitter.Node{}, calls: map[string]*sitter.Node{}, lists: map[string]*sitter.Node{},
			isPkg: path.Base(s.Rel) == "__init__.py"}
		if pe, ok := tsparse.SyntaxError(s.Rel, m.root); ok {
			errs = append(errs, pe)
		}
		x.mods[m.name] = m
		x.names = append(x.names, m.name)
	}
	defer func() {
		for _, m := range x.mods {
			m.tree.Close()
		}
	}()
	sort.Strings(x.names)
	for _, n := range x.names {
		x.index(x.mods[n])
	}
	x.linkDRFRouters()
	for _, n := range x.names {
		if ctx.Err() != nil {
			break
		}
		x.analyze(x.mods[n])
	}
	if x.csrfDj {
		x.djangoCSRF()
	}
	x.markUnmounted()
	routes := x.finish(x.g.Flatten())
	sortUnresolved(x.unresolved)
	return Result{Routes: routes, Unresolved: x.unresolved, Errors: errs}
}

// mayRoute skips files that cannot register a route, which saves parsing
// most of a large code base.
func mayRoute(src []byte) bool {
	s := string(src)
	for _, k := range []string{"route", "Blueprint", "Flask", "FastAPI", "APIRouter", "urlpatterns", "include_router", "add_url_rule", "add_api_route", "_api", ".get(", ".post(", "MIDDLEWARE", "before_request", "Limiter", "CSRFProtect", "def ", "REST_FRAMEWORK", "ROOT_URLCONF", "Router(", "class "} {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

// moduleName turns a file path into a dotted module name.
func moduleName(rel string) string {
	rel = strings.TrimSuffix(rel, ".py")
	rel = strings.TrimSuffix(rel, "/__init__")
	return strings.ReplaceAll(rel, "/", ".")
}

// resolveModule finds the scanned module a dotted import name refers to.
// Files are named from the scan root, which is rarely the import root, so
// the longest module whose name ends with the import name wins.
func (x *extractor) resolveModule(name string) string {
	if _, ok := x.mods[name]; ok {
		return name
	}
	if x.byLast == nil {
		x.byLast = map[string][]string{}
		for _, n := range x.names {
			last := n[strings.LastIndexByte(n, '.')+1:]
			x.byLast[last] = append(x.byLast[last], n)
		}
	}
	best := ""
	for _, n := range x.byLast[name[strings.LastIndexByte(name, '.')+1:]] {
		if strings.HasSuffix(n, "."+name) && (best == "" || len(n) < len(best)) {
			best = n
		}
	}
	return best
}

func (m *module) text(n *sitter.Node) string {
	if n == nil {
		return ""
	}
	return n.Content(m.src)
}

func line(n *sitter.Node) int { return int(n.StartPoint().Row) + 1 }

// walk calls fn on n and its descendants depth-first in source order; fn
// returns false to skip a node's children.
func walk(n *sitter.Node, fn func(*sitter.Node) bool) {
	walkDepth(n, fn, 0)
}

// maxDepth bounds recursion on deeply nested input.
const maxDepth = 400

func walkDepth(n *sitter.Node, fn func(*sitter.Node) bool, depth int) {
	if n == nil || depth > maxDepth || !fn(n) {
		return
	}
	for i := 0; i < int(n.NamedChildCount()); i++ {
		walkDepth(n.NamedChild(i), fn, depth+1)
	}
}

// index records each module's functions, classes, imports and string
// constants.
func (x *extractor) index(m *module) {
	walk(m.root, func(n *sitter.Node) bool {
		switch n.Type() {
		case "function_definition":
			m.funcs[m.text(n.ChildByFieldName("name"))] = n
			return true
		case "class_definition":
			m.classes[m.text(n.ChildByFieldName("name"))] = n
			return true
		case "import_from_statement":
			x.indexFromImport(m, n)
			return false
		case "import_statement":
			for i := 0; i < int(n.NamedChildCount()); i++ {
				c := n.NamedChild(i)
				switch c.Type() {
				case "dotted_name":
					name := m.text(c)
					first, _, _ := strings.Cut(name, ".")
					m.imports[first] = importRef{module: x.resolveModule(first), path: first}
				case "aliased_import":
					full := m.text(c.ChildByFieldName("name"))
					m.imports[m.text(c.ChildByFieldName("alias"))] = importRef{module: x.resolveModule(full), path: full}
				}
			}
			return false
		case "string", "comment", "identifier", "attribute", "integer", "float", "call", "binary_operator", "comparison_operator", "boolean_operator", "subscript", "lambda", "list_comprehension", "dictionary_comprehension", "generator_expression", "dictionary", "list", "tuple", "return_statement", "raise_statement":
			// Expressions hold no definitions, imports or constants.
			return false
		case "assignment":
			left, right := n.ChildByFieldName("left"), n.ChildByFieldName("right")
			if left != nil && left.Type() == "identifier" && right != nil && right.Type() == "string" {
				if v, ok := m.stringValue(right, nil); ok {
					x.addConst(m.text(left), v)
				}
			}
			if left != nil && right != nil && left.Type() == "identifier" && (strings.Contains(m.text(right), "Depends(") || strings.Contains(m.text(right), "Security(")) {
				if m.depAliases == nil {
					m.depAliases = map[string]*sitter.Node{}
				}
				m.depAliases[m.text(left)] = right
			}
			if left != nil && m.text(left) == "MIDDLEWARE" && strings.Contains(m.text(right), "django.middleware.csrf.CsrfViewMiddleware") {
				x.csrfDj = true
			}
			if left != nil && right != nil && left.Type() == "identifier" {
				switch name := m.text(left); {
				case right.Type() == "call":
					m.calls[name] = right
					if m.isDRFRouterCtor(right) {
						m.drfRouters[name] = right
					}
				case (right.Type() == "list" || right.Type() == "tuple" || right.Type() == "binary_operator") && n.Parent() != nil && n.Parent().Parent() != nil && n.Parent().Parent().Type() == "module":
					m.lists[name] = right
				case name == "REST_FRAMEWORK" && right.Type() == "dictionary":
					x.restFramework = &nodeIn{m: m, n: right}
				case name == "ROOT_URLCONF":
					if v, ok := m.stringValue(right, nil); ok {
						x.rootURLConf = v
						x.settingsModule = m.name
					}
				}
			}
			return false
		}
		return true
	})
}

func (x *extractor) indexFromImport(m *module, n *sitter.Node) {
	modNode := n.ChildByFieldName("module_name")
	modName := m.text(modNode)
	if strings.HasPrefix(modName, ".") {
		modName = relativeModule(m, modName)
	}
	resolved := x.resolveModule(modName)
	for i := 0; i < int(n.NamedChildCount()); i++ {
		c := n.NamedChild(i)
		if c.Type() == "wildcard_import" {
			// from .views import *: names are looked up there too.
			if resolved != "" {
				m.starImports = append(m.starImports, resolved)
			}
			continue
		}
		if c.Equal(modNode) {
			continue
		}
		var name, alias string
		switch c.Type() {
		case "dotted_name":
			name = m.text(c)
			alias = name
		case "aliased_import":
			name = m.text(c.ChildByFieldName("name"))
			alias = m.text(c.ChildByFieldName("alias"))
		default:
			continue
		}
		// "from pkg import views" may import a submodule rather than a
		// name defined in pkg.
		if sub := x.resolveModule(strings.TrimPrefix(modName+"."+name, ".")); sub != "" && (resolved == "" || x.mods[resolved] == nil || x.mods[resolved].funcs[name] == nil) {
			if _, ok := x.mods[sub]; ok {
				m.imports[alias] = importRef{module: sub}
				continue
			}
		}
		m.imports[alias] = importRef{module: resolved, name: name, path: modName}
	}
}

// relativeModule resolves ".views" or "..core" against the importing module.
func relativeModule(m *module, rel string) string {
	dots := len(rel) - len(strings.TrimLeft(rel, "."))
	base := m.name
	if !m.isPkg {
		if i := strings.LastIndexByte(base, '.'); i >= 0 {
			base = base[:i]
		} else {
			base = ""
		}
	}
	for i := 1; i < dots; i++ {
		if j := strings.LastIndexByte(base, '.'); j >= 0 {
			base = base[:j]
		} else {
			base = ""
		}
	}
	rest := strings.TrimLeft(rel, ".")
	switch {
	case base == "":
		return rest
	case rest == "":
		return base
	}
	return base + "." + rest
}

// stringValue evaluates a string expression: a literal, an f-string whose
// interpolations name known constants, a concatenation, or a constant.
func (m *module) stringValue(n *sitter.Node, consts map[string]string) (string, bool) {
	return m.stringDepth(n, consts, 0, nil)
}

// unknownPiece marks a piece of a path that is only known at run time.
const unknownPiece = "\x01"

// pathValue evaluates a path or prefix expression like stringValue, but a
// piece known only at run time (settings.PREFIX that is not a constant,
// os.getenv("PREFIX"), a parameter) becomes a placeholder: {prefix} at the
// start, {name} elsewhere. whole tells whether a wholly unknown expression
// may stand as {prefix} (a mount prefix) or is unresolved (a route path).
func (m *module) pathValue(n *sitter.Node, consts map[string]string, whole bool) (string, bool) {
	if n == nil {
		return "", false
	}
	unknown := false
	v, ok := m.stringDepth(n, consts, 0, &unknown)
	if !ok {
		return "", false
	}
	if !unknown {
		return v, true
	}
	if v == unknownPiece && !whole {
		return "", false
	}
	for strings.Contains(v, unknownPiece+unknownPiece) {
		v = strings.ReplaceAll(v, unknownPiece+unknownPiece, unknownPiece)
	}
	var b strings.Builder
	for i, part := range strings.Split(v, unknownPiece) {
		if i > 0 {
			if b.Len() == 0 || b.String() == "/" {
				b.WriteString("{prefix}")
			} else {
				b.WriteString("{param}")
			}
		}
		b.WriteString(part)
	}
	out := b.String()
	if !strings.HasPrefix(out, "/") && strings.HasPrefix(out, "{prefix}") {
		out = "/" + out
	}
	return out, true
}

func (m *module) stringDepth(n *sitter.Node, consts map[string]string, depth int, unknown *bool) (string, bool) {
	if n == nil || depth > 16 {
		return "", false
	}
	if unknown != nil {
		switch n.Type() {
		case "identifier", "attribute", "call", "subscript":
			if v, ok := m.stringDepth(n, consts, depth+1, nil); ok {
				return v, true
			}
			*unknown = true
			return unknownPiece, true
		}
	}
	switch n.Type() {
	case "string":
		var b strings.Builder
		for i := 0; i < int(n.NamedChildCount()); i++ {
			c := n.NamedChild(i)
			switch c.Type() {
			case "string_content", "escape_sequence":
				b.WriteString(m.text(c))
			case "interpolation":
				v, ok := m.stringDepth(c.ChildByFieldName("expression"), consts, depth+1, unknown)
				if !ok {
					return "", false
				}
				b.WriteString(v)
			}
		}
		return b.String(), true
	case "concatenated_string":
		var b strings.Builder
		for i := 0; i < int(n.NamedChildCount()); i++ {
			v, ok := m.stringDepth(n.NamedChild(i), consts, depth+1, unknown)
			if !ok {
				return "", false
			}
			b.WriteString(v)
		}
		return b.String(), true
	case "binary_operator":
		if op := n.ChildByFieldName("operator"); op == nil || m.text(op) != "+" {
			return "", false
		}
		l, ok1 := m.stringDepth(n.ChildByFieldName("left"), consts, depth+1, unknown)
		r, ok2 := m.stringDepth(n.ChildByFieldName("right"), consts, depth+1, unknown)
		return l + r, ok1 && ok2
	case "parenthesized_expression":
		return m.stringDepth(n.NamedChild(0), consts, depth+1, unknown)
	case "identifier", "attribute":
		name := m.text(n)
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			name = name[i+1:]
		}
		if v, ok := consts[name]; ok && v != "\x00" {
			return v, true
		}
	}
	return "", false
}

// addConst records a string constant; a name given two different values
// in the scanned code is ambiguous and resolves to nothing.
func (x *extractor) addConst(name, v string) {
	if old, dup := x.consts[name]; dup && old != v {
		x.consts[name] = "\x00"
		return
	}
	x.consts[name] = v
}

// constLine matches a plain string constant on a line of its own, at
// module or class level: NAME = "value" or NAME: str = "value".
var constLine = regexp.MustCompile(`(?m)^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[ \t]*[A-Za-z_][A-Za-z0-9_.\[\]]*[ \t]*)?=[ \t]*[rRuU]?("[^"\\\n]*"|'[^'\\\n]*')[ \t]*(?:#.*)?$`)

// lineConsts reads the string constants of a file that is not parsed.
func (x *extractor) lineConsts(src []byte) {
	if !bytes.Contains(src, []byte("=")) {
		return
	}
	for _, mm := range constLine.FindAllSubmatch(src, -1) {
		v := string(mm[2])
		x.addConst(string(mm[1]), v[1:len(v)-1])
	}
}
