package workflows

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// headRefs are expressions naming the pull request's (or triggering
// run's) head: code written by whoever opened it.
var headRefs = []string{
	"github.event.pull_request.head.sha", "github.event.pull_request.head.ref", "github.head_ref",
	"github.event.workflow_run.head_sha", "github.event.workflow_run.head_branch",
	"github.event.workflow_run.head_commit.id", "github.event.pull_request.merge_commit_sha",
}

// checkUntrustedCheckout flags pull_request_target and workflow_run
// workflows that check out the head of an outside contribution, the
// pattern behind "pwn request" attacks.
func checkUntrustedCheckout(w *Workflow) []evidence.Finding {
	trigger, ok := w.hasTrigger("pull_request_target", "workflow_run")
	if !ok {
		return nil
	}
	var out []evidence.Finding
	for _, j := range w.Jobs {
		for i, s := range j.Steps {
			if r, ok := s.Exec.(*actionlint.ExecRun); ok && r.Run != nil {
				if line, ok := shellCheckout(r.Run.Value); ok {
					runs := runsCodeAfter(j.Steps[i+1:])
					sev, tail := threatmap.High, "; no later step runs it yet, but any build, test or install step would"
					if runs != "" || commandsAfter(r.Run.Value, line) {
						sev, tail = threatmap.Critical, ", and runs in the same job as the code it fetched"
					}
					out = append(out, w.finding(RuleUntrustedCheckout, sev, w.lineOf(r.Run.Pos, r.Run.Value, line), j, evidence.NoWorkflowInjection,
						fmt.Sprintf("job %s runs on %s with the base repository's secrets%s but fetches the untrusted head with %q%s", jobID(j), trigger, w.tokenClause(j), truncate(line, 60), tail)))
				}
				continue
			}
			a, ok := s.Exec.(*actionlint.ExecAction)
			if !ok || a.Uses == nil {
				continue
			}
			// workflow_run can download the triggering run's artifacts,
			// which a fork's pull request wrote: using them as code or
			// input to a script is the same as checking the fork out.
			if repo := parseUses(a.Uses.Value).repo; trigger == "workflow_run" && (repo == "actions/download-artifact" || repo == "dawidd6/action-download-artifact") {
				if runs := runsCodeAfter(j.Steps[i+1:]); runs != "" {
					out = append(out, w.finding(RuleUntrustedCheckout, threatmap.High, a.Uses.Pos, j, evidence.NoWorkflowInjection,
						fmt.Sprintf("job %s runs on workflow_run with the repository's secrets%s, downloads artifacts the triggering run (possibly a fork's pull request) produced, then %s runs with them; treat them as untrusted data and never execute or source them", jobID(j), w.tokenClause(j), runs)))
				}
				continue
			}
			if parseUses(a.Uses.Value).repo != "actions/checkout" {
				continue
			}
			head := headInput(a.Inputs["repository"], a.Inputs["ref"])
			if head == nil {
				continue
			}
			runs := runsCodeAfter(j.Steps[i+1:])
			sev, tail := threatmap.High, "; no later step runs it yet, but any build, test or install step would"
			if runs != "" {
				sev, tail = threatmap.Critical, fmt.Sprintf(", then %s runs it", runs)
			}
			pos := head.Value.Pos
			out = append(out, w.finding(RuleUntrustedCheckout, sev, pos, j, evidence.NoWorkflowInjection,
				fmt.Sprintf("job %s runs on %s with the base repository's secrets%s but checks out the untrusted head%s", jobID(j), trigger, w.tokenClause(j), tail)))
		}
	}
	return out
}

// headInput returns the checkout input that names the untrusted head, or
// nil.
func headInput(inputs ...*actionlint.Input) *actionlint.Input {
	for _, in := range inputs {
		if in == nil || in.Value == nil {
			continue
		}
		v := strings.ToLower(in.Value.Value)
		if strings.Contains(v, "refs/pull/") {
			return in
		}
		for _, u := range contextPaths(v) {
			for _, h := range headRefs {
				if u.path == h {
					return in
				}
			}
			if strings.HasPrefix(u.path, "github.event.pull_request.head.repo") {
				return in
			}
		}
	}
	return nil
}

// runsCodeAfter describes the first later step that executes code from
// the workspace: a run: script that does more than print or inspect, or a
// local action.
func runsCodeAfter(steps []*actionlint.Step) string {
	for _, s := range steps {
		switch e := s.Exec.(type) {
		case *actionlint.ExecRun:
			if inertScript(str(e.Run)) {
				continue
			}
			line, _, _ := strings.Cut(strings.TrimSpace(str(e.Run)), "\n")
			return fmt.Sprintf("line %d (%q)", orPos(e.Run.Pos).Line, truncate(line, 40))
		case *actionlint.ExecAction:
			if parseUses(str(e.Uses)).local {
				return "the local action " + str(e.Uses)
			}
		}
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// shellFetch matches shell commands that bring a pull request's code into
// the workspace.
var shellFetch = regexp.MustCompile(`\bgh\s+pr\s+checkout\b|\bgit\s+(fetch|pull)\b.*\bpull/|\bgit\s+(checkout|switch|fetch|pull)\b.*\$\{\{\s*github\.(head_ref|event\.(pull_request\.head|workflow_run\.head))`)

// shellCheckout returns the first script line that fetches or checks out
// the untrusted head.
func shellCheckout(script string) (string, bool) {
	for _, line := range strings.Split(script, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") {
			continue
		}
		if shellFetch.MatchString(t) {
			return t, true
		}
	}
	return "", false
}

// commandsAfter reports whether a script has a command after the line
// that fetched untrusted code.
func commandsAfter(script, line string) bool {
	_, rest, _ := strings.Cut(script, line)
	for _, l := range strings.Split(rest, "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			return true
		}
	}
	return false
}

// inertCommands print, wait or inspect without executing anything the
// checked-out tree contains.
var inertCommands = map[string]bool{
	"echo": true, "printf": true, "cat": true, "ls": true, "sleep": true, "pwd": true, "head": true,
	"tail": true, "wc": true, "true": true, "date": true, "whoami": true, "env": false,
}

// inertGit are git subcommands that only read the repository.
var inertGit = map[string]bool{"rev-parse": true, "log": true, "status": true, "diff": true, "show": true}

// inertScript reports whether every command of a script (each segment of
// a pipeline or list) is an inert one.
func inertScript(script string) bool {
	for _, line := range strings.Split(script, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if strings.ContainsAny(t, "`$(") && strings.Contains(t, "$(") || strings.Contains(t, "`") {
			return false // command substitution runs something else
		}
		for _, seg := range strings.FieldsFunc(t, func(r rune) bool { return r == '|' || r == ';' || r == '&' }) {
			f := strings.Fields(seg)
			if len(f) == 0 {
				continue
			}
			switch {
			case inertCommands[f[0]]:
			case f[0] == "git" && len(f) > 1 && inertGit[f[1]]:
			default:
				return false
			}
		}
	}
	return true
}
