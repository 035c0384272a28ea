package rules

// nearAssets returns the ids of the assets next to an element when it
// names none of a rule's kinds itself: those its component stores and those
// its component's flows carry. It never reaches for the rest of the model,
// so that a row names only what abusing this element can touch.
func (g *graph) nearAssets(el *element) []string {
	if !el.nearDone {
		el.near, el.nearDone = g.findNearAssets(el), true
	}
	return el.near
}

func (g *graph) findNearAssets(el *element) []string {
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
		list, _ := el.vars.e["used_by"].([]any)
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
	if el.vars.component != nil {
		add(el.vars.component["stores"])
	}
	addFlows(el.vars.flowsIn)
	addFlows(el.vars.flowsOut)
	return ids
}
