package evidence

import (
	"bytes"
	"strings"
)

// AllowMarker in a comment on a flagged line, or on the line above it,
// suppresses findings there: all of them, or only the rule ids that follow
// the marker ("# threatmap:allow iam-wildcard-resource read-only describe
// calls"). Every scanner honours the same marker.
const AllowMarker = "threatmap:allow"

// DropAllowed removes the findings an allow comment suppresses. sources
// maps a finding's File to the file's contents; rulePrefixes tells which
// words after the marker name rules of the calling scanner (a word with one
// of the prefixes names a rule; with none named, the marker allows every
// rule on that line).
func DropAllowed(findings []Finding, sources map[string][]byte, rulePrefixes ...string) []Finding {
	out := findings[:0]
	for _, f := range findings {
		if !Allowed(sources[f.File], f.Line, f.Rule, rulePrefixes...) {
			out = append(out, f)
		}
	}
	return out
}

// Allowed reports whether an allow comment on line (1-based) of src, or on
// the line above, suppresses rule.
func Allowed(src []byte, line int, rule string, rulePrefixes ...string) bool {
	if len(src) == 0 || line < 1 || !bytes.Contains(src, []byte(AllowMarker)) {
		return false
	}
	lines := bytes.SplitN(src, []byte("\n"), line+1)
	for _, n := range []int{line, line - 1} {
		if n < 1 || n > len(lines) {
			continue
		}
		text := string(lines[n-1])
		i := strings.Index(text, AllowMarker)
		if i < 0 {
			continue
		}
		named := false
		for _, w := range strings.Fields(text[i+len(AllowMarker):]) {
			for _, p := range rulePrefixes {
				if strings.HasPrefix(w, p) {
					named = true
					if w == rule {
						return true
					}
				}
			}
		}
		if !named {
			return true
		}
	}
	return false
}
