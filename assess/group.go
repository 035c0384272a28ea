package assess

import (
	"hash/maphash"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/threatmap/threatmap/internal/workers"
)

// Row is one line of the threat map: a threat, the threats of overlapping
// rules on the same element merged into it, and the same rule's threats on
// other elements that read the same way.
type Row struct {
	// Threats are the row's threats, the one shown first.
	Threats []Threat
	// Elements and Surfaces name the elements the row covers, in order.
	Elements []string
	Surfaces []string
	// Also lists the titles of overlapping rules merged into the row.
	Also []string
}

// Lead is the threat the row shows.
func (r Row) Lead() Threat { return r.Threats[0] }

// Label is the row's surface: the element's label, or "N surfaces: a, b,
// c and M more" for a group.
func (r Row) Label() string {
	if len(r.Surfaces) == 1 {
		return r.Surfaces[0]
	}
	kind := kindPlural(r.Lead().ElementKind)
	shown := r.Surfaces
	more := ""
	if len(shown) > 4 {
		shown = shown[:4]
		more = " and " + itoa(len(r.Surfaces)-4) + " more"
	}
	return itoa(len(r.Surfaces)) + " " + kind + ": " + strings.Join(shown, ", ") + more
}

func kindPlural(k string) string {
	switch k {
	case "identity":
		return "identities"
	case "boundary":
		return "boundaries"
	case "":
		return "elements"
	}
	return k + "s"
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// Group turns threats (in priority order) into the rows of the threat
// map. First, threats of rules of one family on one element (two ways of
// draining the same budget) become one row led by the most urgent. Then
// rows of the same rule that read the same (priority, status, sentence,
// difficulty) are grouped across elements. Order follows the first threat
// of each row.
func Group(ts []Threat) []Row {
	idx := groupIndices(ts)
	out := make([]Row, len(idx))
	for i, r := range idx {
		row := Row{Threats: make([]Threat, len(r.threats)), Elements: r.elements, Surfaces: r.surfaces, Also: r.also}
		for j, t := range r.threats {
			row.Threats[j] = ts[t]
		}
		out[i] = row
	}
	return out
}

// rowIndices is a Row that names its threats by index, so grouping copies
// no threat.
type rowIndices struct {
	threats            []int
	elements, surfaces []string
	also               []string
}

// grouping is the rows of the threat map in compact form, a few integers
// per threat (on a large model the rows as lists were the largest thing
// the assessment built). A family row is led by its first threat (its
// head); an output row is a run of family rows that read the same.
type grouping struct {
	// famNext[i] is the next threat of the family row threat i is in,
	// or -1.
	famNext []int32
	// heads lists the family rows' heads in order.
	heads []int32
	// headNext[h] is the next head in h's output row, or -1; rowFirst
	// and rowSize give each output row's first head and its number of
	// threats.
	headNext []int32
	rowFirst []int32
	rowSize  []int32
}

// groupRows groups ts (in priority order). First, threats of rules of one
// family on one element (two ways of draining the same budget) become one
// row led by the most urgent. Then rows of the same rule that read the
// same (priority, status, sentence, difficulty) are grouped across
// elements. Order follows the first threat of each row.
func groupRows(ts []Threat) grouping {
	parts := 1
	if len(ts) >= parallelMin {
		parts = runtime.GOMAXPROCS(0)
	}
	return groupRowsIn(ts, parts)
}

// groupRowsIn is groupRows on parts cores. Threats that can share a row
// share a key (their element for a family row, the hash of what they
// must share for an output row), so each core takes the keys of one
// part, in order, and keeps its own table of them: the rows a core finds
// are whole, and only their order is merged.
func groupRowsIn(ts []Threat, parts int) grouping {
	n := len(ts)
	parts = max(1, min(parts, 255))
	g := grouping{famNext: make([]int32, n), headNext: make([]int32, n)}
	type familyKey struct {
		element, family string
		open            bool
	}
	seed := maphash.MakeSeed()
	// part[i] is 1 + the part of threat i's family row, or 0 for a
	// threat of no family (a row of its own). A threat behind the first
	// of its family row is marked a member.
	part := make([]uint8, n)
	member := make([]bool, n)
	parallelRanges(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			g.famNext[i] = -1
			if t := &ts[i]; t.Family != "" {
				part[i] = uint8(1 + maphash.String(seed, t.Element)%uint64(parts))
			}
		}
	})
	workers.Each(parts, func(_, w int) {
		family := map[familyKey]int32{} // element + family + open -> the family row's last threat
		for i := range ts {
			if int(part[i]) != w+1 {
				continue
			}
			t := &ts[i]
			k := familyKey{t.Element, t.Family, IsOpen(t.Status)}
			if last, ok := family[k]; ok {
				g.famNext[last] = int32(i)
				member[i] = true
			}
			family[k] = int32(i)
		}
	})
	g.heads = make([]int32, 0, n)
	for i := range member {
		if !member[i] {
			g.heads = append(g.heads, int32(i))
		}
	}
	// Family rows that read the same are found by a hash of what they
	// must share, each candidate checked field by field.
	hashes := make([]uint64, len(g.heads))
	famSize := make([]int32, len(g.heads))
	parallelRanges(len(g.heads), func(lo, hi int) {
		for j := lo; j < hi; j++ {
			h := g.heads[j]
			hashes[j] = rowHash(seed, ts, g.famNext, h)
			for i := h; i >= 0; i = g.famNext[i] {
				famSize[j]++
			}
		}
	})
	// Each part's output rows, in the order of their first heads.
	type partRows struct{ first, size []int32 }
	found := make([]partRows, parts)
	workers.Each(parts, func(_, w int) {
		// There are at most as many rows as heads: the rows' slices
		// are made that size at once (grown by appends, they were
		// copied over and over).
		bound := len(g.heads) / parts * 5 / 4
		if parts == 1 {
			bound = len(g.heads)
		}
		first := make(map[uint64]int32, bound) // hash -> the first row with it
		chain := make([]int32, 0, bound)       // chain[r]: the next row with row r's hash, or -1
		rowTail := make([]int32, 0, bound)
		rows := partRows{first: make([]int32, 0, bound), size: make([]int32, 0, bound)}
		for j, h := range g.heads {
			hash := hashes[j]
			if int(hash%uint64(parts)) != w {
				continue
			}
			g.headNext[h] = -1
			r, ok := first[hash]
			for ok && r >= 0 && !sameRow(ts, g.famNext, rows.first[r], h) {
				r = chain[r]
			}
			if ok && r >= 0 {
				g.headNext[rowTail[r]] = h
				rowTail[r] = h
				rows.size[r] += famSize[j]
				continue
			}
			r = int32(len(rows.first))
			prev, had := first[hash]
			if !had {
				prev = -1
			}
			first[hash] = r
			chain = append(chain, prev)
			rows.first = append(rows.first, h)
			rowTail = append(rowTail, h)
			rows.size = append(rows.size, famSize[j])
		}
		found[w] = rows
	})
	// The parts' rows merged in the order of their first heads.
	total := 0
	for _, f := range found {
		total += len(f.first)
	}
	g.rowFirst = make([]int32, 0, total)
	g.rowSize = make([]int32, 0, total)
	at := make([]int, parts)
	for len(g.rowFirst) < total {
		next := -1
		for w, f := range found {
			if at[w] < len(f.first) && (next < 0 || f.first[at[w]] < found[next].first[at[next]]) {
				next = w
			}
		}
		g.rowFirst = append(g.rowFirst, found[next].first[at[next]])
		g.rowSize = append(g.rowSize, found[next].size[at[next]])
		at[next]++
	}
	return g
}

