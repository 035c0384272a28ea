package rules

import (
	"testing"

	"github.com/threatmap/threatmap/model"
)

// runBuiltin parses src as a model and runs every built-in rule on it,
// failing the test on any diagnostic.
func runBuiltin(t *testing.T, src string) []Threat {
	t.Helper()
	m, diags := model.Parse("m.yaml", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	rs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	engine, ediags := NewEngine(rs)
	if len(ediags) > 0 {
		t.Fatal(ediags)
	}
	threats, rdiags := engine.Run(m, nil, Options{Now: fixtureNow})
	if len(rdiags) > 0 {
		t.Fatal(rdiags)
	}
	return threats
}
