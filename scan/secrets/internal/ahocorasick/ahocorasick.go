// Package ahocorasick finds every occurrence of a fixed set of keywords in a
// byte slice in one pass, ignoring ASCII case. It is the secrets scanner's
// prefilter: only the few places where a keyword occurs are handed to the
// (much slower) regular expressions.
//
// The search has two stages. The first is a filter that fits in the L1
// cache: three bytes of the input, case-folded and mapped to small classes,
// index a bitmap of the three-byte prefixes of the keywords (a keyword
// shorter than three sets every continuation). When every keyword is at
// least two bytes long, only every second position is tested, against the
// prefixes of the keywords and of the keywords without their first byte:
// an occurrence starting at an odd position shows its second to fourth
// bytes at the next even one. A tested position costs a few table loads,
// with no dependency from one position to the next, so the processor
// overlaps the work of several; on source code about one tested position
// in a hundred passes. The second stage walks the keyword trie from each
// position that passed (and from the one before it, at stride two) and
// reports the keywords that start there. A single-pass automaton (a DFA
// over the whole input) costs a dependent load from a large table per
// byte, and most bytes of source code leave its start state, so a skip
// loop over it gains nothing; the filter is about twice as fast on source
// code (BenchmarkScan).
//
// Occurrences are reported in the order an Aho-Corasick automaton reports
// them: by end offset, longer (earlier-starting) occurrences first, then by
// keyword id; overlapping occurrences are all reported.
package ahocorasick

// Matcher is a compiled keyword set. It is immutable and safe for
// concurrent use.
type Matcher struct {
	// class maps a byte to its class among the case-folded bytes that occur
	// in the first three bytes of some keyword (0: none, or a class shared
	// with other bytes when there are more than 63 of them).
	class [256]uint8
	// prefix is a bitmap over class triples: bit c0<<12|c1<<6|c2 is set when
	// some keyword can start with bytes of classes c0, c1, c2.
	prefix *[1 << (3 * classBits) / 64]uint64
	// start is the same bitmap for occurrences starting at the tested
	// position only: at stride two, it picks which of the positions near
	// a tested one that passed are worth a trie walk.
	start *[1 << (3 * classBits) / 64]uint64
	// trieClass maps a byte to its class among the case-folded bytes of all
	// keywords (0: in no keyword).
	trieClass [256]uint8
	classes   int
	// next is the keyword trie: next[node*classes+class] is the child of
	// node (node 0 is the root, so 0 also means "no child").
	next []int32
	// out lists, for each trie node, the keywords that end exactly there,
	// by id; nil for most nodes.
	out [][]int32
	// final marks the nodes with a non-empty out list, so that the walk
	// reads one byte per node.
	final []bool
	// lens holds each keyword's length in bytes.
	lens []int
	// stride is 2 when every keyword is at least two bytes long, so that
	// every second position need be tested, else 1.
	stride int
}

const (
	classBits = 6
	maxClass  = 1<<classBits - 1
)

