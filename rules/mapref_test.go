package rules

// The map[string]any view of the model that conditions saw before records
// (values.go) replaced it, kept as the reference TestRecordsMatchMaps
// compares records with.

import (
	"slices"
	"time"

	"github.com/google/cel-go/interpreter"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

type mapElement struct {
	id, kind string
	label    string
	pos      threatmap.Position
	vars     mapActivation
	assetIDs []string
}

// mapActivation holds the variables a condition sees on one element by
// name: e, system, component, identity, zone, assets, flows_in, flows_out,
// controls, findings, observations, routes and model.
type mapActivation map[string]any

func (a mapActivation) ResolveName(name string) (any, bool) {
	v, ok := a[name]
	return v, ok
}

func (a mapActivation) Parent() interpreter.Activation { return nil }

type mapGraph struct {
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

func newMapGraph(m *model.Model, ix *link.Index, now time.Time) *mapGraph {
	g := &mapGraph{
		m: m, ix: ix, system: systemMap(m, now),
		assets: make(map[string]map[string]any, len(m.Assets)), comps: make(map[string]map[string]any, len(m.Components)),
		idents: make(map[string]map[string]any, len(m.Identities)), zone: map[string]string{},
		flowsIn: map[string][]any{}, flowsOut: map[string][]any{},
		controls: map[string][]string{},
		blankC:   refComponentMap(model.Component{}, ""), blankI: refIdentityMap(model.Identity{}),
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
		am := refAssetMap(a)
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
		cm := refComponentMap(c, g.zone[c.ID])
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
		im := refIdentityMap(id)
		im["credential_flows"] = int64(0)
		g.idents[id.ID] = im
		identList = append(identList, im)
		count(identKinds, id.Kind)
	}
	g.blankI["credential_flows"] = int64(0)
	surfList := make([]any, 0, len(m.Surfaces))
	g.surfMaps = make([]map[string]any, len(m.Surfaces))
	for i, s := range m.Surfaces {
		g.surfMaps[i] = refSurfaceMap(s)
		surfList = append(surfList, g.surfMaps[i])
		count(surfKinds, s.Kind)
	}
	flowList := make([]any, 0, len(m.Flows))
	g.flowMaps = make([]map[string]any, len(m.Flows))
	for i, f := range m.Flows {
		fm := g.refFlowMapOf(f)
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

func (g *mapGraph) refFlowMapOf(f model.Flow) map[string]any {
	end := func(id string) (string, map[string]any) {
		if c, ok := g.comps[id]; ok {
			return c["kind"].(string), c
		}
		return "", g.blankC
	}
	fromKind, from := end(f.From)
	toKind, to := end(f.To)
	fm := refFlowMap(f, fromKind, toKind, g.zone[f.From], g.zone[f.To])
	fm["from_component"], fm["to_component"] = from, to
	return fm
}

func (g *mapGraph) identityOf(compID string) map[string]any {
	if c, ok := g.comps[compID]; ok {
		if im, ok := g.idents[c["runs_as"].(string)]; ok {
			return im
		}
	}
	return g.blankI
}

func (g *mapGraph) assetMaps(ids []string) []any {
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		if a, ok := g.assets[id]; ok {
			out = append(out, a)
		}
	}
	return out
}

func (g *mapGraph) element(kind string, i int) *mapElement {
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
		el.vars["controls"] = (&graph{controls: g.controls}).controlKinds(f.ID)
		return el
	case "boundary":
		b := &m.Boundaries[i]
		return g.newElement(b.ID, "boundary", b.Name, b.Loc.At(""), boundaryMap(*b), "", nil)
	case "identity":
		id := &m.Identities[i]
		el := g.newElement(id.ID, "identity", id.Name, id.Loc.At(""), g.idents[id.ID], "", g.identityAssets[id.ID])
		el.vars["identity"] = g.idents[id.ID]
		return el
	case "route":
		i = g.httpRoutes[i]
		r := g.ix.Unmodeled[i]
		owner := routeOwner(g.ix, i)
		rm := routeMap(r)
		rm["id"] = g.routeIDs[i]
		rm["component"] = owner
		el := g.newElement(g.routeIDs[i], "route", r.Method+" "+r.Path, g.routePos[i], rm, owner, nil)
		el.vars["routes"] = []any{rm}
		return el
	}
	return nil
}

func (g *mapGraph) newElement(id, kind, label string, pos threatmap.Position, self map[string]any, compID string, assetIDs []string) *mapElement {
	comp := g.blankC
	if c, ok := g.comps[compID]; ok {
		comp = c
	}
	el := &mapElement{id: id, kind: kind, label: label, pos: pos, assetIDs: assetIDs}
	el.vars = mapActivation{
		"e": self, "system": g.system, "component": comp, "identity": g.identityOf(compID),
		"zone": g.zone[compID], "assets": g.assetMaps(assetIDs),
		"flows_in": orEmpty(g.flowsIn[compID]), "flows_out": orEmpty(g.flowsOut[compID]),
		"controls": (&graph{controls: g.controls}).controlKinds(id, compID), "model": g.whole,
		"findings": mapAll(g.ix.Findings[id], findingMap), "observations": mapAll(g.ix.Observations[id], observationMap),
		"routes": mapAll(g.ix.Routes[id], routeMap),
	}
	return el
}

func refOptBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func refAssetMap(a model.Asset) map[string]any {
	return map[string]any{
		"id": a.ID, "kind": a.Kind, "name": a.Name, "label": a.Name, "sensitivity": a.Sensitivity,
	}
}

func refComponentMap(c model.Component, zone string) map[string]any {
	return map[string]any{
		"id": c.ID, "kind": c.Kind, "name": c.Name, "label": c.Name, "path": c.Path, "runs_as": c.RunsAs,
		"stores": strs(c.Stores), "provider": c.Provider, "public": c.Public, "keys": c.Keys,
		"encrypted_at_rest": refOptBool(c.Encrypted), "access_logging": refOptBool(c.Logging),
		"audit_log": refOptBool(c.Audit), "refs": strs(c.Refs), "tags": strs(c.Tags), "zone": zone,
		"handles": strs(c.Handles),
	}
}

func refLlmMap(l *model.LLM) map[string]any {
	if l == nil {
		return map[string]any{"present": false, "input": []any{}, "output": "", "tools": []any{}, "write_tools": false, "approval": false, "shared_state": false}
	}
	return map[string]any{
		"present": true, "input": strs(l.Input), "output": l.Output, "tools": strs(l.Tools),
		"write_tools": l.WriteTools, "approval": l.Approval, "shared_state": l.SharedState,
	}
}

func refSurfaceMap(s model.Surface) map[string]any {
	return map[string]any{
		"id": s.ID, "kind": s.Kind, "name": s.Name, "label": s.Name, "component": s.Component,
		"method": s.Method, "path": s.Path, "params": hasParam(s.Path),
		"exposure": s.Exposure, "auth": s.Auth, "assets": strs(s.Assets), "costly": s.Costly,
		"sender": s.Sender, "signature": s.Signature, "ids": s.IDs, "exit": s.Exit,
		"content": strs(s.Content), "llm": refLlmMap(s.LLM), "tags": strs(s.Tags),
		"privileged": s.Privilege, "permission": s.PermCheck,
		"handles": strs(s.Handles),
	}
}

func refFlowMap(f model.Flow, fromKind, toKind, fromZone, toZone string) map[string]any {
	return map[string]any{
		"id": f.ID, "kind": "flow", "label": f.From + " → " + f.To, "name": f.ID,
		"from": f.From, "to": f.To, "data": strs(f.Data), "protocol": f.Protocol,
		"encrypted": refOptBool(f.Encrypted), "credential": f.Credential,
		"from_kind": fromKind, "to_kind": toKind, "from_zone": fromZone, "to_zone": toZone,
		"crosses_boundary": fromZone != toZone,
	}
}

func refIdentityMap(id model.Identity) map[string]any {
	expiresDays := int64(-1)
	if !id.Expires.IsZero() && !id.Expires.Never {
		expiresDays = int64(id.Expires.Value.Hours() / 24)
	}
	return map[string]any{
		"id": id.ID, "kind": id.Kind, "name": id.Name, "label": id.Name, "used_by": strs(id.UsedBy),
		"users": int64(len(id.UsedBy)), "policy": id.Policy, "scope": id.Scope,
		"expires": id.Expires.String(), "expires_days": expiresDays, "never_expires": id.Expires.IsZero() || id.Expires.Never,
		"rotated": id.Rotated, "mfa": id.MFA, "refs": strs(id.Refs),
	}
}

// atRisk and nearAssets as they read the map view.

func (g *mapGraph) atRisk(r *Rule, el *mapElement) ([]string, threatmap.Severity) {
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
			if s := refSensitivity(g.assets[id]); s > impact {
				impact = s
			}
		}
	}
	if ids == nil {
		ids = []string{}
	}
	return ids, impact
}

