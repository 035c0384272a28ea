package secrets

import (
	"bytes"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"

	"github.com/threatmap/threatmap/scan/secrets/internal/ahocorasick"
)

// detector is the compiled rule set: one keyword automaton over every
// rule's keywords, and the rules to run where a keyword occurs.
type detector struct {
	ac    *ahocorasick.Matcher
	kws   []keywordRef
	rules []*compiled
}

// compiled is a rule with its pattern compiled for its anchor kind.
type compiled struct {
	*rule
	// re is compiled on the rule's first keyword hit (ready), so that a
	// process that scans little, or only masks its own output, does not
	// compile every detector at start. The pattern is parsed up front,
	// which catches errors and names the capture groups.
	once               sync.Once
	pattern            string
	re                 *regexp.Regexp
	secretIdx, bareIdx int
	nameIdx            int
	charset            *[256]bool
	before, after      int
}

// ready compiles the rule's pattern, once.
func (c *compiled) ready() {
	c.once.Do(func() {
		re, err := regexp.Compile(c.pattern)
		if err != nil {
			// Parsed already; a pattern that parses but does not compile
			// (a program too large) matches nothing rather than failing
			// the scan half-way.
			re = regexp.MustCompile(`[^\x00-\x{10FFFF}]`)
		}
		c.re = re
	})
}

type keywordRef struct {
	rule    int
	keyword string
	exact   bool
}

// candidate is a raw regex match, before suppression: byte offsets into the
// scanned buffer.
type candidate struct {
	rule       *compiled
	start, end int // the secret
	full       [2]int
	name       [2]int // the assigned name, or the match text before the secret
	bare       bool
}

// identChars are the bytes of a name in name = value syntax.
const identChars = "A-Za-z0-9_.-"

func newDetector(rules []*rule) (*detector, error) {
	d := &detector{}
	var words []string
	for i, r := range rules {
		pattern := r.pattern
		if r.anchor != anchorWindow {
			// Anchored: the pattern may match only at the anchor.
			pattern = `^(?:` + pattern + `)`
		}
		parsed, err := syntax.Parse(pattern, syntax.Perl)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.id, err)
		}
		capIndex := func(name string) int { return slices.Index(parsed.CapNames(), name) }
		cs := r.charset
		switch {
		case cs == "" && r.anchor == anchorIdent:
			cs = identChars
		case cs == "":
			cs = "A-Za-z0-9_-"
		}
		before, after := r.window()
		c := &compiled{
			rule: r, pattern: pattern, secretIdx: capIndex("secret"), bareIdx: capIndex("bare"),
			nameIdx: capIndex("name"), charset: byteSet(cs), before: before, after: after,
		}
		if r.match != nil {
			if r.anchor == anchorWindow {
				return nil, fmt.Errorf("rule %s: a match function needs an anchored rule", r.id)
			}
			c.nameIdx, c.secretIdx, c.bareIdx = 1, 2, 3
		}
		d.rules = append(d.rules, c)
		for _, kw := range r.keywords {
			words = append(words, kw)
			d.kws = append(d.kws, keywordRef{rule: i, keyword: kw, exact: r.caseSensitive})
		}
	}
	d.ac = ahocorasick.New(words)
	return d, nil
}

// byteSet parses a character-class body such as "A-Za-z0-9_-" (a trailing
// or leading '-' is literal).
func byteSet(spec string) *[256]bool {
	var set [256]bool
	for i := 0; i < len(spec); i++ {
		if i+2 < len(spec) && spec[i+1] == '-' {
			for c := int(spec[i]); c <= int(spec[i+2]); c++ {
				set[c] = true
			}
			i += 2
			continue
		}
		set[spec[i]] = true
	}
	return &set
}

