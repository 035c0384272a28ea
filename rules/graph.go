package rules

import (
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

// graph holds the model as CEL values with the indexes that make each
// element's neighbourhood a lookup, so a run costs time linear in the size
// of the model. It is built once per run and only read afterwards, so
// rules can be evaluated on many elements at once.
type graph struct {
	m        *model.Model
	ix       *link.Index
	system   map[string]any
	assets   map[string]map[string]any
	comps    map[string]map[string]any
	idents   map[string]map[string]any
	zone     map[string]string
	flowsIn  map[string][]any
	flowsOut map[string][]any
	controls map[string][]string
	whole    map[string]any
	blankC   map[string]any
	blankI   map[string]any
	// surfMaps and flowMaps are the CEL maps of m.Surfaces and m.Flows,
	// by position.
	surfMaps []map[string]any
	flowMaps []map[string]any
	// identityAssets holds, per identity, the assets the components
	// using it store.
	identityAssets map[string][]string
	// byKind lists, per asset kind, the model's assets of that kind.
	byKind map[string][]string
	// routeIDs and routePos are the element ids and positions of the
	// routes found in code that the model does not describe.
	routeIDs []string
	routePos []threatmap.Position
	// assetPos is each asset's position in the model.
	assetPos map[string]int
	// credentialFlows lists, per identity, the flows it authenticates.
	credentialFlows map[string][]any
	// httpRoutes are the indexes in ix.Unmodeled of the routes the route
	// rules see: HTTP routes and bot webhook servers. Commands, actions,
	// jobs and consumers reach the rules as the surfaces init drafts from
	// them; the rules about unmodeled HTTP routes do not describe them.
	httpRoutes []int
}

func newGraph(m *model.Model, ix *link.Index, now time.Time) *graph {
	g := &graph{
		m: m, ix: ix, system: systemMap(m, now),
		assets: make(map[string]map[string]any, len(m.Assets)), comps: make(map[string]map[string]any, len(m.Components)),
		idents: make(map[string]map[string]any, len(m.Identities)), zone: map[string]string{},
		flowsIn: map[string][]any{}, flowsOut: map[string][]any{},
		controls: map[string][]string{},
		blankC:   componentMap(model.Component{}, ""), blankI: identityMap(model.Identity{}),
		identityAssets: map[string][]string{}, byKind: map[string][]string{},
		assetPos: make(map[string]int, len(m.Assets)), credentialFlows: map[string][]any{},
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
	// the model.
	storedBy, exposedBy, carriedBy := map[string][]any{}, map[string][]any{}, map[string][]any{}
	surfacesOf, inDeg, outDeg := map[string][]any{}, map[string]int64{}, map[string]int64{}
	surfaceKindsOf, authedKindsOf := map[string][]any{}, map[string][]any{}
	for _, c := range m.Components {
		for _, a := range dedupe(slices.Clone(c.Stores)) {
			storedBy[a] = append(storedBy[a], c.ID)
		}
	}
	for _, s := range m.Surfaces {
		for _, a := range dedupe(slices.Clone(s.Assets)) {
			exposedBy[a] = append(exposedBy[a], s.ID)
		}
		surfacesOf[s.Component] = append(surfacesOf[s.Component], s.ID)
		if !slices.Contains(surfaceKindsOf[s.Component], any(s.Kind)) {
			surfaceKindsOf[s.Component] = append(surfaceKindsOf[s.Component], s.Kind)
		}
		if s.Auth != "none" && !slices.Contains(authedKindsOf[s.Component], any(s.Kind)) {
			authedKindsOf[s.Component] = append(authedKindsOf[s.Component], s.Kind)
		}
	}
	for _, f := range m.Flows {
		for _, a := range dedupe(slices.Clone(f.Data)) {
			carriedBy[a] = append(carriedBy[a], f.ID)
		}
		outDeg[f.From]++
		inDeg[f.To]++
	}
	assetList := make([]any, 0, len(m.Assets))
	kindCount, compKinds, surfKinds, identKinds := map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}
	count := func(m map[string]any, k string) {
		n, _ := m[k].(int64)
		m[k] = n + 1
	}
	for i, a := range m.Assets {
		g.assetPos[a.ID] = i
		am := assetMap(a)
		am["stored_by"], am["exposed_by"], am["carried_by"] = orEmpty(storedBy[a.ID]), orEmpty(exposedBy[a.ID]), orEmpty(carriedBy[a.ID])
		g.assets[a.ID] = am
		assetList = append(assetList, am)
		g.byKind[a.Kind] = append(g.byKind[a.Kind], a.ID)
		count(kindCount, a.Kind)
	}
	compList := make([]any, 0, len(m.Components))
	codeComponents := int64(0)
	for _, c := range m.Components {
		if c.Path != "" && slices.Contains([]string{"service", "function", "client", "admin"}, c.Kind) {
			codeComponents++
		}
		cm := componentMap(c, g.zone[c.ID])
		cm["in_degree"], cm["out_degree"], cm["surfaces"] = inDeg[c.ID], outDeg[c.ID], orEmpty(surfacesOf[c.ID])
		cm["surface_kinds"], cm["authed_surface_kinds"] = orEmpty(surfaceKindsOf[c.ID]), orEmpty(authedKindsOf[c.ID])
		g.comps[c.ID] = cm
		compList = append(compList, cm)
		count(compKinds, c.Kind)
	}
	g.blankC["in_degree"], g.blankC["out_degree"], g.blankC["surfaces"] = int64(0), int64(0), []any{}
	g.blankC["surface_kinds"], g.blankC["authed_surface_kinds"] = []any{}, []any{}
	identList := make([]any, 0, len(m.Identities))
	for _, id := range m.Identities {
		im := identityMap(id)
		im["credential_flows"] = int64(0)
		g.idents[id.ID] = im
		identList = append(identList, im)
		count(identKinds, id.Kind)
	}
	g.blankI["credential_flows"] = int64(0)
	surfList := make([]any, 0, len(m.Surfaces))
	g.surfMaps = make([]map[string]any, len(m.Surfaces))
	for i, s := range m.Surfaces {
		g.surfMaps[i] = surfaceMap(s)
		surfList = append(surfList, g.surfMaps[i])
		count(surfKinds, s.Kind)
	}
	flowList := make([]any, 0, len(m.Flows))
	g.flowMaps = make([]map[string]any, len(m.Flows))
	for i, f := range m.Flows {
		fm := g.flowMap(f)
		g.flowMaps[i] = fm
		flowList = append(flowList, fm)
		g.flowsOut[f.From] = append(g.flowsOut[f.From], fm)
		g.flowsIn[f.To] = append(g.flowsIn[f.To], fm)
		if im, ok := g.idents[f.Credential]; ok {
			im["credential_flows"] = im["credential_flows"].(int64) + 1
			g.credentialFlows[f.Credential] = append(g.credentialFlows[f.Credential], fm)
		}
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
	stores := make(map[string][]string, len(m.Components))
	for _, c := range m.Components {
		stores[c.ID] = c.Stores
	}
	for _, id := range m.Identities {
		var assets []string
		for _, u := range id.UsedBy {
			assets = append(assets, stores[u]...)
		}
		g.identityAssets[id.ID] = dedupe(assets)
	}
	g.whole = map[string]any{
		"components": compList, "surfaces": surfList, "flows": flowList,
		"identities": identList, "assets": assetList, "boundaries": boundList,
		"asset_kinds": kindCount, "component_kinds": compKinds, "surface_kinds": surfKinds,
		"code_components": codeComponents,
		"identity_kinds":  identKinds, "zones": zones,
	}
	g.routeIDs, g.routePos = routeElements(m, ix)
	for i, r := range ix.Unmodeled {
		if r.Kind == "" || r.Kind == evidence.RouteKindBotWebhook {
			g.httpRoutes = append(g.httpRoutes, i)
		}
	}
	return g
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

func sensitivity(asset map[string]any) threatmap.Severity {
	s, _ := threatmap.ParseSeverity(asset["sensitivity"].(string))
	return s
}

func orEmpty(l []any) []any {
	if l == nil {
		return []any{}
	}
	return l
}

// flowMap adds to a flow the components at both ends, so conditions can
// look at what a flow connects without scanning the model.
func (g *graph) flowMap(f model.Flow) map[string]any {
	end := func(id string) (string, map[string]any) {
		if c, ok := g.comps[id]; ok {
			return c["kind"].(string), c
		}
		return "", g.blankC
	}
	fromKind, from := end(f.From)
	toKind, to := end(f.To)
	fm := flowMap(f, fromKind, toKind, g.zone[f.From], g.zone[f.To])
	fm["from_component"], fm["to_component"] = from, to
	return fm
}

// controlKinds collects the kinds of controls on any of ids and on the
// whole system.
func (g *graph) controlKinds(ids ...string) []any {
	var out []any
	for _, id := range append(ids, model.SystemElement) {
		for _, k := range g.controls[id] {
			if !slices.Contains(out, any(k)) {
				out = append(out, k)
			}
		}
	}
	return orEmpty(out)
}

func (g *graph) identityOf(compID string) map[string]any {
	if c, ok := g.comps[compID]; ok {
		if im, ok := g.idents[c["runs_as"].(string)]; ok {
			return im
		}
	}
	return g.blankI
}

func (g *graph) assetMaps(ids []string) []any {
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		if a, ok := g.assets[id]; ok {
			out = append(out, a)
		}
	}
	return out
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
	m := g.m
	switch kind {
	case "system":
		all := make([]string, len(m.Assets))
		for i, a := range m.Assets {
			all[i] = a.ID
		}
		return g.newElement(model.SystemElement, "system", "the repository", m.System.Loc.At(""), g.system, "", all)
	case "asset":
		a := &m.Assets[i]
		return g.newElement(a.ID, "asset", a.Name, a.Loc.At(""), g.assets[a.ID], "", []string{a.ID})
	case "component":
		c := &m.Components[i]
		return g.newElement(c.ID, "component", c.Name, c.Loc.At(""), g.comps[c.ID], c.ID, c.Stores)
	case "surface":
		s := &m.Surfaces[i]
		return g.newElement(s.ID, "surface", s.Name, s.Loc.At(""), g.surfMaps[i], s.Component, s.Assets)
	case "flow":
		f := &m.Flows[i]
		el := g.newElement(f.ID, "flow", f.From+" → "+f.To, f.Loc.At(""), g.flowMaps[i], f.From, f.Data)
		el.vars.controls = g.controlKinds(f.ID)
		return el
	case "boundary":
		b := &m.Boundaries[i]
		return g.newElement(b.ID, "boundary", b.Name, b.Loc.At(""), boundaryMap(*b), "", nil)
	case "identity":
		id := &m.Identities[i]
		el := g.newElement(id.ID, "identity", id.Name, id.Loc.At(""), g.idents[id.ID], "", g.identityAssets[id.ID])
		el.vars.identity = g.idents[id.ID]
		return el
	case "route":
		i = g.httpRoutes[i]
		r := g.ix.Unmodeled[i]
		owner := routeOwner(g.ix, i)
		rm := routeMap(r)
		rm["id"] = g.routeIDs[i]
		rm["component"] = owner
		el := g.newElement(g.routeIDs[i], "route", r.Method+" "+r.Path, g.routePos[i], rm, owner, nil)
		el.vars.routes = []any{rm}
		return el
	}
	return nil
}

func (g *graph) newElement(id, kind, label string, pos threatmap.Position, self map[string]any, compID string, assetIDs []string) *element {
	comp := g.blankC
	if c, ok := g.comps[compID]; ok {
		comp = c
	}
	el := &element{id: id, kind: kind, label: label, pos: pos, assetIDs: assetIDs}
	el.vars = activation{
		e: self, system: g.system, component: comp, identity: g.identityOf(compID),
		zone: g.zone[compID], assets: g.assetMaps(assetIDs),
		flowsIn: orEmpty(g.flowsIn[compID]), flowsOut: orEmpty(g.flowsOut[compID]),
		controls: g.controlKinds(id, compID), model: g.whole,
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
	if len(r.Assets) == 0 {
		ids = slices.Clone(el.assetIDs)
	} else {
		for _, id := range el.assetIDs {
			if a, ok := g.assets[id]; ok && slices.Contains(r.Assets, a["kind"].(string)) {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			for _, id := range g.nearAssets(el) {
				if a, ok := g.assets[id]; ok && slices.Contains(r.Assets, a["kind"].(string)) {
					ids = append(ids, id)
				}
			}
		}
	}
	impact := threatmap.Medium
	if r.Impact != "" {
		impact, _ = threatmap.ParseSeverity(r.Impact)
	} else if len(ids) > 0 {
		impact = threatmap.Low
		for _, id := range ids {
			if s := sensitivity(g.assets[id]); s > impact {
				impact = s
			}
		}
	}
	if ids == nil {
		ids = []string{}
	}
	return ids, impact
}
