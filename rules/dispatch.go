package rules

import (
	"slices"

	"github.com/google/cel-go/common/types"
)

// dispatch narrows the rules of one element type by the element's kind:
// a rule whose guard admits only some kinds (e.kind == "webhook",
// e.kind in ["database", "cache"]) is not even looked at on an element of
// another kind. It gives the rules in their order, so the threats come
// out as they would without it; the guards still run on what it gives.
type dispatch struct {
	// all is every rule of the element type, for an element whose kind
	// is missing or not a string (CEL decides then).
	all []int
	// byKind holds, for each kind some guard names, the rules that
	// admit it; rest the rules that restrict no kind.
	byKind map[string][]int
	rest   []int
}

// newDispatch builds the dispatch of the rules at indices idx of rs.
func newDispatch(rs []*compiled, idx []int) dispatch {
	d := dispatch{all: idx, byKind: map[string][]int{}}
	kindsOf := make([][]string, len(idx))
	restricted := make([]bool, len(idx))
	for i, ri := range idx {
		kindsOf[i], restricted[i] = rs[ri].guard.kinds()
		for _, k := range kindsOf[i] {
			d.byKind[k] = nil
		}
	}
	for k := range d.byKind {
		var l []int
		for i, ri := range idx {
			if !restricted[i] || slices.Contains(kindsOf[i], k) {
				l = append(l, ri)
			}
		}
		d.byKind[k] = l
	}
	for i, ri := range idx {
		if !restricted[i] {
			d.rest = append(d.rest, ri)
		}
	}
	return d
}

// rules returns the rules that may fire on el.
func (d *dispatch) rules(el *element) []int {
	v, ok := el.field("kind")
	s, isStr := v.(types.String)
	if !ok || !isStr {
		return d.all
	}
	if l, named := d.byKind[string(s)]; named {
		return l
	}
	return d.rest
}

// kinds returns the kinds g admits, and whether it restricts them at all
// (a nil guard does not): the strings every one of its conditions on the
// field "kind" allows.
func (g *guard) kinds() ([]string, bool) {
	if g == nil {
		return nil, false
	}
	var allowed []string
	restricted := false
	for _, fv := range g.values {
		if fv.field != "kind" {
			continue
		}
		if !restricted {
			allowed, restricted = slices.Clone(fv.values), true
			continue
		}
		allowed = slices.DeleteFunc(allowed, func(k string) bool { return !slices.Contains(fv.values, k) })
	}
	return allowed, restricted
}
