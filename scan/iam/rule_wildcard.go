package iam

import (
	"fmt"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

var ruleWildcardAction = RuleInfo{
	ID:    "iam-wildcard-action",
	Title: "Service-wide wildcard action",
	Description: "The policy allows every action of a service (\"s3:*\", \"dynamodb:*\") or attaches an AWS managed *FullAccess policy. " +
		"That includes deleting, reconfiguring and opening up resources the component never touches. List the actions it calls.",
	Severity: threatmap.High,
	Property: evidence.LeastPrivilege,
}

func checkWildcardAction(_ *Document, s *Statement) []hit {
	if !s.Allows() {
		return nil
	}
	var out []hit
	for _, a := range s.Actions {
		if svc := serviceWildcard(a.S); svc != "" {
			res, _ := s.BroadestResource()
			out = append(out, hit{Line: a.Line, Key: a.S, Msg: fmt.Sprintf("allows every %s action (%q) on %s", svc, a.S, describeResource(res))})
		}
	}
	return out
}

func checkFullAccessManaged(id *Identity) []hit {
	var out []hit
	for _, m := range id.Managed {
		name := managedName(m.ARN)
		if !strings.Contains(m.ARN, ":aws:policy/") || !strings.HasSuffix(name, "FullAccess") || adminManaged[name] != 0 {
			continue
		}
		out = append(out, hit{File: m.File, Line: m.Line, Key: name,
			Msg: fmt.Sprintf("%s %s has the AWS managed policy %s attached, which allows every action of the service on every resource", id.Kind, id.Name, name)})
	}
	return out
}

var ruleWildcardResource = RuleInfo{
	ID:    "iam-wildcard-resource",
	Title: "Action allowed on every resource",
	Description: "The statement applies to Resource \"*\" (or an ARN whose resource part is \"*\") for actions that can be scoped to " +
		"a resource. A compromised component can then reach every table, queue or bucket of the account, not only its own. " +
		"Name the ARNs. Actions that AWS only accepts on \"*\" (sts:GetCallerIdentity, ec2:Describe*, cloudwatch:PutMetricData...) are not flagged.",
	Severity: threatmap.Medium,
	Property: evidence.LeastPrivilege,
}

// starOnlyActions can only be granted on Resource "*", so a wildcard
// resource for them is not a finding.
var starOnlyActions = []string{
	"sts:GetCallerIdentity", "ec2:Describe*", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
	"ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses", "ecr:GetAuthorizationToken",
	"xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
	"cloudwatch:PutMetricData", "cloudwatch:GetMetricData", "cloudwatch:ListMetrics", "cloudwatch:DescribeAlarms",
	"s3:ListAllMyBuckets", "logs:DescribeLogGroups", "tag:GetResources", "ssm:DescribeParameters",
	"kms:ListKeys", "kms:ListAliases", "secretsmanager:ListSecrets", "lambda:ListFunctions",
	"sqs:ListQueues", "sns:ListTopics", "dynamodb:ListTables", "iam:ListRoles", "iam:ListPolicies",
	"ec2:DescribeNetworkInterfaces", "ec2:DescribeInstances", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
}

// logShipping is the standard CloudWatch Logs grant of a function or
// container (create its group and stream, put events). It is often written
// on "*", reaches no data and changes nothing but log lines, so it is not
// reported as a wildcard.
var logShipping = []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}

func isStarOnly(action string) bool {
	for _, a := range logShipping {
		if strings.EqualFold(a, action) {
			return true
		}
	}
	for _, a := range starOnlyActions {
		if strings.EqualFold(a, action) {
			return true
		}
	}
	// Listing and describing is read-only metadata, except in S3, where
	// listing a bucket enumerates its object keys.
	svc, name, ok := strings.Cut(strings.ToLower(action), ":")
	if !ok || svc == "s3" {
		return false
	}
	return strings.HasPrefix(name, "describe") || strings.HasPrefix(name, "list")
}

func checkWildcardResource(_ *Document, s *Statement) []hit {
	if !s.Allows() || len(s.NotResources) > 0 {
		return nil
	}
	res, scope := s.BroadestResource()
	if scope != ScopeAll {
		return nil
	}
	var scoped []string
	for _, a := range s.Actions {
		if !isStarOnly(a.S) {
			scoped = append(scoped, a.S)
		}
	}
	if len(s.NotActions) > 0 {
		scoped = append(scoped, "everything but NotAction")
	}
	if len(scoped) == 0 {
		return nil
	}
	line := res.Line
	if line == 0 {
		line = s.Line
	}
	return []hit{{Line: line, Key: strings.Join(scoped, ","), Msg: fmt.Sprintf("allows %s on %s; name the resources the component uses", summarize(scoped), describeResource(res))}}
}

// summarize lists up to three actions.
func summarize(actions []string) string {
	if len(actions) <= 3 {
		return strings.Join(actions, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(actions[:3], ", "), len(actions)-3)
}

var ruleNotActionAllow = RuleInfo{
	ID:    "iam-notaction-allow",
	Title: "Allow with NotAction",
	Description: "An Allow statement with NotAction grants every action except the ones listed, including every action AWS adds " +
		"in the future. Allow the actions needed instead, and use NotAction only in Deny statements.",
	Severity: threatmap.High,
	Property: evidence.LeastPrivilege,
}

func checkNotAction(_ *Document, s *Statement) []hit {
	if !s.Allows() || len(s.NotActions) == 0 {
		return nil
	}
	var names []string
	for _, v := range s.NotActions {
		names = append(names, v.S)
	}
	return []hit{{Line: s.NotActions[0].Line, Key: strings.Join(names, ","), Msg: fmt.Sprintf("allows every action except %s", summarize(names))}}
}

var ruleNotResourceAllow = RuleInfo{
	ID:    "iam-notresource-allow",
	Title: "Allow with NotResource",
	Description: "An Allow statement with NotResource applies to every resource except the ones listed, including resources " +
		"created later. Name the resources the component needs.",
	Severity: threatmap.High,
	Property: evidence.LeastPrivilege,
}

func checkNotResource(_ *Document, s *Statement) []hit {
	if !s.Allows() || len(s.NotResources) == 0 {
		return nil
	}
	var names []string
	for _, v := range s.NotResources {
		names = append(names, v.S)
	}
	return []hit{{Line: s.NotResources[0].Line, Key: strings.Join(names, ","), Msg: fmt.Sprintf("applies to every resource except %s", summarize(names))}}
}
