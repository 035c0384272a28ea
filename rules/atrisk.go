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
	if el.kind == "identity" {
		return g.identityNear(el)
	}
	// The same for every element of a component: kept by the graph.
	if c := el.vars.component; c.i >= 0 {
		return g.compNear[c.i]
	}
	return g.assetsNear(-1, el.vars.flowsIn.idx, el.vars.flowsOut.idx)
}

// assetsNear lists the assets the component at ci (-1 for none) stores
// and the flows in and out carry, each once, in that order.
func (g *graph) assetsNear(ci int32, in, out []int32) []int32 {
	var n nearSet
	if ci >= 0 {
		n.add(g.storesPos[ci])
	}
	n.addFlows(g, in)
	n.addFlows(g, out)
	return n.pos
}

// identityNear lists what an identity reaches: what its components store
// and what their flows carry, and what flows authenticated by it carry.
func (g *graph) identityNear(el *element) []int32 {
	var n nearSet
	if ii, ok := g.identIdx[el.id]; ok {
		for _, id := range g.m.Identities[ii].UsedBy {
			if ci, ok := g.compIdx[id]; ok {
				n.add(g.storesPos[ci])
			}
			n.addFlows(g, g.flowsInto(id))
			n.addFlows(g, g.flowsOutOf(id))
		}
	}
	n.addFlows(g, g.credentialFlows[el.id])
	return n.pos
}

// nearSet gathers asset positions, each once, in the order added.
type nearSet struct {
	pos []int32
	// A short list is searched; past a few dozen, a set is kept.
	seen map[int32]bool
}

func (n *nearSet) add(pos []int32) {
	for _, ai := range pos {
		if n.seen == nil && len(n.pos) >= 32 {
			n.seen = make(map[int32]bool, 2*len(n.pos))
			for _, p := range n.pos {
				n.seen[p] = true
			}
		}
		if n.seen != nil {
			if n.seen[ai] {
				continue
			}
			n.seen[ai] = true
		} else if slices.Contains(n.pos, ai) {
			continue
		}
		n.pos = append(n.pos, ai)
	}
}

func (n *nearSet) addFlows(g *graph, flows []int32) {
	for _, fi := range flows {
		n.add(g.dataPos[fi])
	}
}
