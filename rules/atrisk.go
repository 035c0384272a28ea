package rules

import "slices"

// nearAssets returns the positions of the assets next to an element when it
// names none of a rule's kinds itself: those its component stores and those
// its component's flows carry. It never reaches for the rest of the model,
// so that a row names only what abusing this element can touch.
func (g *graph) nearAssets(el *element) []int32 {
	if !el.nearDone {
		el.near, el.nearDone = g.findNearAssets(el), true
	}
	return el.near
}

func (g *graph) findNearAssets(el *element) []int32 {
	var pos []int32
	// A short list is searched; past a few dozen, a set is kept.
	var seen map[int32]bool
	add := func(list []string) {
		for _, id := range list {
			ai, ok := g.assetIdx[id]
			if !ok {
				continue
			}
			if seen == nil && len(pos) >= 32 {
				seen = make(map[int32]bool, 2*len(pos))
				for _, p := range pos {
					seen[p] = true
				}
			}
			if seen != nil {
				if seen[ai] {
					continue
				}
				seen[ai] = true
			} else if slices.Contains(pos, ai) {
				continue
			}
			pos = append(pos, ai)
		}
	}
	addFlows := func(flows []int32) {
		for _, fi := range flows {
			add(g.m.Flows[fi].Data)
		}
	}
	if el.kind == "identity" {
		// An identity reaches what its components store and what their
		// flows carry, and what flows authenticated by it carry.
		if ii, ok := g.identIdx[el.id]; ok {
			for _, id := range g.m.Identities[ii].UsedBy {
				if ci, ok := g.compIdx[id]; ok {
					add(g.m.Components[ci].Stores)
				}
				addFlows(g.flowsIn[id])
				addFlows(g.flowsOut[id])
			}
		}
		addFlows(g.credentialFlows[el.id])
		return pos
	}
	if c := el.vars.component; c.i >= 0 {
		add(g.m.Components[c.i].Stores)
	}
	addFlows(el.vars.flowsIn.idx)
	addFlows(el.vars.flowsOut.idx)
	return pos
}
