package jssrc

import (
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/scan/routes/graph"
	"github.com/threatmap/threatmap/scan/routes/guard"
)

// nestApp is the router every NestJS controller is mounted on, carrying
// the global prefix and global guards.
const nestApp = "nest:app"

var nestVerbs = map[string]string{
	"Get": "GET", "Post": "POST", "Put": "PUT", "Patch": "PATCH", "Delete": "DELETE",
	"Head": "HEAD", "Options": "OPTIONS", "All": "ANY",
}

// nest reads NestJS controllers, the global prefix and global guards.
func (x *extractor) nest(m *module) {
	walk(m.root, func(n *sitter.Node) bool {
		switch n.Type() {
		case "class_declaration", "class":
			x.controller(m, n)
		case "call_expression":
			fn := n.ChildByFieldName("function")
			if fn != nil && fn.Type() == "member_expression" {
				switch m.text(fn.ChildByFieldName("property")) {
				case "setGlobalPrefix":
					if a := argList(n.ChildByFieldName("arguments")); len(a) > 0 {
						if p, ok := x.stringValue(m, a[0]); ok {
							x.nestPrefix = p
						} else {
							// From configuration or the environment: known
							// only at run time.
							x.nestPrefix = "{prefix}"
						}
						if len(a) > 1 && a[1].Type() == "object" {
							for _, v := range x.objectPaths(m, a[1], "exclude") {
								x.nestExclude = append(x.nestExclude, v)
							}
						}
					}
				case "enableVersioning":
					// URI versioning puts /v{version} before a versioned
					// controller's path.
					if a := argList(n.ChildByFieldName("arguments")); len(a) > 0 && strings.Contains(m.text(a[0]), "URI") {
						x.nestURIVersion = "v"
						for _, v := range x.objectPaths(m, a[0], "prefix") {
							x.nestURIVersion = v
						}
						for _, v := range x.objectPaths(m, a[0], "defaultVersion") {
							x.nestDefaultVersion = v
						}
					}
				case "forRoutes":
					x.nestConsumer(m, n)
				case "useGlobalGuards":
					adds, _ := guard.Kinds(m.text(n.ChildByFieldName("arguments")))
					r := x.g.Router(nestApp)
					for _, k := range adds {
						r.Guards = append(r.Guards, graph.Guard{Kind: k, File: m.rel, Line: line(n)})
					}
				}
			}
		case "object":
			// { provide: APP_GUARD, useClass: ThrottlerGuard }
			t := m.text(n)
			if strings.Contains(t, "APP_GUARD") && strings.Contains(t, "provide") {
				for i := 0; i < int(n.NamedChildCount()); i++ {
					p := n.NamedChild(i)
					if p.Type() == "pair" && (m.text(p.ChildByFieldName("key")) == "useClass" || m.text(p.ChildByFieldName("key")) == "useExisting") {
						adds, _ := guard.Kinds(m.text(p.ChildByFieldName("value")))
						r := x.g.Router(nestApp)
						for _, k := range adds {
							r.Guards = append(r.Guards, graph.Guard{Kind: k, File: m.rel, Line: line(n)})
						}
					}
				}
			}
		}
		return true
	})
}

// swagger tells OpenAPI documentation decorators (@ApiBearerAuth,
// @ApiSecurity) apart from guards: they describe auth, they do not enforce it.
func swagger(name string) bool {
	return strings.HasPrefix(name, "Api") && len(name) > 3 && name[3] >= 'A' && name[3] <= 'Z'
}

// decorators returns the decorators attached to a class: on the class
// node itself or on the export statement around it.
func classDecorators(n *sitter.Node) []*sitter.Node {
	var out []*sitter.Node
	collect := func(p *sitter.Node) {
		for i := 0; i < int(p.NamedChildCount()); i++ {
			if c := p.NamedChild(i); c.Type() == "decorator" {
				out = append(out, c)
			}
		}
	}
	collect(n)
	if p := n.Parent(); p != nil && p.Type() == "export_statement" {
		collect(p)
	}
	return out
}

// decoratorCall splits @Name(args) into the name and its arguments.
func decoratorCall(m *module, d *sitter.Node) (string, []*sitter.Node) {
	if d.NamedChildCount() == 0 {
		return "", nil
	}
	e := d.NamedChild(0)
	if e.Type() == "call_expression" {
		name := m.text(e.ChildByFieldName("function"))
		return lastName(name), argList(e.ChildByFieldName("arguments"))
	}
	return lastName(m.text(e)), nil
}