func refSensitivity(asset map[string]any) threatmap.Severity {
	s, _ := threatmap.ParseSeverity(asset["sensitivity"].(string))
	return s
}

func (g *mapGraph) nearAssets(el *mapElement) []string {
	var ids []string
	seen := map[string]bool{}
	add := func(v any) {
		list, _ := v.([]any)
		for _, x := range list {
			if id, ok := x.(string); ok && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	addFlows := func(flows []any) {
		for _, f := range flows {
			if fm, ok := f.(map[string]any); ok {
				add(fm["data"])
			}
		}
	}
	if el.kind == "identity" {
		// An identity reaches what its components store and what their
		// flows carry, and what flows authenticated by it carry.
		self, _ := el.vars["e"].(map[string]any)
		list, _ := self["used_by"].([]any)
		for _, u := range list {
			id, _ := u.(string)
			if c, ok := g.comps[id]; ok {
				add(c["stores"])
			}
			addFlows(g.flowsIn[id])
			addFlows(g.flowsOut[id])
		}
		addFlows(g.credentialFlows[el.id])
		return ids
	}
	if comp, _ := el.vars["component"].(map[string]any); comp != nil {
		add(comp["stores"])
	}
	flowsIn, _ := el.vars["flows_in"].([]any)
	flowsOut, _ := el.vars["flows_out"].([]any)
	addFlows(flowsIn)
	addFlows(flowsOut)
	return ids
}
