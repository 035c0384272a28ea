package guard

import (
	"slices"
	"unicode"
)

// personWords are words of a model or class name that say its rows are
// people.
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

// PersonModel tells whether an identifier names a model or class
// (PascalCase or CapWords) whose instances are records of people: User,
// UserOut, Customer, UserProfile; not UserNotFoundError, UserRole or
// LoginForm. What a handler serves is not a guard, but the extractors
// share this vocabulary as they share the guards'.
func PersonModel(name string) bool {
	if name == "" || !unicode.IsUpper([]rune(name)[0]) {
		return false
	}
	ws := Words(name)
	has := func(list []string) bool {
		return slices.ContainsFunc(ws, func(w string) bool { return slices.Contains(list, w) })
	}
	return has(personWords) && !has(notRecordWords)
}
