package diagram

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/model"
)

func load(t *testing.T, path string) *model.Model {
	t.Helper()
	m, _, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// wellFormed parses svg as XML and returns the ids of its elements.
func wellFormed(t *testing.T, svg []byte) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return ids
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Local == "id" {
					ids[a.Value] = true
				}
			}
		}
	}
}

func TestDocqa(t *testing.T) {
	m := load(t, filepath.Join("..", "..", "examples", "docqa", "threatmap.yaml"))
	counts := Counts{"chat": 2, "stripe-webhook": 1}
	g := Build(m, counts, DefaultLimits)
	svg := Layered{}.SVG(g)
	ids := wellFormed(t, svg)
	for _, c := range m.Components {
		if !ids["c:"+c.ID] {
			t.Errorf("component %s not drawn", c.ID)
		}
	}
	for _, s := range m.Surfaces {
		if s.Component != "" && !ids["s:"+s.ID] {
			t.Errorf("entry point %s not drawn", s.ID)
		}
	}
	for _, b := range m.Boundaries {
		if !ids["zone:"+b.ID] {
			t.Errorf("zone %s not drawn", b.ID)
		}
	}
	if !bytes.Contains(svg, []byte("⚠ 2 open P1/P2")) && !bytes.Contains(svg, []byte("⚠ 3 open P1/P2")) {
		t.Errorf("the chat surface's open P1/P2 count is not shown")
	}
	if !bytes.Equal(svg, Layered{}.SVG(Build(m, counts, DefaultLimits))) {
		t.Errorf("the same model drew two different pictures")
	}
}

func TestLayersFollowTheFlows(t *testing.T) {
	m := &model.Model{
		Components: []model.Component{{ID: "a", Kind: "client"}, {ID: "b", Kind: "service"}, {ID: "c", Kind: "datastore"}},
		Flows:      []model.Flow{{From: "a", To: "b"}, {From: "b", To: "c"}, {From: "c", To: "a"}}, // a cycle
	}
	idx := map[string]int{"c:a": 0, "c:b": 1, "c:c": 2}
	g := Build(m, nil, DefaultLimits)
	var edges [][2]int
	for _, e := range g.Edges {
		edges = append(edges, [2]int{idx[e.From], idx[e.To]})
	}
	got := layers(3, edges)
	if got[0] != 0 || got[1] != 1 || got[2] != 2 {
		t.Errorf("layers = %v, want a, b, c left to right with the cycle broken", got)
	}
	wellFormed(t, Layered{}.SVG(g))
}

func TestPlaintextFlowsStandOut(t *testing.T) {
	no := false
	m := &model.Model{
		Components: []model.Component{{ID: "a", Kind: "service"}, {ID: "b", Kind: "datastore"}},
		Flows:      []model.Flow{{From: "a", To: "b", Protocol: "http", Encrypted: &no}},
	}
	svg := string(Layered{}.SVG(Build(m, nil, DefaultLimits)))
	if !strings.Contains(svg, "PLAINTEXT") || !strings.Contains(svg, `stroke-dasharray="7 4"`) || !strings.Contains(svg, "arrow-red") {
		t.Errorf("a plaintext flow is not marked:\n%s", svg)
	}
}

func TestHostileNamesStayText(t *testing.T) {
	m := &model.Model{
		Components: []model.Component{{ID: "a", Kind: "service", Name: "</text><script>alert(1)</script>\x01"}},
		Boundaries: []model.Boundary{{ID: "z", Name: `"><svg onload=x>`, Components: []string{"a"}}},
	}
	svg := Layered{}.SVG(Build(m, nil, DefaultLimits))
	wellFormed(t, svg)
	if bytes.Contains(svg, []byte("<script")) || bytes.Contains(svg, []byte("<svg onload")) {
		t.Errorf("a name became markup:\n%s", svg)
	}
}

func TestLargeModelsCollapseIntoZones(t *testing.T) {
	m := &model.Model{}
	for z := 0; z < 4; z++ {
		bd := model.Boundary{ID: fmt.Sprintf("zone%d", z)}
		for i := 0; i < 50; i++ {
			id := fmt.Sprintf("c%d-%d", z, i)
			m.Components = append(m.Components, model.Component{ID: id, Kind: "service"})
			bd.Components = append(bd.Components, id)
			if z > 0 {
				m.Flows = append(m.Flows, model.Flow{From: fmt.Sprintf("c%d-%d", z-1, i), To: id})
			}
		}
		m.Boundaries = append(m.Boundaries, bd)
	}
	g := Build(m, Counts{"c1-3": 2}, DefaultLimits)
	if len(g.Nodes) != 4 {
		t.Fatalf("%d nodes for 4 zones of 50 components, want one per zone", len(g.Nodes))
	}
	if g.Nodes[1].ID != "z:zone1" || g.Nodes[1].Urgent != 2 || g.Nodes[1].Extra != "50 components" {
		t.Errorf("zone box = %+v", g.Nodes[1])
	}
	if len(g.Edges) != 3 || g.Edges[0].Label != "50 flows" {
		t.Errorf("edges = %+v", g.Edges)
	}
	wellFormed(t, Layered{}.SVG(g))
}

func TestManyZonesFoldIntoOne(t *testing.T) {
	m := &model.Model{}
	for z := 0; z < 100; z++ {
		bd := model.Boundary{ID: fmt.Sprintf("zone%02d", z)}
		for i := 0; i < 10; i++ {
			id := fmt.Sprintf("c%d-%d", z, i)
			m.Components = append(m.Components, model.Component{ID: id, Kind: "service"})
			bd.Components = append(bd.Components, id)
		}
		m.Boundaries = append(m.Boundaries, bd)
	}
	g := Build(m, Counts{"c77-1": 3}, Limits{MaxComponents: 10, MaxZones: 10})
	if len(g.Nodes) != 10 {
		t.Errorf("%d zone boxes, want 10 (9 zones and one for the rest)", len(g.Nodes))
	}
	found, other := false, false
	for _, n := range g.Nodes {
		found = found || n.ID == "z:zone77"
		other = other || (n.Label == "91 other zones" && n.Extra == "910 components")
	}
	if !found || !other {
		t.Errorf("nodes = %+v", g.Nodes)
	}
}

func BenchmarkDiagram1000(b *testing.B) {
	m := &model.Model{}
	for i := 0; i < 1000; i++ {
		id := fmt.Sprintf("c%d", i)
		m.Components = append(m.Components, model.Component{ID: id, Kind: "service"})
		if i > 0 {
			m.Flows = append(m.Flows, model.Flow{From: fmt.Sprintf("c%d", i-1), To: id})
		}
		if i%100 == 0 {
			m.Boundaries = append(m.Boundaries, model.Boundary{ID: fmt.Sprintf("z%d", i/100)})
		}
		m.Boundaries[len(m.Boundaries)-1].Components = append(m.Boundaries[len(m.Boundaries)-1].Components, id)
	}
	full := DefaultLimits
	full.MaxComponents, full.MaxSurfaces = 0, 0
	for _, bc := range []struct {
		name string
		lim  Limits
	}{{"collapsed", DefaultLimits}, {"every-component", full}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				Layered{}.SVG(Build(m, nil, bc.lim))
			}
		})
	}
}
