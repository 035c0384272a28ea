package diagram

import (
	"cmp"
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
)

// Layered lays a graph out left to right in layers, the Sugiyama way: flows
// point rightwards wherever the graph allows (cycles are broken by turning
// the edges that close them), each node sits one layer right of the
// furthest node that flows into it, and nodes within a layer are ordered by
// the mean position of their neighbours to cut crossings. Trust zones are
// horizontal bands, so a zone's box never overlaps another's; the layers
// line up across bands.
type Layered struct{}

// Drawing constants, in SVG user units (pixels at 100%).
const (
	fontSize   = 12.0
	smallFont  = 10.5
	charWidth  = 6.7 // average advance of a sans-serif glyph at fontSize
	smallChar  = 5.9
	lineHeight = 16.0
	padX       = 12.0
	padY       = 9.0
	layerGap   = 150.0
	nodeGap    = 22.0
	bandGap    = 26.0
	bandTitle  = 22.0
	bandPad    = 14.0
	margin     = 12.0
	maxLabel   = 34 // characters; longer labels are cut with an ellipsis
)

type placed struct {
	n          Node
	layer, row int
	x, y, w, h float64
	lines      []string
}

// SVG implements Layout.
func (Layered) SVG(g Graph) []byte {
	idx := map[string]int{}
	for i, n := range g.Nodes {
		idx[n.ID] = i
	}
	var edges [][2]int
	for _, e := range g.Edges {
		f, ok1 := idx[e.From]
		t, ok2 := idx[e.To]
		if ok1 && ok2 && f != t {
			edges = append(edges, [2]int{f, t})
		}
	}
	layer := layers(len(g.Nodes), edges)

	// Bands: the zones in model order, then nodes in no zone.
	bandOf := map[string]int{}
	bands := []Zone{}
	for _, z := range g.Zones {
		if _, dup := bandOf[z.ID]; !dup {
			bandOf[z.ID] = len(bands)
			bands = append(bands, z)
		}
	}
	outside := len(bands)
	bands = append(bands, Zone{})
	nodes := make([]*placed, len(g.Nodes))
	for i, n := range g.Nodes {
		p := &placed{n: n, layer: layer[i], lines: nodeLines(n)}
		p.w, p.h = nodeSize(p)
		nodes[i] = p
	}
	band := func(p *placed) int {
		if b, ok := bandOf[p.n.Zone]; ok {
			return b
		}
		return outside
	}

	// Order within each (band, layer) cell by the barycentre of the
	// neighbours' rows, a few sweeps from a stable start.
	type cell struct{ band, layer int }
	cells := map[cell][]int{}
	for i, p := range nodes {
		c := cell{band(p), p.layer}
		cells[c] = append(cells[c], i)
	}
	neigh := make([][]int, len(nodes))
	for _, e := range edges {
		neigh[e[0]] = append(neigh[e[0]], e[1])
		neigh[e[1]] = append(neigh[e[1]], e[0])
	}
	pos := make([]float64, len(nodes))
	for _, members := range cells {
		for r, i := range members {
			pos[i] = float64(r)
		}
	}
	keys := make([]cell, 0, len(cells))
	for c := range cells {
		keys = append(keys, c)
	}
	slices.SortFunc(keys, func(a, b cell) int { return cmp.Or(cmp.Compare(a.layer, b.layer), cmp.Compare(a.band, b.band)) })
	for sweep := 0; sweep < 4; sweep++ {
		for _, c := range keys {
			members := cells[c]
			bary := map[int]float64{}
			for _, i := range members {
				if len(neigh[i]) == 0 {
					bary[i] = pos[i]
					continue
				}
				sum := 0.0
				for _, j := range neigh[i] {
					sum += pos[j] + float64(band(nodes[j]))*1000
				}
				bary[i] = sum/float64(len(neigh[i])) - float64(c.band)*1000
			}
			slices.SortStableFunc(members, func(a, b int) int { return cmp.Compare(bary[a], bary[b]) })
			for r, i := range members {
				pos[i] = float64(r)
			}
		}
	}

	// Coordinates: layers are columns as wide as their widest node; bands
	// are rows as tall as their tallest column.
	nLayers := 0
	for _, p := range nodes {
		nLayers = max(nLayers, p.layer+1)
	}
	colW := make([]float64, nLayers)
	for _, p := range nodes {
		colW[p.layer] = max(colW[p.layer], p.w)
	}
	// Columns are far enough apart for the longest flow label to sit
	// between them.
	gap := layerGap
	for _, e := range g.Edges {
		gap = max(gap, float64(len([]rune(cut(e.Label, 40))))*smallChar+48)
	}
	colX := make([]float64, nLayers)
	x := margin + bandPad
	for l := range colX {
		colX[l] = x
		x += colW[l] + gap
	}
	width := x - gap + bandPad + margin
	y := margin
	type box struct{ x, y, w, h float64 }
	var zoneBoxes []struct {
		z Zone
		b box
	}
	for b := range bands {
		tallest := 0.0
		for l := 0; l < nLayers; l++ {
			h := 0.0
			for _, i := range cells[cell{b, l}] {
				h += nodes[i].h + nodeGap
			}
			tallest = max(tallest, h)
		}
		if tallest == 0 {
			continue
		}
		top := y
		title := 0.0
		if b != outside {
			title = bandTitle
		}
		for l := 0; l < nLayers; l++ {
			members := cells[cell{b, l}]
			cy := top + title + bandPad
			for _, i := range members {
				p := nodes[i]
				p.x = colX[l] + (colW[l]-p.w)/2
				p.y = cy
				cy += p.h + nodeGap
			}
		}
		h := title + bandPad + tallest - nodeGap + bandPad
		if b != outside {
			zoneBoxes = append(zoneBoxes, struct {
				z Zone
				b box
			}{bands[b], box{margin, top, width - 2*margin, h}})
		}
		y = top + h + bandGap
	}
	height := y - bandGap + margin

	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-label="data-flow diagram" font-family="Helvetica, Arial, sans-serif" font-size="%.1f">`,
		width, height, width, height, fontSize)
	s.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#44515e"/></marker>`)
	s.WriteString(`<marker id="arrow-red" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c0392b"/></marker></defs>`)
	for _, zb := range zoneBoxes {
		fmt.Fprintf(&s, `<g class="zone" id="%s"><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="10" fill="#f7f9fb" stroke="#7a8a99" stroke-dasharray="6 4"/><text x="%.1f" y="%.1f" fill="#44515e" font-weight="bold">%s</text></g>`,
			esc("zone:"+zb.z.ID), zb.b.x, zb.b.y, zb.b.w, zb.b.h, zb.b.x+10, zb.b.y+16, esc(cut(zb.z.Label, 60)))
	}
	for k, e := range g.Edges {
		f, ok1 := idx[e.From]
		t, ok2 := idx[e.To]
		if !ok1 || !ok2 || f == t {
			continue
		}
		drawEdge(&s, k, nodes[f], nodes[t], e)
	}
	for _, p := range nodes {
		drawNode(&s, p)
	}
	s.WriteString(`</svg>`)
	return []byte(s.String())
}

