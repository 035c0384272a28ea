package secrets

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/threatmap/threatmap/scan/secrets/internal/ahocorasick"
)

// detector is the compiled rule set: one keyword automaton over every
// rule's keywords, and the rules to run where a keyword occurs.
type detector struct {
	ac    *ahocorasick.Matcher
	kws   []keywordRef
	rules []*rule
}

type keywordRef struct {
	rule    int
	keyword string
	exact   bool
}

// candidate is a raw regex match, before suppression: byte offsets into the
// scanned buffer.
type candidate struct {
	rule       *rule
	start, end int // the secret
	full       [2]int
	bare       bool
}

func newDetector(rules []*rule) (*detector, error) {
	d := &detector{rules: rules}
	var words []string
	for i, r := range rules {
		if r.re == nil {
			re, err := regexp.Compile(r.pattern)
			if err != nil {
				return nil, fmt.Errorf("rule %s: %w", r.id, err)
			}
			r.re = re
		}
		for _, kw := range r.keywords {
			words = append(words, kw)
			d.kws = append(d.kws, keywordRef{rule: i, keyword: kw, exact: r.caseSensitive})
		}
	}
	d.ac = ahocorasick.New(words)
	return d, nil
}

// scratch is per-worker state reused across buffers to avoid allocation.
type scratch struct {
	// open[i] is rule i's pending window [lo, hi), or lo < 0 when none.
	open   []span
	active []bool
	cands  []candidate
}

type span struct{ lo, hi int }

func (d *detector) newScratch() *scratch {
	return &scratch{open: make([]span, len(d.rules)), active: make([]bool, len(d.rules))}
}

// find returns the candidates in buf for a file named rel. Windows of the
// same rule that overlap are merged before the regex runs, so each byte is
// searched by a rule's regex at most once however many keywords it holds:
// a minified bundle full of the word "token" costs one linear pass.
func (d *detector) find(sc *scratch, rel string, buf []byte) []candidate {
	sc.cands = sc.cands[:0]
	for i := range sc.open {
		sc.open[i] = span{-1, -1}
	}
	active := sc.active
	for i, r := range d.rules {
		active[i] = r.files == nil || r.files(rel)
	}
	d.ac.Scan(buf, func(id, start int) bool {
		k := d.kws[id]
		if !active[k.rule] {
			return true
		}
		if k.exact && !bytes.Equal(buf[start:start+len(k.keyword)], []byte(k.keyword)) {
			return true
		}
		r := d.rules[k.rule]
		before, after := r.window()
		lo, hi := max(start-before, 0), min(start+len(k.keyword)+after, len(buf))
		o := &sc.open[k.rule]
		if o.lo >= 0 && lo <= o.hi {
			o.hi = max(o.hi, hi)
			return true
		}
		if o.lo >= 0 {
			d.run(sc, r, buf, *o)
		}
		*o = span{lo, hi}
		return true
	})
	for i, o := range sc.open {
		if o.lo >= 0 {
			d.run(sc, d.rules[i], buf, o)
		}
	}
	return dedupe(sc.cands)
}

// run applies r's regex to one window, widened to token boundaries so that a
// window edge never falls inside a token and makes a partial match.
func (d *detector) run(sc *scratch, r *rule, buf []byte, w span) {
	for n := 0; w.lo > 0 && isTokenByte(buf[w.lo-1]) && n < 256; n++ {
		w.lo--
	}
	if r.lineAnchored {
		for n := 0; w.lo > 0 && buf[w.lo-1] != '\n' && n < 1024; n++ {
			w.lo--
		}
	}
	for n := 0; w.hi < len(buf) && isTokenByte(buf[w.hi]) && n < 256; n++ {
		w.hi++
	}
	text := buf[w.lo:w.hi]
	secretIdx, bareIdx := r.re.SubexpIndex("secret"), r.re.SubexpIndex("bare")
	for _, m := range r.re.FindAllSubmatchIndex(text, -1) {
		s, e, bare := m[0], m[1], false
		switch {
		case secretIdx > 0 && m[2*secretIdx] >= 0:
			s, e = m[2*secretIdx], m[2*secretIdx+1]
		case bareIdx > 0 && m[2*bareIdx] >= 0:
			s, e, bare = m[2*bareIdx], m[2*bareIdx+1], true
		case secretIdx < 0 && bareIdx < 0 && len(m) > 2 && m[2] >= 0:
			s, e = m[2], m[3]
		}
		for s < e && isSpaceByte(text[s]) {
			s++
		}
		for e > s && isSpaceByte(text[e-1]) {
			e--
		}
		if s >= e {
			continue
		}
		sc.cands = append(sc.cands, candidate{rule: r, start: w.lo + s, end: w.lo + e, full: [2]int{w.lo + m[0], w.lo + m[1]}, bare: bare})
	}
}

// dedupe drops repeated candidates (merged windows can see a match twice)
// and candidates hidden by an overlapping candidate of a more specific tier.
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
		return strings.Compare(a.rule.id, b.rule.id)
	})
	// Candidates are sorted by start and none is longer than a window, so
	// only neighbours within maxWindow can overlap: the work stays linear.
	keep := make([]bool, len(c))
	for i, x := range c {
		hidden := false
		for j := max(0, i-64); j < len(c) && c[j].start < x.end; j++ {
			y := c[j]
			if j == i || y.start >= x.end || x.start >= y.end {
				continue
			}
			if y.rule.tier < x.rule.tier || (y.rule == x.rule && (y.start != x.start || y.end != x.end) && y.end-y.start > x.end-x.start) {
				hidden = true
				break
			}
			if y.rule == x.rule && y.start == x.start && y.end == x.end && j < i {
				hidden = true
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