func (x *extractor) controller(m *module, cls *sitter.Node) {
	decos := classDecorators(cls)
	prefix, version, isController := "", "", false
	var classAdds, classCancels []string
	for _, d := range decos {
		name, args := decoratorCall(m, d)
		if name == "Controller" {
			isController = true
			if len(args) > 0 {
				if p, ok := x.stringValue(m, args[0]); ok {
					prefix = p
				} else if args[0].Type() == "object" {
					for i := 0; i < int(args[0].NamedChildCount()); i++ {
						p := args[0].NamedChild(i)
						if p.Type() == "pair" && m.text(p.ChildByFieldName("key")) == "path" {
							prefix, _ = x.stringValue(m, p.ChildByFieldName("value"))
						}
						if p.Type() == "pair" && m.text(p.ChildByFieldName("key")) == "version" {
							if vs := x.paths(m, p.ChildByFieldName("value")); len(vs) > 0 {
								version = vs[0]
							}
						}
					}
				}
			}
			continue
		}
		if swagger(name) {
			continue
		}
		a, c := guard.Kinds(strings.TrimPrefix(m.text(d), "@"))
		classAdds, classCancels = append(classAdds, a...), append(classCancels, c...)
	}
	if !isController {
		return
	}
	id := "nest:" + m.rel + ":" + m.text(cls.ChildByFieldName("name"))
	r := x.g.Router(id)
	r.Child = true
	r.Prefix = prefix
	if version != "" {
		x.nestVersions[id] = version
	}
	r.Without = append(r.Without, classCancels...)
	for _, k := range classAdds {
		r.Guards = append(r.Guards, graph.Guard{Kind: k, File: m.rel, Line: line(cls)})
	}
	app := x.g.Router(nestApp)
	app.Mounts = append(app.Mounts, graph.Mount{Child: id, File: m.rel, Line: line(cls)})
	body := cls.ChildByFieldName("body")
	if body == nil {
		return
	}
	// Method decorators precede the method_definition they belong to.
	var pending []*sitter.Node
	for i := 0; i < int(body.NamedChildCount()); i++ {
		c := body.NamedChild(i)
		switch c.Type() {
		case "decorator":
			pending = append(pending, c)
			continue
		case "comment":
			continue
		case "method_definition":
			for j := 0; j < int(c.NamedChildCount()); j++ {
				if d := c.NamedChild(j); d.Type() == "decorator" {
					pending = append(pending, d)
				}
			}
			x.nestMethod(m, id, c, pending)
		}
		pending = nil
	}
}

func (x *extractor) nestMethod(m *module, id string, meth *sitter.Node, decos []*sitter.Node) {
	type reg struct {
		verb string
		path string
		line int
	}
	var regs []reg
	var adds, cancels []string
	for _, d := range decos {
		name, args := decoratorCall(m, d)
		if v, ok := nestVerbs[name]; ok {
			ps := []string{""}
			if len(args) > 0 {
				ps = x.paths(m, args[0])
			}
			for _, p := range ps {
				regs = append(regs, reg{verb: v, path: p, line: line(d)})
			}
			continue
		}
		if swagger(name) {
			continue
		}
		a, c := guard.Kinds(strings.TrimPrefix(m.text(d), "@"))
		adds, cancels = append(adds, a...), append(cancels, c...)
	}
	if len(regs) == 0 {
		return
	}
	adds = append(adds, x.bodyGuards(m, meth, 1)...)
	r := x.g.Router(id)
	for _, rg := range regs {
		r.Routes = append(r.Routes, graph.Route{
			Method: rg.verb, Path: graph.Params(rg.path), File: m.rel, Line: rg.line, Handler: m.text(meth.ChildByFieldName("name")), Framework: NestJS, Guards: adds, Without: cancels,
		})
	}
}

// nestMiddleware is consumer.apply(mw).forRoutes(target): guards for the
// routes a target names.
type nestMiddleware struct {
	kinds      []string
	method     string // "" for every method
	path       string // relative to the global prefix; "" with controller set
	controller string // a controller class name
}

