package rules

import (
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/internal/pages"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

// graph holds the model with the indexes that make each element's
// neighbourhood a lookup, so a run costs time linear in the size of the
// model. Conditions read the model's structs through records (values.go)
// that look fields up here; nothing is copied per element. The graph is
// built once per run and only read afterwards, so rules can be evaluated
// on many elements at once.
type graph struct {
	m      *model.Model
	ix     *link.Index
	system map[string]any
	// compIdx, assetIdx and identIdx give the position of an element
	// in the model by its id.
	compIdx, assetIdx, identIdx map[string]int32
	zone                        map[string]string
	// By component position: degrees, surfaces and the kinds of its
	// surfaces (all of them, and those with authentication).
	inDeg, outDeg                          []int64
	surfacesOf, surfKindsOf, authedKindsOf [][]string
	// By asset position: who stores, exposes and carries it, and its
	// sensitivity.
	storedBy, exposedBy, carriedBy [][]string
	sens                           []threatmap.Severity
	// params tells, by surface position, whether its path has a
	// parameter.
	params []bool
	// flowFrom and flowTo are, by flow position, the positions of the
	// components at its ends (-1 when an end is not a component).
	flowFrom, flowTo []int32
	// surfComp holds each surface's component's position (-1 for none).
	surfComp []int32
	// By component position: the position of the identity it runs as
	// (-1 for none), its zone, the flows into and out of it, and the
	// assets next to it (nearAssets), so an element's neighbourhood is
	// one lookup of its component.
	compIdent       []int32
	compZone        []string
	compIn, compOut [][]int32
	compNear        [][]int32
	// The positions of the assets a component stores, a surface names
	// and a flow carries, by the element's position, in its list's order
	// (ids the model lacks left out), so each id is looked up once.
	storesPos, surfAssetsPos, dataPos [][]int32
	// flowsIn and flowsOut list the positions of the flows into and out
	// of each end that is not a component (a component's are compIn and
	// compOut); flowsInto and flowsOutOf read both.
	flowsIn, flowsOut map[string][]int32
	controls          map[string][]string
	whole             map[string]any
	// identityAssets holds, per identity, the assets the components
	// using it store.
	identityAssets map[string][]string
	// routeIDs and routePos are the element ids and positions of the
	// routes found in code that the model does not describe.
	routeIDs []string
	routePos []threatmap.Position
	// credentialFlows lists, per identity, the positions of the flows it
	// authenticates.
	credentialFlows map[string][]int32
	// httpRoutes are the indexes in ix.Unmodeled of the routes the route
	// rules see: HTTP routes and bot webhook servers. Commands, actions,
	// jobs and consumers reach the rules as the surfaces init drafts from
	// them; the rules about unmodeled HTTP routes do not describe them.
	httpRoutes []int
}

func newGraph(m *model.Model, ix *link.Index, now time.Time) *graph {
	nc, na := len(m.Components), len(m.Assets)
	g := &graph{
		m: m, ix: ix, system: systemMap(m, now),
		compIdx: make(map[string]int32, nc), assetIdx: make(map[string]int32, na),
		identIdx: make(map[string]int32, len(m.Identities)), zone: map[string]string{},
		inDeg: make([]int64, nc), outDeg: make([]int64, nc),
		surfacesOf: make([][]string, nc), surfKindsOf: make([][]string, nc), authedKindsOf: make([][]string, nc),
		storedBy: make([][]string, na), exposedBy: make([][]string, na),
		params: make([]bool, len(m.Surfaces)), sens: make([]threatmap.Severity, na),
		flowFrom: make([]int32, len(m.Flows)), flowTo: make([]int32, len(m.Flows)), surfComp: make([]int32, len(m.Surfaces)),
		compIn: make([][]int32, nc), compOut: make([][]int32, nc),
		flowsIn: map[string][]int32{}, flowsOut: map[string][]int32{},
		controls: map[string][]string{}, identityAssets: map[string][]string{},
		credentialFlows: map[string][]int32{},
	}
	// Slices the loops below fill while the collector may be marking
	// (see pages).
	pages.Touch(g.surfacesOf)
	pages.Touch(g.surfKindsOf)
	pages.Touch(g.authedKindsOf)
	pages.Touch(g.storedBy)
	pages.Touch(g.exposedBy)
	pages.Touch(g.compIn)
	pages.Touch(g.compOut)
	for i, c := range m.Components {
		g.compIdx[c.ID] = int32(i)
	}
	for i, a := range m.Assets {
		g.assetIdx[a.ID] = int32(i)
		g.sens[i], _ = threatmap.ParseSeverity(a.Sensitivity)
	}
	for i, id := range m.Identities {
		g.identIdx[id.ID] = int32(i)
	}
	zones := map[string]any{}
	for _, b := range m.Boundaries {
		for _, c := range b.Components {
			g.zone[c] = b.ID
		}
		zones[b.ID] = strs(b.Components)
	}
	// Who stores, exposes and carries each asset, and each component's
	// degree and surfaces: the indexes that spare conditions a scan of
	// the model. The three loops write fields of their own (and only read
	// the id indexes above), so they run at the same time.
	var wg sync.WaitGroup
	wg.Go(func() {
		g.storesPos = g.assetPositions(len(m.Components), func(i int) []string { return m.Components[i].Stores })
		for i, c := range m.Components {
			for _, ai := range uniquePositions(g.storesPos[i]) {
				g.storedBy[ai] = append(g.storedBy[ai], c.ID)
			}
		}
	})
	wg.Go(func() {
		g.surfAssetsPos = g.assetPositions(len(m.Surfaces), func(i int) []string { return m.Surfaces[i].Assets })
		for i, s := range m.Surfaces {
			g.params[i] = hasParam(s.Path)
			for _, ai := range uniquePositions(g.surfAssetsPos[i]) {
				g.exposedBy[ai] = append(g.exposedBy[ai], s.ID)
			}
			ci, ok := g.compIdx[s.Component]
			if !ok {
				g.surfComp[i] = -1
				continue
			}
			g.surfComp[i] = ci
			g.surfacesOf[ci] = append(g.surfacesOf[ci], s.ID)
			if !slices.Contains(g.surfKindsOf[ci], s.Kind) {
				g.surfKindsOf[ci] = append(g.surfKindsOf[ci], s.Kind)
			}
			if s.Auth != "none" && !slices.Contains(g.authedKindsOf[ci], s.Kind) {
				g.authedKindsOf[ci] = append(g.authedKindsOf[ci], s.Kind)
			}
		}
	})
	g.dataPos = g.assetPositions(len(m.Flows), func(i int) []string { return m.Flows[i].Data })
	g.carriedBy = listsOf(na, func(add func(key int32, v string)) {
		for i, f := range m.Flows {
			for _, ai := range uniquePositions(g.dataPos[i]) {
				add(ai, f.ID)
			}
		}
	})
	for i, f := range m.Flows {
		g.flowFrom[i], g.flowTo[i] = g.componentPos(f.From), g.componentPos(f.To)
		if ci := g.flowFrom[i]; ci >= 0 {
			g.outDeg[ci]++
		}
		if ci := g.flowTo[i]; ci >= 0 {
			g.inDeg[ci]++
		}
		if ci := g.flowFrom[i]; ci >= 0 {
			g.compOut[ci] = append(g.compOut[ci], int32(i))
		} else {
			g.flowsOut[f.From] = append(g.flowsOut[f.From], int32(i))
		}
		if ci := g.flowTo[i]; ci >= 0 {
			g.compIn[ci] = append(g.compIn[ci], int32(i))
		} else {
			g.flowsIn[f.To] = append(g.flowsIn[f.To], int32(i))
		}
		if _, ok := g.identIdx[f.Credential]; ok {
			g.credentialFlows[f.Credential] = append(g.credentialFlows[f.Credential], int32(i))
		}
	}
	wg.Wait()
	kindCount, compKinds, surfKinds, identKinds := map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}
	count := func(m map[string]any, k string) {
		n, _ := m[k].(int64)
		m[k] = n + 1
	}
	for _, a := range m.Assets {
		count(kindCount, a.Kind)
	}
	codeComponents := int64(0)
	for _, c := range m.Components {
		if c.Path != "" && slices.Contains([]string{"service", "function", "client", "admin"}, c.Kind) {
			codeComponents++
		}
		count(compKinds, c.Kind)
	}
	for _, id := range m.Identities {
		count(identKinds, id.Kind)
	}
	for _, s := range m.Surfaces {
		count(surfKinds, s.Kind)
	}
	boundList := make([]any, 0, len(m.Boundaries))
	for _, b := range m.Boundaries {
		boundList = append(boundList, boundaryMap(b))
	}
	var systemWide []string
	for _, c := range m.Controls {
		if len(c.On) == 0 {
			systemWide = append(systemWide, c.Kind)
		}
		for _, on := range c.On {
			g.controls[on] = append(g.controls[on], c.Kind)
		}
	}
	g.controls[model.SystemElement] = append(g.controls[model.SystemElement], systemWide...)
	for _, id := range m.Identities {
		var assets []string
		for _, u := range id.UsedBy {
			if ci, ok := g.compIdx[u]; ok {
				assets = append(assets, m.Components[ci].Stores...)
			}
		}
		g.identityAssets[id.ID] = dedupe(assets)
	}
	g.whole = map[string]any{
		"components": g.all(componentSchema, len(m.Components)), "surfaces": g.all(surfaceSchema, len(m.Surfaces)),
		"flows": g.all(flowSchema, len(m.Flows)), "identities": g.all(identitySchema, len(m.Identities)),
		"assets": g.all(assetSchema, len(m.Assets)), "boundaries": boundList,
		"asset_kinds": kindCount, "component_kinds": compKinds, "surface_kinds": surfKinds,
		"code_components": codeComponents,
		"identity_kinds":  identKinds, "zones": zones,
	}
	g.byComponent()
	g.routeIDs, g.routePos = routeElements(m, ix)
	for i, r := range ix.Unmodeled {
		if r.Kind == "" || r.Kind == evidence.RouteKindBotWebhook {
			g.httpRoutes = append(g.httpRoutes, i)
		}
	}
	return g
}

