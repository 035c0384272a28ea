// Package prefilter puts a literal test in front of a regular
// expression: a pattern such as (?i)(^|/)(login|signin|register)(/|$)
// can only match text that holds one of its literals, in some case, and
// finding that out is far cheaper than running the regexp, which most
// text fails. Text that passes goes to the regexp, so every answer is
// the regexp's; a pattern that is nothing but literals is answered by the
// test alone.
//
// Case folding is RE2's: besides ASCII's two cases, k folds with the
// Kelvin sign (U+212A) and s with the long s (U+017F), the only letters
// outside ASCII that fold with ASCII ones (TestFoldPartners). The test
// reads text with those two mapped to k and s.
package prefilter

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"sync"
	"unsafe"
)

// Regexp is a compiled pattern and the literals one of which every match
// holds.
type Regexp struct {
	re *regexp.Regexp
	// any holds the literals, in lower case; nil when the pattern can
	// match without one.
	any [][]byte
	// fold: some literal is matched in any case, so text is folded
	// before the test; exact: the pattern is only its literals (all of
	// one kind), so the test is the answer.
	fold, exact bool
}

// Compile compiles pat as regexp.Compile does, with its prefilter.
func Compile(pat string) (*Regexp, error) {
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil, err
	}
	r := &Regexp{re: re}
	tree, err := syntax.Parse(pat, syntax.Perl)
	if err != nil {
		return r, nil
	}
	tree = tree.Simplify()
	lits, exact, ok := requiredLiterals(tree)
	if !ok {
		return r, nil
	}
	folds, mixed := 0, false
	for _, l := range lits {
		if l.fold {
			folds++
		}
		mixed = mixed || l.mixed
	}
	r.fold = folds > 0
	// Literals of both kinds are tested folded: a necessary condition,
	// not the answer.
	r.exact = exact && !mixed && (folds == 0 || folds == len(lits))
	for _, l := range lits {
		if r.fold {
			r.any = append(r.any, []byte(l.text))
		} else {
			// Case-sensitive literals are tested as written.
			r.any = append(r.any, []byte(l.raw))
		}
	}
	return r, nil
}

// MustCompile is Compile that panics on a bad pattern (for patterns
// written in the code).
func MustCompile(pat string) *Regexp {
	r, err := Compile(pat)
	if err != nil {
		panic(err)
	}
	return r
}

// String returns the pattern.
func (r *Regexp) String() string { return r.re.String() }

// Match reports whether b holds a match, as the regexp does.
func (r *Regexp) Match(b []byte) bool {
	if answer, ok := r.decided(b); ok {
		return answer
	}
	return r.re.Match(b)
}

// MatchString is Match for a string.
func (r *Regexp) MatchString(s string) bool {
	if answer, ok := r.decided(unsafe.Slice(unsafe.StringData(s), len(s))); ok {
		return answer
	}
	return r.re.MatchString(s)
}

// decided gives the answer when the literals settle it: false when b
// holds none, true when it holds one and the pattern is only its
// literals. b is only read.
func (r *Regexp) decided(b []byte) (answer, ok bool) {
	if r.any == nil {
		return false, false
	}
	if !r.possible(b) {
		return false, true
	}
	return true, r.exact
}

// possible reports whether b holds one of the literals.
func (r *Regexp) possible(b []byte) bool {
	if !r.fold {
		return containsAny(b, r.any)
	}
	if len(b) <= 256 {
		// Short text (a path, an id) is folded on the stack.
		var buf [256]byte
		return containsAny(appendFolded(buf[:0], b), r.any)
	}
	buf := folds.Get().(*[]byte)
	defer folds.Put(buf)
	*buf = appendFolded((*buf)[:0], b)
	return containsAny(*buf, r.any)
}

var folds = sync.Pool{New: func() any { return new([]byte) }}

func containsAny(b []byte, lits [][]byte) bool {
	for _, l := range lits {
		if bytes.Contains(b, l) {
			return true
		}
	}
	return false
}

