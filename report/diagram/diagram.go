// Package diagram draws the model's data flows as a picture a person can
// read at a glance: trust zones as boxes, components shaped by kind, flows
// as labelled arrows (plaintext ones dashed and red), surfaces as entry
// points on their components, and every element marked with its open P1/P2
// threats. Build writes the graph in Graphviz's DOT language; a Layout
// turns DOT into SVG, so the layout engine stays behind one small interface.
package diagram

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/model"
)

// Layout lays a DOT graph out and draws it as SVG.
type Layout interface {
	SVG(ctx context.Context, dot []byte) ([]byte, error)
}

// Limits keep a large model's picture readable: past MaxComponents the
// components of each zone collapse into one box per zone, and past
// MaxSurfaces the entry points are counted on their component instead of
// drawn.
type Limits struct {
	MaxComponents int
	MaxSurfaces   int
	// MaxZones bounds the boxes of a collapsed picture: past it, the zones
	// with the most open P1/P2 threats keep a box and the rest share one.
	MaxZones int
}

// DefaultLimits suit one printed page.
var DefaultLimits = Limits{MaxComponents: 40, MaxSurfaces: 30, MaxZones: 16}

// Counts is the number of open P1/P2 threats per model element id.
type Counts map[string]int

// OpenUrgent counts, per element, the open threats of priority 1 or 2, and
// adds a surface's count to its component's.
func OpenUrgent(a *assess.Assessment) Counts {
	c := Counts{}
	for _, t := range a.Threats {
		if assess.IsOpen(t.Status) && t.Priority <= 2 && !t.Secondary {
			c[t.Element]++
		}
	}
	return c
}

// Build writes the DOT graph of m, marking elements with counts.
func Build(m *model.Model, counts Counts, lim Limits) []byte {
	b := &builder{m: m, counts: counts}
	if lim.MaxComponents > 0 && len(m.Components) > lim.MaxComponents {
		b.collapsed(lim.MaxZones)
	} else {
		b.full(lim.MaxSurfaces <= 0 || len(m.Surfaces) <= lim.MaxSurfaces)
	}
	return []byte(b.out.String())
}

type builder struct {
	m      *model.Model
	counts Counts
	out    strings.Builder
}

func (b *builder) header() {
	b.out.WriteString("digraph threatmap {\n")
	b.out.WriteString("  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, nodesep=0.3, ranksep=0.6, pad=0.2, bgcolor=\"transparent\"];\n")
	b.out.WriteString("  node [fontname=\"Helvetica\", fontsize=10, style=\"filled\", fillcolor=\"#ffffff\", color=\"#44515e\", penwidth=1.2];\n")
	b.out.WriteString("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#44515e\", fontcolor=\"#2b333b\", arrowsize=0.7];\n")
}

// zoneOf maps each component to its first trust zone.
func (b *builder) zoneOf() map[string]string {
	z := map[string]string{}
	for _, bd := range b.m.Boundaries {
		for _, c := range bd.Components {
			if _, ok := z[c]; !ok {
				z[c] = bd.ID
			}
		}
	}
	return z
}

func (b *builder) full(drawSurfaces bool) {
	b.header()
	zone := b.zoneOf()
	surfacesOf := map[string][]model.Surface{}
	for _, s := range b.m.Surfaces {
		surfacesOf[s.Component] = append(surfacesOf[s.Component], s)
	}
	writeComponent := func(indent string, c model.Component) {
		label := c.Name
		if label == "" {
			label = c.ID
		}
		n := b.counts[c.ID]
		for _, s := range surfacesOf[c.ID] {
			n += b.counts[s.ID]
		}
		if !drawSurfaces && len(surfacesOf[c.ID]) > 0 {
			label += fmt.Sprintf("\n%d entry points", len(surfacesOf[c.ID]))
		}
		fmt.Fprintf(&b.out, "%s%s [%s, label=%s, tooltip=%s, id=%s%s];\n", indent, quote("c:"+c.ID), shape(c.Kind), quote(withCount(label, n)),
			quote(c.Kind+" "+c.ID), quote("c:"+c.ID), urgentStyle(n))
	}
	done := map[string]bool{}
	for _, bd := range b.m.Boundaries {
		name := cmp.Or(bd.Name, bd.ID)
		fmt.Fprintf(&b.out, "  subgraph %s {\n    label=%s; style=\"rounded,dashed\"; color=\"#7a8a99\"; fontcolor=\"#44515e\"; fontsize=11;\n", quote("cluster_"+bd.ID), quote(name))
		for _, c := range b.m.Components {
			if zone[c.ID] == bd.ID && !done[c.ID] {
				writeComponent("    ", c)
				done[c.ID] = true
			}
		}
		b.out.WriteString("  }\n")
	}
	for _, c := range b.m.Components {
		if !done[c.ID] {
			writeComponent("  ", c)
		}
	}
	if drawSurfaces {
		for _, s := range b.m.Surfaces {
			if s.Component == "" {
				continue
			}
			n := b.counts[s.ID]
			fmt.Fprintf(&b.out, "  %s [shape=cds, fontsize=9, fillcolor=\"#eef3f8\", label=%s, tooltip=%s, id=%s%s];\n",
				quote("s:"+s.ID), quote(withCount(surfaceLabel(s), n)), quote(s.Kind+" "+s.ID), quote("s:"+s.ID), urgentStyle(n))
			fmt.Fprintf(&b.out, "  %s -> %s [arrowhead=none, style=dotted, color=\"#7a8a99\"];\n", quote("s:"+s.ID), quote("c:"+s.Component))
		}
	}
	for _, f := range b.m.Flows {
		from, to := b.endpoint(f.From), b.endpoint(f.To)
		if from == "" || to == "" {
			continue
		}
		fmt.Fprintf(&b.out, "  %s -> %s [label=%s%s];\n", quote(from), quote(to), quote(flowLabel(f)), flowStyle(f))
	}
	b.out.WriteString("}\n")
}

