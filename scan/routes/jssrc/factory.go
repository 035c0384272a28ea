package jssrc

import (
	sitter "github.com/smacker/go-tree-sitter"
)

// factoryRouter resolves a call to a function of the project that builds
// and returns a router (export default () => { const app = Router(); ...;
// return app }, mounted as app.use('/api', routes())) to that router. The
// router's id depends on its node only, so it is the one the function's
// own analysis registered its routes and mounts on.
func (x *extractor) factoryRouter(m *module, call *sitter.Node, depth int) (routerRef, bool) {
	// Factories calling factories (or themselves) end here: eval comes
	// back in for every call a factory returns.
	if x.factories > 8 || depth > 4 {
		return routerRef{}, false
	}
	x.factories++
	defer func() { x.factories-- }()
	fm, fn := x.calledFunc(m, call.ChildByFieldName("function"), 0)
	if fn == nil {
		return routerRef{}, false
	}
	body := fn.ChildByFieldName("body")
	if body == nil {
		return routerRef{}, false
	}
	if body.Type() != "statement_block" {
		// () => Router()
		return x.factoryValue(fm, fn, body, depth)
	}
	var out routerRef
	found := false
	walk(body, func(n *sitter.Node) bool {
		if found || n != body && isFunc(n) {
			return false
		}
		if n.Type() == "return_statement" && n.NamedChildCount() > 0 {
			if r, ok := x.factoryValue(fm, fn, n.NamedChild(0), depth); ok {
				out, found = r, true
			}
			return false
		}
		return true
	})
	return out, found
}

// factoryValue evaluates what a factory returns: a router built in place,
// or a local variable holding one (its initialiser is evaluated afresh).
func (x *extractor) factoryValue(m *module, fn, v *sitter.Node, depth int) (routerRef, bool) {
	if v.Type() == "identifier" {
		name := m.text(v)
		var init *sitter.Node
		walk(fn, func(n *sitter.Node) bool {
			if init != nil {
				return false
			}
			if n.Type() == "variable_declarator" && m.text(n.ChildByFieldName("name")) == name {
				init = n.ChildByFieldName("value")
				return false
			}
			return true
		})
		if init == nil {
			return routerRef{}, false
		}
		v = init
	}
	if v.Type() == "call_expression" {
		if r, ok := x.eval(m, v, env{}); ok {
			return r, true
		}
		return x.factoryRouter(m, v, depth+1)
	}
	return x.eval(m, v, env{})
}

// calledFunc returns the module and the function node a callee names: a
// function of the same module, or one another module exports.
func (x *extractor) calledFunc(m *module, callee *sitter.Node, depth int) (*module, *sitter.Node) {
	if callee == nil || callee.Type() != "identifier" || depth > 8 {
		return nil, nil
	}
	name := m.text(callee)
	if f, ok := m.funcs[name]; ok {
		return m, f
	}
	ref, ok := m.imports[name]
	if !ok {
		return nil, nil
	}
	return x.exportedFunc(ref.file, ref.name, depth+1)
}

// exportedFunc returns the function a module exports under name.
func (x *extractor) exportedFunc(file, name string, depth int) (*module, *sitter.Node) {
	m := x.mods[file]
	if m == nil || depth > 8 {
		return nil, nil
	}
	v, ok := m.exports[name]
	if !ok {
		return nil, nil
	}
	if v.Type() == "identifier" {
		n := m.text(v)
		if f, ok := m.funcs[n]; ok {
			return m, f
		}
		if ref, ok := m.imports[n]; ok {
			return x.exportedFunc(ref.file, ref.name, depth+1)
		}
		return nil, nil
	}
	if isFunc(v) {
		return m, v
	}
	return nil, nil
}