// byComponent fills the indexes by component position, the assets next to
// each component on every core.
func (g *graph) byComponent() {
	m, nc := g.m, len(g.m.Components)
	g.compIdent, g.compZone = make([]int32, nc), make([]string, nc)
	g.compNear = make([][]int32, nc)
	pages.Touch(g.compZone)
	pages.Touch(g.compNear)
	for i, c := range m.Components {
		g.compIdent[i] = -1
		if ii, ok := g.identIdx[c.RunsAs]; ok {
			g.compIdent[i] = ii
		}
		g.compZone[i] = g.zone[c.ID]
	}
	parts := 1
	if nc >= 1<<12 {
		parts = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			for i := p * nc / parts; i < (p+1)*nc/parts; i++ {
				g.compNear[i] = slices.Clip(g.assetsNear(int32(i), g.compIn[i], g.compOut[i]))
			}
		})
	}
	wg.Wait()
}

// assetPositions lists, for each of n elements, the positions of the
// assets its list (of ids) names that the model has, in the list's order,
// all in one block of memory.
func (g *graph) assetPositions(n int, list func(i int) []string) [][]int32 {
	total := 0
	for i := range n {
		total += len(list(i))
	}
	block, out := make([]int32, 0, total), make([][]int32, n)
	for i := range n {
		start := len(block)
		for _, id := range list(i) {
			if ai, ok := g.assetIdx[id]; ok {
				block = append(block, ai)
			}
		}
		out[i] = block[start:len(block):len(block)]
	}
	return out
}

