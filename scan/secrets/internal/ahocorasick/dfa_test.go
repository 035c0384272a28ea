package ahocorasick

// dfa is the plain single-pass Aho-Corasick automaton (a dense DFA over
// the input) the Matcher is checked against: same keywords, same
// occurrences, same order.
type dfa struct {
	// delta holds the transitions: delta[state<<8|byte] is the next state,
	// itself stored shifted left by 8 so that the hot loop needs no shift.
	delta []uint32
	// out lists, for each state, the keywords that end there (including
	// those reached through failure links); nil for most states.
	out [][]int32
	// hasOut marks states with a non-empty out list, to keep the hot loop
	// to a byte load.
	hasOut []bool
	// lens holds each keyword's length in bytes.
	lens []int
}

func newDFA(keywords []string) *dfa {
	type node struct {
		next [256]int32
		fail int32
		out  []int32
	}
	nodes := []node{{}}
	for i := range nodes[0].next {
		nodes[0].next[i] = -1
	}
	lens := make([]int, len(keywords))
	for id, kw := range keywords {
		lens[id] = len(kw)
		if kw == "" {
			continue
		}
		s := int32(0)
		for i := 0; i < len(kw); i++ {
			c := lower(kw[i])
			if nodes[s].next[c] < 0 {
				n := node{}
				for j := range n.next {
					n.next[j] = -1
				}
				nodes = append(nodes, n)
				nodes[s].next[c] = int32(len(nodes) - 1)
			}
			s = nodes[s].next[c]
		}
		nodes[s].out = append(nodes[s].out, int32(id))
	}
	// Breadth-first construction of failure links, turning the trie into a
	// complete DFA as it goes: a missing transition takes the failure
	// state's transition, which is already complete because it is
	// shallower.
	queue := make([]int32, 0, len(nodes))
	for c := 0; c < 256; c++ {
		if t := nodes[0].next[c]; t >= 0 {
			nodes[t].fail = 0
			queue = append(queue, t)
		} else {
			nodes[0].next[c] = 0
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := nodes[s].fail
		nodes[s].out = append(nodes[s].out, nodes[f].out...)
		for c := 0; c < 256; c++ {
			if t := nodes[s].next[c]; t >= 0 {
				nodes[t].fail = nodes[f].next[c]
				queue = append(queue, t)
			} else {
				nodes[s].next[c] = nodes[f].next[c]
			}
		}
	}
	m := &dfa{
		delta:  make([]uint32, len(nodes)*256),
		out:    make([][]int32, len(nodes)),
		hasOut: make([]bool, len(nodes)),
		lens:   lens,
	}
	for s := range nodes {
		for c := 0; c < 256; c++ {
			// Upper-case input bytes follow the lower-case transitions.
			m.delta[s<<8|c] = uint32(nodes[s].next[lower(byte(c))]) << 8
		}
		if len(nodes[s].out) > 0 {
			m.out[s] = nodes[s].out
			m.hasOut[s] = true
		}
	}
	return m
}

// Scan calls fn for every occurrence of every keyword in data, in order of
// the occurrence's end offset, with the keyword id and the offset of the
// occurrence's first byte. Scan stops early when fn returns false.
func (m *dfa) Scan(data []byte, fn func(id, start int) bool) {
	delta, hasOut := m.delta, m.hasOut
	s := uint32(0)
	for i, c := range data {
		s = delta[s|uint32(c)]
		if hasOut[s>>8] {
			for _, id := range m.out[s>>8] {
				if !fn(int(id), i+1-m.lens[id]) {
					return
				}
			}
		}
	}
}
