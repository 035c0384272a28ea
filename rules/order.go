package rules

import (
	"cmp"
	"slices"
	"strings"
)

// SortByOrder sorts ts, each holding a threat (th gives it), stably in
// the order CompareOrder gives. Where every threat's id is its rule's id,
// "@" and its element's id, and no rule id holds an "@", comparing ids is
// comparing the rules' ranks (of "rule@" among the rules', which is where
// two such ids first differ when their rules do) and then the elements'
// ids. The ranks are small integers beside the key, and an element's id
// is the model's own string, stored with the others, where the threat's
// id is a string of its own somewhere in the heap: on a large model the
// sort's comparisons no longer wait on memory. Other threats are sorted
// by their ids.
func SortByOrder[T any](ts []T, th func(*T) *Threat) {
	permute(ts, OrderOfThreats(len(ts), func(i int) *Threat { return th(&ts[i]) }))
}

// OrderOfThreats returns the positions 0 to n-1 of threats (th gives
// each) in the order SortByOrder puts them in, or nil when they are in
// it already: for a caller that fills a slice in that order rather than
// sorting one.
func OrderOfThreats(n int, th func(i int) *Threat) []int {
	ranks, ok := ruleRanks(n, th)
	if !ok {
		return orderByKey(n, func(i int) Order { return OrderOf(th(i)) }, CompareOrder)
	}
	return orderByKey(n, func(i int) rankedOrder {
		x := th(i)
		// Priority ascending, impact descending, difficulty ascending,
		// rule: one integer (ruleRanks checked each fits its byte).
		key := uint64(x.Priority)<<48 | uint64(255-x.Impact)<<40 | uint64(x.Difficulty)<<32 | uint64(ranks[x.Rule])
		return rankedOrder{key, x.Element}
	}, compareRanked)
}

// rankedOrder is Order as one integer (priority, impact, difficulty and
// the rule's rank) and the element's id.
type rankedOrder struct {
	key     uint64
	element string
}

func compareRanked(a, b rankedOrder) int {
	if a.key != b.key {
		return cmp.Compare(a.key, b.key)
	}
	return cmp.Compare(a.element, b.element)
}

// ruleRanks ranks the rules of the n threats th gives by "rule@", and
// reports whether every id is rule@element with no "@" in the rule, and
// every priority, impact and difficulty fits a byte.
func ruleRanks(n int, th func(i int) *Threat) (map[string]int32, bool) {
	ranks := map[string]int32{}
	last := ""
	for i := range n {
		x := th(i)
		r, e := x.Rule, x.Element
		if uint(x.Priority) > 255 || uint(x.Impact) > 255 || uint(x.Difficulty) > 255 {
			return nil, false
		}
		if len(x.ID) != len(r)+1+len(e) || x.ID[len(r)] != '@' || x.ID[:len(r)] != r || x.ID[len(r)+1:] != e {
			return nil, false
		}
		if r == last {
			continue
		}
		last = r
		if _, ok := ranks[r]; !ok {
			if strings.Contains(r, "@") {
				return nil, false
			}
			ranks[r] = 0
		}
	}
	names := make([]string, 0, len(ranks))
	for r := range ranks {
		names = append(names, r+"@")
	}
	slices.Sort(names)
	for i, n := range names {
		ranks[n[:len(n)-1]] = int32(i)
	}
	return ranks, true
}
