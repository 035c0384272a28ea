package sinks

import (
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap"
)

// RulePaymentUnverified: a request handler marks an order or plan paid
// without asking the payment provider, so the client's word is the
// payment (proshop's PUT /api/orders/:id/pay copies the PayPal result from
// the request body).

// paidFieldRE names the fields that say an order is paid.
var paidFieldRE = regexp.MustCompile(`^(isPaid|is_paid|IsPaid|paid|hasPaid|has_paid|isPayed|payed)$`)

// statusFieldRE names status fields; they count only when set to "paid".
var statusFieldRE = regexp.MustCompile(`(?i)^(payment_?status|status|order_?status|state)$`)

var paidValueRE = regexp.MustCompile(`^['"](paid|PAID|Paid)['"]$`)

// requestBodyRE finds the first request field a handler reads, for the
// finding's source.
var requestBodyRE = regexp.MustCompile(`\b(req|request|ctx\.request)\.(body|query|json|form|data|args|POST|GET)\b`)

// marksPaid reports whether an assignment or key sets a paid flag:
// (order.isPaid, true), ("status", "paid").
func marksPaid(field, value string) bool {
	field = strings.Trim(field, `"'`)
	if paidFieldRE.MatchString(field) {
		return value == "true" || value == "True"
	}
	return statusFieldRE.MatchString(field) && paidValueRE.MatchString(value)
}

// paymentJS checks one JavaScript handler body.
func (f *jsFunc) paymentJS(body *sitter.Node) {
	if len(f.req) == 0 || f.fn.Name == "<module>" {
		return
	}
	text := codeText(body, f.jf.src)
	if paymentProviderRE.MatchString(text) || paymentProviderRE.MatchString(f.fn.Name) {
		return
	}
	var at *sitter.Node
	var sink string
	walkOwn(body, func(c *sitter.Node) {
		if at != nil {
			return
		}
		switch c.Type() {
		case "assignment_expression":
			l, r := c.ChildByFieldName("left"), c.ChildByFieldName("right")
			if l != nil && r != nil && l.Type() == "member_expression" && marksPaid(f.jf.text(l.ChildByFieldName("property")), f.jf.text(r)) {
				at, sink = c, clip(f.jf.text(c))
			}
		case "pair":
			k, v := c.ChildByFieldName("key"), c.ChildByFieldName("value")
			if k != nil && v != nil && marksPaid(f.jf.text(k), f.jf.text(v)) {
				at, sink = c, clip(f.jf.text(c))
			}
		}
	})
	if at == nil {
		return
	}
	f.logicHit(RulePaymentUnverified, at, sink, "in a request handler that never asks the payment provider", requestBodyRE.FindString(text))
}

// logicHit reports a finding of an application-logic rule; src is the
// request input the handler reads ("" when none was seen).
func (f *jsFunc) logicHit(rule string, at *sitter.Node, sink, what, src string) {
	f.jf.hits = append(f.jf.hits, hit{rule: rule, file: f.jf.rel, line: nline(at), col: ncol(at), sink: sink, source: src, what: what, severity: logicSeverity(rule, src), fn: f.fn})
}

// logicSeverity grades the logic rules: high for a payment or a session
// decided by what the request says, medium when no request input was
// seen and for the storage and upload rules, whose harm needs a second
// step (a script in the page, a flood of files).
func logicSeverity(rule, src string) threatmap.Severity {
	switch rule {
	case RulePaymentUnverified, RuleLoginWithoutProof:
		if src != "" {
			return threatmap.High
		}
	case RuleSecretInPublicEnv, RuleHardcodedCredential, RuleLoginLiteral, RuleSecretDefaultFallback:
		return threatmap.High
	}
	return threatmap.Medium
}

// walkOwn visits a function body's nodes, not those of the functions
// defined inside it.
func walkOwn(body *sitter.Node, visit func(*sitter.Node)) {
	walkTS(body, func(c *sitter.Node) bool {
		if c != body && (isJSFunc(c.Type()) || c.Type() == "function_definition" || c.Type() == "lambda" || c.Type() == "class_definition") {
			return false
		}
		visit(c)
		return true
	}, 0)
}
