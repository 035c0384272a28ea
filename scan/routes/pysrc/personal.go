package pysrc

import (
	"slices"
	"unicode"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/scan/routes/guard"
)

// personWords are words of a class name that say its rows are people.
var personWords = []string{
	"user", "users", "account", "accounts", "profile", "profiles", "customer", "customers",
	"member", "members", "person", "people", "employee", "employees", "patient", "patients",
	"student", "students", "subscriber", "subscribers", "contact", "contacts",
}

// notRecordWords mark a class that names a person word without being a
// person's record: an error, a role or permission, a login form, a token.
var notRecordWords = []string{
	"error", "exception", "role", "roles", "permission", "permissions", "group", "groups",
	"login", "token", "tokens", "type", "types", "status", "enum", "form", "manager", "admin",
}

// personClass tells whether an identifier names a class (CapWords) whose
// instances are records of people: User, UserOut, models.Customer,
// UserProfile; and Django's get_user_model.
func personClass(name string) bool {
	if name == "get_user_model" {
		return true
	}
	if name == "" || !unicode.IsUpper([]rune(name)[0]) {
		return false
	}
	ws := guard.Words(name)
	has := func(list []string) bool {
		return slices.ContainsFunc(ws, func(w string) bool { return slices.Contains(list, w) })
	}
	return has(personWords) && !has(notRecordWords)
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
