package rules

import (
	"cmp"
	"runtime"
	"slices"
	"sync"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/internal/pages"
)

// Threat is one rule firing on one element.
//
// What every threat of a rule says alike (its heading and its guidance)
// is made once per rule and pointed to, not copied into each threat: a
// large model has hundreds of thousands of threats, and these fields were
// two fifths of each. The two parts sit where their fields are written
// in the threat's JSON, so encoding/json writes the fields in the same
// order as before. A Threat needs both set (NewThreat, or literals that
// fill them) before its fields are read.
type Threat struct {
	// ID is RULE@ELEMENT: stable across edits that do not rename the
	// element, so responses keyed by it survive.
	ID string `json:"id"`
	*Heading
	Element     string `json:"element"`
	ElementKind string `json:"element_kind"`
	// Surface is the label shown in the threat map, e.g. POST /api/chat.
	Surface    string               `json:"surface"`
	Assets     []string             `json:"assets"`
	Difficulty threatmap.Difficulty `json:"difficulty"`
	Requires   string               `json:"requires"`
	Impact     threatmap.Severity   `json:"impact"`
	Priority   int                  `json:"priority"`
	// The summary (see Summary) is made from Surface, Abuse, Method and
	// Requires when it is read, so a large model does not hold a sentence
	// per threat.
	Abuse  string `json:"abuse"`
	Method string `json:"method"`
	Detail string `json:"detail,omitempty"`
	*Guidance
	Pos threatmap.Position `json:"location"`
	// Evidence holds the findings linked to the element that bear on this
	// threat (those whose property matches one of the rule's control
	// kinds, or all of the element's findings for evidence-driven rules).
	Evidence []evidence.Finding `json:"evidence,omitempty"`
}

// Heading is what a threat's row is headed with: its rule, the rule's
// title and STRIDE categories. The threats of one rule share one.
type Heading struct {
	Rule   string             `json:"rule"`
	Title  string             `json:"title"`
	Stride []threatmap.Stride `json:"stride"`
}

// Guidance is what a rule's threats say of their answer: the mitigations,
// the control kinds that answer them, the kinds that answer the same
// attack first (see Rule.SecondaryTo), the rule's family (see
// Rule.Family) and its references. The threats of one rule share one.
type Guidance struct {
	Mitigations []string `json:"mitigations"`
	Controls    []string `json:"control_kinds,omitempty"`
	SecondaryTo []string `json:"secondary_to,omitempty"`
	Family      string   `json:"family,omitempty"`
	References  []string `json:"references,omitempty"`
}

// NewThreat returns a threat with a heading and guidance of its own
// (empty), ready to be filled.
func NewThreat() Threat {
	return Threat{Heading: &Heading{}, Guidance: &Guidance{}}
}

// Summary is the threat's one-liner: If [surface] is abused, an attacker
// could [abuse] by [method], and this would require [requires].
func (t *Threat) Summary() string {
	return string(t.AppendSummary(nil))
}

// AppendSummary appends the summary to dst, as Summary returns it.
func (t *Threat) AppendSummary(dst []byte) []byte {
	for _, part := range t.SummaryParts() {
		dst = append(dst, part...)
	}
	return dst
}

// SummaryParts returns the pieces the summary is the concatenation of,
// for writers that escape them as they copy.
func (t *Threat) SummaryParts() [9]string {
	return [9]string{"If ", t.Surface, " is abused, an attacker could ", t.Abuse, " by ", t.Method, ", and this would require ", t.Requires, "."}
}

// Priority ranks a threat from 1 (fix this week) to 5: low-difficulty,
// high-impact exposures first, because automated scanners find those in
// minutes.
//
//	impact \ difficulty  low  medium  high
//	critical              1     2      3
//	high                  1     2      3
//	medium                2     3      4
//	low                   3     4      5
func Priority(impact threatmap.Severity, difficulty threatmap.Difficulty) int {
	base := 0
	switch {
	case impact >= threatmap.High:
		base = 0
	case impact == threatmap.Medium:
		base = 1
	default:
		base = 2
	}
	return base + int(difficulty) + 1
}

// SortThreats orders threats by priority, then impact (highest first),
// then difficulty (easiest first), then id, so output is stable. It sorts
// compact keys and moves each threat once (a threat is a large struct,
// and a run on a large model has hundreds of thousands).
func SortThreats(ts []Threat) {
	SortByOrder(ts, func(t *Threat) *Threat { return t })
}

// Order is what threats are sorted by: priority, impact (highest first),
// difficulty (easiest first), id.
type Order struct {
	Priority   int
	Impact     threatmap.Severity
	Difficulty threatmap.Difficulty
	ID         string
}

