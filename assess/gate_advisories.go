package assess

import (
	"path/filepath"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// uncheckedDependencies is a problem for each directory whose dependencies
// were not matched against an advisory database, for a policy that
// requires they were (policy.advisory_db).
func (a *Assessment) uncheckedDependencies() []Problem {
	var out []Problem
	for _, o := range a.Evidence.Observations {
		if o.Property != evidence.AdvisoriesChecked || o.Holds {
			continue
		}
		pos := threatmap.Position{File: filepath.Join(a.Model.Dir, filepath.FromSlash(o.File))}
		out = append(out, Problem{
			Kind: ProblemUnchecked, ID: "advisories-checked:" + o.File, Title: "dependencies not checked for known vulnerabilities",
			Severity: threatmap.Medium, Pos: pos,
			Message: o.Detail + "; the model's policy requires an advisory database",
		})
	}
	return out
}
