package rules

import (
	"fmt"
	"testing"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/internal/modeltest"
	"github.com/threatmap/threatmap/link"
)

// meanCost evaluates every rule of engine on every element of the dense
// model of n components under cel-go's cost tracker, and returns each
// rule's mean cost per element (condition, and for elements where it
// fires, difficulty cases and detail).
func meanCost(t testing.TB, engine *Engine, n int) map[string]float64 {
	t.Helper()
	m := modeltest.Dense(t, n)
	g := newGraph(m, link.Build(m, evidence.Set{}, ""), fixtureNow)
	out := map[string]float64{}
	for _, c := range engine.rules {
		count := g.count(c.rule.AppliesTo)
		if count == 0 {
			continue
		}
		var total uint64
		for i := range count {
			el := g.element(c.rule.AppliesTo, i)
			v, det, err := c.when.Eval(&el.vars)
			if err != nil {
				t.Fatalf("rule %s on %s: %v", c.rule.ID, el.id, err)
			}
			total += *det.ActualCost()
			if v.Value() != true {
				continue
			}
			for _, prg := range append(c.diffs, c.detail) {
				if prg == nil {
					continue
				}
				if _, det, err := prg.Eval(&el.vars); err == nil {
					total += *det.ActualCost()
				}
			}
		}
		out[c.rule.ID] = float64(total) / float64(count)
	}
	return out
}

// growing lists the rules whose mean cost per element grows by more than
// a quarter when the model grows fourfold: a condition that scans model.*
// lists grows fourfold, one that looks at the element's neighbourhood
// stays flat, since the dense model's degrees do not depend on its size.
func growing(t *testing.T, rs []*Rule) []string {
	engine, diags := newEngine(rs, true, nil)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	small, large := meanCost(t, engine, 200), meanCost(t, engine, 800)
	var out []string
	for id, s := range small {
		l := large[id]
		t.Logf("%-40s %8.1f %8.1f", id, s, l)
		if l > 1.25*s+4 {
			out = append(out, fmt.Sprintf("%s: %.1f per element at 200 components, %.1f at 800", id, s, l))
		}
	}
	return out
}

// TestBuiltinRuleCostIsIndependentOfModelSize is what lets the built-in
// rules run without cel-go's cost observer: none of them does more work
// per element on a larger model.
func TestBuiltinRuleCostIsIndependentOfModelSize(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates every rule on two generated models")
	}
	rs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if g := growing(t, rs); len(g) > 0 {
		t.Errorf("rules whose cost per element grows with the model (use the indexes in e, component, model.*_kinds instead of scanning model.*):\n%v", g)
	}
}

// TestCostGrowthIsDetected checks that the measure above catches a
// condition that scans the model from every element, as orphan-asset once
// did.
func TestCostGrowthIsDetected(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates a rule on two generated models")
	}
	r, diags := ParseRule("scan.yaml", []byte(`id: scan-model
title: scans the model
stride: [information-disclosure]
applies_to: asset
when: "!model.components.exists(c, e.id in c.stores) && !model.flows.exists(f, e.id in f.data)"
difficulty: [{level: high, requires: x}]
abuse: x
method: y
mitigations: [z]
explain: w
`))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if g := growing(t, []*Rule{r}); len(g) != 1 {
		t.Fatalf("the whole-model condition was not caught: %v", g)
	}
}
