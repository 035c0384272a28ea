package rules

import (
	"slices"
	"testing"

	"github.com/google/cel-go/common/types"

	"github.com/threatmap/threatmap/link"
)

func TestGuardOf(t *testing.T) {
	env, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		expr string
		want guard
	}{
		{`e.kind == "ci"`, guard{values: []fieldValues{{"kind", []string{"ci"}}}}},
		{`"ci" == e.kind && findings.exists(f, f.rule == "x")`, guard{values: []fieldValues{{"kind", []string{"ci"}}}, nonEmpty: []string{"findings"}}},
		{`e.kind in ["datastore", "bucket"] && (e.public || routes.exists(r, true)) && e.costly`, guard{values: []fieldValues{{"kind", []string{"datastore", "bucket"}}}, truths: []string{"costly"},
			anyOf: [][]guard{{{truths: []string{"public"}}, {nonEmpty: []string{"routes"}}}}}},
		{`flows_in.exists(f, f.encrypted == false) && e.method in ["PUT"] && flows_in.exists(f, true)`, guard{values: []fieldValues{{"method", []string{"PUT"}}}, nonEmpty: []string{"flows_in"}}},
		{`"sql" in e.handles`, guard{members: []fieldValues{{"handles", []string{"sql"}}}}},
		{`e.kind == "ci" || (findings.exists(f, true) && "x" in e.tags)`, guard{anyOf: [][]guard{{
			{values: []fieldValues{{"kind", []string{"ci"}}}},
			{members: []fieldValues{{"tags", []string{"x"}}}, nonEmpty: []string{"findings"}},
		}}}},
		// Nothing a lookup can decide: a disjunction with a side that
		// has no guard, a negation, all(), exists() over a field or the
		// model, a non-literal comparison, membership in another variable.
		{`e.kind == "ci" || component.public`, guard{}},
		{`"x" in component.handles && e.tags.exists(t, t == "x")`, guard{}},
		{`!findings.exists(f, true) && !(e.kind == "ci")`, guard{}},
		{`findings.all(f, f.rule == "x")`, guard{}},
		{`e.tags.exists(t, t == "x") && model.flows.exists(f, true)`, guard{}},
		{`e.kind == component.kind && e.kind in [component.kind]`, guard{}},
		{`component.kind == "ci" && e.public == true`, guard{}},
		{`findings.exists_one(f, true) && findings.map(f, f.rule).size() > 0`, guard{}},
	}
	for _, tt := range tests {
		ast, iss := env.Compile(tt.expr)
		if iss.Err() != nil {
			t.Fatalf("%s: %v", tt.expr, iss.Err())
		}
		if got := guardOf(ast.NativeRep().Expr()); !sameGuard(got, tt.want) {
			t.Errorf("guardOf(%s) = %+v, want %+v", tt.expr, got, tt.want)
		}
	}
}

func sameGuard(a, b guard) bool {
	sameValues := func(x, y []fieldValues) bool {
		return slices.EqualFunc(x, y, func(a, b fieldValues) bool { return a.field == b.field && slices.Equal(a.values, b.values) })
	}
	return sameValues(a.values, b.values) && sameValues(a.members, b.members) && slices.Equal(a.truths, b.truths) &&
		slices.Equal(a.nonEmpty, b.nonEmpty) && slices.EqualFunc(a.anyOf, b.anyOf, func(x, y []guard) bool { return slices.EqualFunc(x, y, sameGuard) })
}

// TestGuardsOnlySkipFalseConditions evaluates every guarded built-in rule
// on every element of the rule fixtures, the examples and the dense model
// its guard turns away, and requires its condition to be false there; it
// also requires the guards to turn some elements away.
func TestGuardsOnlySkipFalseConditions(t *testing.T) {
	engine, diags := NewEngine(builtinRules(t))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	skipped, guarded := 0, 0
	for _, c := range engine.rules {
		if c.guard != nil {
			guarded++
		}
	}
	if guarded < len(engine.rules)/2 {
		t.Errorf("only %d of %d built-in rules have a guard", guarded, len(engine.rules))
	}
	for _, in := range celInputs(t) {
		g := newGraph(in.m, link.Build(in.m, in.ev, ""), fixtureNow)
		for _, c := range engine.rules {
			if c.guard == nil {
				continue
			}
			for i := range g.count(c.rule.AppliesTo) {
				el := g.element(c.rule.AppliesTo, i)
				if c.guard.admits(el) {
					continue
				}
				skipped++
				v, _, err := c.when.Eval(&el.vars)
				if err != nil || v != types.False {
					t.Errorf("%s: rule %s on %s: the guard skips a condition that gives %v, %v", in.name, c.rule.ID, el.id, v, err)
				}
			}
		}
	}
	if skipped == 0 {
		t.Error("the guards never skipped an element")
	}
	t.Logf("%d rules guarded, %d evaluations skipped", guarded, skipped)
}
