package assess

import (
	"testing"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/rules"
)

func TestGroupingRowsAndProblems(t *testing.T) {
	m, diags := model.Parse("m.yaml", []byte(`system: {name: a}
components:
  - {id: api, kind: service}
surfaces:
  - {id: a, kind: endpoint, component: api, method: GET, path: /a}
  - {id: b, kind: endpoint, component: api, method: GET, path: /b}
  - {id: c, kind: endpoint, component: api, method: GET, path: /c}
policy: {fail_priority: 2}
`))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	mk := func(rule, el string, prio int, abuse, family string) rules.Threat {
		return rules.Threat{ID: rule + "@" + el, Heading: &rules.Heading{Rule: rule, Title: rule}, Element: el, ElementKind: "surface", Surface: "GET /" + el,
			Priority: prio, Abuse: abuse, Method: "m", Requires: "r", Guidance: &rules.Guidance{Family: family}}
	}
	ts := []rules.Threat{
		mk("drain-volume", "a", 1, "drain", "budget"), mk("drain-size", "a", 1, "drain by size", "budget"),
		mk("flood", "a", 2, "flood", ""), mk("flood", "b", 2, "flood", ""), mk("flood", "c", 2, "flood differently", ""),
	}
	a := Assess(m, ts, nil, evidence.Set{}, now)
	rows := Group(a.Threats)
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3 (budget on a, flood on a+b, flood on c): %+v", len(rows), rows)
	}
	if len(rows[0].Threats) != 2 || len(rows[0].Also) != 1 {
		t.Errorf("the budget family on one element is not one row: %+v", rows[0])
	}
	if rows[1].Label() != "2 surfaces: GET /a, GET /b" {
		t.Errorf("label %q", rows[1].Label())
	}
	for _, th := range a.Threats {
		if th.ID == "flood@a" && (len(th.Group) != 2 || th.Group[1] != "b") {
			t.Errorf("flood@a group = %v", th.Group)
		}
		if th.ID == "flood@c" && len(th.Group) != 0 {
			t.Errorf("flood@c reads differently but is grouped: %v", th.Group)
		}
	}
	groups := a.GroupProblems(a.Gate())
	var sizes []int
	for _, g := range groups {
		sizes = append(sizes, len(g))
	}
	// the budget family on a, flood on a+b, flood on c.
	if len(groups) != 3 || sizes[0] != 2 || sizes[1] != 2 || sizes[2] != 1 {
		t.Errorf("problem groups %v", sizes)
	}
}
