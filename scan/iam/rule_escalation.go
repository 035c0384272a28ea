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
		"(iam:CreatePolicyVersion, iam:AttachRolePolicy, iam:PutRolePolicy...), mint credentials for other users (iam:CreateAccessKey, " +
		"iam:CreateLoginProfile), rewrite a role's trust policy or assume any role, pass a more privileged role to compute it " +
		"creates (iam:PassRole with lambda:CreateFunction and a way to invoke it, ec2:RunInstances, ecs:RunTask, glue, " +
		"cloudformation, datapipeline, sagemaker, codebuild...), or take over compute that already runs as a role " +
		"(lambda:UpdateFunctionCode, a layer through lambda:UpdateFunctionConfiguration, ec2:ModifyInstanceAttribute on user " +
		"data, ssm:SendCommand or ssm:StartSession on every instance, glue:UpdateDevEndpoint). Remove these actions, scope them " +
		"to the identity's own resources, and condition iam:PassRole on the one role and service it needs.",
	Severity: threatmap.Critical,
	Property: evidence.LeastPrivilege,
}

// method is one known way to escalate in AWS: every group must be granted,
// each group by any one of its actions.
type method struct {
	name   string
	groups [][]string
	// passRole: the method also needs iam:PassRole.
	passRole bool
	// takeover: the method reaches compute that already runs as a role
	// rather than rewriting IAM.
	takeover bool
	// wideOnly: only a grant on every resource (or every resource of the
	// type) counts; one named instance or function is a designed access
	// path, not an escalation.
	wideOnly bool
	// notSelf: a grant limited to the caller's own user
	// (user/${aws:username}) does not count; rotating one's own keys is
	// not an escalation.
	notSelf bool
}

