// Package diagram draws the model's data flows as a picture a person can
// read at a glance: trust zones as boxes, components shaped by kind, flows
// as labelled arrows (plaintext ones dashed and red), surfaces as entry
// points on their components, and every element marked with its open P1/P2
// threats. Build turns the model into a Graph; a Layout places and draws it
// as SVG, so the layout engine stays behind one small interface.
package diagram

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/model"
)

// Graph is what the picture shows.
type Graph struct {
	Zones []Zone
	Nodes []Node
	Edges []Edge
}

// Zone is a trust zone, drawn as a box around its nodes.
type Zone struct {
	ID, Label string
}

// Node is a component (or, collapsed, a whole zone).
type Node struct {
	// ID is unique in the graph and becomes the SVG element's id:
	// "c:api" for a component, "z:backend" for a collapsed zone.
	ID    string
	Label string
	// Kind shapes the node: a component kind, or "zone".
	Kind string
	// Zone is the ID of the zone the node is drawn in, or "".
	Zone string
	// Entries are the node's surfaces, drawn as tabs on it; Extra is a
	// line of text under the label ("12 entry points", "40 components").
	Entries []Entry
	Extra   string
	// Urgent counts open P1/P2 threats on the node and its entries.
	Urgent int
}

// Entry is a surface drawn on its component.
type Entry struct {
	ID, Label string
	Urgent    int
}

// Edge is a flow.
type Edge struct {
	From, To, Label string
	Plaintext       bool
}

// Layout places a graph and draws it as SVG.
type Layout interface {
	SVG(g Graph) []byte
}

// Limits keep a large model's picture readable: past MaxComponents the
// components of each zone collapse into one box per zone (and past MaxZones
// the zones with the most open P1/P2 threats keep a box and the rest share
// one); past MaxSurfaces entry points are counted on their component
// instead of drawn.
type Limits struct {
	MaxComponents int
	MaxSurfaces   int
	MaxZones      int
}

// DefaultLimits suit one printed page.
var DefaultLimits = Limits{MaxComponents: 40, MaxSurfaces: 30, MaxZones: 16}

// Counts is the number of open P1/P2 threats per model element id.
type Counts map[string]int

// OpenUrgent counts, per element, the open threats of priority 1 or 2 that
// fail the gate (not defence in depth).
func OpenUrgent(a *assess.Assessment) Counts {
	c := Counts{}
	for _, t := range a.Threats {
		if assess.IsOpen(t.Status) && t.Priority <= 2 && !t.Secondary {
			c[t.Element]++
		}
	}
	return c
}

// Build turns m into the graph to draw, marking elements with counts.
func Build(m *model.Model, counts Counts, lim Limits) Graph {
	if lim.MaxComponents > 0 && len(m.Components) > lim.MaxComponents {
		return collapsed(m, counts, lim.MaxZones)
	}
	return full(m, counts, lim.MaxSurfaces <= 0 || len(m.Surfaces) <= lim.MaxSurfaces)
}

// zoneOf maps each component to its first trust zone.
func zoneOf(m *model.Model) map[string]string {
	z := map[string]string{}
	for _, bd := range m.Boundaries {
		for _, c := range bd.Components {
			if _, ok := z[c]; !ok {
				z[c] = bd.ID
			}
		}
	}
	return z
}

func full(m *model.Model, counts Counts, drawSurfaces bool) Graph {
	var g Graph
	zone := zoneOf(m)
	for _, bd := range m.Boundaries {
		g.Zones = append(g.Zones, Zone{ID: bd.ID, Label: cmp.Or(bd.Name, bd.ID)})
	}
	surfacesOf := map[string][]model.Surface{}
	for _, s := range m.Surfaces {
		surfacesOf[s.Component] = append(surfacesOf[s.Component], s)
	}
	for _, c := range m.Components {
		n := Node{ID: "c:" + c.ID, Label: cmp.Or(c.Name, c.ID), Kind: c.Kind, Zone: zone[c.ID], Urgent: counts[c.ID]}
		for _, s := range surfacesOf[c.ID] {
			n.Urgent += counts[s.ID]
			if drawSurfaces {
				n.Entries = append(n.Entries, Entry{ID: "s:" + s.ID, Label: surfaceLabel(s), Urgent: counts[s.ID]})
			}
		}
		if !drawSurfaces && len(surfacesOf[c.ID]) > 0 {
			n.Extra = plural(len(surfacesOf[c.ID]), "entry point", "entry points")
		}
		g.Nodes = append(g.Nodes, n)
	}
	owner := map[string]string{}
	for _, c := range m.Components {
		owner[c.ID] = "c:" + c.ID
	}
	for _, s := range m.Surfaces {
		if s.Component != "" {
			owner[s.ID] = "c:" + s.Component
		}
	}
	for _, f := range m.Flows {
		from, to := owner[f.From], owner[f.To]
		if from == "" || to == "" {
			continue
		}
		g.Edges = append(g.Edges, Edge{From: from, To: to, Label: flowLabel(f), Plaintext: f.Encrypted != nil && !*f.Encrypted})
	}
	return g
}

