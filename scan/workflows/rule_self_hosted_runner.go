package workflows

import (
	"fmt"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// checkSelfHostedRunner flags jobs on self-hosted runners in workflows
// that outsiders can trigger: a self-hosted label (also in a labels array
// or the labels: of a runner group), a runner group, or a matrix value
// that names a self-hosted runner.
func checkSelfHostedRunner(w *Workflow) []evidence.Finding {
	trigger, ok := w.hasTrigger(publicTriggers...)
	if !ok {
		return nil
	}
	var out []evidence.Finding
	for _, j := range w.Jobs {
		pos, how := selfHosted(j)
		if pos == nil {
			continue
		}
		// Outsiders' code running on your own machine is untrusted code in a
		// privileged place, the property injection findings refute too.
		out = append(out, w.finding(RuleSelfHostedRunner, threatmap.High, pos, j, evidence.NoWorkflowInjection,
			fmt.Sprintf("job %s runs on %s and the workflow runs on %s: anyone who can open a pull request or issue can run code on that machine and the network it sits in", jobID(j), how, trigger)))
	}
	return out
}

// selfHosted tells where a job chooses a self-hosted runner, if it does.
func selfHosted(j *actionlint.Job) (*actionlint.Pos, string) {
	r := j.RunsOn
	if r == nil {
		return nil, ""
	}
	for _, l := range r.Labels {
		if l == nil {
			continue
		}
		if strings.EqualFold(l.Value, "self-hosted") {
			return l.Pos, "a self-hosted runner"
		}
		for _, v := range matrixValuesOf(j, l.Value) {
			if strings.EqualFold(v, "self-hosted") {
				return l.Pos, "a self-hosted runner chosen through the matrix"
			}
		}
	}
	if r.LabelsExpr != nil {
		for _, v := range matrixValuesOf(j, r.LabelsExpr.Value) {
			if strings.EqualFold(v, "self-hosted") {
				return r.LabelsExpr.Pos, "a self-hosted runner chosen through the matrix"
			}
		}
	}
	if r.Group != nil && r.Group.Value != "" {
		return r.Group.Pos, fmt.Sprintf("the runner group %q (runner groups hold self-hosted or larger runners, which keep state between jobs unless made ephemeral)", r.Group.Value)
	}
	return nil, ""
}

// matrixValuesOf returns every string a ${{ matrix.x }} placeholder can
// take from the job's static matrix, rows and include: entries alike
// (arrays are flattened, since runs-on takes an array of labels).
func matrixValuesOf(j *actionlint.Job, s string) []string {
	if !strings.Contains(s, "${{") || j.Strategy == nil || j.Strategy.Matrix == nil {
		return nil
	}
	m := j.Strategy.Matrix
	excluded := map[string]bool{}
	if m.Exclude != nil {
		for _, c := range m.Exclude.Combinations {
			// An exclusion naming only this key removes the value from
			// every combination.
			if c != nil && len(c.Assigns) == 1 {
				for k, a := range c.Assigns {
					for _, v := range rawStrings(a.Value) {
						excluded[k+"="+strings.ToLower(v)] = true
					}
				}
			}
		}
	}
	var out []string
	keep := func(key string, vs []string) {
		for _, v := range vs {
			if !excluded[key+"="+strings.ToLower(v)] {
				out = append(out, v)
			}
		}
	}
	for _, u := range valuePaths(s) {
		key, ok := strings.CutPrefix(u.path, "matrix.")
		if !ok {
			continue
		}
		if row := m.Rows[key]; row != nil {
			for _, v := range row.Values {
				keep(key, rawStrings(v))
			}
		}
		if m.Include != nil {
			for _, c := range m.Include.Combinations {
				if c == nil {
					continue
				}
				if a := c.Assigns[key]; a != nil {
					keep(key, rawStrings(a.Value))
				}
			}
		}
	}
	return out
}

func rawStrings(v actionlint.RawYAMLValue) []string {
	switch v := v.(type) {
	case *actionlint.RawYAMLString:
		return []string{v.Value}
	case *actionlint.RawYAMLArray:
		var out []string
		for _, e := range v.Elems {
			out = append(out, rawStrings(e)...)
		}
		return out
	}
	return nil
}
