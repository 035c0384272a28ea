package rules

// nearAssets returns the ids of the assets next to an element when it
// names none of a rule's kinds itself: those its component stores and those
// its component's flows carry. It never reaches for the rest of the model,
// so that a row names only what abusing this element can touch.
func (g *graph) nearAssets(el *element) []string {
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
	if el.kind == "identity" {
		// An identity reaches what its components store and carry, and
		// what flows authenticated by it carry.
		users := map[string]bool{}
		if im, ok := el.vars["e"].(map[string]any); ok {
			list, _ := im["used_by"].([]any)
			for _, u := range list {
				if id, ok := u.(string); ok {
					users[id] = true
				}
			}
		}
		for _, c := range g.m.Components {
			if users[c.ID] {
				add(strs(c.Stores))
			}
		}
		for _, f := range g.m.Flows {
			if users[f.From] || users[f.To] || f.Credential == el.id {
				add(strs(f.Data))
			}
		}
		return ids
	}
	if c, ok := el.vars["component"].(map[string]any); ok {
		add(c["stores"])
	}
	for _, key := range []string{"flows_in", "flows_out"} {
		flows, _ := el.vars[key].([]any)
		for _, f := range flows {
			if fm, ok := f.(map[string]any); ok {
				add(fm["data"])
			}
		}
	}
	return ids
}
