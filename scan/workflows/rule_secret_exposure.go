package workflows

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// printCommand matches shell and script commands that write their
// arguments to the log.
var printCommand = regexp.MustCompile(`(^|[;&|(\s])(echo|printf|print|console\.log|Write-Host|Write-Output|puts|tee)\b`)

// checkSecretExposure flags secrets printed by run: scripts, passed to
// unpinned third-party actions, or inherited by unpinned reusable
// workflows of other repositories.
func checkSecretExposure(w *Workflow) []evidence.Finding {
	var out []evidence.Finding
	for _, j := range w.Jobs {
		if c := j.WorkflowCall; c != nil && c.Uses != nil {
			r := parseUses(c.Uses.Value)
			if !r.local && !r.pinned() && (c.InheritSecrets || len(c.Secrets) > 0) {
				what := "secrets: inherit hands every repository secret"
				if !c.InheritSecrets {
					what = fmt.Sprintf("%d secret(s) are passed", len(c.Secrets))
				}
				out = append(out, w.finding(RuleSecretExposure, threatmap.High, c.Uses.Pos, j, evidence.ActionsPinned,
					fmt.Sprintf("%s to the reusable workflow %s, which is not pinned to a commit: its owner decides what runs with them", what, r.raw)))
			}
		}
		for _, s := range j.Steps {
			switch e := s.Exec.(type) {
			case *actionlint.ExecRun:
				out = append(out, echoedSecrets(w, j, e.Run)...)
			case *actionlint.ExecAction:
				r := parseUses(str(e.Uses))
				if r.local || r.pinned() || r.firstParty() {
					continue
				}
				if names := secretsGiven(e, s.Env); len(names) > 0 {
					out = append(out, w.finding(RuleSecretExposure, threatmap.High, e.Uses.Pos, j, evidence.ActionsPinned,
						fmt.Sprintf("%s is given to %s, a third-party action not pinned to a commit: a new push to %q receives it", strings.Join(names, ", "), r.raw, r.ref)))
				}
			}
		}
	}
	return out
}

// echoedSecrets flags lines of a script that print a ${{ secrets.X }}
// value.
func echoedSecrets(w *Workflow, j *actionlint.Job, run *actionlint.String) []evidence.Finding {
	if run == nil {
		return nil
	}
	var out []evidence.Finding
	for _, line := range strings.Split(run.Value, "\n") {
		loc := printCommand.FindStringIndex(line)
		if loc == nil || !printsToLog(line[loc[1]:]) {
			continue
		}
		for _, u := range valuePaths(line) {
			if !strings.HasPrefix(u.path, "secrets.") || u.path == "secrets.*" {
				continue
			}
			pos := w.lineOf(run.Pos, run.Value, u.text)
			out = append(out, w.finding(RuleSecretExposure, threatmap.High, pos, j, "",
				fmt.Sprintf("%s is printed by job %s: log masking misses encoded or split values and anyone who can read the logs sees it", strings.ToUpper(strings.TrimPrefix(u.path, "secrets.")), jobID(j))))
			break
		}
	}
	return out
}

// printsToLog reports whether a print command's output reaches the log:
// piped into another command (echo "$TOKEN" | docker login
// --password-stdin) or redirected to a file it does not, unless the file
// is the job summary, which is shown on the run's page.
func printsToLog(rest string) bool {
	if strings.Contains(rest, "GITHUB_STEP_SUMMARY") {
		return true
	}
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case '|':
			if i+1 < len(rest) && rest[i+1] == '|' {
				i++
				continue
			}
			return false
		case '>':
			return false
		}
	}
	return true
}

// secretsGiven lists the secrets a step passes to its action through
// with: inputs or env:.
func secretsGiven(a *actionlint.ExecAction, env *actionlint.Env) []string {
	set := map[string]bool{}
	add := func(v *actionlint.String) {
		for _, u := range contextPaths(str(v)) {
			if strings.HasPrefix(u.path, "secrets.") {
				set[strings.ToUpper(strings.TrimPrefix(u.path, "secrets."))] = true
			}
		}
	}
	for _, in := range a.Inputs {
		if in != nil {
			add(in.Value)
		}
	}
	if env != nil {
		for _, v := range env.Vars {
			if v != nil {
				add(v.Value)
			}
		}
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