// appendFolded appends b with ASCII letters in lower case and the Kelvin
// sign and the long s as k and s; every other byte as it is.
func appendFolded(dst, b []byte) []byte {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == 0xE2 && i+2 < len(b) && b[i+1] == 0x84 && b[i+2] == 0xAA: // U+212A
			c, i = 'k', i+2
		case c == 0xC5 && i+1 < len(b) && b[i+1] == 0xBF: // U+017F
			c, i = 's', i+1
		}
		dst = append(dst, c)
	}
	return dst
}

// literal is a literal a match must hold: text in lower case, raw as the
// pattern writes it, fold when it matches in any case (and mixed when
// it was joined from parts that match in different ways).
type literal struct {
	text, raw   string
	fold, mixed bool
}

// maxProduct bounds the literals a concatenation of alternatives expands
// to (re(set|cover) is reset or recover).
const maxProduct = 64

// requiredLiterals returns literals one of which any text re matches
// holds, and whether holding one is also enough (re is nothing but
// them); ok is false when it cannot tell (re can match without a
// literal of its own, or a literal is not ASCII).
func requiredLiterals(re *syntax.Regexp) (lits []literal, exact, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		low := make([]byte, len(re.Rune))
		raw := make([]byte, len(re.Rune))
		for i, r := range re.Rune {
			if r >= 0x80 {
				return nil, false, false
			}
			c := byte(r)
			raw[i] = c
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			low[i] = c
		}
		return []literal{{text: string(low), raw: string(raw), fold: re.Flags&syntax.FoldCase != 0}}, true, true
	case syntax.OpCapture:
		return requiredLiterals(re.Sub[0])
	case syntax.OpPlus:
		lits, _, ok := requiredLiterals(re.Sub[0])
		return lits, false, ok
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false, false
		}
		lits, _, ok := requiredLiterals(re.Sub[0])
		return lits, false, ok
	case syntax.OpConcat:
		return concatLiterals(re.Sub)
	case syntax.OpAlternate:
		exact = true
		for _, sub := range re.Sub {
			l, e, ok := requiredLiterals(sub)
			if !ok {
				return nil, false, false
			}
			lits, exact = append(lits, l...), exact && e
		}
		return lits, exact, len(lits) > 0
	}
	return nil, false, false
}

// concatLiterals is requiredLiterals for a concatenation: a run of
// parts that are each nothing but literals is one set, their product
// (while it stays small); of the sets the parts give, the one whose
// shortest literal is longest filters best, and every part must match,
// so any will do.
func concatLiterals(subs []*syntax.Regexp) ([]literal, bool, bool) {
	var best []literal
	bestLen := 0
	consider := func(lits []literal) {
		if short := shortest(lits); short > bestLen {
			best, bestLen = lits, short
		}
	}
	var run []literal // the product of the current run of exact parts
	allExact := true
	for _, sub := range subs {
		lits, exact, ok := requiredLiterals(sub)
		if ok && exact && (run == nil || len(run)*len(lits) <= maxProduct) {
			run = product(run, lits)
			continue
		}
		allExact = false
		if run != nil {
			consider(run)
			run = nil
		}
		if ok {
			consider(lits)
		}
	}
	if run != nil {
		consider(run)
	}
	return best, allExact && best != nil, best != nil
}

// product joins every literal of a with every literal of b (a nil: b).
func product(a, b []literal) []literal {
	if a == nil {
		return b
	}
	out := make([]literal, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, literal{text: x.text + y.text, raw: x.raw + y.raw, fold: x.fold || y.fold,
				mixed: x.mixed || y.mixed || x.fold != y.fold})
		}
	}
	return out
}

func shortest(lits []literal) int {
	n := -1
	for _, l := range lits {
		if n < 0 || len(l.text) < n {
			n = len(l.text)
		}
	}
	return n
}