// groupIndices is Group on indices into ts.
func groupIndices(ts []Threat) []rowIndices {
	return indicesOf(ts, groupRows(ts))
}

// indicesOf lists the rows of grouping g of ts.
func indicesOf(ts []Threat, g grouping) []rowIndices {
	out := make([]rowIndices, len(g.rowFirst))
	for r, first := range g.rowFirst {
		row := &out[r]
		row.threats = make([]int, 0, g.rowSize[r])
		for h := first; h >= 0; h = g.headNext[h] {
			row.elements = append(row.elements, ts[h].Element)
			row.surfaces = append(row.surfaces, ts[h].Surface)
			for i := h; i >= 0; i = g.famNext[i] {
				row.threats = append(row.threats, int(i))
			}
		}
		// A family row's other titles, when one family row leads.
		for i := g.famNext[first]; i >= 0; i = g.famNext[i] {
			if t := ts[i].Title; t != ts[first].Title && !slices.Contains(row.also, t) {
				row.also = append(row.also, t)
			}
		}
	}
	return out
}

// rowRules appends to buf the rules of the family row led by h, sorted,
// each once.
func rowRules(buf []string, ts []Threat, famNext []int32, h int32) []string {
	for i := h; i >= 0; i = famNext[i] {
		buf = append(buf, ts[i].Rule)
	}
	if len(buf) > 1 {
		slices.Sort(buf)
		buf = slices.Compact(buf)
	}
	return buf
}

