package graph

import (
	"strings"
)

// Params rewrites every path-parameter syntax the supported frameworks use
// into {name}: Express, gin, echo and fiber's :id (with an optional regexp
// or ? suffix), gin's *path, Flask's <int:id>, chi, gorilla and FastAPI's
// {id:regexp} and Go 1.22's {path...}, and Next.js's [id], [...slug] and
// [[...slug]]. Go 1.22's {$} end marker is dropped. A bare * stays as is.
func Params(p string) string {
	if !strings.ContainsAny(p, ":<{[*") {
		return p
	}
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); {
		c := p[i]
		atSegStart := i == 0 || p[i-1] == '/'
		switch {
		case c == ':' && i+1 < len(p) && isIdent(p[i+1]):
			j := i + 1
			for j < len(p) && isIdent(p[j]) {
				j++
			}
			name := p[i+1 : j]
			if j < len(p) && p[j] == '(' {
				j = skipBalanced(p, j, '(', ')')
			}
			if j < len(p) && (p[j] == '?' || p[j] == '+' || p[j] == '*') {
				j++
			}
			b.WriteString("{" + name + "}")
			i = j
		case c == '<':
			end := strings.IndexByte(p[i:], '>')
			if end < 0 {
				b.WriteByte(c)
				i++
				continue
			}
			inner := p[i+1 : i+end]
			if k := strings.LastIndexByte(inner, ':'); k >= 0 {
				inner = inner[k+1:]
			}
			b.WriteString("{" + strings.TrimSpace(inner) + "}")
			i += end + 1
		case c == '{':
			j := skipBalanced(p, i, '{', '}')
			inner := p[i+1 : j]
			inner = strings.TrimSuffix(inner, "}")
			if inner == "$" {
				i = j
				continue
			}
			if k := strings.IndexByte(inner, ':'); k >= 0 {
				inner = inner[:k]
			}
			inner = strings.TrimSuffix(strings.TrimSpace(inner), "...")
			b.WriteString("{" + inner + "}")
			i = j
		case c == '[' && atSegStart:
			j := skipBalanced(p, i, '[', ']')
			inner := strings.Trim(p[i:j], "[]")
			inner = strings.TrimPrefix(inner, "...")
			b.WriteString("{" + inner + "}")
			i = j
		case c == '*' && atSegStart && i+1 < len(p) && isIdent(p[i+1]):
			j := i + 1
			for j < len(p) && isIdent(p[j]) {
				j++
			}
			b.WriteString("{" + p[i+1:j] + "}")
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// skipBalanced returns the index just past the bracket that closes the one
// at p[i], or len(p) when it is never closed.
func skipBalanced(p string, i int, open, close byte) int {
	depth := 0
	for j := i; j < len(p); j++ {
		switch p[j] {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(p)
}

// isIdent is a character of a parameter name.
func isIdent(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