// endpoint is the node a flow end is drawn at: a component, or the
// component of a surface.
func (b *builder) endpoint(id string) string {
	for _, c := range b.m.Components {
		if c.ID == id {
			return "c:" + id
		}
	}
	for _, s := range b.m.Surfaces {
		if s.ID == id && s.Component != "" {
			return "c:" + s.Component
		}
	}
	return ""
}

// collapsed draws one box per trust zone (and one for components in no
// zone) with its size and open P1/P2 count, and one arrow per pair of zones
// that flows connect, labelled with how many flows and how many are
// plaintext. Past maxBoxes zones, the zones with the most open P1/P2
// threats keep their box and the rest share one.
func (b *builder) collapsed(maxBoxes int) {
	b.header()
	zone := b.zoneOf()
	const outside = "(no zone)"
	zoneName := map[string]string{}
	for _, bd := range b.m.Boundaries {
		zoneName[bd.ID] = cmp.Or(bd.Name, bd.ID)
	}
	members := map[string]int{}
	urgent := map[string]int{}
	compZone := map[string]string{}
	for _, c := range b.m.Components {
		z := zone[c.ID]
		if z == "" {
			z = outside
		}
		compZone[c.ID] = z
		members[z]++
		urgent[z] += b.counts[c.ID]
	}
	for _, s := range b.m.Surfaces {
		if z, ok := compZone[s.Component]; ok {
			urgent[z] += b.counts[s.ID]
		}
	}
	zones := make([]string, 0, len(members))
	for z := range members {
		zones = append(zones, z)
	}
	slices.Sort(zones)
	if maxBoxes > 1 && len(zones) > maxBoxes {
		// Keep the most urgent zones; fold the others into one box.
		ranked := slices.Clone(zones)
		slices.SortStableFunc(ranked, func(x, y string) int {
			return cmp.Or(cmp.Compare(urgent[y], urgent[x]), cmp.Compare(members[y], members[x]), cmp.Compare(x, y))
		})
		const others = "(other zones)"
		folded := ranked[maxBoxes-1:]
		for _, z := range folded {
			members[others] += members[z]
			urgent[others] += urgent[z]
			delete(members, z)
			delete(urgent, z)
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
	for _, z := range zones {
		name := cmp.Or(zoneName[z], z)
		label := fmt.Sprintf("%s\n%d components", name, members[z])
		fmt.Fprintf(&b.out, "  %s [shape=box3d, label=%s, id=%s%s];\n", quote("z:"+z), quote(withCount(label, urgent[z])), quote("z:"+z), urgentStyle(urgent[z]))
	}
	type pair struct{ from, to string }
	total, plain := map[pair]int{}, map[pair]int{}
	var order []pair
	for _, f := range b.m.Flows {
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
		label := fmt.Sprintf("%d flow", total[p])
		if total[p] != 1 {
			label += "s"
		}
		style := ""
		if plain[p] > 0 {
			label += fmt.Sprintf(", %d plaintext", plain[p])
			style = ", style=dashed, color=\"#c0392b\", fontcolor=\"#c0392b\""
		}
		fmt.Fprintf(&b.out, "  %s -> %s [label=%s%s];\n", quote("z:"+p.from), quote("z:"+p.to), quote(label), style)
	}
	b.out.WriteString("}\n")
}

func shape(kind string) string {
	switch kind {
	case "datastore", "cache":
		return "shape=cylinder"
	case "bucket":
		return "shape=folder"
	case "queue":
		return "shape=box, style=\"filled,rounded\", peripheries=2"
	case "third-party", "registry":
		return "shape=hexagon, fillcolor=\"#f6f1e7\""
	case "client":
		return "shape=ellipse"
	case "ci":
		return "shape=component"
	case "admin":
		return "shape=box, style=\"filled,bold\""
	default:
		return "shape=box, style=\"filled,rounded\""
	}
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
	return strings.Join(parts, "\n")
}

func flowStyle(f model.Flow) string {
	if f.Encrypted != nil && !*f.Encrypted {
		return ", style=dashed, color=\"#c0392b\", fontcolor=\"#c0392b\", penwidth=1.4"
	}
	return ""
}

func withCount(label string, n int) string {
	if n == 0 {
		return label
	}
	return fmt.Sprintf("%s\n⚠ %d open P1/P2", label, n)
}

func urgentStyle(n int) string {
	if n == 0 {
		return ""
	}
	return ", color=\"#c0392b\", penwidth=2"
}

// quote writes s as a DOT string: double-quoted, with quotes and
// backslashes escaped and line breaks as \n.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\r', '\t':
			b.WriteByte(' ')
		default:
			if r < 0x20 || r == 0x7f {
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
