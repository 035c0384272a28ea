package pysrc

import (
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/scan/routes/graph"
)

// Flask-RESTX, Flask-RESTPlus and Flask-RESTful: an Api bound to an app or
// blueprint, Namespaces added to it, and Resource classes routed with
// @ns.route(...) or api.add_resource(...), whose get/post/... methods are
// the routes.

// restxModules are the packages whose Api and Namespace are routers.
var restxModules = []string{"flask_restx", "flask_restplus", "flask_restful"}

func (m *module) usesRestx() bool {
	if m.restx == 0 {
		m.restx = -1
		for _, p := range restxModules {
			if m.importsModule(p) {
				m.restx = 1
			}
		}
	}
	return m.restx > 0
}

// restxConstructor tells whether a call creates an Api or a Namespace.
func (m *module) restxConstructor(call *sitter.Node) (string, bool) {
	fn := m.text(call.ChildByFieldName("function"))
	last := fn[strings.LastIndexByte(fn, '.')+1:]
	if (last == "Api" || last == "Namespace") && m.usesRestx() {
		return Flask, true
	}
	// ns = api.namespace("todos", path="/todos")
	if last == "namespace" && strings.Contains(fn, ".") && m.usesRestx() {
		return Flask, true
	}
	return "", false
}

// enclosingClass returns the class whose body holds an assignment.
func enclosingClass(n *sitter.Node) *sitter.Node {
	p := n.Parent()
	if p == nil || p.Type() != "expression_statement" {
		return nil
	}
	if b := p.Parent(); b != nil && b.Type() == "block" {
		if c := b.Parent(); c != nil && c.Type() == "class_definition" {
			return c
		}
	}
	return nil
}

// restxRouter sets up an Api or Namespace router from its constructor:
// Namespace("auth") is served under /auth unless a path is given;
// Api(app_or_blueprint, prefix=...) is mounted on its target.
func (x *extractor) restxRouter(m *module, r *graph.Router, call *sitter.Node) {
	fn := m.text(call.ChildByFieldName("function"))
	last := fn[strings.LastIndexByte(fn, '.')+1:]
	switch last {
	case "Namespace", "namespace":
		r.Child = true
		if v, ok := m.pathValue(m.kwarg(call, "path"), x.consts, true); ok {
			r.Prefix = v
		} else if name, ok := m.stringValue(posarg(call, 0), x.consts); ok {
			r.Prefix = "/" + name
		}
		if last == "namespace" {
			// api.namespace(...) adds it to the api at once.
			if api, ok := x.lookup(m, call.ChildByFieldName("function").ChildByFieldName("object")); ok {
				pr := x.g.Router(api.id)
				pr.Mounts = append(pr.Mounts, graph.Mount{Child: r.ID, File: m.rel, Line: line(call)})
			}
		}
	case "Api":
		r.Child = true
		if v, ok := m.pathValue(m.kwarg(call, "prefix"), x.consts, true); ok {
			r.Prefix = v
		}
		target := posarg(call, 0)
		if t := m.kwarg(call, "app"); t != nil {
			target = t
		}
		if target == nil {
			return // bound later with api.init_app(app)
		}
		if parent, ok := x.lookup(m, target); ok {
			pr := x.g.Router(parent.id)
			pr.Mounts = append(pr.Mounts, graph.Mount{Child: r.ID, File: m.rel, Line: line(call)})
			return
		}
		// Api(app) on an app handed in as a parameter: served by an app
		// the scanner does not trace to this call.
		if x.mountedElsewhere == nil {
			x.mountedElsewhere = map[string]bool{}
		}
		x.mountedElsewhere[r.ID] = true
	}
}

// restxInitApp reads api.init_app(app_or_blueprint).
func (x *extractor) restxInitApp(m *module, api routerRef, call *sitter.Node) bool {
	if !m.usesRestx() && !x.isRestxRouter(api.id) {
		return false
	}
	parent, ok := x.lookup(m, posarg(call, 0))
	if !ok || parent.id == api.id {
		return false
	}
	pr := x.g.Router(parent.id)
	pr.Mounts = append(pr.Mounts, graph.Mount{Child: api.id, File: m.rel, Line: line(call)})
	return true
}

func (x *extractor) isRestxRouter(id string) bool {
	for _, n := range x.names {
		m := x.mods[n]
		for name, calls := range m.routerCalls {
			if routerID(m.name, name) == id && len(calls) > 0 {
				_, ok := m.restxConstructor(calls[0])
				return ok
			}
		}
	}
	return false
}