// listsOf gives each of n keys the list of what each hands to add, in
// the order it does: a first pass counts, and the lists are carved from
// one array (each clipped to its own part), so a large model's lists
// are not each grown by appending. A key given nothing has a nil list.
func listsOf(n int, each func(add func(key int32, v string))) [][]string {
	counts := make([]int32, n)
	total := 0
	each(func(key int32, _ string) {
		counts[key]++
		total++
	})
	lists := make([][]string, n)
	all := make([]string, 0, total)
	for k, c := range counts {
		if c > 0 {
			lists[k] = all[len(all) : len(all) : len(all)+int(c)]
			all = all[:len(all)+int(c)]
		}
	}
	each(func(key int32, v string) { lists[key] = append(lists[key], v) })
	return lists
}

// uniquePositions returns pos with each position once: pos itself when a
// short list repeats none (most do), else a sorted copy without repeats.
func uniquePositions(pos []int32) []int32 {
	if len(pos) <= 16 {
		repeats := false
		for j := 1; j < len(pos) && !repeats; j++ {
			repeats = slices.Contains(pos[:j], pos[j])
		}
		if !repeats {
			return pos
		}
	}
	c := slices.Clone(pos)
	slices.Sort(c)
	return slices.Compact(c)
}

// all lists every element of a kind, for the model variable.
func (g *graph) all(s *schema, n int) recList {
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	return recList{g: g, s: s, idx: idx}
}

