package workflows

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// checkSecretOverexposure flags expressions that hand out more secrets
// than a step needs (toJSON(secrets), secrets[...] with a computed name),
// values derived from a secret (fromJSON(secrets.X).field), which the log
// masker does not know, and secrets encoded on their way to the log.
func checkSecretOverexposure(w *Workflow) []evidence.Finding {
	var out []evidence.Finding
	for i, line := range w.Lines {
		for _, ph := range placeholders(line) {
			expr, err := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(strings.TrimPrefix(ph, "${{")))
			if err != nil {
				continue
			}
			msg := ""
			actionlint.VisitExprNode(expr, func(n, _ actionlint.ExprNode, entering bool) {
				if !entering || msg != "" {
					return
				}
				switch n := n.(type) {
				case *actionlint.FuncCallNode:
					if len(n.Args) == 0 {
						return
					}
					if v, ok := n.Args[0].(*actionlint.VariableNode); ok && strings.EqualFold(v.Name, "secrets") && strings.EqualFold(n.Callee, "toJSON") {
						msg = "toJSON(secrets) hands every secret of the repository to this step, not only the ones it uses; name each secret it needs"
						return
					}
					if p, ok := pathOf(n.Args[0]); ok && strings.HasPrefix(p, "secrets.") && strings.EqualFold(n.Callee, "fromJSON") {
						msg = fmt.Sprintf("a value derived from %s with fromJSON() is not masked in the logs (only the whole secret is); store each value as a secret of its own", strings.ToUpper(strings.TrimPrefix(p, "secrets.")))
					}
				case *actionlint.IndexAccessNode:
					if v, ok := n.Operand.(*actionlint.VariableNode); ok && strings.EqualFold(v.Name, "secrets") {
						if _, lit := n.Index.(*actionlint.StringNode); !lit {
							msg = "secrets[...] with a computed name lets whatever sets the name (a matrix value, an input) pick any secret of the repository; name each secret it needs"
						}
					}
				}
			})
			if msg != "" {
				col := strings.Index(line, ph) + 1
				out = append(out, w.finding(RuleSecretExposure, threatmap.Medium, &actionlint.Pos{Line: i + 1, Col: col}, w.jobAt(i+1), "", msg))
			}
		}
	}
	out = append(out, encodedSecrets(w)...)
	out = append(out, derivedEchoes(w)...)
	return out
}

// shellAssignment matches NAME=value at the start of a script line, with
// an optional export.
var shellAssignment = regexp.MustCompile(`^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)

// derivedEchoes flags scripts that compute a value from a secret (a field
// extracted with jq, a decoded part) into a variable and print that
// variable: the log masker knows the secret as stored, not what is derived
// from it.
func derivedEchoes(w *Workflow) []evidence.Finding {
	var out []evidence.Finding
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			e, ok := s.Exec.(*actionlint.ExecRun)
			if !ok || e.Run == nil {
				continue
			}
			secretEnv := w.secretEnv(j, s)
			derived := map[string]string{}
			refersTo := func(text string) string {
				for _, u := range valuePaths(text) {
					if strings.HasPrefix(u.path, "secrets.") && u.path != "secrets.*" {
						return strings.ToUpper(strings.TrimPrefix(u.path, "secrets."))
					}
				}
				for _, m := range []map[string]string{secretEnv, derived} {
					for v, sec := range m {
						if strings.Contains(text, "$"+v) || strings.Contains(text, "${"+v+"}") {
							return sec
						}
					}
				}
				return ""
			}
			for _, line := range strings.Split(e.Run.Value, "\n") {
				t := strings.TrimSpace(line)
				if strings.HasPrefix(t, "#") {
					continue
				}
				if m := shellAssignment.FindStringSubmatch(t); m != nil {
					// Only a computed value is derived; NAME=$SECRET is
					// the secret itself, which the masker knows.
					if strings.Contains(m[2], "$(") || strings.Contains(m[2], "`") {
						if sec := refersTo(m[2]); sec != "" {
							derived[m[1]] = sec
						}
					}
					continue
				}
				loc := printCommand.FindStringIndex(t)
				if loc == nil || !printsToLog(t[loc[1]:]) {
					continue
				}
				for v, sec := range derived {
					if strings.Contains(t[loc[1]:], "$"+v) || strings.Contains(t[loc[1]:], "${"+v+"}") {
						pos := w.lineOf(e.Run.Pos, e.Run.Value, t)
						out = append(out, w.finding(RuleSecretExposure, threatmap.High, pos, j, "",
							fmt.Sprintf("%s, computed from the secret %s, is printed by job %s: the log masker only knows the secret as stored, so the derived value appears in the log", v, sec, jobID(j))))
						break
					}
				}
			}
		}
	}
	return out
}

// encoders transform a value so that the log masker no longer recognises
// it.
var encoders = regexp.MustCompile(`\|\s*(base64|base32|xxd|od|hexdump|rev|openssl\s+(base64|enc))\b`)

// encodedSecrets flags run: lines that pipe a secret (a ${{ secrets.X }}
// or an env variable set from one) into an encoder whose output reaches
// the log.
func encodedSecrets(w *Workflow) []evidence.Finding {
	var out []evidence.Finding
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			e, ok := s.Exec.(*actionlint.ExecRun)
			if !ok || e.Run == nil {
				continue
			}
			secretEnv := w.secretEnv(j, s)
			for _, line := range strings.Split(e.Run.Value, "\n") {
				loc := encoders.FindStringIndex(line)
				if loc == nil || strings.Contains(line[loc[1]:], ">") || strings.Contains(line[loc[1]:], "|") {
					continue
				}
				head := line[:loc[0]]
				name := ""
				for _, u := range contextPaths(head) {
					if strings.HasPrefix(u.path, "secrets.") {
						name = strings.ToUpper(strings.TrimPrefix(u.path, "secrets."))
					}
				}
				for v, sec := range secretEnv {
					if name == "" && (strings.Contains(head, "$"+v) || strings.Contains(head, "${"+v+"}")) {
						name = sec
					}
				}
				if name == "" {
					continue
				}
				pos := w.lineOf(e.Run.Pos, e.Run.Value, strings.TrimSpace(line))
				out = append(out, w.finding(RuleSecretExposure, threatmap.High, pos, j, "",
					fmt.Sprintf("%s is encoded and printed by job %s: the log masker only knows the secret as written, so the encoded value appears in the log for anyone who can read it", name, jobID(j))))
			}
		}
	}
	return out
}

// secretEnv maps env variable names (as written) visible to a step to the
// secret they are set from.
func (w *Workflow) secretEnv(j *actionlint.Job, s *actionlint.Step) map[string]string {
	out := map[string]string{}
	for _, env := range []*actionlint.Env{w.AST.Env, j.Env, s.Env} {
		if env == nil {
			continue
		}
		for _, v := range env.Vars {
			if v == nil || v.Name == nil || v.Value == nil {
				continue
			}
			for _, u := range valuePaths(v.Value.Value) {
				if strings.HasPrefix(u.path, "secrets.") && u.path != "secrets.*" {
					out[v.Name.Value] = strings.ToUpper(strings.TrimPrefix(u.path, "secrets."))
				}
			}
		}
	}
	return out
}

// jobAt returns the job whose source range holds a line, or nil for lines
// outside every job.
func (w *Workflow) jobAt(line int) *actionlint.Job {
	var found *actionlint.Job
	for _, j := range w.Jobs {
		if p := orPos(j.Pos); p.Line <= line {
			found = j
		}
	}
	return found
}
