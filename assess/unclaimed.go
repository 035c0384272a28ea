package assess

import (
	"fmt"
	"path/filepath"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// ProblemUnclaimed is a scanner finding of high or critical severity that
// no threat the rules raised takes as its evidence.
const ProblemUnclaimed = "unclaimed-finding"

// unclaimedFindings lists the findings of severity high or above that no
// threat holds in its evidence, whatever the threat's status: a finding
// about something the model does not describe (a build role, a pipeline
// no component stands for) would otherwise reach neither the page nor the
// gate, and silence must mean "checked and fine". Secrets are left out:
// the gate fails on every one of them already (policy.secrets).
func unclaimedFindings(threats []Threat, set evidence.Set) []evidence.Finding {
	claimed := map[findingKey]bool{}
	for _, t := range threats {
		for _, f := range t.Evidence {
			claimed[keyOf(f)] = true
		}
	}
	var out []evidence.Finding
	seen := map[findingKey]bool{}
	for _, f := range set.Findings {
		k := keyOf(f)
		if f.Severity < threatmap.High || f.Scanner == "secrets" || claimed[k] || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, f)
	}
	return out
}

// findingKey identifies a finding across the copies the linker makes.
type findingKey struct {
	scanner, rule, file, resource, message, commit string
	line, column                                   int
}

func keyOf(f evidence.Finding) findingKey {
	return findingKey{f.Scanner, f.Rule, f.File, f.Resource, f.Message, f.Commit, f.Line, f.Column}
}

// unclaimedProblems is a gate problem for each unclaimed finding.
func (a *Assessment) unclaimedProblems() []Problem {
	var out []Problem
	for _, f := range a.Unclaimed {
		pos := f.Pos()
		if f.File != "" {
			pos.File = filepath.Join(a.Model.Dir, filepath.FromSlash(f.File))
		}
		id := f.Scanner + ":" + f.Rule + ":" + f.Where()
		out = append(out, Problem{Kind: ProblemUnclaimed, ID: id, Rule: f.Rule, Title: f.Rule, Severity: f.Severity, Pos: pos,
			Message: fmt.Sprintf("%s finding no threat covers: %s [%s]; add the element it is about to the model (an identity, a ci component, a ref) so its rules judge it, or fix it", f.Severity, f.Message, f.Scanner)})
	}
	return out
}
