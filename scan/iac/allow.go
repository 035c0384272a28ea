package iac

import (
	"bytes"
	"strings"

	"github.com/threatmap/threatmap/evidence"
)

// allowMarker in a comment on a flagged line, or on the line above it,
// suppresses findings there: all of them, or only the rule ids that follow
// the marker ("# threatmap:allow iac-s3-public-access-block website assets").
// It is the same marker the secrets scanner honours.
const allowMarker = "threatmap:allow"

// dropAllowed removes findings suppressed by an allow comment.
func dropAllowed(findings []evidence.Finding, sources map[string][]byte) []evidence.Finding {
	out := findings[:0]
	for _, f := range findings {
		if !allowed(sources[f.File], f.Line, f.Rule) {
			out = append(out, f)
		}
	}
	return out
}

func allowed(src []byte, line int, rule string) bool {
	if len(src) == 0 || line < 1 || !bytes.Contains(src, []byte(allowMarker)) {
		return false
	}
	lines := bytes.SplitN(src, []byte("\n"), line+1)
	for _, n := range []int{line, line - 1} {
		if n < 1 || n > len(lines) {
			continue
		}
		text := string(lines[n-1])
		i := strings.Index(text, allowMarker)
		if i < 0 {
			continue
		}
		rest := strings.Fields(text[i+len(allowMarker):])
		named := false
		for _, w := range rest {
			if strings.HasPrefix(w, "iac-") || strings.HasPrefix(w, "iam-") {
				named = true
				if w == rule {
					return true
				}
			}
		}
		if !named {
			return true
		}
	}
	return false
}