// methods is the catalogue, in the order findings list them. The first
// block rewrites IAM directly; the second passes a role to new compute;
// the third takes over existing compute or roles. docs/infrastructure.md
// maps each to the public catalogue of AWS escalation methods.
var methods = []method{
	{name: "iam:CreatePolicyVersion", groups: [][]string{{"iam:CreatePolicyVersion"}}},
	{name: "iam:SetDefaultPolicyVersion", groups: [][]string{{"iam:SetDefaultPolicyVersion"}}},
	{name: "iam:AttachUserPolicy", groups: [][]string{{"iam:AttachUserPolicy"}}},
	{name: "iam:AttachGroupPolicy", groups: [][]string{{"iam:AttachGroupPolicy"}}},
	{name: "iam:AttachRolePolicy", groups: [][]string{{"iam:AttachRolePolicy"}}},
	{name: "iam:PutUserPolicy", groups: [][]string{{"iam:PutUserPolicy"}}},
	{name: "iam:PutGroupPolicy", groups: [][]string{{"iam:PutGroupPolicy"}}},
	{name: "iam:PutRolePolicy", groups: [][]string{{"iam:PutRolePolicy"}}},
	{name: "iam:AddUserToGroup", groups: [][]string{{"iam:AddUserToGroup"}}},
	{name: "iam:CreateAccessKey", groups: [][]string{{"iam:CreateAccessKey"}}, notSelf: true},
	{name: "iam:CreateLoginProfile", groups: [][]string{{"iam:CreateLoginProfile"}}, notSelf: true},
	{name: "iam:UpdateLoginProfile", groups: [][]string{{"iam:UpdateLoginProfile"}}, notSelf: true},
	{name: "iam:UpdateAssumeRolePolicy", groups: [][]string{{"iam:UpdateAssumeRolePolicy"}}},

	{name: "ec2:RunInstances", passRole: true, groups: [][]string{{"ec2:RunInstances", "ec2:RequestSpotInstances"}}},
	{name: "ec2:AssociateIamInstanceProfile", passRole: true, groups: [][]string{{"ec2:AssociateIamInstanceProfile", "ec2:ReplaceIamInstanceProfileAssociation", "iam:AddRoleToInstanceProfile"}}},
	{name: "lambda:CreateFunction", passRole: true, groups: [][]string{{"lambda:CreateFunction"},
		{"lambda:InvokeFunction", "lambda:CreateEventSourceMapping", "lambda:AddPermission", "lambda:CreateFunctionUrlConfig"}}},
	{name: "glue:CreateDevEndpoint", passRole: true, groups: [][]string{{"glue:CreateDevEndpoint"}}},
	{name: "glue:CreateJob", passRole: true, groups: [][]string{{"glue:CreateJob", "glue:UpdateJob"}, {"glue:StartJobRun", "glue:CreateTrigger"}}},
	{name: "cloudformation:CreateStack", passRole: true, groups: [][]string{{"cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:CreateChangeSet"}}},
	{name: "datapipeline:CreatePipeline", passRole: true, groups: [][]string{{"datapipeline:CreatePipeline"}, {"datapipeline:PutPipelineDefinition"}}},
	{name: "sagemaker:CreateNotebookInstance", passRole: true, groups: [][]string{{"sagemaker:CreateNotebookInstance", "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"}}},
	{name: "codebuild:CreateProject", passRole: true, groups: [][]string{{"codebuild:CreateProject", "codebuild:UpdateProject"}, {"codebuild:StartBuild", "codebuild:StartBuildBatch"}}},
	{name: "ecs:RegisterTaskDefinition", passRole: true, groups: [][]string{{"ecs:RegisterTaskDefinition"}, {"ecs:RunTask", "ecs:StartTask", "ecs:CreateService", "ecs:UpdateService"}}},
	{name: "states:CreateStateMachine", passRole: true, groups: [][]string{{"states:CreateStateMachine", "states:UpdateStateMachine"}}},
	{name: "autoscaling:CreateAutoScalingGroup", passRole: true, groups: [][]string{{"autoscaling:CreateLaunchConfiguration", "ec2:CreateLaunchTemplate", "ec2:CreateLaunchTemplateVersion"}, {"autoscaling:CreateAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup"}}},
	{name: "apprunner:CreateService", passRole: true, groups: [][]string{{"apprunner:CreateService"}}},
	{name: "bedrock-agentcore:CreateCodeInterpreter", passRole: true, groups: [][]string{{"bedrock-agentcore:CreateCodeInterpreter"}, {"bedrock-agentcore:InvokeCodeInterpreter"}}},

	{name: "lambda:UpdateFunctionCode", takeover: true, wideOnly: true, groups: [][]string{{"lambda:UpdateFunctionCode"}}},
	{name: "lambda:UpdateFunctionConfiguration (layers)", takeover: true, wideOnly: true, groups: [][]string{{"lambda:UpdateFunctionConfiguration"}}},
	{name: "ec2:ModifyInstanceAttribute (user data)", takeover: true, wideOnly: true, groups: [][]string{{"ec2:ModifyInstanceAttribute"}, {"ec2:StopInstances"}, {"ec2:StartInstances"}}},
	{name: "ssm:SendCommand", takeover: true, wideOnly: true, groups: [][]string{{"ssm:SendCommand"}}},
	{name: "ssm:StartSession", takeover: true, wideOnly: true, groups: [][]string{{"ssm:StartSession"}}},
	{name: "ec2-instance-connect:SendSSHPublicKey", takeover: true, wideOnly: true, groups: [][]string{{"ec2-instance-connect:SendSSHPublicKey", "ec2-instance-connect:SendSerialConsoleSSHPublicKey"}}},
	{name: "ecs:ExecuteCommand", takeover: true, wideOnly: true, groups: [][]string{{"ecs:ExecuteCommand"}}},
	{name: "glue:UpdateDevEndpoint", takeover: true, wideOnly: true, groups: [][]string{{"glue:UpdateDevEndpoint"}}},
	{name: "sagemaker:CreatePresignedNotebookInstanceUrl", takeover: true, wideOnly: true, groups: [][]string{{"sagemaker:CreatePresignedNotebookInstanceUrl"}}},
	{name: "codebuild:StartBuild (buildspec override)", takeover: true, wideOnly: true, groups: [][]string{{"codebuild:StartBuild", "codebuild:StartBuildBatch"}, {"codebuild:UpdateProject"}}},
	{name: "sts:AssumeRole on every role", takeover: true, wideOnly: true, groups: [][]string{{"sts:AssumeRole"}}},
}

