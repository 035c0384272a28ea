package diagram

import (
	"bytes"
	"context"
	"fmt"
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

func TestBuildDocqa(t *testing.T) {
	m := load(t, filepath.Join("..", "..", "examples", "docqa", "threatmap.yaml"))
	counts := Counts{"chat": 2, "stripe-webhook": 1}
	dot := string(Build(m, counts, DefaultLimits))
	for _, c := range m.Components {
		if !strings.Contains(dot, `"c:`+c.ID+`"`) {
			t.Errorf("component %s not drawn", c.ID)
		}
	}
	for _, b := range m.Boundaries {
		if !strings.Contains(dot, `subgraph "cluster_`+b.ID+`"`) {
			t.Errorf("zone %s not drawn", b.ID)
		}
	}
	if !strings.Contains(dot, "⚠ 2 open P1/P2") {
		t.Errorf("the chat surface's open P1/P2 count is not shown:\n%s", dot)
	}
	svg, err := Graphviz{}.SVG(context.Background(), []byte(dot))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(svg, []byte("<svg")) || bytes.Contains(svg, []byte("<!--")) || bytes.Contains(svg, []byte("<?xml")) {
		t.Errorf("SVG is not ready to inline: %.200s", svg)
	}
	again, err := Graphviz{}.SVG(context.Background(), Build(m, counts, DefaultLimits))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(svg, again) {
		t.Errorf("the same model drew two different pictures")
	}
}

func TestPlaintextFlowsStandOut(t *testing.T) {
	no := false
	m := &model.Model{
		Components: []model.Component{{ID: "a", Kind: "service"}, {ID: "b", Kind: "datastore"}},
		Flows:      []model.Flow{{From: "a", To: "b", Protocol: "http", Encrypted: &no}},
	}
	dot := string(Build(m, nil, DefaultLimits))
	if !strings.Contains(dot, "PLAINTEXT") || !strings.Contains(dot, "style=dashed") {
		t.Errorf("a plaintext flow is not marked:\n%s", dot)
	}
	if !strings.Contains(dot, "shape=cylinder") {
		t.Errorf("a datastore is not drawn as one:\n%s", dot)
	}
}

func TestHostileNamesStayInsideTheirLabel(t *testing.T) {
	m := &model.Model{
		Components: []model.Component{{ID: "a", Kind: "service", Name: "x\"]; evil [label=\"y\\\n\x01z"}},
	}
	dot := Build(m, nil, DefaultLimits)
	svg, err := (Graphviz{}).SVG(context.Background(), dot)
	if err != nil {
		t.Fatalf("a name with quotes and escapes broke the graph: %v\n%s", err, dot)
	}
	if n := bytes.Count(svg, []byte(`class="node"`)); n != 1 {
		t.Errorf("one component drew %d nodes: a name escaped its label\n%s", n, dot)
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
	dot := string(Build(m, Counts{"c1-3": 2}, DefaultLimits))
	if strings.Contains(dot, `"c:c0-0"`) {
		t.Errorf("200 components were drawn one by one")
	}
	for _, want := range []string{`"z:zone0"`, "50 components", `"z:zone0" -> "z:zone1" [label="50 flows"]`, "⚠ 2 open P1/P2"} {
		if !strings.Contains(dot, want) {
			t.Errorf("collapsed diagram lacks %q:\n%s", want, dot)
		}
	}
	if _, err := (Graphviz{}).SVG(context.Background(), []byte(dot)); err != nil {
		t.Fatal(err)
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
	b.ResetTimer()
	for b.Loop() {
		if _, err := (Graphviz{}).SVG(context.Background(), Build(m, nil, DefaultLimits)); err != nil {
			b.Fatal(err)
		}
	}
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
	dot := string(Build(m, Counts{"c77-1": 3}, Limits{MaxComponents: 10, MaxZones: 10}))
	if n := strings.Count(dot, "shape=box3d"); n != 10 {
		t.Errorf("%d zone boxes, want 10 (9 zones and one for the rest)", n)
	}
	if !strings.Contains(dot, `"z:zone77"`) {
		t.Errorf("the zone with open P1/P2 threats was folded away:\n%s", dot)
	}
	if !strings.Contains(dot, "91 other zones") || !strings.Contains(dot, "910 components") {
		t.Errorf("the folded box does not count what it holds:\n%s", dot)
	}
}
