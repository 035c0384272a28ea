// Package gosrc finds the HTTP routes a Go program registers, reading its
// source with go/ast: net/http (including Go 1.22 method patterns), chi,
// gin, echo, gorilla/mux, fiber and ozzo-routing. Routers are followed through variables,
// struct fields, groups, sub-routers, mounts, functions that take a router
// and functions that return one, within a package and across the packages
// of one module. Guards are gathered from router-level middleware, group
// middleware, per-route middleware, handler wrappers and calls made inside
// the handler body (for example webhook.ConstructEvent or hmac.Equal).
package gosrc

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/graph"
)

// Source is one Go file to analyse.
type Source struct {
	// Rel is the file's path relative to the scanned root, forward slashes.
	Rel string
	Src []byte
}

// Module is a go.mod found in the tree: its module path and the directory
// (relative to the root) that holds it.
type Module struct {
	Path string
	Dir  string
}

// ParseError is a file that could not be parsed; its routes are missing.
type ParseError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e ParseError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Framework names as they appear in evidence.Route.Framework.
const (
	NetHTTP = "net/http"
	Chi     = "chi"
	Gin     = "gin"
	Echo    = "echo"
	Gorilla = "gorilla/mux"
	Fiber   = "fiber"
	Ozzo    = "ozzo-routing"
)

// frameworkOf maps an import path to a framework. Only the framework's
// root package counts (with a major-version suffix): the constructors of
// its middleware packages, such as fiber/v2/middleware/limiter.New, are not
// routers.
func frameworkOf(importPath string) string {
	root := func(base string) bool {
		if importPath == base {
			return true
		}
		v, ok := strings.CutPrefix(importPath, base+"/v")
		return ok && v != "" && !strings.Contains(v, "/")
	}
	switch {
	case importPath == "net/http":
		return NetHTTP
	case root("github.com/go-chi/chi"):
		return Chi
	case root("github.com/gin-gonic/gin"):
		return Gin
	case root("github.com/labstack/echo"):
		return Echo
	case root("github.com/gorilla/mux"):
		return Gorilla
	case root("github.com/gofiber/fiber"):
		return Fiber
	case root("github.com/go-ozzo/ozzo-routing"):
		return Ozzo
	}
	return ""
}

// pkg is one directory's worth of parsed files.
type pkg struct {
	dir     string
	name    string
	files   []*file
	funcs   map[string]*ast.FuncDecl // "Name" or "Type.Method"
	methods map[string][]string      // method name -> keys
	fields  map[string]ast.Expr      // "Type.field" -> field type
	consts  map[string]ast.Expr      // package-level string constants and vars
	vars    map[string]ast.Expr      // package-level var initialisers
}

type file struct {
	rel     string
	ast     *ast.File
	imports map[string]string // local name -> import path
}

// analyzer holds the state of one Extract run.
type analyzer struct {
	ctx     context.Context
	fset    *token.FileSet
	pkgs    map[string]*pkg // by dir
	modules []Module
	g       *graph.Graph
	// returns maps a function key to the router it returns.
	returns map[string]string
	// aliases records that one router ID is another (a local variable
	// stored into a struct field, a function's returned router); they are
	// merged once every function has been read.
	aliases   map[string]string
	fieldFWs  map[string]string
	bodyCache map[string][]string
	// built memoises builtRouter.
	built map[string]string
	// dirs indexes packages by directory.
	dirs map[string]*pkg
}

func (a *analyzer) alias(from, to string) {
	if from != to {
		a.aliases[from] = to
	}
}

// resolveAliases merges every aliased router into the one its chain of
// aliases ends at.
func (a *analyzer) resolveAliases() {
	froms := make([]string, 0, len(a.aliases))
	for f := range a.aliases {
		froms = append(froms, f)
	}
	sort.Strings(froms)
	for _, from := range froms {
		to := from
		for i := 0; i < 64; i++ {
			next, ok := a.aliases[to]
			if !ok || next == from {
				break
			}
			to = next
		}
		if to != from {
			a.g.Alias(from, to)
		}
	}
}