// flowsInto and flowsOutOf list the positions of the flows into and out
// of the element with the id.
func (g *graph) flowsInto(id string) []int32 {
	if ci := g.componentPos(id); ci >= 0 {
		return g.compIn[ci]
	}
	return g.flowsIn[id]
}

func (g *graph) flowsOutOf(id string) []int32 {
	if ci := g.componentPos(id); ci >= 0 {
		return g.compOut[ci]
	}
	return g.flowsOut[id]
}

// zoneAt returns the zone of the element with the id, ci its position
// among the components (-1 when it is not one).
func (g *graph) zoneAt(ci int32, id string) string {
	if ci >= 0 {
		return g.compZone[ci]
	}
	return g.zone[id]
}

// componentPos returns the position of the component with the id, or -1.
func (g *graph) componentPos(id string) int32 {
	if ci, ok := g.compIdx[id]; ok {
		return ci
	}
	return -1
}

// componentKind returns the kind of the component at a position, "" for
// none.
func (g *graph) componentKind(ci int32) string {
	if ci < 0 {
		return ""
	}
	return g.m.Components[ci].Kind
}

// routeElements names the routes found in code that the model does not
// describe, in the index's order.
func routeElements(m *model.Model, ix *link.Index) ([]string, []threatmap.Position) {
	ids := make([]string, len(ix.Unmodeled))
	pos := make([]threatmap.Position, len(ix.Unmodeled))
	seen := map[string]int{}
	for i, r := range ix.Unmodeled {
		rid := RouteElementID(routeOwner(ix, i), r)
		// The same route registered twice in one component (two
		// frameworks, two files) still gets one id per registration.
		if n := seen[rid]; n > 0 {
			seen[rid] = n + 1
			rid = fmt.Sprintf("%s#%d", rid, n+1)
		} else {
			seen[rid] = 1
		}
		ids[i] = rid
		// Route files are relative to the scanned root, the model's
		// directory; positions elsewhere are as the model was named.
		pos[i] = threatmap.Position{File: filepath.Join(m.Dir, filepath.FromSlash(r.File)), Line: r.Line}
	}
	return ids, pos
}

func routeOwner(ix *link.Index, i int) string {
	if i < len(ix.UnmodeledComponent) {
		return ix.UnmodeledComponent[i]
	}
	return ""
}

// controlKinds collects the kinds of controls on any of ids and on the
// whole system.
func (g *graph) controlKinds(ids ...string) []any {
	var out []any
	add := func(id string) {
		for _, k := range g.controls[id] {
			if !slices.Contains(out, any(k)) {
				out = append(out, k)
			}
		}
	}
	for _, id := range ids {
		add(id)
	}
	add(model.SystemElement)
	return orEmpty(out)
}