// sameRow reports whether two rows read the same and are shown as one:
// the same rules, and, for the threats leading them, the same priority,
// status, response, place (secondary or not), sentence (abuse, method,
// difficulty, requirement), assets and element kind.
func sameRow(ts []Threat, famNext []int32, a, b int32) bool {
	x, y := &ts[a], &ts[b]
	if x.Priority != y.Priority || x.Status != y.Status || x.Response != y.Response || x.Secondary != y.Secondary ||
		x.Abuse != y.Abuse || x.Method != y.Method || x.Difficulty != y.Difficulty || x.Requires != y.Requires ||
		!slices.Equal(x.Assets, y.Assets) || x.ElementKind != y.ElementKind {
		return false
	}
	var ba, bb [4]string
	return slices.Equal(rowRules(ba[:0], ts, famNext, a), rowRules(bb[:0], ts, famNext, b))
}

// rowHash hashes what sameRow compares.
func rowHash(seed maphash.Seed, ts []Threat, famNext []int32, head int32) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	str := func(s string) {
		h.WriteString(s)
		h.WriteByte(0)
	}
	var buf [4]string
	for _, rule := range rowRules(buf[:0], ts, famNext, head) {
		str(rule)
	}
	t := &ts[head]
	maphash.WriteComparable(&h, t.Priority)
	maphash.WriteComparable(&h, t.Secondary)
	maphash.WriteComparable(&h, t.Difficulty)
	str(t.Status)
	str(t.Response)
	str(t.Abuse)
	str(t.Method)
	str(t.Requires)
	for _, a := range t.Assets {
		str(a)
	}
	str(t.ElementKind)
	return h.Sum64()
}

// MaxGroup is the most elements a threat's Group lists.
const MaxGroup = 50

// setGroups records on every threat the elements of its row, when the row
// covers more than one (the first MaxGroup, and their number when there
// are more).
func setGroups(ts []Threat) {
	g := groupRows(ts)
	// Rows hold disjoint threats: they are written on every core.
	parallelRanges(len(g.rowFirst), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			if g.rowSize[r] < 2 {
				continue
			}
			first := g.rowFirst[r]
			var elems []string
			for h := first; h >= 0; h = g.headNext[h] {
				elems = append(elems, ts[h].Element)
			}
			size := 0
			if len(elems) > MaxGroup {
				elems, size = elems[:MaxGroup], len(elems)
			}
			elems = slices.Clip(elems)
			for h := first; h >= 0; h = g.headNext[h] {
				for i := h; i >= 0; i = g.famNext[i] {
					ts[i].Group, ts[i].GroupSize = elems, size
				}
			}
		}
	})
}

// GroupProblems gathers the gate's problems as the threat map groups its
// rows: problems about threats shown in one row (the same rule reading the
// same way on several elements) become one group, in the order of their
// first problem. Every other problem is a group of its own.
func (a *Assessment) GroupProblems(ps []Problem) [][]Problem {
	rowOf := map[string]string{}
	for _, t := range a.Threats {
		switch {
		case len(t.Group) > 1:
			rowOf[t.ID] = t.Rule + "\x00" + strings.Join(t.Group, ",")
		case len(t.Group) == 1 && t.Family != "":
			rowOf[t.ID] = t.Family + "\x00" + t.Group[0]
		}
	}
	var out [][]Problem
	at := map[string]int{}
	for _, p := range ps {
		k, ok := rowOf[p.ID]
		if p.Kind == ProblemUnclaimed {
			// The page lists unclaimed findings one line per scanner rule.
			k, ok = p.Rule, p.Rule != ""
		}
		if !ok || p.Rule == "" {
			out = append(out, []Problem{p})
			continue
		}
		k = p.Kind + "\x00" + k
		if i, ok := at[k]; ok {
			out[i] = append(out[i], p)
			continue
		}
		at[k] = len(out)
		out = append(out, []Problem{p})
	}
	return out
}

// parallelRanges calls fn on contiguous ranges covering [0, n), one per
// core at the same time when n is large enough to be worth it.
func parallelRanges(n int, fn func(lo, hi int)) {
	parts := 1
	if n >= parallelMin {
		parts = runtime.GOMAXPROCS(0)
	}
	if parts <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { fn(p*n/parts, (p+1)*n/parts) })
	}
	wg.Wait()
}

// parallelMin is the number of threats or rows from which the grouping
// works on every core.
const parallelMin = 1 << 13