// Extract parses the files and returns the routes they register, the
// registrations it saw but could not resolve, and the files that could not
// be parsed. Test files are skipped: routes they
// register are not served.
func Extract(ctx context.Context, srcs []Source, modules []Module) ([]evidence.Route, []evidence.Unresolved, []ParseError) {
	a := &analyzer{ctx: ctx, fset: token.NewFileSet(), pkgs: map[string]*pkg{}, modules: modules, g: graph.New(), returns: map[string]string{}, aliases: map[string]string{}, fieldFWs: map[string]string{}, bodyCache: map[string][]string{}, built: map[string]string{}}
	var errs []ParseError
	var todo []Source
	for _, s := range srcs {
		if !strings.HasSuffix(s.Rel, "_test.go") {
			todo = append(todo, s)
		}
	}
	// Parse on every core (a FileSet is safe for concurrent use), then
	// index in input order so results do not depend on scheduling.
	files := make([]*ast.File, len(todo))
	perrs := make([]error, len(todo))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(runtime.GOMAXPROCS(0), 8, len(todo)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				files[i], perrs[i] = parser.ParseFile(a.fset, todo[i].Rel, todo[i].Src, parser.SkipObjectResolution)
			}
		}()
	}
	for i := range todo {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	for i, s := range todo {
		if perrs[i] != nil {
			errs = append(errs, toParseError(s.Rel, perrs[i]))
		}
		if files[i] != nil {
			a.add(s.Rel, files[i])
		}
	}
	dirs := make([]string, 0, len(a.pkgs))
	for d := range a.pkgs {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		if ctx.Err() != nil {
			break
		}
		a.analyzePackage(a.pkgs[d])
	}
	for fn, id := range a.returns {
		a.alias("ret:"+fn, id)
	}
	a.resolveAliases()
	// A router parameter of a declared function only serves when some
	// code calls the function with a router; if none does, the routes it
	// registers are unmounted.
	a.g.Each(func(r *graph.Router) {
		if strings.HasPrefix(r.ID, "param:") && !strings.Contains(r.ID, "@") {
			r.Child = true
		}
	})
	a.g.TagUnmounted = true
	return a.g.Flatten(), a.g.Unresolved(), errs
}

func toParseError(rel string, err error) ParseError {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		return ParseError{File: rel, Line: list[0].Pos.Line, Col: list[0].Pos.Column, Msg: list[0].Msg}
	}
	return ParseError{File: rel, Line: 1, Col: 1, Msg: err.Error()}
}

func (a *analyzer) add(rel string, f *ast.File) {
	dir := path.Dir(rel)
	key := dir + "|" + f.Name.Name
	p := a.pkgs[key]
	if p == nil {
		p = &pkg{dir: dir, name: f.Name.Name, funcs: map[string]*ast.FuncDecl{}, methods: map[string][]string{}, fields: map[string]ast.Expr{}, consts: map[string]ast.Expr{}, vars: map[string]ast.Expr{}}
		a.pkgs[key] = p
	}
	fl := &file{rel: rel, ast: f, imports: map[string]string{}}
	for _, im := range f.Imports {
		ip, err := strconv.Unquote(im.Path.Value)
		if err != nil {
			continue
		}
		name := path.Base(ip)
		if strings.HasPrefix(name, "v") && len(name) <= 3 && strings.Contains(ip, "/") {
			name = path.Base(path.Dir(ip)) // .../echo/v4 is imported as echo
		}
		if im.Name == nil && frameworkOf(ip) == Ozzo {
			name = "routing" // the package clause of go-ozzo/ozzo-routing
		}
		if im.Name != nil {
			name = im.Name.Name
		}
		fl.imports[name] = ip
	}
	p.files = append(p.files, fl)
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			k := d.Name.Name
			if d.Recv != nil && len(d.Recv.List) > 0 {
				k = recvType(d.Recv.List[0].Type) + "." + d.Name.Name
				p.methods[d.Name.Name] = append(p.methods[d.Name.Name], k)
			}
			p.funcs[k] = d
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					st, ok := sp.Type.(*ast.StructType)
					if !ok {
						continue
					}
					for _, fd := range st.Fields.List {
						for _, n := range fd.Names {
							p.fields[sp.Name.Name+"."+n.Name] = fd.Type
						}
						if len(fd.Names) == 0 {
							p.fields[sp.Name.Name+"."+recvType(fd.Type)] = fd.Type
						}
					}
				case *ast.ValueSpec:
					for i, n := range sp.Names {
						if i < len(sp.Values) {
							if d.Tok == token.CONST {
								p.consts[n.Name] = sp.Values[i]
							} else {
								p.vars[n.Name] = sp.Values[i]
							}
						}
					}
				}
			}
		}
	}
}

