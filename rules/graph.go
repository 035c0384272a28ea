package rules

import (
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

// graph holds the model as CEL values with the indexes that make each
// element's neighbourhood a lookup, so a run costs time linear in the size
// of the model.
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
	cache    map[string][]*element
	blankC   map[string]any
	blankI   map[string]any
}

func newGraph(m *model.Model, ix *link.Index, now time.Time) *graph {
	g := &graph{
		m: m, ix: ix, system: systemMap(m, now),
		assets: map[string]map[string]any{}, comps: map[string]map[string]any{},
		idents: map[string]map[string]any{}, zone: map[string]string{},
		flowsIn: map[string][]any{}, flowsOut: map[string][]any{},
		controls: map[string][]string{}, cache: map[string][]*element{},
		blankC: componentMap(model.Component{}, ""), blankI: identityMap(model.Identity{}),
	}
	for _, b := range m.Boundaries {
		for _, c := range b.Components {
			g.zone[c] = b.ID
		}
	}
	var assetList, compList, surfList, flowList, identList, boundList []any
	for _, a := range m.Assets {
		am := assetMap(a)
		g.assets[a.ID] = am
		assetList = append(assetList, am)
	}
	for _, c := range m.Components {
		cm := componentMap(c, g.zone[c.ID])
		g.comps[c.ID] = cm
		compList = append(compList, cm)
	}
	for _, id := range m.Identities {
		im := identityMap(id)
		g.idents[id.ID] = im
		identList = append(identList, im)
	}
	for _, s := range m.Surfaces {
		surfList = append(surfList, surfaceMap(s))
	}
	for _, im := range g.idents {
		im["credential_flows"] = int64(0)
	}
	g.blankI["credential_flows"] = int64(0)
	for _, f := range m.Flows {
		fm := g.flowMap(f)
		flowList = append(flowList, fm)
		g.flowsOut[f.From] = append(g.flowsOut[f.From], fm)
		g.flowsIn[f.To] = append(g.flowsIn[f.To], fm)
		if im, ok := g.idents[f.Credential]; ok {
			im["credential_flows"] = im["credential_flows"].(int64) + 1
		}
	}
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
	g.whole = map[string]any{
		"components": orEmpty(compList), "surfaces": orEmpty(surfList), "flows": orEmpty(flowList),
		"identities": orEmpty(identList), "assets": orEmpty(assetList), "boundaries": orEmpty(boundList),
	}
	return g
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
	seen := map[string]bool{}
	for _, id := range append(ids, model.SystemElement) {
		for _, k := range g.controls[id] {
			if !seen[k] {
				seen[k] = true
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
	out := []any{}
	for _, id := range ids {
		if a, ok := g.assets[id]; ok {
			out = append(out, a)
		}
	}
	return out
}

func (g *graph) evidenceVars(vars map[string]any, id string) {
	fs := []any{}
	for _, f := range g.ix.Findings[id] {
		fs = append(fs, findingMap(f))
	}
	obs := []any{}
	for _, o := range g.ix.Observations[id] {
		obs = append(obs, observationMap(o))
	}
	rs := []any{}
	for _, r := range g.ix.Routes[id] {
		rs = append(rs, routeMap(r))
	}
	vars["findings"], vars["observations"], vars["routes"] = fs, obs, rs
}

func (g *graph) newElement(id, kind, label string, pos threatmap.Position, self map[string]any, compID string, assetIDs []string) *element {
	comp := g.blankC
	if c, ok := g.comps[compID]; ok {
		comp = c
	}
	vars := map[string]any{
		"e": self, "system": g.system, "component": comp, "identity": g.identityOf(compID),
		"zone": g.zone[compID], "assets": g.assetMaps(assetIDs),
		"flows_in": orEmpty(g.flowsIn[compID]), "flows_out": orEmpty(g.flowsOut[compID]),
		"controls": g.controlKinds(id, compID), "model": g.whole,
	}
	g.evidenceVars(vars, id)
	return &element{id: id, kind: kind, label: label, pos: pos, vars: vars, assetIDs: assetIDs}
}

// elements returns the elements of one kind, built once per run.
func (g *graph) elements(kind string) []*element {
	if els, ok := g.cache[kind]; ok {
		return els
	}
	var els []*element
	m := g.m
	switch kind {
	case "system":
		var all []string
		for _, a := range m.Assets {
			all = append(all, a.ID)
		}
		els = append(els, g.newElement(model.SystemElement, "system", "the repository", m.System.Loc.At(""), g.system, "", all))
	case "asset":
		for _, a := range m.Assets {
			els = append(els, g.newElement(a.ID, "asset", a.Name, a.Loc.At(""), g.assets[a.ID], "", []string{a.ID}))
		}
	case "component":
		for _, c := range m.Components {
			els = append(els, g.newElement(c.ID, "component", c.Name, c.Loc.At(""), g.comps[c.ID], c.ID, c.Stores))
		}
	case "surface":
		for _, s := range m.Surfaces {
			els = append(els, g.newElement(s.ID, "surface", s.Name, s.Loc.At(""), surfaceMap(s), s.Component, s.Assets))
		}
	case "flow":
		for _, f := range m.Flows {
			el := g.newElement(f.ID, "flow", f.From+" → "+f.To, f.Loc.At(""), g.flowMap(f), f.From, f.Data)
			el.vars["controls"] = g.controlKinds(f.ID)
			els = append(els, el)
		}
	case "boundary":
		for _, b := range m.Boundaries {
			els = append(els, g.newElement(b.ID, "boundary", b.Name, b.Loc.At(""), boundaryMap(b), "", nil))
		}
	case "identity":
		stores := map[string][]string{}
		for _, c := range m.Components {
			stores[c.ID] = c.Stores
		}
		for _, id := range m.Identities {
			var assets []string
			for _, u := range id.UsedBy {
				assets = append(assets, stores[u]...)
			}
			el := g.newElement(id.ID, "identity", id.Name, id.Loc.At(""), g.idents[id.ID], "", dedupe(assets))
			el.vars["identity"] = g.idents[id.ID]
			els = append(els, el)
		}
	case "route":
		seen := map[string]int{}
		for i, r := range g.ix.Unmodeled {
			owner := ""
			if i < len(g.ix.UnmodeledComponent) {
				owner = g.ix.UnmodeledComponent[i]
			}
			rid := RouteElementID(owner, r)
			// The same route registered twice in one component (two
			// frameworks, two files) still gets one id per registration.
			if n := seen[rid]; n > 0 {
				seen[rid] = n + 1
				rid = fmt.Sprintf("%s#%d", rid, n+1)
			} else {
				seen[rid] = 1
			}
			// Route files are relative to the scanned root, the model's
			// directory; positions elsewhere are as the model was named.
			pos := threatmap.Position{File: filepath.Join(m.Dir, filepath.FromSlash(r.File)), Line: r.Line}
			rm := routeMap(r)
			rm["id"] = rid
			rm["component"] = owner
			el := g.newElement(rid, "route", r.Method+" "+r.Path, pos, rm, owner, nil)
			el.vars["routes"] = []any{rm}
			els = append(els, el)
		}
	}
	g.cache[kind] = els
	return els
}

func dedupe(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// atRisk picks the assets a threat endangers and the impact that follows:
// the element's assets of the rule's kinds, else those of its component
// and its component's flows (never the rest of the model); the impact is the rule's fixed impact or the highest
// sensitivity among them.
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
			if s, err := threatmap.ParseSeverity(g.assets[id]["sensitivity"].(string)); err == nil && s > impact {
				impact = s
			}
		}
	}
	if ids == nil {
		ids = []string{}
	}
	return ids, impact
}