// layers assigns each node its layer: the longest path to it from a node
// nothing flows into, over the edges with cycles broken.
func layers(n int, edges [][2]int) []int {
	out := make([][]int, n)
	for _, e := range edges {
		out[e[0]] = append(out[e[0]], e[1])
	}
	// Depth-first search marks the edges that close a cycle; dropping them
	// leaves a DAG.
	state := make([]int, n) // 0 new, 1 on stack, 2 done
	back := map[[2]int]bool{}
	var visit func(v int)
	visit = func(v int) {
		state[v] = 1
		for _, w := range out[v] {
			switch state[w] {
			case 0:
				visit(w)
			case 1:
				back[[2]int{v, w}] = true
			}
		}
		state[v] = 2
	}
	for v := 0; v < n; v++ {
		if state[v] == 0 {
			visit(v)
		}
	}
	indeg := make([]int, n)
	for _, e := range edges {
		if !back[e] {
			indeg[e[1]]++
		}
	}
	layer := make([]int, n)
	var queue []int
	for v := 0; v < n; v++ {
		if indeg[v] == 0 {
			queue = append(queue, v)
		}
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range out[v] {
			if back[[2]int{v, w}] {
				continue
			}
			layer[w] = max(layer[w], layer[v]+1)
			if indeg[w]--; indeg[w] == 0 {
				queue = append(queue, w)
			}
		}
	}
	return layer
}

