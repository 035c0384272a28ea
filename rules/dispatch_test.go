package rules

import (
	"slices"
	"testing"

	"github.com/threatmap/threatmap/link"
)

// TestDispatchLeavesOutOnlyRulesTheGuardRejects: on every element of the
// fixtures, the examples and the dense model, the rules the dispatch
// gives are, in order, those of the element's type that the guard does
// not reject, plus at most some the guard rejects anyway; none it admits
// is left out.
func TestDispatchLeavesOutOnlyRulesTheGuardRejects(t *testing.T) {
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
					if gd := engine.rules[ri].guard; gd != nil && !gd.admits(el) {
						continue
					}
					if !slices.Contains(got, ri) {
						t.Errorf("%s: %s: rule %s is admitted by its guard but not dispatched", in.name, el.id, engine.rules[ri].rule.ID)
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

// TestGuardKinds lists what a guard says of the kinds it admits.
func TestGuardKinds(t *testing.T) {
	for _, tt := range []struct {
		name       string
		g          *guard
		want       []string
		restricted bool
	}{
		{"no guard", nil, nil, false},
		{"other fields", &guard{values: []fieldValues{{"method", []string{"GET"}}}}, nil, false},
		{"one kind", &guard{values: []fieldValues{{"kind", []string{"webhook"}}}}, []string{"webhook"}, true},
		{"two conditions", &guard{values: []fieldValues{{"kind", []string{"a", "b", "c"}}, {"kind", []string{"c", "b", "d"}}}}, []string{"b", "c"}, true},
		{"disjoint", &guard{values: []fieldValues{{"kind", []string{"a"}}, {"kind", []string{"b"}}}}, []string{}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, restricted := tt.g.kinds()
			if restricted != tt.restricted || len(got) != len(tt.want) || (len(got) > 0 && !slices.Equal(got, tt.want)) {
				t.Errorf("kinds() = %v, %v; want %v, %v", got, restricted, tt.want, tt.restricted)
			}
		})
	}
}
