package iam

import (
	"strings"
)

// Value is one string in a policy (an action, a resource, a principal)
// with the line it was written on. Values that could not be resolved
// statically (a Terraform reference, a CloudFormation !GetAtt) hold their
// source text in ${...}, which never looks like a wildcard.
type Value struct {
	S    string
	Line int
}

// Statement is one statement of a policy document.
type Statement struct {
	Sid          string
	Effect       string
	Actions      []Value
	NotActions   []Value
	Resources    []Value
	NotResources []Value
	// Principals are the principals of a resource or trust policy; "*"
	// means anyone.
	Principals []Value
	// ConditionKeys lists the condition keys, lower-cased, e.g.
	// "iam:passedtoservice".
	ConditionKeys []string
	Line          int
	// file is the file of the document holding the statement.
	file string
}

// Allows reports whether the statement allows something.
func (s *Statement) Allows() bool { return !strings.EqualFold(s.Effect, "Deny") }

// HasCondition reports whether the statement has any condition.
func (s *Statement) HasCondition() bool { return len(s.ConditionKeys) > 0 }

// HasConditionKey reports whether the statement conditions on one of keys.
func (s *Statement) HasConditionKey(keys ...string) bool {
	for _, have := range s.ConditionKeys {
		for _, k := range keys {
			if strings.EqualFold(have, k) || (strings.HasSuffix(k, "*") && strings.HasPrefix(have, strings.ToLower(strings.TrimSuffix(k, "*")))) {
				return true
			}
		}
	}
	return false
}

// Grants reports whether the statement allows the concrete action, through
// Action patterns or through NotAction, and returns the line of the pattern
// responsible.
func (s *Statement) Grants(action string) (bool, int) {
	if !s.Allows() {
		return false, 0
	}
	if len(s.NotActions) > 0 {
		for _, na := range s.NotActions {
			if globMatch(na.S, action) {
				return false, 0
			}
		}
		return true, s.NotActions[0].Line
	}
	for _, a := range s.Actions {
		if globMatch(a.S, action) {
			return true, a.Line
		}
	}
	return false, 0
}

// GrantsAny returns the first of actions the statement grants.
func (s *Statement) GrantsAny(actions []string) (string, int, bool) {
	for _, a := range actions {
		if ok, line := s.Grants(a); ok {
			return a, line, true
		}
	}
	return "", 0, false
}

// Scope says how much of a service a resource pattern covers.
type Scope int

// Scopes, from narrow to broad.
const (
	// ScopeSpecific is one named resource (or a reference to one).
	ScopeSpecific Scope = iota
	// ScopeWholeBucket is every object of one bucket: arn:aws:s3:::b/*.
	ScopeWholeBucket
	// ScopeAllOfType is every resource of a type: table/*, a bucket-name
	// prefix with a wildcard.
	ScopeAllOfType
	// ScopeAll is every resource: "*" or an ARN whose resource part is "*".
	ScopeAll
)

// ResourceScope classifies a resource pattern.
func ResourceScope(r string) Scope {
	r = strings.TrimSpace(r)
	if r == "*" || r == "arn:*" || r == "arn:aws:*" {
		return ScopeAll
	}
	if strings.HasPrefix(r, "${") {
		// A reference to one resource, possibly with a suffix:
		// "${aws_s3_bucket.x.arn}/*" is every object of that bucket,
		// "${aws_cloudwatch_log_group.x.arn}:*" its log streams.
		end := strings.Index(r, "}")
		switch rest := r[end+1:]; {
		case end < 0:
			return ScopeAllOfType
		case rest == "/*":
			return ScopeWholeBucket
		case strings.HasPrefix(rest, "*"):
			return ScopeAllOfType
		}
		return ScopeSpecific
	}
	parts := strings.SplitN(r, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		if strings.Contains(r, "*") {
			return ScopeAllOfType
		}
		return ScopeSpecific
	}
	service, res := parts[2], parts[5]
	switch {
	case service == "*" || res == "*" || res == "*/*":
		return ScopeAll
	case service == "s3":
		bucket, key, hasKey := strings.Cut(res, "/")
		if strings.Contains(bucket, "*") {
			return ScopeAllOfType
		}
		if hasKey && key == "*" {
			return ScopeWholeBucket
		}
		return ScopeSpecific
	}
	// table/*, function:*, secret:*, parameter/* and the like: everything of
	// one type. A named resource with a wildcard suffix (log-group:name:*)
	// stays specific.
	for _, sep := range []string{"/", ":"} {
		if typ, rest, ok := strings.Cut(res, sep); ok && rest == "*" && !strings.Contains(typ, "*") {
			return ScopeAllOfType
		}
	}
	if strings.HasPrefix(res, "*") {
		return ScopeAll
	}
	return ScopeSpecific
}

// BroadestResource returns the broadest resource the statement applies to,
// treating NotResource as covering everything.
func (s *Statement) BroadestResource() (Value, Scope) {
	if len(s.NotResources) > 0 {
		// NotResource covers everything but its list, which the
		// notresource rule reports; here it is simply "*".
		return Value{S: "*", Line: s.NotResources[0].Line}, ScopeAll
	}
	best, scope := Value{}, Scope(-1)
	for _, r := range s.Resources {
		if sc := ResourceScope(r.S); sc > scope {
			best, scope = r, sc
		}
	}
	if scope < 0 {
		// A statement without Resource (a resource-based policy) applies to
		// the resource it is attached to.
		return Value{Line: s.Line}, ScopeSpecific
	}
	return best, scope
}

// globMatch matches an IAM pattern (with * and ?) against a concrete
// string, case-insensitively, as IAM compares action names.
func globMatch(pattern, s string) bool {
	p, t := pattern, s
	// Iterative wildcard matching with backtracking on the last star keeps
	// the cost linear in practice and never recurses; bytes are compared
	// ASCII case-insensitively without allocating, as this runs for every
	// action of every statement against every list of sensitive actions.
	pi, ti := 0, 0
	star, mark := -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && (p[pi] == '?' || lowerASCII(p[pi]) == lowerASCII(t[ti])):
			pi++
			ti++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// isFullWildcard reports whether an action pattern grants every action.
func isFullWildcard(a string) bool {
	a = strings.TrimSpace(a)
	return a == "*" || a == "*:*"
}

// serviceWildcard returns the service of a pattern "svc:*", or "".
func serviceWildcard(a string) string {
	svc, rest, ok := strings.Cut(strings.TrimSpace(a), ":")
	if ok && rest == "*" && svc != "*" && svc != "" {
		return strings.ToLower(svc)
	}
	return ""
}

// Document is one policy document: an identity policy, a trust (assume
// role) policy or a resource policy.
type Document struct {
	// Name is what a model author would call it: a Terraform address, a
	// CloudFormation logical id, or the file path of a standalone policy.
	Name       string
	File       string
	Line       int
	Kind       DocKind
	Statements []*Statement
}

// DocKind says what a document governs.
type DocKind int

// Document kinds.
const (
	// Permissions is an identity-based policy: what its holder may do.
	Permissions DocKind = iota
	// Trust is a role's assume-role policy: who may become the role.
	Trust
	// ResourcePolicy is a bucket, queue or key policy.
	ResourcePolicy
)
