package iam

import (
	"fmt"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

var ruleSharedIdentity = RuleInfo{
	ID:    "iam-shared-identity",
	Title: "Identity shared by several components",
	Description: "Several components (Lambda functions, ECS services, instances) run as the same role or user. Each gets the union " +
		"of what all of them need, and a compromise of any one is a compromise of all. Give every component its own identity " +
		"with only its own permissions.",
	Severity: threatmap.High,
	Property: evidence.UnsharedIdentity,
}

func checkSharedIdentity(id *Identity) []hit {
	uses := id.sharedBy()
	if len(uses) < 2 {
		return nil
	}
	names := make([]string, 0, len(uses))
	for _, u := range uses {
		names = append(names, u.Component)
	}
	shown := names
	more := ""
	if len(shown) > 4 {
		shown = shown[:4]
		more = fmt.Sprintf(" and %d more", len(names)-4)
	}
	return []hit{{File: id.File, Line: id.Line, Key: fmt.Sprint(len(uses)),
		Msg: fmt.Sprintf("%s %s is used by %d components (%s%s); give each its own identity", id.Kind, id.Name, len(uses), strings.Join(shown, ", "), more)}}
}

var rulePublicTrust = RuleInfo{
	ID:    "iam-public-trust",
	Title: "Role assumable by anyone",
	Description: "The role's trust policy allows Principal \"*\" (or every account) to assume it without a Condition such as " +
		"sts:ExternalId or aws:PrincipalOrgID. Anyone with an AWS account can then act as the role. Name the principals that may assume it.",
	Severity: threatmap.Critical,
	Property: evidence.LeastPrivilege,
}

func checkPublicTrust(d *Document) []hit {
	var out []hit
	for _, s := range d.Statements {
		if !s.Allows() || s.HasCondition() {
			continue
		}
		for _, p := range s.Principals {
			if p.S == "*" || p.S == "arn:aws:iam::*:root" {
				out = append(out, hit{Line: p.Line, Key: p.S, Msg: fmt.Sprintf("trust policy %s lets any principal (%q) assume the role without a Condition", d.Name, p.S)})
			}
		}
	}
	return out
}
