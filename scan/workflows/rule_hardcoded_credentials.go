package workflows

import (
	"fmt"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// checkHardcodedCredentials flags registry passwords written as literals in
// a job container's or service's credentials: they are in the repository,
// readable by anyone who can read it, and cannot be rotated without a
// commit.
func checkHardcodedCredentials(w *Workflow) []evidence.Finding {
	var out []evidence.Finding
	for _, j := range w.Jobs {
		type cred struct {
			what string
			c    *actionlint.Credentials
		}
		var creds []cred
		for _, jc := range containers(j) {
			if jc.c.Credentials != nil {
				creds = append(creds, cred{jc.what, jc.c.Credentials})
			}
		}
		for _, c := range creds {
			p := c.c.Password
			if p == nil || strings.TrimSpace(p.Value) == "" || strings.Contains(p.Value, "${{") {
				continue
			}
			out = append(out, w.finding(RuleSecretExposure, threatmap.High, p.Pos, j, evidence.SecretsNotInConfig,
				fmt.Sprintf("the registry password of %s in job %s is written in the workflow: anyone who can read the repository has it; use ${{ secrets.NAME }}", c.what, jobID(j))))
		}
	}
	return out
}

// checkInsecureCommands flags ACTIONS_ALLOW_UNSECURE_COMMANDS, which turns
// the deprecated set-env and add-path log commands back on: any step that
// prints attacker-controlled text (a branch name, a file's content) can then
// set environment variables such as LD_PRELOAD or NODE_OPTIONS for the
// steps after it.
func checkInsecureCommands(w *Workflow) []evidence.Finding {
	var out []evidence.Finding
	flag := func(env *actionlint.Env, j *actionlint.Job, where string) {
		if env == nil {
			return
		}
		for _, v := range env.Vars {
			if v == nil || v.Name == nil || v.Value == nil || !strings.EqualFold(v.Name.Value, "ACTIONS_ALLOW_UNSECURE_COMMANDS") {
				continue
			}
			if val := strings.ToLower(strings.TrimSpace(v.Value.Value)); val == "false" || val == "" {
				continue
			}
			out = append(out, w.finding(RuleScriptInjection, threatmap.High, v.Name.Pos, j, evidence.NoWorkflowInjection,
				fmt.Sprintf("ACTIONS_ALLOW_UNSECURE_COMMANDS is set %s: any step that prints text an outsider controls can set environment variables and PATH for the steps after it; remove it and write to $GITHUB_ENV instead", where)))
		}
	}
	flag(w.AST.Env, nil, "for the whole workflow")
	for _, j := range w.Jobs {
		flag(j.Env, j, "for job "+jobID(j))
		if j.Container != nil {
			flag(j.Container.Env, j, "in the container of job "+jobID(j))
		}
		for _, s := range j.Steps {
			flag(s.Env, j, "on a step of job "+jobID(j))
		}
		// A matrix that carries the variable into env: ${{ matrix.x }}.
		if j.Strategy != nil && j.Strategy.Matrix != nil {
			for name, row := range j.Strategy.Matrix.Rows {
				for _, v := range row.Values {
					if o, ok := v.(*actionlint.RawYAMLObject); ok {
						for k := range o.Props {
							if strings.EqualFold(k, "ACTIONS_ALLOW_UNSECURE_COMMANDS") {
								out = append(out, w.finding(RuleScriptInjection, threatmap.High, row.Name.Pos, j, evidence.NoWorkflowInjection,
									fmt.Sprintf("the matrix value %s of job %s sets ACTIONS_ALLOW_UNSECURE_COMMANDS: any step that prints text an outsider controls can set environment variables and PATH for the steps after it", name, jobID(j))))
							}
						}
					}
				}
			}
		}
	}
	return out
}
