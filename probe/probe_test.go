package probe

import (
	"os"
	"strings"
	"testing"
)

// TestChecksMetadata: every check has a unique id, a title, help, a
// property and a default severity above info, and docs/probes.md describes
// it, so the CLI, SARIF rule help and the docs cannot drift apart.
func TestChecksMetadata(t *testing.T) {
	doc, err := os.ReadFile("../docs/probes.md")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range Checks {
		if seen[c.ID] {
			t.Errorf("duplicate check id %s", c.ID)
		}
		seen[c.ID] = true
		if c.Title == "" || len(c.Help) < 80 || c.Property == "" || c.Severity == 0 {
			t.Errorf("check %s lacks metadata: %+v", c.ID, c)
		}
		if !strings.Contains(string(doc), "`"+c.ID+"`") || !strings.Contains(string(doc), "`"+string(c.Property)+"`") {
			t.Errorf("docs/probes.md does not describe %s (%s)", c.ID, c.Property)
		}
		if got, ok := CheckByID(c.ID); !ok || got.ID != c.ID {
			t.Errorf("CheckByID(%s) = %+v, %v", c.ID, got, ok)
		}
	}
	// Every probe a plan can hold names a listed check.
	plan, err := NewPlan(loadModel(t, "testdata/plan"), mustTarget(t, "https://example.test"), nil, Options{Getenv: envOf(testSecrets), AllowWrites: true})
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, p := range plan.Probes {
		if !seen[p.Check] {
			t.Errorf("probe uses unlisted check %s", p.Check)
		}
		if p.Skip == "" && p.eval == nil {
			t.Errorf("probe %s %s has no evaluator", p.Check, p.Subject)
		}
		used[p.Check] = true
	}
	for id := range seen {
		if !used[id] {
			t.Errorf("check %s is never planned for the fixture model", id)
		}
	}
}
