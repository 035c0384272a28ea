package rules

import (
	"slices"
	"testing"

	"github.com/google/cel-go/common/types"

	"github.com/threatmap/threatmap/link"
)

// TestDispatchLeavesOutOnlyFalseConditions: on every element of the
// fixtures, the examples and the dense model, the rules the dispatch
// gives are in order, and a rule of the element's type it leaves out has
// a condition CEL finds false there.
func TestDispatchLeavesOutOnlyFalseConditions(t *testing.T) {
	engine, diags := NewEngine(builtinRules(t))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	byKind := map[string][]int{}
	for i, c := range engine.rules {
		byKind[c.rule.AppliesTo] = append(byKind[c.rule.AppliesTo], i)
	}
	narrowed := 0
	for _, in := range celInputs(t) {
		g := newGraph(in.m, link.Build(in.m, in.ev, ""), fixtureNow)
		for kind, idx := range byKind {
			d := newDispatch(engine.rules, idx)
			for i := range g.count(kind) {
				el := g.element(kind, i)
				got := d.rules(el)
				if !slices.IsSorted(got) {
					t.Fatalf("%s: %s: rules out of order: %v", in.name, el.id, got)
				}
				for _, ri := range idx {
					if slices.Contains(got, ri) {
						continue
					}
					if v, _, err := engine.rules[ri].when.Eval(&el.vars); err != nil || v != types.False {
						t.Errorf("%s: %s: rule %s is left out, but its condition gives %v, %v", in.name, el.id, engine.rules[ri].rule.ID, v, err)
					}
				}
				narrowed += len(idx) - len(got)
			}
		}
	}
	if narrowed == 0 {
		t.Error("the dispatch never left a rule out")
	}
	t.Logf("%d rule evaluations left out by kind", narrowed)
}

// TestKindsOf lists what a condition says of the kinds it admits.
func TestKindsOf(t *testing.T) {
	env, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		expr       string
		want       []string
		restricted bool
	}{
		{`e.method == "GET"`, nil, false},
		{`e.kind == "webhook"`, []string{"webhook"}, true},
		{`"ci" == e.kind && findings.exists(f, true)`, []string{"ci"}, true},
		{`e.kind in ["a", "b", "c"] && e.public && e.kind in ["c", "b", "d"]`, []string{"b", "c"}, true},
		{`e.kind == "a" && e.kind == "b"`, []string{}, true},
		// Not a top-level conjunct, or not a literal: no restriction.
		{`e.kind == "a" || e.kind == "b"`, nil, false},
		{`!(e.kind == "a")`, nil, false},
		{`e.kind == component.kind`, nil, false},
		{`component.kind == "ci"`, nil, false},
	} {
		ast, iss := env.Compile(tt.expr)
		if iss.Err() != nil {
			t.Fatalf("%s: %v", tt.expr, iss.Err())
		}
		got, restricted := kindsOf(ast.NativeRep().Expr())
		if restricted != tt.restricted || len(got) != len(tt.want) || (len(got) > 0 && !slices.Equal(got, tt.want)) {
			t.Errorf("kindsOf(%s) = %v, %v; want %v, %v", tt.expr, got, restricted, tt.want, tt.restricted)
		}
	}
}