// scratch is per-worker state reused across buffers to avoid allocation.
type scratch struct {
	// open[i] is window rule i's pending window, or lo < 0 when none.
	open []span
	// lastAnchor[i] is the last anchor rule i was tried at, so that several
	// keywords in one token or line cost one attempt.
	lastAnchor []int
	active     []bool
	// activeFor is the file name active was computed for (valid when
	// activeSet), so a run of texts from one file computes it once.
	activeFor string
	activeSet bool
	// touched lists the rules whose open or lastAnchor this text set,
	// so only they are reset for the next (a text touches few of the
	// rules).
	touched []int
	cands   []candidate
}

type span struct{ lo, hi int }

func (d *detector) newScratch() *scratch {
	n := len(d.rules)
	sc := &scratch{open: make([]span, n), lastAnchor: make([]int, n), active: make([]bool, n)}
	for i := range n {
		sc.open[i] = span{-1, -1}
		sc.lastAnchor[i] = -1
	}
	return sc
}

// touch records that rule i's state is set for this text.
func (sc *scratch) touch(i int) {
	if sc.open[i].lo < 0 && sc.lastAnchor[i] < 0 {
		sc.touched = append(sc.touched, i)
	}
}

// find returns the candidates in buf for a file named rel.
func (d *detector) find(sc *scratch, rel string, buf []byte) []candidate {
	sc.cands = sc.cands[:0]
	if !sc.activeSet || sc.activeFor != rel {
		for i, r := range d.rules {
			sc.active[i] = r.files == nil || r.files(rel)
		}
		sc.activeFor, sc.activeSet = rel, true
	}
	d.ac.Scan(buf, func(id, start int) bool {
		k := d.kws[id]
		if !sc.active[k.rule] {
			return true
		}
		if k.exact && !bytes.Equal(buf[start:start+len(k.keyword)], []byte(k.keyword)) {
			return true
		}
		r := d.rules[k.rule]
		if r.anchor == anchorWindow {
			// Windows of the same rule that overlap are merged, so each byte
			// is searched by the rule at most once however many hits it has.
			lo, hi := max(start-r.before, 0), min(start+len(k.keyword)+r.after, len(buf))
			sc.touch(k.rule)
			o := &sc.open[k.rule]
			if o.lo >= 0 && lo <= o.hi {
				o.hi = max(o.hi, hi)
				return true
			}
			if o.lo >= 0 {
				d.window(sc, r, buf, *o)
			}
			*o = span{lo, hi}
			return true
		}
		a := d.anchorAt(r, buf, start)
		if a == sc.lastAnchor[k.rule] {
			return true
		}
		sc.touch(k.rule)
		sc.lastAnchor[k.rule] = a
		d.anchored(sc, r, buf, a, start)
		return true
	})
	// Pending windows are searched in rule order, as a walk over every
	// rule would; then the touched rules are reset for the next text.
	slices.Sort(sc.touched)
	for _, i := range sc.touched {
		if o := sc.open[i]; o.lo >= 0 {
			d.window(sc, d.rules[i], buf, o)
		}
	}
	for _, i := range sc.touched {
		sc.open[i] = span{-1, -1}
		sc.lastAnchor[i] = -1
	}
	sc.touched = sc.touched[:0]
	return dedupe(sc.cands)
}

// anchorAt returns where r's pattern is tried for a keyword hit at start.
// The walk back is bounded so that a megabyte of base64 costs a bounded
// amount per hit.
func (d *detector) anchorAt(r *compiled, buf []byte, start int) int {
	a := start
	switch r.anchor {
	case anchorLine:
		for n := 0; a > 0 && buf[a-1] != '\n' && n < 1024; n++ {
			a--
		}
	case anchorToken, anchorIdent:
		for n := 0; a > 0 && r.charset[buf[a-1]] && n < 256; n++ {
			a--
		}
	default:
		for n := 0; a > 0 && r.charset[buf[a-1]] && n < 256; n++ {
			a--
		}
	}
	return a
}

