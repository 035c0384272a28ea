package workflows

import (
	"fmt"

	"github.com/rhysd/actionlint"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// privilegedTriggers run with the base repository's secrets and a token
// that can write, yet are fired by people outside the project.
var privilegedTriggers = []string{"pull_request_target", "workflow_run", "issues", "issue_comment", "discussion", "discussion_comment", "fork", "watch"}

// publicTriggers are events anyone with a GitHub account can cause on a
// public repository.
var publicTriggers = append([]string{"pull_request", "pull_request_review", "pull_request_review_comment"}, privilegedTriggers...)

// checkScriptInjection flags attacker-controlled context values pasted into
// run: scripts and actions/github-script code.
func checkScriptInjection(w *Workflow) []evidence.Finding {
	sev := threatmap.High
	why := ""
	if t, ok := w.hasTrigger(privilegedTriggers...); ok {
		sev = threatmap.Critical
		why = fmt.Sprintf(" on %s, which runs with secrets and a write token", t)
	}
	var out []evidence.Finding
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			var code *actionlint.String
			switch e := s.Exec.(type) {
			case *actionlint.ExecRun:
				code = e.Run
			case *actionlint.ExecAction:
				if e.Uses != nil && parseUses(e.Uses.Value).repo == "actions/github-script" {
					if in := e.Inputs["script"]; in != nil {
						code = in.Value
					}
				}
			}
			if code == nil {
				continue
			}
			seen := map[string]bool{}
			for _, u := range contextPaths(code.Value) {
				if !isUntrusted(u.path) || seen[u.path] {
					continue
				}
				seen[u.path] = true
				pos := w.lineOf(code.Pos, code.Value, u.text)
				out = append(out, w.finding(RuleScriptInjection, sev, pos, j, evidence.NoWorkflowInjection,
					fmt.Sprintf("%s is pasted into the script of job %s%s: whoever writes it can run commands; pass it through env: and quote \"$VAR\" instead", u.path, jobID(j), why)))
			}
		}
	}
	return out
}
