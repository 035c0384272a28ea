package jssrc

import (
	"slices"
	"unicode"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/scan/routes/guard"
)

// personWords are words of a model name that say its rows are people.
var personWords = []string{
	"user", "users", "account", "accounts", "profile", "profiles", "customer", "customers",
	"member", "members", "person", "people", "employee", "employees", "patient", "patients",
	"student", "students", "subscriber", "subscribers", "contact", "contacts",
}

// notRecordWords mark a name that holds a person word without being a
// person's record: an error, a role or permission, a login form, a token.
var notRecordWords = []string{
	"error", "exception", "role", "roles", "permission", "permissions", "group", "groups",
	"login", "token", "tokens", "type", "types", "status", "enum", "form", "manager", "admin",
}

// personModel tells whether an identifier names a model or class
// (PascalCase) whose instances are records of people: User, UserModel,
// Customer, UserProfile.
func personModel(name string) bool {
	if name == "" || !unicode.IsUpper([]rune(name)[0]) {
		return false
	}
	ws := guard.Words(name)
	has := func(list []string) bool {
		return slices.ContainsFunc(ws, func(w string) bool { return slices.Contains(list, w) })
	}
	return has(personWords) && !has(notRecordWords)
}

// personalRecord tells whether the function serving a route reads or
// writes records of people: its body (or that of a function of the module,
// or one imported by name, that it is or calls, depth levels down) names a
// person model, as User.findById(req.params.id) and new Customer(req.body)
// do.
func (x *extractor) personalRecord(m *module, h *sitter.Node, depth int) bool {
	fm, fn := x.handlerFunc(m, h, 0)
	if fn == nil {
		return false
	}
	body := fn.ChildByFieldName("body")
	if body == nil {
		return false
	}
	found := false
	walk(body, func(n *sitter.Node) bool {
		if found {
			return false
		}
		switch n.Type() {
		case "identifier":
			if personModel(fm.text(n)) {
				found = true
			}
		case "call_expression":
			if f := n.ChildByFieldName("function"); depth > 0 && f != nil && (f.Type() == "identifier" || f.Type() == "member_expression") {
				if _, d := x.handlerFunc(fm, f, 0); d != nil && d != fn && x.personalRecord(fm, f, depth-1) {
					found = true
				}
			}
		}
		return true
	})
	return found
}

// handlerFunc finds the function a handler expression denotes: a function
// literal, a function of the module, or a function another module exports
// under the imported name.
func (x *extractor) handlerFunc(m *module, h *sitter.Node, depth int) (*module, *sitter.Node) {
	if h == nil || depth > 4 {
		return nil, nil
	}
	if isFunc(h) {
		return m, h
	}
	if h.Type() == "member_expression" {
		// userController.getUser, with userController a required or
		// imported module.
		obj, prop := h.ChildByFieldName("object"), h.ChildByFieldName("property")
		if obj == nil || prop == nil || obj.Type() != "identifier" {
			return nil, nil
		}
		ref, ok := m.imports[m.text(obj)]
		if !ok || (ref.name != "default" && ref.name != "*" && ref.name != "") {
			return nil, nil
		}
		om := x.mods[ref.file]
		if om == nil {
			return nil, nil
		}
		name := m.text(prop)
		if v, ok := om.exports[name]; ok {
			if isFunc(v) {
				return om, v
			}
			return x.handlerFunc(om, v, depth+1)
		}
		return x.handlerFunc(om, nameNode(om, name), depth+1)
	}
	if h.Type() != "identifier" {
		return nil, nil
	}
	name := m.text(h)
	if f, ok := m.funcs[name]; ok {
		return m, f
	}
	if v, ok := m.vars[name]; ok && v.Type() == "call_expression" {
		// const getUser = asyncHandler(async (req, res) => {...})
		if args := v.ChildByFieldName("arguments"); args != nil {
			for i := 0; i < int(args.NamedChildCount()); i++ {
				if a := args.NamedChild(i); isFunc(a) {
					return m, a
				}
			}
		}
	}
	ref, ok := m.imports[name]
	if !ok {
		return nil, nil
	}
	om := x.mods[ref.file]
	if om == nil {
		return nil, nil
	}
	if v, ok := om.exports[ref.name]; ok {
		if isFunc(v) {
			return om, v
		}
		return x.handlerFunc(om, v, depth+1)
	}
	// export function getUser, export const getUser = ...
	return x.handlerFunc(om, nameNode(om, ref.name), depth+1)
}

// nameNode returns an identifier node of module m spelled name, to look
// the name up as if the module had referred to it, or nil.
func nameNode(m *module, name string) *sitter.Node {
	var out *sitter.Node
	walk(m.root, func(n *sitter.Node) bool {
		if out != nil {
			return false
		}
		if n.Type() == "identifier" && m.text(n) == name {
			out = n
		}
		return true
	})
	return out
}
