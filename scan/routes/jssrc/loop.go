package jssrc

import (
	"maps"

	sitter "github.com/smacker/go-tree-sitter"
)

// maxLoopElems bounds how many elements of a constant list a loop is
// unrolled for.
const maxLoopElems = 64

// constArray returns the array literal an expression denotes: an inline
// array or a variable initialised with one.
func (x *extractor) constArray(m *module, n *sitter.Node) *sitter.Node {
	if n == nil {
		return nil
	}
	switch n.Type() {
	case "array":
		return n
	case "identifier":
		if v, ok := m.vars[m.text(n)]; ok && (v.Type() == "array" || v.Type() == "new_expression") {
			return x.constArray(m, v)
		}
	case "parenthesized_expression":
		if n.NamedChildCount() > 0 {
			return x.constArray(m, n.NamedChild(0))
		}
	case "new_expression":
		// new Map([[k, v], ...]) and new Set([...]) iterate their entries.
		if c := m.text(n.ChildByFieldName("constructor")); c == "Map" || c == "Set" {
			if args := n.ChildByFieldName("arguments"); args != nil {
				if a := argList(args); len(a) == 1 {
					return x.constArray(m, a[0])
				}
			}
		}
	}
	return nil
}

// unroll walks body once per element of a constant list, with the loop
// variable (an identifier or a destructuring pattern) bound to the
// element: strings for paths, routers for mounts. Routes registered in
// `for (const page of pages) router.get(`/${page}`, h)` and
// `routes.forEach((r) => router.use(r.path, r.route))` are resolved this way.
// It reports whether the list was constant.
func (x *extractor) unroll(m *module, pattern, list, body *sitter.Node, e env) bool {
	arr := x.constArray(m, list)
	if arr == nil || pattern == nil || body == nil {
		return false
	}
	n := int(arr.NamedChildCount())
	if n > maxLoopElems {
		n = maxLoopElems
	}
	saved := x.bind
	defer func() { x.bind = saved }()
	for i := 0; i < n; i++ {
		elem := arr.NamedChild(i)
		if elem.Type() == "comment" {
			continue
		}
		b := maps.Clone(saved)
		if b == nil {
			b = map[string]string{}
		}
		inner := maps.Clone(e)
		x.bindPattern(m, pattern, elem, b, inner)
		x.bind = b
		x.block(m, body, inner)
	}
	return true
}

// bindPattern binds a loop variable to one element.
func (x *extractor) bindPattern(m *module, pattern, elem *sitter.Node, b map[string]string, e env) {
	switch pattern.Type() {
	case "identifier":
		name := m.text(pattern)
		if s, ok := x.stringValue(m, elem); ok {
			b[name] = s
			return
		}
		if elem.Type() == "object" {
			x.bindObject(m, elem, func(key string) string { return name + "." + key }, b, e)
			return
		}
		if r, ok := x.eval(m, elem, e); ok {
			e[name] = r
		}
	case "object_pattern":
		if elem.Type() != "object" {
			return
		}
		names := map[string]string{}
		for i := 0; i < int(pattern.NamedChildCount()); i++ {
			p := pattern.NamedChild(i)
			switch p.Type() {
			case "shorthand_property_identifier_pattern":
				names[m.text(p)] = m.text(p)
			case "pair_pattern":
				names[trimQuotes(m.text(p.ChildByFieldName("key")))] = m.text(p.ChildByFieldName("value"))
			}
		}
		x.bindObject(m, elem, func(key string) string { return names[key] }, b, e)
	case "array_pattern":
		if elem.Type() != "array" {
			return
		}
		for i := 0; i < int(pattern.NamedChildCount()) && i < int(elem.NamedChildCount()); i++ {
			x.bindPattern(m, pattern.NamedChild(i), elem.NamedChild(i), b, e)
		}
	}
}

func (x *extractor) bindObject(m *module, obj *sitter.Node, name func(string) string, b map[string]string, e env) {
	for i := 0; i < int(obj.NamedChildCount()); i++ {
		p := obj.NamedChild(i)
		var key string
		var val *sitter.Node
		switch p.Type() {
		case "pair":
			key, val = trimQuotes(m.text(p.ChildByFieldName("key"))), p.ChildByFieldName("value")
		case "shorthand_property_identifier":
			key, val = m.text(p), p
		default:
			continue
		}
		target := name(key)
		if target == "" || val == nil {
			continue
		}
		if s, ok := x.stringValue(m, val); ok {
			b[target] = s
		} else if r, ok := x.evalValue(m, val, e); ok {
			e[target] = r
		}
	}
}

// evalValue is eval for a value inside a literal, where a shorthand
// property is an identifier in scope.
func (x *extractor) evalValue(m *module, n *sitter.Node, e env) (routerRef, bool) {
	if n.Type() == "shorthand_property_identifier" {
		name := m.text(n)
		if r, ok := e[name]; ok {
			return r, true
		}
		if ref, ok := m.imports[name]; ok {
			return x.exported(ref.file, ref.name, 0)
		}
		if v, ok := m.vars[name]; ok {
			return x.eval(m, v, env{})
		}
		return routerRef{}, false
	}
	if n.Type() == "identifier" {
		if v, ok := m.vars[m.text(n)]; ok {
			if _, inScope := e[m.text(n)]; !inScope {
				if r, ok := x.eval(m, v, env{}); ok {
					return r, true
				}
			}
		}
	}
	return x.eval(m, n, e)
}

func trimQuotes(s string) string {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"' || s[0] == '`') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// funcParams returns the parameter patterns of a function value.
func funcParams(fn *sitter.Node) []*sitter.Node {
	if p := fn.ChildByFieldName("parameter"); p != nil {
		return []*sitter.Node{p}
	}
	params := fn.ChildByFieldName("parameters")
	if params == nil {
		return nil
	}
	var out []*sitter.Node
	for i := 0; i < int(params.NamedChildCount()); i++ {
		p := params.NamedChild(i)
		switch p.Type() {
		case "required_parameter", "optional_parameter":
			if pat := p.ChildByFieldName("pattern"); pat != nil {
				p = pat
			}
		case "comment":
			continue
		}
		out = append(out, p)
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
