package iac

import (
	"fmt"
	"strings"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/iac/terraform"
)

// resourcePolicies are the resources whose policy argument grants access to
// another resource (the target attribute names it, empty when the policy
// sits on the resource itself).
var resourcePolicies = []struct {
	typ, policyAttr, target string
}{
	{"aws_sqs_queue_policy", "policy", "queue_url"},
	{"aws_sqs_queue", "policy", ""},
	{"aws_sns_topic_policy", "policy", "arn"},
	{"aws_sns_topic", "policy", ""},
	{"aws_ecr_repository_policy", "policy", "repository"},
	{"aws_secretsmanager_secret_policy", "policy", "secret_arn"},
	{"aws_secretsmanager_secret", "policy", ""},
	{"aws_kms_key", "policy", ""},
	{"aws_kms_key_policy", "policy", "key_id"},
	{"aws_glacier_vault", "access_policy", ""},
}

// checkResourcePolicies flags queues, topics, repositories, secrets and keys
// whose resource policy lets anyone in, and Lambda permissions granted to
// every principal.
func checkResourcePolicies(r *results, m *terraform.Module) {
	for _, rp := range resourcePolicies {
		for _, b := range m.Resources(rp.typ) {
			a := terraform.Attr(b.Body, rp.policyAttr)
			if a == nil {
				continue
			}
			subject := b.Address()
			if rp.target != "" {
				for _, ref := range terraform.References(expr(terraform.Attr(b.Body, rp.target))) {
					subject = ref
					break
				}
			}
			line, public := policyPublic(m, a.Expr)
			if public {
				r.finding(rulePublicResourcePolicy, 0, a.SrcRange.Filename, line, subject, b.Address(),
					fmt.Sprintf("policy of %s allows Principal \"*\" without a Condition: anyone with an AWS account can use %s", b.Address(), subject))
			}
			r.observe(evidence.PublicAccessBlocked, subject, !public, b.File, b.Line, "resource policy")
		}
	}
	for _, b := range m.Resources("aws_lambda_permission") {
		a := terraform.Attr(b.Body, "principal")
		p, ok := m.String(expr(a))
		if !ok || p != "*" {
			continue
		}
		if terraform.Attr(b.Body, "source_arn") != nil || terraform.Attr(b.Body, "source_account") != nil || terraform.Attr(b.Body, "principal_org_id") != nil {
			continue
		}
		subject := b.Address()
		for _, ref := range terraform.References(expr(terraform.Attr(b.Body, "function_name"))) {
			if strings.HasPrefix(ref, "aws_lambda_function.") {
				subject = ref
			}
		}
		action, _ := m.String(expr(terraform.Attr(b.Body, "action")))
		r.finding(rulePublicResourcePolicy, 0, b.File, a.SrcRange.Start.Line, subject, b.Address(),
			fmt.Sprintf("%s lets any principal call %s (%s) with no source_arn, source_account or principal_org_id", b.Address(), subject, orDefault(action, "lambda:InvokeFunction")))
	}
}
