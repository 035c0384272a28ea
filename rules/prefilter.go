package rules

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// A literal prefilter for the patterns conditions match: a pattern such
// as (?i)(^|/)(login|signin|register)(/|$) can only match a string that
// holds one of its literals, whatever the case; most paths hold none,
// and finding that out is cheaper than running the regexp. The filter is
// a necessary condition only: a string that passes it goes to the
// regexp. It is applied to ASCII strings only, where case folding is
// ASCII's (RE2 folds k with the Kelvin sign and s with the long s).

// matcher is a compiled pattern with its prefilter: any returns the
// lower-case literals one of which every match holds, nil for none
// known.
type matcher struct {
	re  *regexp.Regexp
	any []string
}

func newMatcher(pat string) (*matcher, error) {
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil, err
	}
	m := &matcher{re: re}
	if tree, err := syntax.Parse(pat, syntax.Perl); err == nil {
		if lits, ok := requiredLiterals(tree.Simplify()); ok {
			m.any = lits
		}
	}
	return m, nil
}

// MatchString reports whether s matches, as the regexp does.
func (m *matcher) MatchString(s string) bool {
	if m.any != nil && len(s) <= 256 {
		var buf [256]byte
		lower, ascii := buf[:len(s)], true
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= 0x80 {
				ascii = false
				break
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			lower[i] = c
		}
		if ascii && !containsAny(string(lower), m.any) {
			return false
		}
	}
	return m.re.MatchString(s)
}

func containsAny(s string, lits []string) bool {
	for _, l := range lits {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

// requiredLiterals returns literals, in lower case, one of which any
// string re matches holds; false when it cannot tell (re can match
// without a literal of its own, or has a literal that is not ASCII).
func requiredLiterals(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		b := make([]byte, len(re.Rune))
		for i, r := range re.Rune {
			if r >= 0x80 {
				return nil, false
			}
			c := byte(r)
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[i] = c
		}
		return []string{string(b)}, true
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false
		}
		return requiredLiterals(re.Sub[0])
	case syntax.OpConcat:
		// Every part must match: any part's literals will do; the one
		// whose shortest literal is longest filters best.
		var best []string
		bestLen := 0
		for _, sub := range re.Sub {
			lits, ok := requiredLiterals(sub)
			if !ok {
				continue
			}
			if short := shortest(lits); short > bestLen {
				best, bestLen = lits, short
			}
		}
		return best, best != nil
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			lits, ok := requiredLiterals(sub)
			if !ok {
				return nil, false
			}
			all = append(all, lits...)
		}
		return all, len(all) > 0
	}
	return nil, false
}

func shortest(lits []string) int {
	n := -1
	for _, l := range lits {
		if n < 0 || len(l) < n {
			n = len(l)
		}
	}
	return n
}