// restxCall reads api.add_namespace(ns, path=...) and
// api.add_resource(Resource, "/a", "/b").
func (x *extractor) restxCall(m *module, api routerRef, call *sitter.Node, attr string) bool {
	switch attr {
	case "add_namespace":
		child, ok := x.lookup(m, posarg(call, 0))
		if !ok {
			x.unresolve(m, call, "add_namespace of "+clip(m.text(posarg(call, 0)))+", which is not a namespace the scanner can trace")
			x.mountDoubt = true
			return true
		}
		mt := graph.Mount{Child: child.id, File: m.rel, Line: line(call)}
		if p, ok := m.pathValue(m.kwarg(call, "path"), x.consts, true); ok {
			mt.Prefix, mt.Replace = p, true
		} else if p, ok := m.pathValue(posarg(call, 1), x.consts, true); ok {
			mt.Prefix, mt.Replace = p, true
		}
		pr := x.g.Router(api.id)
		x.g.Router(child.id)
		pr.Mounts = append(pr.Mounts, mt)
		return true
	case "add_resource":
		res := posarg(call, 0)
		tm, cls := x.resolveClass(m, res)
		if cls == nil {
			x.unresolve(m, call, "add_resource of "+clip(m.text(res))+", a class not defined in the scanned code")
			return true
		}
		var paths []string
		args := call.ChildByFieldName("arguments")
		for i := 1; args != nil; i++ {
			a := posarg(call, i)
			if a == nil {
				break
			}
			p, ok := m.pathValue(a, x.consts, false)
			if !ok {
				x.unresolve(m, call, "add_resource path "+clip(m.text(a))+" is not known before run time")
				continue
			}
			paths = append(paths, p)
		}
		x.resourceRoutes(tm, cls, nil, api, paths, m, line(call))
		return true
	}
	return false
}

// resourceClass reads a Resource class decorated with @ns.route(path).
func (x *extractor) resourceClass(m *module, dd, cls *sitter.Node) {
	var r routerRef
	var paths []string
	var others []*sitter.Node
	ln := 0
	for i := 0; i < int(dd.NamedChildCount()); i++ {
		d := dd.NamedChild(i)
		if d.Type() != "decorator" || d.NamedChildCount() == 0 {
			continue
		}
		e := d.NamedChild(0)
		if e.Type() == "call" {
			if fn := e.ChildByFieldName("function"); fn != nil && fn.Type() == "attribute" && m.text(fn.ChildByFieldName("attribute")) == "route" {
				if ns, ok := x.lookup(m, fn.ChildByFieldName("object")); ok {
					r = ns
					if ln == 0 {
						ln = line(d)
					}
					for j := 0; ; j++ {
						a := posarg(e, j)
						if a == nil {
							break
						}
						if p, ok := m.pathValue(a, x.consts, false); ok {
							paths = append(paths, p)
						} else {
							x.unresolve(m, d, "route path "+clip(m.text(a))+" is not known before run time")
						}
					}
					continue
				}
			}
		}
		others = append(others, d)
	}
	if r.id == "" {
		return
	}
	x.resourceRoutes(m, cls, others, r, paths, m, ln)
}

// resourceRoutes adds a route per path and HTTP method the Resource class
// defines, with the guards of the class's decorators and
// method_decorators/decorators attributes and of each method.
func (x *extractor) resourceRoutes(m *module, cls *sitter.Node, classDecos []*sitter.Node, r routerRef, paths []string, at *module, ln int) {
	var common, without []string
	for _, d := range classDecos {
		a, c := guardKinds(m.decoratorWords(d))
		common, without = append(common, a...), append(without, c...)
	}
	body := cls.ChildByFieldName("body")
	if body == nil {
		return
	}
	perMethod := map[string][]string{}
	for i := 0; i < int(body.NamedChildCount()); i++ {
		st := body.NamedChild(i)
		if st.Type() != "expression_statement" || st.NamedChildCount() == 0 || st.NamedChild(0).Type() != "assignment" {
			continue
		}
		as := st.NamedChild(0)
		switch m.text(as.ChildByFieldName("left")) {
		case "method_decorators", "decorators":
			right := as.ChildByFieldName("right")
			if right != nil && right.Type() == "dictionary" {
				for j := 0; j < int(right.NamedChildCount()); j++ {
					p := right.NamedChild(j)
					if p.Type() != "pair" {
						continue
					}
					if k, ok := m.stringValue(p.ChildByFieldName("key"), nil); ok {
						a, _ := guardKinds(m.codeWords(p.ChildByFieldName("value")))
						perMethod[strings.ToUpper(k)] = append(perMethod[strings.ToUpper(k)], a...)
					}
				}
				continue
			}
			a, c := guardKinds(m.codeWords(right))
			common, without = append(common, a...), append(without, c...)
		}
	}
	name := m.text(cls.ChildByFieldName("name"))
	for i := 0; i < int(body.NamedChildCount()); i++ {
		st := body.NamedChild(i)
		def := st
		if st.Type() == "decorated_definition" {
			def = st.ChildByFieldName("definition")
		}
		if def == nil || def.Type() != "function_definition" {
			continue
		}
		meth, ok := routeMethods[m.text(def.ChildByFieldName("name"))]
		if !ok {
			continue
		}
		guards := append(append([]string{}, common...), perMethod[meth]...)
		guards = append(guards, x.funcGuards(m, def, 2)...)
		if st.Type() == "decorated_definition" {
			for j := 0; j < int(st.NamedChildCount()); j++ {
				if d := st.NamedChild(j); d.Type() == "decorator" {
					a, c := guardKinds(m.decoratorWords(d))
					guards, without = append(guards, a...), append(without, c...)
				}
			}
		}
		for _, p := range paths {
			x.addRoute(r.id, graph.Route{Method: meth, Path: graph.Params(p), File: at.rel, Line: ln, Handler: name + "." + strings.ToLower(meth), Framework: r.fw, Guards: guards, Without: without})
		}
	}
}