// anchored tries r's pattern once, at a.
func (d *detector) anchored(sc *scratch, r *compiled, buf []byte, a, hit int) {
	text := buf[a:min(len(buf), a+r.after+(hit-a))]
	var m []int
	if r.match != nil {
		m = r.match(text)
	} else {
		r.ready()
		m = r.re.FindSubmatchIndex(text)
	}
	if m == nil {
		return
	}
	if r.nameIdx > 0 && m[2*r.nameIdx] >= 0 && (hit-a < m[2*r.nameIdx] || hit-a >= m[2*r.nameIdx+1]) {
		return // the keyword is in the value, not in the name
	}
	d.add(sc, r, a, text, m)
}

// window searches one window of a window rule, widened to token boundaries
// so that an edge never falls inside a token and makes a partial match.
func (d *detector) window(sc *scratch, r *compiled, buf []byte, w span) {
	for n := 0; w.lo > 0 && isTokenByte(buf[w.lo-1]) && n < 256; n++ {
		w.lo--
	}
	for n := 0; w.hi < len(buf) && isTokenByte(buf[w.hi]) && n < 256; n++ {
		w.hi++
	}
	text := buf[w.lo:w.hi]
	r.ready()
	for _, m := range r.re.FindAllSubmatchIndex(text, -1) {
		d.add(sc, r, w.lo, text, m)
	}
}

// add records the secret of match m, found in text at offset base of the
// buffer.
func (d *detector) add(sc *scratch, r *compiled, base int, text []byte, m []int) {
	s, e, bare := m[0], m[1], false
	switch {
	case r.secretIdx > 0 && m[2*r.secretIdx] >= 0:
		s, e = m[2*r.secretIdx], m[2*r.secretIdx+1]
	case r.bareIdx > 0 && m[2*r.bareIdx] >= 0:
		s, e, bare = m[2*r.bareIdx], m[2*r.bareIdx+1], true
	case r.secretIdx < 0 && r.bareIdx < 0 && len(m) > 2 && m[2] >= 0:
		s, e = m[2], m[3]
	}
	for s < e && isSpaceByte(text[s]) {
		s++
	}
	for e > s && isSpaceByte(text[e-1]) {
		e--
	}
	if s >= e {
		return
	}
	name := [2]int{base + m[0], base + s}
	if r.nameIdx > 0 && m[2*r.nameIdx] >= 0 {
		name = [2]int{base + m[2*r.nameIdx], base + m[2*r.nameIdx+1]}
	}
	sc.cands = append(sc.cands, candidate{rule: r, start: base + s, end: base + e, full: [2]int{base + m[0], base + m[1]}, name: name, bare: bare})
}

// dedupe drops repeated candidates and candidates hidden by an overlapping
// candidate of a more specific tier.
func dedupe(c []candidate) []candidate {
	if len(c) < 2 {
		return c
	}
	slices.SortFunc(c, func(a, b candidate) int {
		if a.start != b.start {
			return a.start - b.start
		}
		if a.rule.tier != b.rule.tier {
			return a.rule.tier - b.rule.tier
		}
		if a.end != b.end {
			return b.end - a.end
		}
		return strings.Compare(a.rule.id, b.rule.id)
	})
	// Candidates are sorted by start and none is longer than maxWindow, so
	// only a bounded run of neighbours can overlap: the work stays linear.
	keep := make([]bool, len(c))
	for i, x := range c {
		hidden := false
		for j := max(0, i-64); j < len(c) && c[j].start < x.end; j++ {
			y := c[j]
			if j == i || y.start >= x.end || x.start >= y.end {
				continue
			}
			switch {
			case y.rule.tier < x.rule.tier:
				hidden = true
			case y.rule == x.rule && j < i:
				// The same rule matched overlapping text twice (merged
				// windows); the first, longest match stands.
				hidden = true
			}
			if hidden {
				break
			}
		}
		keep[i] = !hidden
	}
	out := c[:0]
	for i, x := range c {
		if keep[i] {
			out = append(out, x)
		}
	}
	return out
}

// isTokenByte reports whether b can be part of a credential token.
func isTokenByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
		b == '_' || b == '-' || b == '+' || b == '/' || b == '=' || b == '.' || b == '~'
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }
