package report

import "unsafe"

// runCache keeps, for one goroutine encoding threats, the runs of lines a
// threat shares with the other threats of its rule (its rule, title and
// STRIDE; its difficulty case; abuse and method; its lists; its response
// and status), encoded and made safe once and then copied: on a large
// model most of a threat's lines are such runs, and encoding and masking
// them again for every threat was most of the cost of writing it.
//
// A run is keyed by the identity of the values it is written from (the
// address and length of each string and list, and the small values), so
// a hit is the same bytes, and its made-safe form is what the preparer
// gives for them (masking is a function of the line). Threats are not
// changed while they are written.
type runCache struct {
	// safe makes complete lines safe (PrepareLines); nil when the
	// output is written as encoded.
	safe func(dst, src []byte) []byte
	// out receives the lines made safe, when safe is set: splice moves
	// the encoder's lines there before it copies a run.
	out  []byte
	runs map[runKey][]byte
}

// runKey identifies a run: which one, and what it is written from.
type runKey struct {
	run int
	p   [5]unsafe.Pointer
	n   [5]int
	x   [3]int
}

// The runs of a threat, in the order they are written.
const (
	runRule = iota
	runDifficulty
	runAbuse
	runLists
	runStatus
)

// maxRuns bounds the runs a cache keeps (a model has a few per rule, and
// some threats have runs of their own).
const maxRuns = 1 << 12

func newRunCache(safe func(dst, src []byte) []byte) *runCache {
	return &runCache{safe: safe, runs: map[runKey][]byte{}}
}

// splice ends o's current line and appends the run key names: the kept
// copy, or what enc writes (made safe, and kept). With a nil cache, enc
// writes into o as any field is written. After a run o is at the start
// of a line; a run is never an object's last field.
func (c *runCache) splice(o *objWriter, key runKey, enc func(o *objWriter)) {
	if c == nil {
		enc(o)
		return
	}
	o.endLine()
	if c.safe != nil {
		// The lines so far are complete: made safe now, in order.
		c.out = c.safe(c.out, o.dst)
		o.dst = o.dst[:0]
	}
	if run, ok := c.runs[key]; ok {
		c.append(o, run)
		return
	}
	start := len(o.dst)
	enc(o)
	o.endLine()
	run := o.dst[start:]
	if c.safe != nil {
		run = c.safe(nil, run)
		o.dst = o.dst[:start]
		c.out = append(c.out, run...)
	} else {
		run = append([]byte(nil), run...)
	}
	if len(c.runs) >= maxRuns {
		// Full: start again, rather than keep the first runs seen. The
		// runs a large model repeats come back at once, while runs of
		// values made for one threat (a wording built from the
		// element) would otherwise fill the cache for good and leave
		// every later rule's runs out of it.
		clear(c.runs)
	}
	c.runs[key] = run
}

// append copies a kept run after what o has written.
func (c *runCache) append(o *objWriter, run []byte) {
	if c.safe != nil {
		c.out = append(c.out, run...)
		return
	}
	o.dst = append(o.dst, run...)
}

func strData(s string) unsafe.Pointer { return unsafe.Pointer(unsafe.StringData(s)) }

func sliceData[E any](s []E) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(s)) }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