// recvType returns the bare type name of a receiver or field type.
func recvType(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return recvType(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return recvType(t.X)
	case *ast.IndexListExpr:
		return recvType(t.X)
	case *ast.SelectorExpr:
		return t.Sel.Name
	}
	return ""
}

// echoGroupType tells whether a router type of framework fw is an echo
// Group (*echo.Group) rather than the root *echo.Echo.
func echoGroupType(fw string, e ast.Expr) bool {
	return fw == Echo && strings.HasSuffix(exprString(e), ".Group")
}

// routerTypeFramework tells whether a type expression names a router type
// and of which framework.
func routerTypeFramework(e ast.Expr, imports map[string]string) string {
	s := exprString(e)
	s = strings.TrimPrefix(s, "*")
	q, name, ok := strings.Cut(s, ".")
	if !ok {
		return ""
	}
	fw := frameworkOf(imports[q])
	switch fw {
	case NetHTTP:
		if name == "ServeMux" {
			return fw
		}
	case Chi:
		if name == "Router" || name == "Mux" {
			return fw
		}
	case Gin:
		if name == "Engine" || name == "RouterGroup" || name == "IRouter" || name == "IRoutes" {
			return fw
		}
	case Echo:
		if name == "Echo" || name == "Group" {
			return fw
		}
	case Gorilla:
		if name == "Router" {
			return fw
		}
	case Fiber:
		if name == "App" || name == "Router" || name == "Group" {
			return fw
		}
	case Ozzo:
		if name == "Router" || name == "RouteGroup" {
			return fw
		}
	}
	return ""
}

func exprString(e ast.Expr) string {
	var b strings.Builder
	writeExpr(&b, e, 0)
	return b.String()
}

func writeExpr(b *strings.Builder, e ast.Expr, depth int) {
	if depth > 64 {
		b.WriteString("…")
		return
	}
	switch t := e.(type) {
	case *ast.Ident:
		b.WriteString(t.Name)
	case *ast.SelectorExpr:
		writeExpr(b, t.X, depth+1)
		b.WriteByte('.')
		b.WriteString(t.Sel.Name)
	case *ast.StarExpr:
		b.WriteByte('*')
		writeExpr(b, t.X, depth+1)
	case *ast.CallExpr:
		writeExpr(b, t.Fun, depth+1)
		b.WriteString("(…)")
	case *ast.BasicLit:
		b.WriteString(t.Value)
	case *ast.FuncLit:
		b.WriteString("func literal")
	case *ast.ParenExpr:
		writeExpr(b, t.X, depth+1)
	case *ast.UnaryExpr:
		b.WriteString(t.Op.String())
		writeExpr(b, t.X, depth+1)
	case *ast.IndexExpr:
		writeExpr(b, t.X, depth+1)
	case *ast.CompositeLit:
		writeExpr(b, t.Type, depth+1)
		b.WriteString("{…}")
	}
}

// calleeName is the dotted name of a call's function, e.g. "r.Get" or
// "webhook.ConstructEvent".
func calleeName(c *ast.CallExpr) string { return exprString(c.Fun) }
