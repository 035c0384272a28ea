package rules

import (
	"reflect"
	"testing"

	"github.com/threatmap/threatmap/link"
)

// TestPrecompiledRulesRunAsCompiled: an engine reusing the built-in rules
// compiled ahead (with a custom rule beside them, compiled then) keeps the
// same rules, shares their compiled programs, and raises the same threats
// as one compiling everything; a nil set of precompiled rules is none.
func TestPrecompiledRulesRunAsCompiled(t *testing.T) {
	builtin := builtinRules(t)
	custom := &Rule{ID: "custom-public-upload", Title: "Public upload", AppliesTo: "surface", When: `e.kind == "upload"`,
		Stride: []string{"tampering"}, Abuse: "store files", Method: "uploading", Mitigations: []string{"check"},
		Difficulty: []Difficulty{{Level: "low", Requires: "nothing"}}}
	all, _ := Merge(builtin, []*Rule{custom})
	pre := Precompile(builtin)
	if len(pre.byRule) != len(builtin) {
		t.Fatalf("%d of %d built-in rules precompiled", len(pre.byRule), len(builtin))
	}
	with, diags := NewEngineWith(pre, all)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	plain, diags := NewEngine(all)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if nilPre, diags := NewEngineWith(nil, all); len(diags) > 0 || len(nilPre.rules) != len(plain.rules) {
		t.Fatalf("with no precompiled rules: %d rules, %v", len(nilPre.rules), diags)
	}
	if !reflect.DeepEqual(with.Rules(), plain.Rules()) {
		t.Fatal("the engines hold different rules")
	}
	shared := 0
	for _, c := range with.rules {
		if pre.byRule[c.rule] == c {
			shared++
		}
	}
	if shared != len(builtin) {
		t.Errorf("%d built-in rules reused, want %d", shared, len(builtin))
	}
	for _, in := range celInputs(t) {
		ix := link.Build(in.m, in.ev, "")
		got, _ := with.Run(in.m, ix, Options{Now: fixtureNow})
		want, _ := plain.Run(in.m, ix, Options{Now: fixtureNow})
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %d threats with precompiled rules, %d without", in.name, len(got), len(want))
		}
	}
}