// assetList lists the model's assets among ids, in their order.
func (g *graph) assetList(ids []string) recList {
	return g.assetListInto(make([]int32, 0, len(ids)), ids)
}

// assetListInto is assetList appending the positions to idx.
func (g *graph) assetListInto(idx []int32, ids []string) recList {
	for _, id := range ids {
		if ai, ok := g.assetIdx[id]; ok {
			idx = append(idx, ai)
		}
	}
	return recList{g: g, s: assetSchema, idx: idx}
}

// flowList lists flows by position.
func (g *graph) flowList(idx []int32) recList {
	return recList{g: g, s: flowSchema, idx: idx}
}

// count returns how many elements of a kind the model has.
func (g *graph) count(kind string) int {
	m := g.m
	switch kind {
	case "system":
		return 1
	case "asset":
		return len(m.Assets)
	case "component":
		return len(m.Components)
	case "surface":
		return len(m.Surfaces)
	case "flow":
		return len(m.Flows)
	case "boundary":
		return len(m.Boundaries)
	case "identity":
		return len(m.Identities)
	case "route":
		return len(g.httpRoutes)
	}
	return 0
}

// element returns the i-th element of a kind with its neighbourhood. It
// is built when needed and dropped after its rules ran, so a run holds no
// per-element copy of the model.
func (g *graph) element(kind string, i int) *element {
	return g.elementInto(&element{}, kind, i)
}

// elementInto builds the i-th element of a kind in el, reusing the
// buffers el holds from the element it was before (an engine's worker
// builds every element of its share in one).
func (g *graph) elementInto(el *element, kind string, i int) *element {
	m := g.m
	switch kind {
	case "system":
		all := make([]string, len(m.Assets))
		for i, a := range m.Assets {
			all[i] = a.ID
		}
		return g.newElement(el, model.SystemElement, "system", "the repository", m.System.Loc.At(""), g.system, "", -1, all)
	case "asset":
		a := &m.Assets[i]
		return g.newElement(el, a.ID, "asset", a.Name, a.Loc.At(""), record{g: g, s: assetSchema, i: int32(i)}, "", -1, []string{a.ID})
	case "component":
		c := &m.Components[i]
		el.assetPos = g.storesPos[i]
		return g.newElement(el, c.ID, "component", c.Name, c.Loc.At(""), record{g: g, s: componentSchema, i: int32(i)}, c.ID, int32(i), c.Stores)
	case "surface":
		s := &m.Surfaces[i]
		el.assetPos = g.surfAssetsPos[i]
		return g.newElement(el, s.ID, "surface", s.Name, s.Loc.At(""), record{g: g, s: surfaceSchema, i: int32(i)}, s.Component, g.surfComp[i], s.Assets)
	case "flow":
		f := &m.Flows[i]
		el.assetPos = g.dataPos[i]
		return g.newElement(el, f.ID, "flow", f.From+" → "+f.To, f.Loc.At(""), record{g: g, s: flowSchema, i: int32(i)}, f.From, g.flowFrom[i], f.Data)
	case "boundary":
		b := &m.Boundaries[i]
		return g.newElement(el, b.ID, "boundary", b.Name, b.Loc.At(""), boundaryMap(*b), "", -1, nil)
	case "identity":
		id := &m.Identities[i]
		self := record{g: g, s: identitySchema, i: int32(i)}
		el = g.newElement(el, id.ID, "identity", id.Name, id.Loc.At(""), self, "", -1, g.identityAssets[id.ID])
		el.vars.identity = self
		return el
	case "route":
		i = g.httpRoutes[i]
		r := g.ix.Unmodeled[i]
		owner := routeOwner(g.ix, i)
		rm := routeMap(r)
		rm["id"] = g.routeIDs[i]
		rm["component"] = owner
		el = g.newElement(el, g.routeIDs[i], "route", r.Method+" "+r.Path, g.routePos[i], rm, owner, g.componentPos(owner), nil)
		el.vars.routes = []any{rm}
		return el
	}
	return nil
}

