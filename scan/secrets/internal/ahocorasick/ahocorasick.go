// Package ahocorasick finds every occurrence of a fixed set of keywords in a
// byte slice, ignoring ASCII case. It is the secrets scanner's prefilter:
// only the few places where a keyword occurs are handed to the (much
// slower) regular expressions.
//
// The search has two stages. The second is an Aho-Corasick automaton, a
// DFA over byte classes (the case-folded bytes that occur in keywords, and
// one class for every other byte) with no backtracking, that reports every
// occurrence, overlapping ones included. A DFA costs a dependent load per
// input byte, and most bytes of source code leave its start state, so
// running it over everything is slow, and a loop that skips while in the
// start state gains nothing.
//
// The first stage decides where the automaton runs. It is a filter that
// fits in the L1 cache: three bytes of the input, case-folded and mapped to
// small classes, index a bitmap of the keywords' three-byte prefixes (a
// keyword shorter than three sets every continuation). When every keyword
// is at least two bytes long, only every second position p is tested; the
// bitmap then also holds, for each keyword, its bytes 1 to 3 (an occurrence
// starting at p-1) or, for keywords shorter than four bytes, its first
// bytes shifted by one (an occurrence starting at p+1). A test costs a few
// table loads with no dependency from one position to the next, so the
// processor overlaps several; with the secrets scanner's keywords about
// one tested position in sixty passes on Go source. From a position that passes, the automaton runs from its
// start state until it is back in a state shallower than the shortest
// keyword past the positions the test stood for, which means no occurrence
// is in progress; the filter resumes there.
//
// Because the automaton is started only where no occurrence can be in
// progress, and every occurrence it skips is one the filter proved absent,
// the occurrences and their order are exactly those of the automaton run
// over the whole input: by end offset, longer (earlier-starting)
// occurrences first, then by keyword id.
package ahocorasick

// Matcher is a compiled keyword set. It is immutable and safe for
// concurrent use.
type Matcher struct {
	// class maps a byte to its class among the case-folded bytes that the
	// filter looks at (0: none, or a class shared with other bytes when
	// there are more than 63 of them).
	class [256]uint8
	// prefix is a bitmap over class triples: bit c0<<12|c1<<6|c2 is set when
	// a tested position showing bytes of classes c0, c1, c2 may be near an
	// occurrence.
	prefix *[1 << (3 * classBits) / 64]uint64
	// start is the same bitmap for occurrences starting at the tested
	// position only; it picks where near a passing position the automaton
	// starts.
	start *[1 << (3 * classBits) / 64]uint64
	// dfaClass maps a byte to its class among the case-folded bytes of all
	// keywords (0: in no keyword).
	dfaClass [256]uint8
	classes  int
	// delta holds the automaton: the state s has its transitions at
	// delta[s*classes:], and a transition's value is the target state's
	// offset in delta shifted left by 2, with flagOut set when keywords
	// end in the target state and flagShallow when the target is
	// shallower than the shortest keyword.
	delta []uint32
	// out lists, for each state, the keywords that end there (including
	// through failure links), longest first, then by id.
	out [][]int32
	// depth is each state's distance from the start state.
	depth []int
	// lens holds each keyword's length in bytes.
	lens []int
	// stride is 2 when every keyword is at least two bytes long, so that
	// every second position need be tested; 1 means the automaton runs
	// over the whole input.
	stride int
}

const (
	classBits = 6
	maxClass  = 1<<classBits - 1

	flagShallow = 1
	flagOut     = 2
)

