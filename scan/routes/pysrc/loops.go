package pysrc

import (
	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/scan/routes/graph"
)

// loopRegister handles registrations made in a loop over a constant list:
//
//	for route in routes:            # routes = common_routes + user_routes
//	    router.register(route["regex"], route["viewset"])
//	for r in (users.router, items.router):
//	    app.include_router(r, prefix="/api")
//
// Each element of the list, which may be built in other modules, stands in
// for the loop variable. It reports false when the list or the loop's
// shape is not understood, leaving the loop to the ordinary walk (which
// reports what it cannot resolve).
func (x *extractor) loopRegister(m *module, loop *sitter.Node) bool {
	elems, ok := x.constList(m, loop.ChildByFieldName("right"), 0)
	if !ok || len(elems) == 0 || len(elems) > 200 {
		return false
	}
	left := loop.ChildByFieldName("left")
	var vars []string
	switch {
	case left == nil:
		return false
	case left.Type() == "identifier":
		vars = []string{m.text(left)}
	case left.Type() == "pattern_list" || left.Type() == "tuple_pattern":
		for i := 0; i < int(left.NamedChildCount()); i++ {
			vars = append(vars, m.text(left.NamedChild(i)))
		}
	default:
		return false
	}
	// subst resolves an argument expression for one element.
	subst := func(e nodeIn, n *sitter.Node) (nodeIn, bool) {
		switch n.Type() {
		case "identifier":
			name := m.text(n)
			if len(vars) == 1 && name == vars[0] {
				return e, true
			}
			for i, v := range vars {
				if v == name && (e.n.Type() == "tuple" || e.n.Type() == "list") && i < int(e.n.NamedChildCount()) {
					return nodeIn{m: e.m, n: e.n.NamedChild(i)}, true
				}
			}
			return nodeIn{m: m, n: n}, true
		case "subscript":
			// route["regex"] on a dictionary element.
			v, key := n.ChildByFieldName("value"), n.ChildByFieldName("subscript")
			if v == nil || key == nil || len(vars) != 1 || m.text(v) != vars[0] || e.n.Type() != "dictionary" {
				return nodeIn{}, false
			}
			k, ok := m.stringValue(key, nil)
			if !ok {
				return nodeIn{}, false
			}
			for i := 0; i < int(e.n.NamedChildCount()); i++ {
				p := e.n.NamedChild(i)
				if p.Type() == "pair" {
					if pk, ok := e.m.stringValue(p.ChildByFieldName("key"), nil); ok && pk == k {
						return nodeIn{m: e.m, n: p.ChildByFieldName("value")}, true
					}
				}
			}
		}
		return nodeIn{m: m, n: n}, n.Type() == "string" || n.Type() == "attribute"
	}
	body := loop.ChildByFieldName("body")
	if body == nil {
		return false
	}
	handled := false
	walk(body, func(n *sitter.Node) bool {
		if n.Type() != "call" {
			return true
		}
		fn := n.ChildByFieldName("function")
		if fn == nil || fn.Type() != "attribute" {
			return false
		}
		obj, attr := fn.ChildByFieldName("object"), m.text(fn.ChildByFieldName("attribute"))
		for _, e := range elems {
			argFor := func(pos int, kw string) (nodeIn, bool) {
				a := m.kwarg(n, kw)
				if a == nil {
					a = posarg(n, pos)
				}
				if a == nil {
					return nodeIn{}, false
				}
				return subst(e, a)
			}
			switch {
			case attr == "register" && obj.Type() == "identifier" && m.drfRouters[m.text(obj)] != nil:
				x.drfRegisterArgs(m, m.text(obj), n, argFor)
				handled = true
			case attr == "include_router" || attr == "register_blueprint":
				parent, ok := x.lookup(m, obj)
				if !ok {
					return false
				}
				kwName := "router"
				if attr == "register_blueprint" {
					kwName = "blueprint"
				}
				a, ok := argFor(0, kwName)
				if !ok {
					return false
				}
				child, ok := x.lookup(a.m, a.n)
				if !ok {
					x.unresolve(m, n, attr+" in a loop of "+clip(a.m.text(a.n))+", which is not a router the scanner can trace")
					x.mountDoubt = true
					handled = true
					continue
				}
				kw := "url_prefix"
				if attr == "include_router" {
					kw = "prefix"
				}
				prefix, _ := m.pathValue(m.kwarg(n, kw), x.consts, true)
				pr := x.g.Router(parent.id)
				x.g.Router(child.id)
				pr.Mounts = append(pr.Mounts, graph.Mount{Child: child.id, Prefix: prefix, Replace: attr == "register_blueprint", Guards: x.dependencyGuards(m, m.kwarg(n, "dependencies")), File: m.rel, Line: line(n)})
				handled = true
			}
		}
		return false
	})
	return handled
}

// constList resolves an expression to the elements of a constant list:
// a list or tuple literal, a module-level list (here or imported), or a
// concatenation of those.
func (x *extractor) constList(m *module, n *sitter.Node, depth int) ([]nodeIn, bool) {
	if n == nil || depth > 8 {
		return nil, false
	}
	switch n.Type() {
	case "list", "tuple":
		var out []nodeIn
		for i := 0; i < int(n.NamedChildCount()); i++ {
			if c := n.NamedChild(i); c.Type() != "comment" {
				out = append(out, nodeIn{m: m, n: c})
			}
		}
		return out, true
	case "parenthesized_expression":
		return x.constList(m, n.NamedChild(0), depth+1)
	case "binary_operator":
		if op := n.ChildByFieldName("operator"); op == nil || m.text(op) != "+" {
			return nil, false
		}
		l, ok1 := x.constList(m, n.ChildByFieldName("left"), depth+1)
		r, ok2 := x.constList(m, n.ChildByFieldName("right"), depth+1)
		return append(l, r...), ok1 && ok2
	case "identifier":
		name := m.text(n)
		if l := m.lists[name]; l != nil {
			return x.constList(m, l, depth+1)
		}
		if ref, ok := m.imports[name]; ok && ref.name != "" {
			if tm := x.mods[ref.module]; tm != nil {
				if l := tm.lists[ref.name]; l != nil {
					return x.constList(tm, l, depth+1)
				}
			}
		}
	}
	return nil, false
}