// newElement builds an element in el; compID names its component or the
// end of a flow that is not one, and ci is the component's position (-1
// for none), which the caller knows.
func (g *graph) newElement(el *element, id, kind, label string, pos threatmap.Position, self any, compID string, ci int32, assetIDs []string) *element {
	comp := record{g: g, s: componentSchema, i: ci}
	ident := record{g: g, s: identitySchema, i: -1}
	var zone string
	var in, out []int32
	if ci >= 0 {
		ident.i, zone, in, out = g.compIdent[ci], g.compZone[ci], g.compIn[ci], g.compOut[ci]
	} else if compID != "" {
		// An end of a flow that is not a component.
		zone, in, out = g.zone[compID], g.flowsIn[compID], g.flowsOut[compID]
	}
	// The positions of the element's assets: those the graph keeps for
	// its kind (el.assetPos, set by the caller), else looked up into the
	// element's buffer.
	assets := recList{g: g, s: assetSchema, idx: el.assetPos}
	buf := el.assetBuf
	if el.assetPos == nil {
		assets = g.assetListInto(buf[:0], assetIDs)
		buf = assets.idx
	}
	// An element's controls are its own and its component's; a flow's
	// component is its sending end, whose controls are not the flow's.
	controlled := []string{id, compID}
	if kind == "flow" {
		controlled = controlled[:1]
	}
	fields, binds := el.fields[:0], el.binds[:0]
	*el = element{id: id, kind: kind, label: label, pos: pos, assetIDs: assetIDs, fields: fields, binds: binds, assetBuf: buf}
	el.vars = activation{
		e: self, system: g.system, component: comp, identity: ident,
		zone: zone, assets: assets,
		flowsIn: g.flowList(in), flowsOut: g.flowList(out),
		controls: g.controlKinds(controlled...), model: g.whole,
		findings: mapAll(g.ix.Findings[id], findingMap), observations: mapAll(g.ix.Observations[id], observationMap),
		routes: mapAll(g.ix.Routes[id], routeMap),
	}
	return el
}

func mapAll[T any](xs []T, f func(T) map[string]any) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func dedupe(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// atRisk picks the assets a threat endangers and the impact that follows:
// the element's assets of the rule's kinds, else those of its component
// and its component's flows (never the rest of the model); the impact is
// the rule's fixed impact or the highest sensitivity among them.
func (g *graph) atRisk(r *Rule, el *element) ([]string, threatmap.Severity) {
	var ids []string
	var pos []int32
	if len(r.Assets) == 0 {
		// The model's own list, which no reader changes (clipped, so an
		// append copies): a threat per rule on the element need not
		// each hold a copy.
		ids, pos = slices.Clip(el.assetIDs), el.vars.assets.idx
	} else {
		// The element's assets of the rule's kinds (el.vars.assets are
		// its assets the model has, in its order), else the nearby ones.
		for _, ai := range el.vars.assets.idx {
			if slices.Contains(r.Assets, g.m.Assets[ai].Kind) {
				pos = append(pos, ai)
			}
		}
		if len(pos) == 0 {
			for _, ai := range g.nearAssets(el) {
				if slices.Contains(r.Assets, g.m.Assets[ai].Kind) {
					pos = append(pos, ai)
				}
			}
		}
		ids = make([]string, len(pos))
		for i, ai := range pos {
			ids[i] = g.m.Assets[ai].ID
		}
	}
	impact := threatmap.Medium
	if r.Impact != "" {
		impact, _ = threatmap.ParseSeverity(r.Impact)
	} else if len(ids) > 0 {
		impact = threatmap.Low
		for _, ai := range pos {
			if s := g.sens[ai]; s > impact {
				impact = s
			}
		}
	}
	if ids == nil {
		ids = []string{}
	}
	return ids, impact
}

func orEmpty(l []any) []any {
	if l == nil {
		return []any{}
	}
	return l
}