func nodeLines(n Node) []string {
	lines := []string{cut(n.Label, maxLabel)}
	if n.Extra != "" {
		lines = append(lines, n.Extra)
	}
	if n.Urgent > 0 {
		lines = append(lines, fmt.Sprintf("⚠ %d open P1/P2", n.Urgent))
	}
	return lines
}

func nodeSize(p *placed) (float64, float64) {
	w := 0.0
	for _, l := range p.lines {
		w = max(w, float64(len([]rune(l)))*charWidth)
	}
	for _, e := range p.n.Entries {
		w = max(w, float64(len([]rune(entryText(e))))*smallChar+24)
	}
	w = max(w+2*padX, 110)
	h := float64(len(p.lines))*lineHeight + 2*padY
	if len(p.n.Entries) > 0 {
		h += float64(len(p.n.Entries))*(lineHeight+3) + 6
	}
	if p.n.Kind == "datastore" || p.n.Kind == "cache" {
		h += 10 // the cylinder's top
	}
	return math.Ceil(w), math.Ceil(h)
}

func entryText(e Entry) string {
	t := cut(e.Label, maxLabel)
	if e.Urgent > 0 {
		t += fmt.Sprintf("  ⚠ %d", e.Urgent)
	}
	return t
}

func drawNode(s *strings.Builder, p *placed) {
	stroke, width := "#44515e", 1.3
	if p.n.Urgent > 0 {
		stroke, width = "#c0392b", 2.4
	}
	fill := "#ffffff"
	if p.n.Kind == "third-party" || p.n.Kind == "registry" {
		fill = "#f6f1e7"
	}
	fmt.Fprintf(s, `<g class="node %s" id="%s"><title>%s</title>`, esc(p.n.Kind), esc(p.n.ID), esc(p.n.Kind+" "+strings.TrimPrefix(p.n.ID, "c:")))
	x, y, w, h := p.x, p.y, p.w, p.h
	style := fmt.Sprintf(`fill="%s" stroke="%s" stroke-width="%.1f"`, fill, stroke, width)
	textTop := y + padY
	switch p.n.Kind {
	case "datastore", "cache":
		fmt.Fprintf(s, `<path d="M%.1f,%.1f v%.1f a%.1f,8 0 0 0 %.1f,0 v%.1f a%.1f,8 0 0 0 %.1f,0" %s/><ellipse cx="%.1f" cy="%.1f" rx="%.1f" ry="8" %s/>`,
			x, y+8, h-16, w/2, w, -(h - 16), w/2, -w, style, x+w/2, y+8, w/2, style)
		textTop += 10
	case "bucket":
		fmt.Fprintf(s, `<path d="M%.1f,%.1f h%.1f l6,-7 h%.1f l6,7 h%.1f v%.1f h%.1f z" %s/>`, x, y+7, w*0.15, w*0.25, w*0.6-12, h-7, -w, style)
		textTop += 4
	case "third-party", "registry":
		fmt.Fprintf(s, `<path d="M%.1f,%.1f L%.1f,%.1f L%.1f,%.1f L%.1f,%.1f L%.1f,%.1f L%.1f,%.1f z" %s/>`,
			x, y+h/2, x+12, y, x+w-12, y, x+w, y+h/2, x+w-12, y+h, x+12, y+h, style)
	case "client":
		fmt.Fprintf(s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="%.1f" %s/>`, x, y, w, h, min(h/2, 22), style)
	case "queue":
		fmt.Fprintf(s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="4" %s/><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="3" fill="none" stroke="%s"/>`,
			x, y, w, h, style, x+3, y+3, w-6, h-6, stroke)
	case "zone":
		fmt.Fprintf(s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="6" %s/><path d="M%.1f,%.1f l5,-5 h%.1f v%.1f l-5,5" fill="none" stroke="%s"/>`,
			x, y, w, h, style, x+w, y+h, 0.0, -h+5, stroke)
	case "admin":
		fmt.Fprintf(s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="2" %s/>`, x, y, w, h, strings.Replace(style, fmt.Sprintf(`stroke-width="%.1f"`, width), fmt.Sprintf(`stroke-width="%.1f"`, width+1), 1))
	case "ci":
		fmt.Fprintf(s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="2" %s/><rect x="%.1f" y="%.1f" width="10" height="6" fill="#fff" stroke="%s"/><rect x="%.1f" y="%.1f" width="10" height="6" fill="#fff" stroke="%s"/>`,
			x, y, w, h, style, x-5, y+8, stroke, x-5, y+18, stroke)
	default:
		fmt.Fprintf(s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="8" %s/>`, x, y, w, h, style)
	}
	for i, l := range p.lines {
		color, weight := "#1f262d", ""
		if i == 0 {
			weight = ` font-weight="bold"`
		}
		if strings.HasPrefix(l, "⚠") {
			color = "#c0392b"
		}
		fmt.Fprintf(s, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="%s"%s>%s</text>`, x+w/2, textTop+float64(i)*lineHeight+12, color, weight, esc(l))
	}
	ey := textTop + float64(len(p.lines))*lineHeight + 4
	for _, e := range p.n.Entries {
		c := "#44515e"
		if e.Urgent > 0 {
			c = "#c0392b"
		}
		fmt.Fprintf(s, `<g class="entry" id="%s"><path d="M%.1f,%.1f h%.1f l6,%.1f l-6,%.1f h%.1f z" fill="#eef3f8" stroke="%s"/><text x="%.1f" y="%.1f" font-size="%.1f" fill="%s">%s</text></g>`,
			esc(e.ID), x+6, ey, w-18, lineHeight/2, lineHeight/2, -(w - 18), c, x+12, ey+lineHeight-4, smallFont, c, esc(entryText(e)))
		ey += lineHeight + 3
	}
	s.WriteString(`</g>`)
}

func drawEdge(s *strings.Builder, k int, from, to *placed, e Edge) {
	color, marker, dash := "#44515e", "arrow", ""
	if e.Plaintext {
		color, marker, dash = "#c0392b", "arrow-red", ` stroke-dasharray="7 4"`
	}
	var d string
	var lx, ly float64
	if to.layer > from.layer {
		x1, y1 := from.x+from.w, from.y+from.h/2
		x2, y2 := to.x, to.y+to.h/2
		dx := (x2 - x1) / 2
		d = fmt.Sprintf("M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f", x1, y1, x1+dx, y1, x2-dx, y2, x2, y2)
		lx, ly = (x1+x2)/2, (y1+y2)/2
	} else {
		// Backwards or within a layer: leave and enter from below.
		x1, y1 := from.x+from.w/2, from.y+from.h
		x2, y2 := to.x+to.w/2, to.y+to.h
		drop := 30 + math.Abs(x1-x2)/6
		d = fmt.Sprintf("M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f", x1, y1, x1, y1+drop, x2, y2+drop, x2, y2)
		lx, ly = (x1+x2)/2, max(y1, y2)+drop*0.75
	}
	fmt.Fprintf(s, `<g class="edge" id="edge-%d"><path d="%s" fill="none" stroke="%s" stroke-width="1.4"%s marker-end="url(#%s)"/>`, k, d, color, dash, marker)
	if e.Label != "" {
		label := cut(e.Label, 40)
		w := float64(len([]rune(label)))*smallChar + 8
		fmt.Fprintf(s, `<rect x="%.1f" y="%.1f" width="%.1f" height="14" rx="3" fill="#ffffff" fill-opacity="0.85"/><text x="%.1f" y="%.1f" text-anchor="middle" font-size="%.1f" fill="%s">%s</text>`,
			lx-w/2, ly-10, w, lx, ly+1, smallFont, color, esc(label))
	}
	s.WriteString(`</g>`)
}

// cut shortens s to n characters with an ellipsis.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// esc escapes text for SVG (XML) content and attribute values, and drops
// control characters, which XML cannot carry.
func esc(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return html.EscapeString(s)
}
