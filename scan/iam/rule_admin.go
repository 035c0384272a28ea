package iam

import (
	"fmt"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

var ruleAdminEquivalent = RuleInfo{
	ID:    "iam-admin-equivalent",
	Title: "Administrator-equivalent grant",
	Description: "The policy allows every action (\"*\"), every IAM action (\"iam:*\", which lets the holder grant itself anything), " +
		"or attaches AdministratorAccess, IAMFullAccess or PowerUserAccess. Whoever compromises a component running as this identity " +
		"owns the account. Grant the specific actions on the specific resources the component needs.",
	Severity: threatmap.Critical,
	Property: evidence.LeastPrivilege,
}

// adminStatement reports whether a statement grants administrator
// equivalence, and the line and pattern responsible.
func adminStatement(s *Statement) (int, string, bool) {
	if !s.Allows() {
		return 0, "", false
	}
	for _, a := range s.Actions {
		if isFullWildcard(a.S) || serviceWildcard(a.S) == "iam" {
			return a.Line, a.S, true
		}
	}
	return 0, "", false
}

func checkAdminStatement(_ *Document, s *Statement) []hit {
	line, action, ok := adminStatement(s)
	if !ok {
		return nil
	}
	res, _ := s.BroadestResource()
	what := "every action"
	if action != "*" && action != "*:*" {
		what = "every IAM action, enough to grant itself anything"
	}
	return []hit{{Line: line, Key: action, Msg: fmt.Sprintf("allows %s (%q) on %s", what, action, describeResource(res))}}
}

// adminManaged are AWS managed policies equivalent to administrator.
var adminManaged = map[string]threatmap.Severity{
	"AdministratorAccess": threatmap.Critical,
	"IAMFullAccess":       threatmap.Critical,
	"PowerUserAccess":     threatmap.High,
}

func managedName(arn string) string {
	if i := strings.LastIndex(arn, "/"); i >= 0 && strings.Contains(arn, ":policy/") {
		return arn[i+1:]
	}
	return ""
}

func checkAdminManaged(id *Identity) []hit {
	var out []hit
	for _, m := range id.Managed {
		name := managedName(m.ARN)
		sev, ok := adminManaged[name]
		if !ok || !strings.Contains(m.ARN, ":aws:policy/") {
			continue
		}
		out = append(out, hit{File: m.File, Line: m.Line, Key: name, Severity: sev,
			Msg: fmt.Sprintf("%s %s has the AWS managed policy %s attached", id.Kind, id.Name, name)})
	}
	return out
}

func describeResource(v Value) string {
	switch {
	case v.S == "":
		return "the resource the policy is attached to"
	case v.S == "*":
		return "every resource (\"*\")"
	}
	return fmt.Sprintf("%q", v.S)
}
