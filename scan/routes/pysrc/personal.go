package pysrc

import (
	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/scan/routes/guard"
)

// personClass tells whether an identifier names a class whose instances
// are records of people (guard.PersonModel), or is Django's
// get_user_model.
func personClass(name string) bool {
	return name == "get_user_model" || guard.PersonModel(name)
}

// personalRecord tells whether a handler serves records of people: its
// route decorator's response_model, its return annotation or its body
// (and the module functions its body calls, depth levels down) name a
// person class, as db.query(models.User), session.get(User, id) and
// User.objects.get(pk=pk) do.
func (x *extractor) personalRecord(m *module, deco, def *sitter.Node, depth int) bool {
	if deco != nil {
		if rm := m.kwarg(deco, "response_model"); rm != nil && mentionsPerson(m, rm) {
			return true
		}
	}
	if rt := def.ChildByFieldName("return_type"); rt != nil && mentionsPerson(m, rt) {
		return true
	}
	body := def.ChildByFieldName("body")
	if body == nil {
		return false
	}
	found := false
	walk(body, func(n *sitter.Node) bool {
		if found {
			return false
		}
		switch n.Type() {
		case "function_definition", "class_definition":
			return false
		case "identifier":
			if personClass(m.text(n)) {
				found = true
			}
		case "call":
			if depth > 0 {
				if fn := n.ChildByFieldName("function"); fn != nil {
					if tm, td := x.resolveFunc(m, fn); td != nil && !td.Equal(def) && x.personalRecord(tm, nil, td, depth-1) {
						found = true
					}
				}
			}
		}
		return true
	})
	return found
}

// mentionsPerson tells whether an expression names a person class
// anywhere: List[schemas.UserOut], Optional[User].
func mentionsPerson(m *module, n *sitter.Node) bool {
	found := false
	walk(n, func(c *sitter.Node) bool {
		if c.Type() == "identifier" && personClass(m.text(c)) {
			found = true
		}
		return !found
	})
	return found
}