// New compiles keywords into a Matcher. Matching ignores ASCII case; empty
// keywords are ignored. Keyword ids are their indexes in keywords.
func New(keywords []string) *Matcher {
	m := &Matcher{lens: make([]int, len(keywords)), prefix: new([1 << (3 * classBits) / 64]uint64), start: new([1 << (3 * classBits) / 64]uint64), stride: 2}
	for _, kw := range keywords {
		if len(kw) == 1 {
			m.stride = 1
		}
	}

	// Byte classes of the trie: one per distinct folded byte.
	var seen [256]bool
	for _, kw := range keywords {
		for i := 0; i < len(kw); i++ {
			seen[lower(kw[i])] = true
		}
	}
	m.classes = 1
	var trieOf [256]uint8
	for c := range 256 {
		if seen[c] {
			trieOf[c] = uint8(m.classes)
			m.classes++
		}
	}
	for c := range 256 {
		m.trieClass[c] = trieOf[lower(byte(c))]
	}

	// Byte classes of the filter: one per distinct folded byte among the
	// bytes of each keyword that the filter looks at (the first two plus
	// the stride), folded onto 1..63 if there are more (a shared class lets
	// more positions pass, never fewer).
	var head [256]bool
	for _, kw := range keywords {
		for i := 0; i < len(kw) && i < 2+m.stride; i++ {
			head[lower(kw[i])] = true
		}
	}
	var headOf [256]uint8
	n := 0
	for c := range 256 {
		if head[c] {
			headOf[c] = uint8(n%maxClass + 1)
			n++
		}
	}
	for c := range 256 {
		m.class[c] = headOf[lower(byte(c))]
	}

	m.next = make([]int32, m.classes) // the root
	m.out = [][]int32{nil}
	for id, kw := range keywords {
		m.lens[id] = len(kw)
		if kw == "" {
			continue
		}
		node := int32(0)
		for i := 0; i < len(kw); i++ {
			at := int(node)*m.classes + int(m.trieClass[kw[i]])
			if m.next[at] == 0 {
				m.next[at] = int32(len(m.out))
				m.next = append(m.next, make([]int32, m.classes)...)
				m.out = append(m.out, nil)
			}
			node = m.next[at]
		}
		m.out[node] = append(m.out[node], int32(id))
	}
	m.final = make([]bool, len(m.out))
	for node, ids := range m.out {
		m.final[node] = len(ids) > 0
	}
	for _, kw := range keywords {
		if kw != "" {
			m.addPrefix(m.prefix, kw, 0)
			m.addPrefix(m.start, kw, 0)
			switch {
			case m.stride == 1:
			case len(kw) >= 4:
				// At an odd start, bytes 1 to 3 show at the next even
				// position.
				m.addPrefix(m.prefix, kw, -1)
			default:
				// A short keyword would leave wildcards there; its first
				// bytes show at the even position before it instead.
				m.addPrefix(m.prefix, kw, 1)
			}
		}
	}
	return m
}

// addPrefix sets the bits in bitmap of every class triple that a tested
// position p can show when kw starts at p+at: kw's bytes where they fall in
// p..p+2, any byte elsewhere.
func (m *Matcher) addPrefix(bitmap *[1 << (3 * classBits) / 64]uint64, kw string, at int) {
	var lo, hi [3]uint32
	for j := range 3 {
		if k := j - at; k >= 0 && k < len(kw) {
			c := uint32(m.class[kw[k]])
			lo[j], hi[j] = c, c
		} else {
			lo[j], hi[j] = 0, maxClass
		}
	}
	for a := lo[0]; a <= hi[0]; a++ {
		for b := lo[1]; b <= hi[1]; b++ {
			for c := lo[2]; c <= hi[2]; c++ {
				idx := a<<(2*classBits) | b<<classBits | c
				bitmap[idx>>6] |= 1 << (idx & 63)
			}
		}
	}
}

// maybeAt reports whether a keyword can start at data[s], by the start
// bitmap; a keyword shorter than three bytes at the end of data always
// can.
func (m *Matcher) maybeAt(data []byte, s int) bool {
	if s+2 >= len(data) {
		return true
	}
	idx := uint32(m.class[data[s]])<<(2*classBits) | uint32(m.class[data[s+1]])<<classBits | uint32(m.class[data[s+2]])
	return m.start[idx>>6]&(1<<(idx&63)) != 0
}

// hit is an occurrence waiting to be reported in automaton order.
type hit struct{ end, start, id int }

