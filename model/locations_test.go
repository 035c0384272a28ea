package model

import (
	"testing"

	"github.com/threatmap/threatmap"
)

func TestLocationsOfDecodedElements(t *testing.T) {
	src := `system: {name: s}
components:
  - id: api
    kind: service
    stores: [a, b]
    refs:
      - r0
      - r1
      - r2
assets:
  - {id: a, kind: user-data}
  - {id: b, kind: credentials}
responses:
  leak@api:
    not_applicable: because
`
	m, diags := Parse("m.yaml", []byte(src))
	if diags.HasErrors() {
		t.Fatalf("diagnostics: %v", diags)
	}
	c := m.Components[0].Loc
	pos := func(line, col int) threatmap.Position {
		return threatmap.Position{File: "m.yaml", Line: line, Column: col}
	}
	for _, tc := range []struct {
		loc  Locations
		key  string
		want threatmap.Position
	}{
		{c, "", pos(3, 5)},
		{c, "id", pos(3, 9)},
		{c, "kind", pos(4, 11)},
		{c, "stores", pos(5, 13)},
		{c, "stores[0]", pos(5, 14)},
		{c, "stores[1]", pos(5, 17)},
		{c, "refs[2]", pos(9, 9)},
		{c, "refs", pos(7, 7)},
		// Unknown keys, items out of range and non-canonical indices fall
		// back to the element's own position.
		{c, "refs[3]", pos(3, 5)},
		{c, "refs[01]", pos(3, 5)},
		{c, "refs[-1]", pos(3, 5)},
		{c, "refs[]", pos(3, 5)},
		{c, "path", pos(3, 5)},
		{c, "[0]", pos(3, 5)},
		{m.Assets[1].Loc, "kind", pos(12, 19)},
		{m.Assets[1].Loc, "id", pos(12, 10)},
		// A response is placed at its key, under "" and "threat".
		{m.Responses[0].Loc, "", pos(14, 3)},
		{m.Responses[0].Loc, "threat", pos(14, 3)},
		{m.Responses[0].Loc, "not_applicable", pos(15, 21)},
		{Locations{}, "id", threatmap.Position{}},
	} {
		if got := tc.loc.At(tc.key); got != tc.want {
			t.Errorf("At(%q) = %v, want %v", tc.key, got, tc.want)
		}
	}
	if !c.Has("stores[1]") || c.Has("stores[2]") || c.Has("path") || (Locations{}).Has("") {
		t.Errorf("Has disagrees with what was written")
	}
}

func TestLocationsSetReplaces(t *testing.T) {
	tab := newLocTable("f")
	var l Locations
	l.set(tab, "x[3]", threatmap.Position{Line: 1, Column: 2})
	l.set(tab, "x[3]", threatmap.Position{Line: 5, Column: 6})
	l.set(tab, "", threatmap.Position{Line: 9, Column: 1})
	if got := l.At("x[3]"); got != (threatmap.Position{File: "f", Line: 5, Column: 6}) {
		t.Errorf("At(x[3]) = %v", got)
	}
	if len(l.pos) != 2 {
		t.Errorf("%d entries, want 2", len(l.pos))
	}
	if got := l.At("x"); got != (threatmap.Position{File: "f", Line: 9, Column: 1}) {
		t.Errorf("At(x) = %v, want the element's own", got)
	}
}
