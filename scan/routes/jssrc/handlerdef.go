package jssrc

import (
	"maps"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// handlerDef is where a route's handler is defined when that is another
// file than the registration: the file, the function's name there, and
// its first line when the file was parsed (0 otherwise).
type handlerDef struct {
	file, name string
	line       int
	// fn is the function found, for a factory's returned handler.
	fn *sitter.Node
}

// handlerDef follows a route's last handler through the module's imports:
// createProduct (import { createProduct } from '../controllers/product'),
// controller.create (const controller = require('../controllers/x'), with
// exports.create or module.exports = { create }), users.list (import * as
// users), and a wrapper around one of them (asyncHandler(createProduct)).
// A handler of the registration's own file gives the zero value: the
// sinks join finds it by name there.
func (x *extractor) handlerDef(m *module, h *sitter.Node, depth int) handlerDef {
	if h == nil || depth > 4 {
		return handlerDef{}
	}
	switch h.Type() {
	case "identifier":
		name := m.text(h)
		if _, ok := m.funcs[name]; ok {
			return handlerDef{}
		}
		if ref, ok := m.imports[name]; ok {
			return x.exportDef(ref.file, ref.name, name, depth+1)
		}
		if ref, ok := m.foreign[name]; ok {
			return x.exportDef(ref.file, ref.name, name, depth+1)
		}
	case "member_expression":
		obj, prop := h.ChildByFieldName("object"), m.text(h.ChildByFieldName("property"))
		if obj == nil || obj.Type() != "identifier" || prop == "" {
			return handlerDef{}
		}
		ref, ok := m.imports[m.text(obj)]
		if !ok {
			ref, ok = m.foreign[m.text(obj)]
		}
		if !ok {
			return handlerDef{}
		}
		if ref.name == "*" || ref.name == "default" {
			return x.exportDef(ref.file, prop, prop, depth+1)
		}
	case "call_expression":
		// asyncHandler(createProduct), catchAsync(controller.create)
		if a := argList(h.ChildByFieldName("arguments")); len(a) == 1 {
			if d := x.handlerDef(m, a[0], depth+1); d.file != "" {
				return d
			}
		}
		// A factory: login() returns the handler, (req, res) => {...}.
		fn := h.ChildByFieldName("function")
		if fn != nil && fn.Type() == "identifier" {
			if f, ok := m.funcs[m.text(fn)]; ok {
				if r := returnedFunc(f); r != nil {
					return handlerDef{file: m.rel, line: line(r)}
				}
				return handlerDef{}
			}
		}
		d := x.handlerDef(m, fn, depth+1)
		if d.file == "" || d.fn == nil {
			return handlerDef{}
		}
		if r := returnedFunc(d.fn); r != nil {
			return handlerDef{file: d.file, line: line(r)}
		}
	}
	return handlerDef{}
}

// returnedFunc is the function a factory returns: the first return
// statement of its own body that gives a function literal.
func returnedFunc(f *sitter.Node) *sitter.Node {
	body := f.ChildByFieldName("body")
	if body == nil {
		return nil
	}
	var out *sitter.Node
	walk(body, func(n *sitter.Node) bool {
		if out != nil || n != body && isFunc(n) {
			return false
		}
		if n.Type() == "return_statement" && n.NamedChildCount() > 0 {
			r := n.NamedChild(0)
			if r.Type() == "parenthesized_expression" && r.NamedChildCount() > 0 {
				r = r.NamedChild(0)
			}
			if isFunc(r) {
				out = r
			}
		}
		return true
	})
	return out
}

// module returns a scanned file's module: the one parsed for routes, or
// one parsed now only to find a handler in it (its string constants are
// not registered, so it changes no route path).
func (x *extractor) module(file string) *module {
	if m := x.mods[file]; m != nil {
		return m
	}
	if m, ok := x.lazy[file]; ok {
		return m
	}
	x.lazy[file] = nil
	src, ok := x.all[file]
	if !ok || len(x.lazy) > 500 || x.ctx.Err() != nil {
		return nil
	}
	tree, err := Parse(x.ctx, file, src)
	if err != nil || tree == nil {
		return nil
	}
	m := &module{rel: file, src: src, tree: tree, root: tree.RootNode(), funcs: map[string]*sitter.Node{}, vars: map[string]*sitter.Node{},
		imports: map[string]importRef{}, foreign: map[string]importRef{}, exports: map[string]*sitter.Node{}}
	saved := maps.Clone(x.consts)
	x.index(m)
	x.consts = saved
	x.lazy[file] = m
	return m
}

// exportDef finds what file exports under name. local is the name the
// importing file used, kept when the file was not parsed (its function
// is then found by name by the sinks join).
func (x *extractor) exportDef(file, name, local string, depth int) handlerDef {
	if name == "*" || name == "default" {
		name = local
	}
	def := handlerDef{file: file, name: name}
	m := x.module(file)
	if m == nil {
		return def
	}
	v, ok := m.exports[name]
	if !ok {
		// module.exports = { create, list } or a class instance.
		if d, ok := m.exports["default"]; ok {
			v = objectMember(m, d, name)
		}
	}
	if v == nil {
		return def
	}
	if v.Type() == "identifier" || v.Type() == "shorthand_property_identifier" {
		n := m.text(v)
		def.name = n
		if f, ok := m.funcs[n]; ok {
			v = f
		} else if val, ok := m.vars[n]; ok {
			v = val
		} else if ref, ok := m.imports[n]; ok && depth < 4 {
			return x.exportDef(ref.file, ref.name, n, depth+1)
		}
	}
	if v.Type() == "call_expression" {
		if a := argList(v.ChildByFieldName("arguments")); len(a) == 1 && isFunc(a[0]) {
			v = a[0]
		}
	}
	if v.Type() == "function_declaration" || isFunc(v) || v.Type() == "method_definition" {
		def.line, def.fn = line(v), v
	}
	return def
}

// objectMember is the value of key in an object literal, or the method of
// that name in a class (module.exports = new Controller()).
func objectMember(m *module, obj *sitter.Node, key string) *sitter.Node {
	if obj.Type() == "new_expression" {
		if c := obj.ChildByFieldName("constructor"); c != nil {
			var cls *sitter.Node
			walk(m.root, func(n *sitter.Node) bool {
				if cls == nil && n.Type() == "class_declaration" && m.text(n.ChildByFieldName("name")) == m.text(c) {
					cls = n
				}
				return cls == nil
			})
			obj = cls
		}
	}
	if obj == nil {
		return nil
	}
	if obj.Type() == "class_declaration" || obj.Type() == "class" {
		obj = obj.ChildByFieldName("body")
	}
	if obj == nil {
		return nil
	}
	for i := 0; i < int(obj.NamedChildCount()); i++ {
		c := obj.NamedChild(i)
		switch c.Type() {
		case "pair":
			if strings.Trim(m.text(c.ChildByFieldName("key")), `"'`) == key {
				return c.ChildByFieldName("value")
			}
		case "shorthand_property_identifier":
			if m.text(c) == key {
				return c
			}
		case "method_definition":
			if m.text(c.ChildByFieldName("name")) == key {
				return c
			}
		case "public_field_definition", "field_definition":
			if m.text(c.ChildByFieldName("name")) == key {
				return c.ChildByFieldName("value")
			}
		}
	}
	return nil
}
