package iam

import (
	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// RuleInfo describes one of this scanner's rules.
type RuleInfo = evidence.RuleInfo

// hit is one problem a check found; the scanner turns it into a finding.
type hit struct {
	File string
	Line int
	Msg  string
	// Key distinguishes hits of one rule on one resource for the
	// fingerprint (an action, a port).
	Key string
	// Severity overrides the rule's default when set above Info.
	Severity threatmap.Severity
}

// statementCheck inspects one statement of an identity policy.
type statementCheck struct {
	info  RuleInfo
	check func(d *Document, s *Statement) []hit
	// exclusive checks find statements so broad that the narrower checks
	// would only repeat them; when one hits, the rest are skipped.
	exclusive bool
}

// identityCheck inspects an identity with all its policies together, for
// problems no single statement shows (escalation paths, sharing).
type identityCheck struct {
	info  RuleInfo
	check func(id *Identity) []hit
}

// statementChecks run on every statement of every permissions policy. The
// admin and NotAction checks come first: a statement they flag grants
// nearly everything and is not reported again by the narrower checks.
var statementChecks = []statementCheck{
	{ruleAdminEquivalent, checkAdminStatement, true},
	{ruleNotActionAllow, checkNotAction, true},
	{ruleWildcardAction, checkWildcardAction, false},
	{ruleWildcardResource, checkWildcardResource, false},
	{ruleNotResourceAllow, checkNotResource, false},
	{ruleDataExfiltration, checkDataExfiltration, false},
	{ruleDestructive, checkDestructive, false},
	{ruleNoCondition, checkNoCondition, false},
}

// identityChecks run on every identity.
var identityChecks = []identityCheck{
	{ruleAdminEquivalent, checkAdminManaged},
	{ruleWildcardAction, checkFullAccessManaged},
	{ruleSharedIdentity, checkSharedIdentity},
}

// Rules lists every rule the iam scanner applies.
func Rules() []RuleInfo {
	return []RuleInfo{
		ruleAdminEquivalent,
		ruleWildcardAction,
		ruleWildcardResource,
		ruleNotActionAllow,
		ruleNotResourceAllow,
		rulePrivilegeEscalation,
		ruleDataExfiltration,
		ruleDestructive,
		ruleNoCondition,
		rulePublicTrust,
		ruleSharedIdentity,
		ruleParseError,
	}
}

var ruleParseError = RuleInfo{
	ID:          "iam-parse-error",
	Title:       "Policy or template does not parse",
	Description: "A Terraform file, policy document or CloudFormation template could not be read, so the identities and policies in it were not checked. Fix the syntax error at the position given.",
	Severity:    threatmap.Medium,
}
