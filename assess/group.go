package assess

import (
	"hash/maphash"
	"slices"
	"strings"
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

// groupIndices is Group on indices into ts.
func groupIndices(ts []Threat) []rowIndices {
	rows := make([]rowIndices, 0, len(ts))
	type familyKey struct {
		element, family string
		open            bool
	}
	family := map[familyKey]int{} // element + family + open -> row index
	// Every row starts with one threat, one element and one surface:
	// those one-element lists are cut from three slabs (capacity one, so
	// a merge appending to them copies them out first).
	idx := make([]int, len(ts))
	elems := make([]string, len(ts))
	surfs := make([]string, len(ts))
	for i := range ts {
		t := &ts[i]
		if t.Family != "" {
			k := familyKey{t.Element, t.Family, IsOpen(t.Status)}
			if ri, ok := family[k]; ok {
				r := &rows[ri]
				r.threats = append(r.threats, i)
				if !slices.Contains(r.also, t.Title) && t.Title != ts[r.threats[0]].Title {
					r.also = append(r.also, t.Title)
				}
				continue
			}
			family[k] = len(rows)
		}
		idx[i], elems[i], surfs[i] = i, t.Element, t.Surface
		rows = append(rows, rowIndices{threats: idx[i : i+1 : i+1], elements: elems[i : i+1 : i+1], surfaces: surfs[i : i+1 : i+1]})
	}
	// Rows that read the same are found by a hash of what they must
	// share (a map of words, where a map of the sentences themselves held
	// a copy of every row's text), each candidate checked field by field.
	out := make([]rowIndices, 0, len(rows))
	seed := maphash.MakeSeed()
	first := make(map[uint64]int32, len(rows)) // hash -> the first row of out with it
	next := make([]int32, 0, len(rows))        // next[i]: the next row of out with row i's hash, or -1
	for _, r := range rows {
		h := rowHash(seed, ts, r)
		i, ok := first[h]
		for ok && i >= 0 && !sameRow(ts, out[i], r) {
			i = next[i]
		}
		if ok && i >= 0 {
			out[i].threats = append(out[i].threats, r.threats...)
			out[i].elements = append(out[i].elements, r.elements...)
			out[i].surfaces = append(out[i].surfaces, r.surfaces...)
			continue
		}
		// A new row: it heads the chain of its hash.
		prev, had := first[h]
		if !had {
			prev = -1
		}
		first[h] = int32(len(out))
		next = append(next, prev)
		out = append(out, r)
	}
	return out
}

// rowRules appends to buf the rules of a row, sorted, each once.
func rowRules(buf []string, ts []Threat, r rowIndices) []string {
	for _, i := range r.threats {
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
func sameRow(ts []Threat, a, b rowIndices) bool {
	x, y := &ts[a.threats[0]], &ts[b.threats[0]]
	if x.Priority != y.Priority || x.Status != y.Status || x.Response != y.Response || x.Secondary != y.Secondary ||
		x.Abuse != y.Abuse || x.Method != y.Method || x.Difficulty != y.Difficulty || x.Requires != y.Requires ||
		!slices.Equal(x.Assets, y.Assets) || x.ElementKind != y.ElementKind {
		return false
	}
	var ba, bb [4]string
	return slices.Equal(rowRules(ba[:0], ts, a), rowRules(bb[:0], ts, b))
}

// rowHash hashes what sameRow compares.
func rowHash(seed maphash.Seed, ts []Threat, r rowIndices) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	str := func(s string) {
		h.WriteString(s)
		h.WriteByte(0)
	}
	var buf [4]string
	for _, rule := range rowRules(buf[:0], ts, r) {
		str(rule)
	}
	t := &ts[r.threats[0]]
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

// setGroups records on every threat the elements of its row, when the row
// covers more than one.
func setGroups(ts []Threat) {
	for _, r := range groupIndices(ts) {
		if len(r.threats) < 2 {
			continue
		}
		elems := slices.Clone(r.elements)
		for _, i := range r.threats {
			ts[i].Group = elems
		}
	}
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