// escalation looks for escalation paths across a set of statements. It
// returns at most three hits: IAM rewritten directly, a role passed to new
// compute, existing compute or roles taken over; each at the statement
// granting its first method's key action and naming every method found.
// The keys name the kind of path only, so that a fingerprint survives the
// catalogue growing or the policy gaining another method of the same kind.
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
	// grantBy finds a statement granting action under the method's
	// constraints.
	grantBy := func(action string, m method) (*Statement, int, bool) {
		if denied(action) {
			return nil, 0, false
		}
		for _, s := range sts {
			if _, _, admin := adminStatement(s); admin {
				continue
			}
			if s.HasCondition() && action == "iam:PassRole" {
				continue
			}
			ok, line := s.Grants(action)
			if !ok {
				continue
			}
			if m.wideOnly {
				if _, scope := s.BroadestResource(); scope < ScopeAllOfType {
					continue
				}
			}
			if m.notSelf && selfOnly(s) {
				continue
			}
			return s, line, true
		}
		return nil, 0, false
	}
	type found struct {
		names []string
		line  int
		sev   threatmap.Severity
	}
	var direct, pass, takeover found
	pst, passLine, passOK := grantBy("iam:PassRole", method{})
	for _, m := range methods {
		if m.passRole && !passOK {
			continue
		}
		line, ok := 0, true
		var conditioned bool
		for _, g := range m.groups {
			gok := false
			for _, a := range g {
				if s, l, yes := grantBy(a, m); yes {
					gok = true
					if line == 0 {
						line = l
					}
					conditioned = conditioned || s.HasCondition()
					break
				}
			}
			if !gok {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		f := &direct
		switch {
		case m.passRole:
			f = &pass
		case m.takeover:
			f = &takeover
		}
		f.names = append(f.names, m.name)
		if f.line == 0 {
			f.line = line
		}
		// A takeover limited by a condition (a tag on the instance, say)
		// reaches only some of the compute: still a path, less certain.
		sev := threatmap.Critical
		if m.takeover && conditioned {
			sev = threatmap.High
		}
		if sev > f.sev {
			f.sev = sev
		}
	}
	var out []hit
	if len(direct.names) > 0 {
		out = append(out, hit{Line: direct.line, Key: "escalation:iam",
			Msg: fmt.Sprintf("can raise its own privileges with %s", summarize(direct.names))})
	}
	if len(pass.names) > 0 {
		roles := "any role"
		sev := threatmap.Critical
		if res, scope := pst.BroadestResource(); scope < ScopeAllOfType && res.S != "" {
			// One named role: an escalation only if that role holds more
			// than this identity, which the policy alone cannot tell.
			roles = fmt.Sprintf("the role %q", res.S)
			sev = threatmap.High
		}
		out = append(out, hit{Line: passLine, Key: "escalation:pass-role", Severity: sev,
			Msg: fmt.Sprintf("can pass %s to compute it creates (iam:PassRole without iam:PassedToService, with %s), and so act with that role's rights", roles, summarize(pass.names))})
	}
	if len(takeover.names) > 0 {
		out = append(out, hit{Line: takeover.line, Key: "escalation:takeover", Severity: takeover.sev,
			Msg: fmt.Sprintf("can take over compute or roles that already hold other rights with %s on every resource, and so act with their roles' rights", summarize(takeover.names))})
	}
	return out
}

// selfOnly reports whether every resource of a statement is the caller's
// own user (arn:aws:iam::…:user/${aws:username}).
func selfOnly(s *Statement) bool {
	if len(s.Resources) == 0 {
		return false
	}
	for _, r := range s.Resources {
		if !strings.Contains(strings.ToLower(r.S), "${aws:username}") {
			return false
		}
	}
	return true
}
