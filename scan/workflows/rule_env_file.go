package workflows

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// envFileWrite matches a redirection into the files the runner reads
// between steps to set environment variables and PATH.
var envFileWrite = regexp.MustCompile(`>>?\s*"?\$\{?(GITHUB_ENV|GITHUB_PATH)\}?"?`)

// checkEnvFileInjection flags scripts that write attacker-controlled text
// (an env variable set from an untrusted value, or a shell variable computed
// from one) into $GITHUB_ENV or $GITHUB_PATH. A newline in the text sets any
// variable for the steps that follow (NODE_OPTIONS, LD_PRELOAD, BASH_ENV),
// which runs the attacker's code with the job's secrets. A ${{ }} pasted
// directly is reported as script injection already.
func checkEnvFileInjection(w *Workflow) []evidence.Finding {
	trigger, privileged := w.hasTrigger(privilegedTriggers...)
	var out []evidence.Finding
	for _, j := range w.Jobs {
		sev, why := threatmap.High, ""
		if privileged {
			sev = threatmap.Critical
			why = fmt.Sprintf(" on %s, which runs with the repository's secrets%s", trigger, w.tokenClause(j))
		}
		for _, s := range j.Steps {
			e, ok := s.Exec.(*actionlint.ExecRun)
			if !ok || e.Run == nil {
				continue
			}
			// Shell variable names as written, to what they carry.
			tainted := map[string]string{}
			if s.Env != nil || j.Env != nil || w.AST.Env != nil {
				for _, env := range []*actionlint.Env{w.AST.Env, j.Env, s.Env} {
					if env == nil {
						continue
					}
					for _, v := range env.Vars {
						if v == nil || v.Name == nil || v.Value == nil {
							continue
						}
						for _, u := range valuePaths(v.Value.Value) {
							if isUntrusted(u.path) {
								tainted[v.Name.Value] = u.path
							}
						}
					}
				}
			}
			if len(tainted) == 0 {
				continue
			}
			refers := func(text string) (string, string) {
				for name, src := range tainted {
					if strings.Contains(text, "$"+name) || strings.Contains(text, "${"+name+"}") {
						return name, src
					}
				}
				return "", ""
			}
			for _, line := range strings.Split(e.Run.Value, "\n") {
				t := strings.TrimSpace(line)
				if strings.HasPrefix(t, "#") {
					continue
				}
				if m := shellAssignment.FindStringSubmatch(t); m != nil {
					if _, src := refers(m[2]); src != "" {
						tainted[m[1]] = src
					}
					continue
				}
				loc := envFileWrite.FindStringIndex(t)
				if loc == nil {
					continue
				}
				name, src := refers(t[:loc[0]])
				if name == "" {
					continue
				}
				file := envFileWrite.FindStringSubmatch(t)[1]
				pos := w.lineOf(e.Run.Pos, e.Run.Value, t)
				out = append(out, w.finding(RuleScriptInjection, sev, pos, j, evidence.NoWorkflowInjection,
					fmt.Sprintf("$%s (from %s) is written into $%s by job %s%s: a newline in it sets any variable (NODE_OPTIONS, LD_PRELOAD) for the steps that follow; validate it or keep it out of $%s", name, src, file, jobID(j), why, file)))
			}
		}
	}
	return out
}