// nestConsumer reads consumer.apply(AuthMiddleware).forRoutes(...) with
// string paths, { path, method } objects or controller classes.
func (x *extractor) nestConsumer(m *module, forRoutes *sitter.Node) {
	fn := forRoutes.ChildByFieldName("function")
	apply := fn.ChildByFieldName("object")
	for i := 0; i < 8 && apply != nil && apply.Type() == "call_expression"; i++ {
		afn := apply.ChildByFieldName("function")
		if afn != nil && afn.Type() == "member_expression" && m.text(afn.ChildByFieldName("property")) == "apply" {
			break
		}
		if afn == nil || afn.Type() != "member_expression" {
			return
		}
		apply = afn.ChildByFieldName("object") // skip .exclude(...)
	}
	if apply == nil || apply.Type() != "call_expression" {
		return
	}
	var kinds []string
	for _, a := range argList(apply.ChildByFieldName("arguments")) {
		k, _ := guard.Kinds(m.text(a))
		kinds = append(kinds, k...)
	}
	if len(kinds) == 0 {
		return
	}
	for _, a := range argList(forRoutes.ChildByFieldName("arguments")) {
		switch a.Type() {
		case "string", "template_string":
			if p, ok := x.stringValue(m, a); ok {
				x.nestMW = append(x.nestMW, nestMiddleware{kinds: kinds, path: p})
			}
		case "identifier":
			x.nestMW = append(x.nestMW, nestMiddleware{kinds: kinds, controller: m.text(a)})
		case "object":
			mw := nestMiddleware{kinds: kinds}
			for i := 0; i < int(a.NamedChildCount()); i++ {
				p := a.NamedChild(i)
				if p.Type() != "pair" {
					continue
				}
				switch m.text(p.ChildByFieldName("key")) {
				case "path":
					mw.path, _ = x.stringValue(m, p.ChildByFieldName("value"))
				case "method":
					meth := lastName(m.text(p.ChildByFieldName("value")))
					if meth != "ALL" {
						mw.method = meth
					}
				}
			}
			x.nestMW = append(x.nestMW, mw)
		}
	}
}

// shape reduces a path for comparison: parameters of any name are equal
// and the slashes at either end do not count.
func shape(p string) string {
	segs := strings.Split(strings.Trim(graph.Params(p), "/"), "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

// finishNest applies the global prefix and consumer middleware once every
// file has been read.
func (x *extractor) finishNest() {
	app, ok := x.g.Lookup(nestApp)
	if !ok {
		return
	}
	app.Prefix = x.nestPrefix
	for _, mt := range app.Mounts {
		ctrl, ok := x.g.Lookup(mt.Child)
		if !ok {
			continue
		}
		if x.nestURIVersion != "" {
			v := x.nestVersions[mt.Child]
			if v == "" {
				v = x.nestDefaultVersion
			}
			if v != "" {
				ctrl.Prefix = graph.Join(x.nestURIVersion+v, ctrl.Prefix)
			}
		}
		x.nestExcluded(ctrl)
		className := mt.Child[strings.LastIndexByte(mt.Child, ':')+1:]
		for i := range ctrl.Routes {
			rt := &ctrl.Routes[i]
			full := shape(graph.Join(ctrl.Prefix, rt.Path))
			for _, mw := range x.nestMW {
				switch {
				case mw.controller != "":
					if mw.controller != className {
						continue
					}
				case mw.method != "" && mw.method != rt.Method:
					continue
				case mw.path == "*" || strings.HasSuffix(mw.path, "/*") && strings.HasPrefix(full, shape(strings.TrimSuffix(mw.path, "*"))):
				case shape(mw.path) != full:
					continue
				}
				rt.Guards = append(rt.Guards, mw.kinds...)
			}
		}
	}
}

// objectPaths returns the string values of key in an object literal (a
// string or an array of strings).
func (x *extractor) objectPaths(m *module, obj *sitter.Node, key string) []string {
	for i := 0; i < int(obj.NamedChildCount()); i++ {
		p := obj.NamedChild(i)
		if p.Type() == "pair" && trimQuotes(m.text(p.ChildByFieldName("key"))) == key {
			return x.paths(m, p.ChildByFieldName("value"))
		}
	}
	return nil
}

// nestExcluded moves the routes of a controller that setGlobalPrefix's
// exclude list names out from under the global prefix, onto a root router
// of their own, with the controller's guards.
func (x *extractor) nestExcluded(ctrl *graph.Router) {
	if len(x.nestExclude) == 0 {
		return
	}
	kept := ctrl.Routes[:0]
	for _, rt := range ctrl.Routes {
		full := graph.Join(ctrl.Prefix, rt.Path)
		excluded := false
		for _, ex := range x.nestExclude {
			if shape(graph.Join("", ex)) == shape(full) {
				excluded = true
			}
		}
		if !excluded {
			kept = append(kept, rt)
			continue
		}
		rt.Path = full
		for _, g := range ctrl.Guards {
			rt.Guards = append(rt.Guards, g.Kind)
		}
		rt.Without = append(rt.Without, ctrl.Without...)
		root := x.g.Router(nestApp + ":excluded")
		root.Routes = append(root.Routes, rt)
	}
	ctrl.Routes = kept
}
