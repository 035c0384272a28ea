package workflows

import (
	"regexp"
	"strings"

	"github.com/rhysd/actionlint"
)

// exprUse is one context path read inside a ${{ }} placeholder.
type exprUse struct {
	path string // lower case, e.g. github.event.issue.title
	// text is the placeholder as written, for locating it in the source.
	text string
}

// placeholders returns the ${{ ... }} placeholders in s, as written.
func placeholders(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "${{")
		if i < 0 {
			return out
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return out
		}
		out = append(out, s[i:i+j+2])
		s = s[i+j+2:]
	}
}

// contextPaths parses every placeholder in s and returns the context paths
// it reads. A placeholder that does not parse is skipped: GitHub would
// reject the workflow anyway.
func contextPaths(s string) []exprUse {
	var out []exprUse
	for _, ph := range placeholders(s) {
		src := strings.TrimPrefix(ph, "${{")
		expr, err := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(src))
		if err != nil {
			continue
		}
		actionlint.VisitExprNode(expr, func(n, parent actionlint.ExprNode, entering bool) {
			if !entering || isReceiverOf(n, parent) {
				return
			}
			if p, ok := pathOf(n); ok {
				out = append(out, exprUse{path: p, text: ph})
			}
		})
	}
	return out
}

// isReceiverOf reports whether n is the object part of a longer path, so
// that only whole paths (github.event.issue.title, not github.event) are
// reported.
func isReceiverOf(n, parent actionlint.ExprNode) bool {
	switch p := parent.(type) {
	case *actionlint.ObjectDerefNode:
		return p.Receiver == n
	case *actionlint.ArrayDerefNode:
		return p.Receiver == n
	case *actionlint.IndexAccessNode:
		return p.Operand == n
	}
	return false
}

// pathOf renders a property access chain as a dotted path; array and
// computed indexes become '*'.
func pathOf(n actionlint.ExprNode) (string, bool) {
	switch n := n.(type) {
	case *actionlint.VariableNode:
		return strings.ToLower(n.Name), true
	case *actionlint.ObjectDerefNode:
		r, ok := pathOf(n.Receiver)
		return r + "." + strings.ToLower(n.Property), ok
	case *actionlint.ArrayDerefNode:
		r, ok := pathOf(n.Receiver)
		return r + ".*", ok
	case *actionlint.IndexAccessNode:
		r, ok := pathOf(n.Operand)
		if s, isStr := n.Index.(*actionlint.StringNode); isStr {
			return r + "." + strings.ToLower(s.Value), ok
		}
		return r + ".*", ok
	}
	return "", false
}

// untrustedPaths match context values that anyone who can open an issue,
// comment, fork or name a branch controls.
var untrustedPaths = regexp.MustCompile(`^(` +
	`github\.head_ref` +
	`|github\.event\.(issue|pull_request|discussion)\.(title|body)` +
	`|github\.event\.(comment|review|review_comment)\.body` +
	`|github\.event\.pages\.[^.]+\.page_name` +
	`|github\.event\.(commits\.[^.]+|head_commit)\.(message|author\.(email|name)|committer\.(email|name))` +
	`|github\.event\.pull_request\.head\.(ref|label|repo\.default_branch)` +
	`|github\.event\.workflow_run\.(head_branch|display_title|head_commit\.(message|author\.(email|name))|pull_requests\.[^.]+\.head\.ref)` +
	`|github\.event\.(check_suite|check_run\.check_suite)\.head_branch` +
	// Whole objects that hold those fields: toJSON(github.event) pastes
	// every title and body into the script.
	`|github\.event` +
	`|github\.event\.(issue|pull_request|discussion|comment|review|review_comment|head_commit|commits|workflow_run|pages|check_suite|pull_request\.head)` +
	`)$`)

func isUntrusted(path string) bool { return untrustedPaths.MatchString(path) }

// lineOf finds the source line of text within a value that starts at pos,
// so that a finding in a multi-line script points at the right line.
func (w *Workflow) lineOf(pos *actionlint.Pos, value, text string) *actionlint.Pos {
	p := orPos(pos)
	span := strings.Count(value, "\n") + 3
	for i := p.Line - 1; i >= 0 && i < len(w.Lines) && i < p.Line-1+span; i++ {
		if col := strings.Index(w.Lines[i], text); col >= 0 {
			return &actionlint.Pos{Line: i + 1, Col: col + 1}
		}
	}
	return p
}

// valuePaths parses every placeholder in s and returns the context paths
// whose text can end up in the placeholder's result. A comparison, a
// negation or a predicate such as contains() yields true or false whatever
// its operands hold, so the paths it reads are not returned; && and ||
// yield one of their operands, so both sides are followed.
func valuePaths(s string) []exprUse {
	var out []exprUse
	for _, ph := range placeholders(s) {
		src := strings.TrimPrefix(ph, "${{")
		expr, err := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(src))
		if err != nil {
			continue
		}
		for _, p := range resultPaths(expr) {
			out = append(out, exprUse{path: p, text: ph})
		}
	}
	return out
}

// predicateFuncs return a boolean or a value no outsider chooses.
var predicateFuncs = map[string]bool{
	"contains": true, "startswith": true, "endswith": true,
	"success": true, "failure": true, "always": true, "cancelled": true,
	"hashfiles": true,
}

// resultPaths lists the context paths that flow into the value of n.
func resultPaths(n actionlint.ExprNode) []string {
	if p, ok := pathOf(n); ok {
		// The index of secrets[matrix.name] reads matrix.name, but only the
		// secret's value is the result.
		return []string{p}
	}
	switch n := n.(type) {
	case *actionlint.NotOpNode, *actionlint.CompareOpNode:
		return nil
	case *actionlint.LogicalOpNode:
		return append(resultPaths(n.Left), resultPaths(n.Right)...)
	case *actionlint.FuncCallNode:
		if predicateFuncs[strings.ToLower(n.Callee)] {
			return nil
		}
		var out []string
		for _, a := range n.Args {
			out = append(out, resultPaths(a)...)
		}
		return out
	case *actionlint.ObjectDerefNode:
		// (a || b).field is a.field or b.field; fromJSON(x).field is
		// x.field.
		var out []string
		for _, p := range resultPaths(n.Receiver) {
			out = append(out, p+"."+strings.ToLower(n.Property))
		}
		return out
	case *actionlint.ArrayDerefNode:
		return resultPaths(n.Receiver)
	case *actionlint.IndexAccessNode:
		return resultPaths(n.Operand)
	}
	return nil
}
