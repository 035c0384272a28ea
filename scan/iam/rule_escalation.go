package iam

import (
	"fmt"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

var rulePrivilegeEscalation = RuleInfo{
	ID:    "iam-privilege-escalation",
	Title: "Privilege escalation path",
	Description: "The identity's policies, taken together, let it raise its own privileges: rewrite or attach policies " +
		"(iam:CreatePolicyVersion, iam:AttachRolePolicy, iam:PutRolePolicy...), mint credentials for others (iam:CreateAccessKey, " +
		"iam:CreateLoginProfile), or pass a more privileged role to compute it creates (iam:PassRole with lambda:CreateFunction, " +
		"ec2:RunInstances, ecs:RunTask...). Remove the IAM write actions, and condition iam:PassRole on the one role and service it needs.",
	Severity: threatmap.Critical,
	Property: evidence.LeastPrivilege,
}

// escalationActions let the holder raise its own privileges by themselves.
var escalationActions = []string{
	"iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
	"iam:AttachRolePolicy", "iam:AttachUserPolicy", "iam:AttachGroupPolicy",
	"iam:PutRolePolicy", "iam:PutUserPolicy", "iam:PutGroupPolicy",
	"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
	"iam:UpdateAssumeRolePolicy", "iam:AddUserToGroup",
}

// computeActions create or change compute that runs as a passed role.
var computeActions = []string{
	"lambda:CreateFunction", "lambda:UpdateFunctionConfiguration", "ec2:RunInstances",
	"ecs:RunTask", "ecs:RegisterTaskDefinition", "ecs:CreateService",
	"glue:CreateDevEndpoint", "glue:CreateJob", "cloudformation:CreateStack", "cloudformation:UpdateStack",
	"datapipeline:CreatePipeline", "sagemaker:CreateNotebookInstance", "sagemaker:CreateTrainingJob",
	"codebuild:CreateProject", "states:CreateStateMachine",
}

// escalation looks for escalation paths across a set of statements. It
// returns one hit per path, at the statement granting the key action.
func escalation(sts []*Statement) []hit {
	// An unconditional Deny on every resource removes the action whatever
	// the Allow statements say.
	denied := func(action string) bool {
		for _, s := range sts {
			if s.Allows() || s.HasCondition() {
				continue
			}
			if _, scope := s.BroadestResource(); scope != ScopeAll {
				continue
			}
			for _, a := range s.Actions {
				if globMatch(a.S, action) {
					return true
				}
			}
		}
		return false
	}
	grantBy := func(action string) (*Statement, int, bool) {
		if denied(action) {
			return nil, 0, false
		}
		for _, s := range sts {
			if _, _, admin := adminStatement(s); admin {
				continue
			}
			if s.HasCondition() && strings.HasPrefix(action, "iam:PassRole") {
				continue
			}
			if ok, line := s.Grants(action); ok {
				return s, line, true
			}
		}
		return nil, 0, false
	}
	grant := func(action string) (int, bool) {
		_, line, ok := grantBy(action)
		return line, ok
	}
	var out []hit
	var direct []string
	firstLine := 0
	for _, a := range escalationActions {
		if line, ok := grant(a); ok {
			direct = append(direct, a)
			if firstLine == 0 {
				firstLine = line
			}
		}
	}
	if len(direct) > 0 {
		out = append(out, hit{Line: firstLine, Key: strings.Join(direct, ","),
			Msg: fmt.Sprintf("can raise its own privileges with %s", summarize(direct))})
	}
	if pass, passLine, ok := grantBy("iam:PassRole"); ok {
		var compute []string
		for _, a := range computeActions {
			if _, ok := grant(a); ok {
				compute = append(compute, a)
			}
		}
		if len(compute) > 0 {
			roles := "any role"
			sev := threatmap.Critical
			if res, scope := pass.BroadestResource(); scope < ScopeAllOfType && res.S != "" {
				// One named role: an escalation only if that role holds
				// more than this identity, which the policy alone cannot
				// tell.
				roles = fmt.Sprintf("the role %q", res.S)
				sev = threatmap.High
			}
			out = append(out, hit{Line: passLine, Key: "iam:PassRole+" + strings.Join(compute, ","), Severity: sev,
				Msg: fmt.Sprintf("can pass %s to compute it creates (iam:PassRole without iam:PassedToService, with %s), and so act with that role's rights", roles, summarize(compute))})
		}
	}
	return out
}