// Scan calls fn for every occurrence of every keyword in data, in order of
// the occurrence's end offset (longer occurrences first, then by keyword
// id, as an Aho-Corasick automaton reports them), with the keyword id and
// the offset of the occurrence's first byte. Scan stops early when fn
// returns false.
func (m *Matcher) Scan(data []byte, fn func(id, start int) bool) {
	var buf [32]hit
	q := queue{pend: buf[:0]}
	n := len(data)
	from := 0 // the first start not yet walked
	if m.stride == 2 && n >= 3 {
		class, prefix := &m.class, m.prefix
		// Every second position p is tested; the filter holds, besides the
		// prefixes of occurrences starting at p, those of occurrences
		// starting at p-1 (bytes 1 to 3 of a keyword) or, for keywords
		// shorter than four bytes, at p+1 (bytes 0 and 1).
		a := uint32(class[data[0]])
		p := 0
		for ; p+2 < n; p += 2 {
			b, c := uint32(class[data[p+1]]), uint32(class[data[p+2]])
			idx := (a<<(2*classBits) | b<<classBits | c) & (1<<(3*classBits) - 1)
			if prefix[idx>>6]&(1<<(idx&63)) != 0 {
				for s := max(p-1, from); s <= p+1; s++ {
					if !m.maybeAt(data, s) {
						continue
					}
					if q.ready(s) && !q.flush(s, fn) {
						return
					}
					m.walk(data, s, &q)
				}
				from = p + 2
			}
			a = c
		}
		// Starts up to the last tested position are covered; the one
		// after it only for short keywords.
		from = max(from, p-1)
	} else if n >= 3 {
		class, prefix := &m.class, m.prefix
		a, b := uint32(class[data[0]]), uint32(class[data[1]])
		for i := 2; i < n; i++ {
			c := uint32(class[data[i]])
			idx := (a<<(2*classBits) | b<<classBits | c) & (1<<(3*classBits) - 1)
			if prefix[idx>>6]&(1<<(idx&63)) != 0 {
				if q.ready(i-2) && !q.flush(i-2, fn) {
					return
				}
				m.walk(data, i-2, &q)
			}
			a, b = b, c
		}
		from = n - 2
	}
	// The last positions have no three bytes to filter on.
	for s := from; s < n; s++ {
		if q.ready(s) && !q.flush(s, fn) {
			return
		}
		m.walk(data, s, &q)
	}
	q.flush(n+1, fn)
}

// walk follows the trie from data[s] and queues every keyword that starts
// there.
func (m *Matcher) walk(data []byte, s int, q *queue) {
	node := 0
	for j := s; j < len(data); j++ {
		c := int(m.trieClass[data[j]])
		if c == 0 {
			return
		}
		node = int(m.next[node*m.classes+c])
		if node == 0 {
			return
		}
		if m.final[node] {
			for _, id := range m.out[node] {
				q.add(hit{end: j + 1, start: s, id: int(id)})
			}
		}
	}
}

// queue holds found occurrences until no occurrence still to be found can
// come before them.
type queue struct {
	pend []hit
}

// add queues h. Occurrences are found by increasing start, so h comes
// after every queued occurrence that ends where it ends or earlier.
func (q *queue) add(h hit) {
	i := len(q.pend)
	if i == 0 || q.pend[i-1].end <= h.end {
		q.pend = append(q.pend, h)
		return
	}
	for i > 0 && q.pend[i-1].end > h.end {
		i--
	}
	q.pend = append(q.pend, hit{})
	copy(q.pend[i+1:], q.pend[i:])
	q.pend[i] = h
}

// ready reports whether flush(pos) has anything to report.
func (q *queue) ready(pos int) bool { return len(q.pend) > 0 && q.pend[0].end <= pos }

// flush reports the queued occurrences that end at or before pos; it is
// called before the occurrences starting at pos are looked for, which all
// end after pos. It returns false if fn asked to stop.
func (q *queue) flush(pos int, fn func(id, start int) bool) bool {
	k := 0
	for k < len(q.pend) && q.pend[k].end <= pos {
		if !fn(q.pend[k].id, q.pend[k].start) {
			q.pend = q.pend[:0]
			return false
		}
		k++
	}
	if k > 0 {
		q.pend = q.pend[:copy(q.pend, q.pend[k:])]
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}