// OrderOf returns t's sort key.
func OrderOf(t *Threat) Order {
	return Order{Priority: t.Priority, Impact: t.Impact, Difficulty: t.Difficulty, ID: t.ID}
}

// CompareOrder compares two sort keys.
func CompareOrder(a, b Order) int {
	// Field by field with early returns: cmp.Or would compare the ids
	// (reading both strings, wherever they are) on every call.
	if c := cmp.Compare(a.Priority, b.Priority); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Impact, a.Impact); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Difficulty, b.Difficulty); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// SortByKey sorts ts stably by the keys key gives, compared by compare,
// without swapping elements: the keys (small, side by side in memory,
// where the elements may be large and scattered) are sorted with their
// positions, then the permutation is applied in place, one cycle at a
// time. Already sorted input costs one pass.
func SortByKey[T, K any](ts []T, key func(*T) K, compare func(a, b K) int) {
	permute(ts, orderByKey(len(ts), func(i int) K { return key(&ts[i]) }, compare))
}

// orderByKey returns the positions 0 to n-1 in the stable order of the
// keys key gives for them, or nil when they are in order already.
func orderByKey[K any](n int, key func(i int) K, compare func(a, b K) int) []int {
	type keyed struct {
		k K
		i int
	}
	ks := make([]keyed, n)
	pages.Touch(ks)
	sorted := true
	for i := range n {
		ks[i] = keyed{key(i), i}
		if sorted && i > 0 && compare(ks[i-1].k, ks[i].k) > 0 {
			sorted = false
		}
	}
	if sorted {
		return nil
	}
	// Keys are passed by value: a pointer to one would make every
	// comparison allocate.
	parts := 1
	if len(ks) >= parallelSortMin {
		parts = runtime.GOMAXPROCS(0)
	}
	ks = sortParts(ks, func(a, b keyed) int { return cmp.Or(compare(a.k, b.k), cmp.Compare(a.i, b.i)) }, parts)
	idx := make([]int, n)
	for j := range ks {
		idx[j] = ks[j].i
	}
	return idx
}

// permute puts ts[idx[j]] at position j for every j (idx nil: nothing
// moves), following each cycle of the permutation once; idx is used up.
func permute[T any](ts []T, idx []int) {
	if idx == nil {
		return
	}
	// Placed positions are marked with idx[j] = j.
	for s := range ts {
		if idx[s] == s {
			continue
		}
		tmp := ts[s]
		j := s
		for {
			k := idx[j]
			idx[j] = j
			if k == s {
				ts[j] = tmp
				break
			}
			ts[j] = ts[k]
			j = k
		}
	}
}

// parallelSortMin is the number of keys from which SortByKey sorts on
// every core.
const parallelSortMin = 1 << 15

// sortParts sorts ks by compare, a total order, in parts contiguous
// runs sorted at the same time and then merged pairwise (each round's
// merges at the same time too). It returns the sorted keys: ks itself or
// a buffer of the same length. Since compare is a total order the result
// does not depend on parts.
func sortParts[E any](ks []E, compare func(a, b E) int, parts int) []E {
	parts = max(1, min(parts, len(ks)/2))
	if parts == 1 {
		slices.SortFunc(ks, compare)
		return ks
	}
	runs := make([]int, parts+1)
	for p := range runs {
		runs[p] = p * len(ks) / parts
	}
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { slices.SortFunc(ks[runs[p]:runs[p+1]], compare) })
	}
	wg.Wait()
	src, dst := ks, make([]E, len(ks))
	pages.Touch(dst)
	for len(runs) > 2 {
		next := []int{0}
		for p := 0; p+1 < len(runs); p += 2 {
			lo := runs[p]
			if p+2 >= len(runs) {
				// An odd run out is carried to the next round.
				wg.Go(func() { copy(dst[lo:], src[lo:]) })
				next = append(next, len(ks))
				break
			}
			mid, hi := runs[p+1], runs[p+2]
			wg.Go(func() { mergeRuns(dst[lo:hi], src[lo:mid], src[mid:hi], compare) })
			next = append(next, hi)
		}
		wg.Wait()
		src, dst, runs = dst, src, next
	}
	return src
}

// mergeRuns merges the sorted runs a and b into dst (len(a)+len(b)
// long), taking from a on ties.
func mergeRuns[E any](dst, a, b []E, compare func(a, b E) int) {
	k := 0
	for len(a) > 0 && len(b) > 0 {
		if compare(b[0], a[0]) < 0 {
			dst[k] = b[0]
			b = b[1:]
		} else {
			dst[k] = a[0]
			a = a[1:]
		}
		k++
	}
	k += copy(dst[k:], a)
	copy(dst[k:], b)
}