// collapsed draws one box per trust zone (and one for components in no
// zone) with its size and open P1/P2 count, and one arrow per pair of zones
// that flows connect, labelled with how many flows and how many are
// plaintext. Past maxBoxes zones, the zones with the most open P1/P2
// threats keep their box and the rest share one.
func collapsed(m *model.Model, counts Counts, maxBoxes int) Graph {
	zone := zoneOf(m)
	const outside = "(no zone)"
	zoneName := map[string]string{}
	for _, bd := range m.Boundaries {
		zoneName[bd.ID] = cmp.Or(bd.Name, bd.ID)
	}
	members, urgent := map[string]int{}, map[string]int{}
	compZone := map[string]string{}
	for _, c := range m.Components {
		z := cmp.Or(zone[c.ID], outside)
		compZone[c.ID] = z
		members[z]++
		urgent[z] += counts[c.ID]
	}
	for _, s := range m.Surfaces {
		if z, ok := compZone[s.Component]; ok {
			urgent[z] += counts[s.ID]
		}
	}
	zones := make([]string, 0, len(members))
	for z := range members {
		zones = append(zones, z)
	}
	slices.Sort(zones)
	if maxBoxes > 1 && len(zones) > maxBoxes {
		ranked := slices.Clone(zones)
		slices.SortStableFunc(ranked, func(x, y string) int {
			return cmp.Or(cmp.Compare(urgent[y], urgent[x]), cmp.Compare(members[y], members[x]), cmp.Compare(x, y))
		})
		const others = "(other zones)"
		folded := ranked[maxBoxes-1:]
		for _, z := range folded {
			members[others] += members[z]
			urgent[others] += urgent[z]
		}
		for c, z := range compZone {
			if slices.Contains(folded, z) {
				compZone[c] = others
			}
		}
		zoneName[others] = fmt.Sprintf("%d other zones", len(folded))
		zones = append(slices.Clone(ranked[:maxBoxes-1]), others)
		slices.Sort(zones)
	}
	var g Graph
	for _, z := range zones {
		g.Nodes = append(g.Nodes, Node{ID: "z:" + z, Label: cmp.Or(zoneName[z], z), Kind: "zone",
			Extra: plural(members[z], "component", "components"), Urgent: urgent[z]})
	}
	type pair struct{ from, to string }
	total, plain := map[pair]int{}, map[pair]int{}
	var order []pair
	for _, f := range m.Flows {
		fz, tz := compZone[f.From], compZone[f.To]
		if fz == "" || tz == "" || fz == tz {
			continue
		}
		p := pair{fz, tz}
		if total[p] == 0 {
			order = append(order, p)
		}
		total[p]++
		if f.Encrypted != nil && !*f.Encrypted {
			plain[p]++
		}
	}
	slices.SortFunc(order, func(x, y pair) int { return cmp.Or(cmp.Compare(x.from, y.from), cmp.Compare(x.to, y.to)) })
	for _, p := range order {
		label := plural(total[p], "flow", "flows")
		if plain[p] > 0 {
			label += fmt.Sprintf(", %d plaintext", plain[p])
		}
		g.Edges = append(g.Edges, Edge{From: "z:" + p.from, To: "z:" + p.to, Label: label, Plaintext: plain[p] > 0})
	}
	return g
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func surfaceLabel(s model.Surface) string {
	if s.Name != "" {
		return s.Name
	}
	if s.Path != "" {
		return strings.TrimSpace(s.Method + " " + s.Path)
	}
	return s.ID
}

func flowLabel(f model.Flow) string {
	var parts []string
	if len(f.Data) > 0 {
		parts = append(parts, strings.Join(f.Data, ", "))
	}
	if f.Protocol != "" {
		parts = append(parts, f.Protocol)
	}
	if f.Encrypted != nil && !*f.Encrypted {
		parts = append(parts, "PLAINTEXT")
	}
	return strings.Join(parts, " · ")
}