// New compiles keywords into a Matcher. Matching ignores ASCII case; empty
// keywords are ignored. Keyword ids are their indexes in keywords.
func New(keywords []string) *Matcher {
	m := &Matcher{
		lens:   make([]int, len(keywords)),
		prefix: new([1 << (3 * classBits) / 64]uint64),
		start:  new([1 << (3 * classBits) / 64]uint64),
		stride: 2,
	}
	minLen := 0
	for id, kw := range keywords {
		m.lens[id] = len(kw)
		if kw != "" && (minLen == 0 || len(kw) < minLen) {
			minLen = len(kw)
		}
	}
	if minLen < 2 {
		m.stride = 1
	}
	m.buildAutomaton(keywords, minLen)

	// Byte classes of the filter: one per distinct folded byte among the
	// bytes of each keyword that the filter looks at (the first four),
	// folded onto 1..63 if there are more (a shared class lets more
	// positions pass, never fewer).
	var head [256]bool
	for _, kw := range keywords {
		for i := 0; i < len(kw) && i < 4; i++ {
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
	for _, kw := range keywords {
		if kw == "" || m.stride == 1 {
			continue
		}
		m.addPrefix(m.prefix, kw, 0)
		m.addPrefix(m.start, kw, 0)
		if len(kw) >= 4 {
			// At an odd start, bytes 1 to 3 show at the next even
			// position.
			m.addPrefix(m.prefix, kw, -1)
		} else {
			// A short keyword would leave wildcards there; its first bytes
			// show at the even position before it instead.
			m.addPrefix(m.prefix, kw, 1)
		}
	}
	return m
}

// buildAutomaton compiles the keyword trie and its failure links into the
// DFA over byte classes.
func (m *Matcher) buildAutomaton(keywords []string, minLen int) {
	var seen [256]bool
	for _, kw := range keywords {
		for i := 0; i < len(kw); i++ {
			seen[lower(kw[i])] = true
		}
	}
	m.classes = 1
	var classOf [256]uint8
	for c := range 256 {
		if seen[c] {
			classOf[c] = uint8(m.classes)
			m.classes++
		}
	}
	for c := range 256 {
		m.dfaClass[c] = classOf[lower(byte(c))]
	}
	k := m.classes

	// The trie: next[s*k+c] is the child of s by class c, or -1.
	next := make([]int32, k)
	for i := range next {
		next[i] = -1
	}
	m.out = [][]int32{nil}
	m.depth = []int{0}
	for id, kw := range keywords {
		if kw == "" {
			continue
		}
		s := int32(0)
		for i := 0; i < len(kw); i++ {
			at := int(s)*k + int(m.dfaClass[kw[i]])
			if next[at] < 0 {
				next[at] = int32(len(m.out))
				for range k {
					next = append(next, -1)
				}
				m.out = append(m.out, nil)
				m.depth = append(m.depth, m.depth[s]+1)
			}
			s = next[at]
		}
		m.out[s] = append(m.out[s], int32(id))
	}
	// Breadth-first failure links, completing the trie into a DFA as they
	// go: a missing transition takes the failure state's, which is
	// complete already because it is shallower.
	fail := make([]int32, len(m.out))
	queue := make([]int32, 0, len(m.out))
	for c := range k {
		if t := next[c]; t >= 0 {
			queue = append(queue, t)
		} else {
			next[c] = 0
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := fail[s]
		m.out[s] = append(m.out[s], m.out[f]...)
		for c := range k {
			if t := next[int(s)*k+c]; t >= 0 {
				fail[t] = next[int(f)*k+c]
				queue = append(queue, t)
			} else {
				next[int(s)*k+c] = next[int(f)*k+c]
			}
		}
	}
	m.delta = make([]uint32, len(next))
	for i, t := range next {
		v := uint32(int(t)*k) << 2
		if len(m.out[t]) > 0 {
			v |= flagOut
		}
		if m.depth[t] < minLen {
			v |= flagShallow
		}
		m.delta[i] = v
	}
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
// bitmap; near the end of data, where there are not three bytes, it can.
func (m *Matcher) maybeAt(data []byte, s int) bool {
	if s+2 >= len(data) {
		return true
	}
	idx := uint32(m.class[data[s]])<<(2*classBits) | uint32(m.class[data[s+1]])<<classBits | uint32(m.class[data[s+2]])
	return m.start[idx>>6]&(1<<(idx&63)) != 0
}

// Scan calls fn for every occurrence of every keyword in data, in order of
// the occurrence's end offset (longer occurrences first, then by keyword
// id, as an Aho-Corasick automaton reports them), with the keyword id and
// the offset of the occurrence's first byte. Scan stops early when fn
// returns false.
func (m *Matcher) Scan(data []byte, fn func(id, start int) bool) {
	n := len(data)
	if m.stride == 1 {
		m.run(data, 0, n, fn)
		return
	}
	// from is the first start not yet accounted for: every occurrence
	// starting before it has been reported, and none after it has.
	from := 0
	class, prefix := &m.class, m.prefix
	p := 0
	var a uint32 // the class of data[p]
	if n > 0 {
		a = uint32(class[data[0]])
	}
	for p+2 < n {
		b, c := uint32(class[data[p+1]]), uint32(class[data[p+2]])
		idx := (a<<(2*classBits) | b<<classBits | c) & (1<<(3*classBits) - 1)
		if prefix[idx>>6]&(1<<(idx&63)) == 0 {
			a = c
			p += 2
			continue
		}
		// A test at p stands for starts p-1 (long keywords), p, and p+1
		// (short keywords); run the automaton from the first of them a
		// keyword can start at, if any.
		st := -1
		for s := max(p-1, from); s <= p+1; s++ {
			if m.maybeAt(data, s) {
				st = s
				break
			}
		}
		if st < 0 {
			from = max(from, p+2)
			a = c
			p += 2
			continue
		}
		from = m.run(data, st, p+2, fn)
		if from < 0 || from >= n {
			return
		}
		// Resume at the even position that stands for from: itself, or
		// the one before (short keywords at from; long ones are tested at
		// from+1).
		p = from &^ 1
		a = uint32(class[data[p]])
	}
	// The tested positions stand for starts up to p-2 and, for short
	// keywords, p-1; the automaton takes the rest.
	m.run(data, max(from, p-1), n, fn)
}

// run runs the automaton from its start state at data[st], reporting
// occurrences, until it is in a shallow state at a position that makes
// until or more the first start not accounted for, or to the end of data.
// It returns that first start (len(data) at the end), or -1 if fn asked to
// stop.
func (m *Matcher) run(data []byte, st, until int, fn func(id, start int) bool) int {
	delta, dfaClass := m.delta, &m.dfaClass
	v := uint32(0)
	for j := st; j < len(data); j++ {
		v = delta[v>>2+uint32(dfaClass[data[j]])]
		if v&flagOut != 0 {
			for _, id := range m.out[int(v>>2)/m.classes] {
				if !fn(int(id), j+1-m.lens[id]) {
					return -1
				}
			}
		}
		if v&flagShallow != 0 {
			if next := j + 1 - m.depth[int(v>>2)/m.classes]; next >= until {
				return next
			}
		}
	}
	return len(data)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}
