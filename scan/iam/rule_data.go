package iam

import (
	"fmt"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

var ruleDataExfiltration = RuleInfo{
	ID:    "iam-data-exfiltration",
	Title: "Read access to all data of a service",
	Description: "The statement lets the holder read objects, secrets, parameters or items across every bucket, secret or table " +
		"of the account (Resource \"*\", \"arn:aws:s3:::*\", \"table/*\"). A compromised component becomes a way to copy out all of it. " +
		"Scope reads to the resources the component owns.",
	Severity: threatmap.High,
	Property: evidence.LeastPrivilege,
}

// readDataActions read stored data, as opposed to metadata.
var readDataActions = []string{
	"s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket",
	"secretsmanager:GetSecretValue",
	"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
	"dynamodb:Scan", "dynamodb:Query", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:ExportTableToPointInTime",
	"sqs:ReceiveMessage",
	"rds:ModifyDBSnapshotAttribute", "ec2:ModifySnapshotAttribute",
	"lambda:GetFunction",
}

func checkDataExfiltration(_ *Document, s *Statement) []hit {
	res, scope := s.BroadestResource()
	if !s.Allows() || scope < ScopeAllOfType {
		return nil
	}
	var granted []string
	line := 0
	for _, a := range readDataActions {
		if ok, l := s.Grants(a); ok && resourceServiceMatches(res.S, a) {
			granted = append(granted, a)
			if line == 0 {
				line = l
			}
		}
	}
	if len(granted) == 0 {
		return nil
	}
	return []hit{{Line: line, Key: strings.Join(granted, ","), Msg: fmt.Sprintf("can read data everywhere: %s on %s", summarize(granted), describeResource(res))}}
}

// resourceServiceMatches reports whether a broad resource pattern can
// cover an action's service: "*" covers all; an ARN covers its service.
func resourceServiceMatches(resource, action string) bool {
	parts := strings.SplitN(resource, ":", 4)
	if len(parts) < 3 || parts[0] != "arn" || parts[2] == "*" {
		return true
	}
	svc, _, _ := strings.Cut(action, ":")
	return strings.EqualFold(parts[2], svc)
}

var ruleDestructive = RuleInfo{
	ID:    "iam-destructive-wildcard",
	Title: "Delete rights beyond one resource",
	Description: "The statement allows deleting or purging across every bucket, every table, every queue or every key, or " +
		"stopping the audit trail. Few components need that; a compromised one can wipe data or its own tracks. " +
		"Grant delete only where the component's job is deleting, on the narrowest prefix.",
	Severity: threatmap.High,
	Property: evidence.LeastPrivilege,
}

var destructiveActions = []string{
	"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket", "s3:PutLifecycleConfiguration",
	"dynamodb:DeleteTable", "dynamodb:DeleteItem", "dynamodb:DeleteBackup",
	"rds:DeleteDBInstance", "rds:DeleteDBCluster", "rds:DeleteDBSnapshot",
	"ec2:TerminateInstances", "ec2:DeleteVolume", "ec2:DeleteSnapshot",
	"kms:ScheduleKeyDeletion", "kms:DisableKey",
	"logs:DeleteLogGroup", "logs:DeleteLogStream",
	"sqs:DeleteQueue", "sqs:PurgeQueue",
	"sns:DeleteTopic", "lambda:DeleteFunction", "secretsmanager:DeleteSecret",
	"backup:DeleteRecoveryPoint",
}

// auditActions blind the audit trail on any resource.
var auditActions = []string{"cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "logs:DeleteLogGroup"}

func checkDestructive(_ *Document, s *Statement) []hit {
	if !s.Allows() {
		return nil
	}
	res, scope := s.BroadestResource()
	var granted []string
	line := 0
	for _, a := range destructiveActions {
		ok, l := s.Grants(a)
		if !ok || !resourceServiceMatches(res.S, a) {
			continue
		}
		// Every object of one bucket (arn:aws:s3:::b/*) is the contents
		// of one resource, as a table's items are: only grants across
		// resources count here.
		if scope < ScopeAllOfType {
			continue
		}
		granted = append(granted, a)
		if line == 0 {
			line = l
		}
	}
	for _, a := range auditActions {
		if ok, l := s.Grants(a); ok && !contains(granted, a) {
			granted = append(granted, a)
			if line == 0 {
				line = l
			}
		}
	}
	if len(granted) == 0 {
		return nil
	}
	return []hit{{Line: line, Key: strings.Join(granted, ","), Severity: threatmap.High,
		Msg: fmt.Sprintf("can delete beyond one resource: %s on %s", summarize(granted), describeResource(res))}}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

var ruleNoCondition = RuleInfo{
	ID:    "iam-sensitive-no-condition",
	Title: "Sensitive action without a condition",
	Description: "iam:PassRole without iam:PassedToService, kms:CreateGrant or kms:Decrypt across keys without kms:ViaService, " +
		"bucket policy and ACL writes, security group ingress changes and lambda:AddPermission change who can do what; " +
		"without a Condition they can be used for any purpose. Add the condition that pins them to their one use.",
	Severity: threatmap.Medium,
	Property: evidence.LeastPrivilege,
}

// sensitiveActions change permissions or open resources; broad reports
// whether they are only sensitive on more than one resource.
var sensitiveActions = []struct {
	action string
	broad  bool
}{
	{"iam:PassRole", false},
	{"kms:CreateGrant", false},
	{"kms:Decrypt", true},
	{"s3:PutBucketPolicy", false},
	{"s3:PutBucketAcl", false},
	{"s3:PutObjectAcl", false},
	{"s3:PutBucketPublicAccessBlock", false},
	{"ec2:AuthorizeSecurityGroupIngress", false},
	{"lambda:AddPermission", false},
	{"sts:AssumeRole", true},
}

func checkNoCondition(_ *Document, s *Statement) []hit {
	if !s.Allows() || s.HasCondition() {
		return nil
	}
	_, scope := s.BroadestResource()
	var granted []string
	first := 0
	for _, sa := range sensitiveActions {
		if sa.broad && scope < ScopeAllOfType {
			continue
		}
		if ok, line := s.Grants(sa.action); ok {
			granted = append(granted, sa.action)
			if first == 0 {
				first = line
			}
		}
	}
	if len(granted) == 0 {
		return nil
	}
	return []hit{{Line: first, Key: strings.Join(granted, ","), Msg: fmt.Sprintf("allows %s without a Condition", summarize(granted))}}
}
