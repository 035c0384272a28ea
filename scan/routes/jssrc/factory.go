package jssrc

import (
	"strconv"

	sitter "github.com/smacker/go-tree-sitter"
)

// defaultFactoryBudget bounds the router-factory calls followed while one
// file is analysed. Each function is followed once (factoryMemo), so the
// budget is reached only by files with thousands of calls to project
// functions (bundled output); past it, calls are not followed and the file
// is reported unresolved.
const defaultFactoryBudget = 20000

// maxFactoryDepth bounds a chain of factories returning factories.
const maxFactoryDepth = 16

// funcKey names one function node of one module.
type funcKey struct {
	file  string
	start uint32
}

// factoryResult is what following a function gave; busy marks a function
// being followed (a call back into it, directly or not, is a cycle).
type factoryResult struct {
	r    routerRef
	ok   bool
	busy bool
}

// factoryRouter resolves a call to a function of the project that builds
// and returns a router (export default () => { const app = Router(); ...;
// return app }, mounted as app.use('/api', routes())) to that router. The
// router's id depends on its node only, so it is the one the function's
// own analysis registered its routes and mounts on. What a function
// returns does not depend on its caller (its returns are evaluated in a
// fresh scope), so it is computed once per function and remembered.
func (x *extractor) factoryRouter(m *module, call *sitter.Node, depth int) (routerRef, bool) {
	x.factorySteps++
	x.factorySpent++
	if x.factorySpent > x.factoryBudget {
		if !x.factoryOver {
			x.factoryOver = true
			x.g.Unresolve(m.rel, line(call), "calls to project functions past "+strconv.Itoa(x.factoryBudget)+" in this file not followed (generated or bundled code?): routers they return are not listed")
		}
		return routerRef{}, false
	}
	fm, fn := x.calledFunc(m, call.ChildByFieldName("function"), 0)
	if fn == nil {
		return routerRef{}, false
	}
	key := funcKey{fm.rel, fn.StartByte()}
	if res, ok := x.factoryMemo[key]; ok {
		// busy: a factory calling itself returns nothing new.
		return res.r, res.ok
	}
	if x.factories >= maxFactoryDepth || depth > maxFactoryDepth {
		x.g.Unresolve(m.rel, line(call), "router factory "+truncate(m.text(call), 60)+" nested more than "+strconv.Itoa(maxFactoryDepth)+" calls deep not followed: a router it returns is not listed")
		return routerRef{}, false
	}
	x.factories++
	x.factoryMemo[key] = factoryResult{busy: true}
	r, ok := x.followFactory(fm, fn, depth)
	x.factoryMemo[key] = factoryResult{r: r, ok: ok}
	x.factories--
	return r, ok
}

// followFactory evaluates the returns of a function.
func (x *extractor) followFactory(fm *module, fn *sitter.Node, depth int) (routerRef, bool) {
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
