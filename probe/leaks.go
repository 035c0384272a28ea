package probe

import (
	"regexp"
	"strings"
	"sync"
)

// Leak is internal detail found in a response body.
type Leak struct {
	// Kind is "stack trace", "database error" or "internal path".
	Kind string
	// Snippet is the matched text, cut to a readable length.
	Snippet string
}

type leakPattern struct {
	kind string
	re   *regexp.Regexp
}

// leakPatterns recognise what error pages must not show. Each pattern is
// specific enough that ordinary prose or JSON does not match it.
// They are compiled on first use, so that a process that probes nothing
// does not pay for them at start.
var leakPatterns = sync.OnceValue(func() []leakPattern {
	return []leakPattern{
		{"stack trace", regexp.MustCompile(`goroutine \d+ \[[a-z ]+\]:`)},
		{"stack trace", regexp.MustCompile(`panic: .{0,200}\n`)},
		{"stack trace", regexp.MustCompile(`Traceback \(most recent call last\):`)},
		{"stack trace", regexp.MustCompile(`File "[^"\n]{1,300}", line \d+, in `)},
		{"stack trace", regexp.MustCompile(`(?m)^\s+at [\w$.<>]+\([\w$]+\.(java|kt|scala):\d+\)`)},
		{"stack trace", regexp.MustCompile(`Exception in thread "`)},
		{"stack trace", regexp.MustCompile(`(?m)^\s+at [^\n]{1,200} \(([A-Za-z]:)?[/\\][^\n)]{1,300}\.(js|ts|mjs|cjs):\d+:\d+\)`)},
		{"stack trace", regexp.MustCompile(`at [\w.<>` + "`" + `]+\([^)\n]{0,200}\) in [^\n]{1,300}:line \d+`)},
		{"stack trace", regexp.MustCompile(`(Fatal error|Warning|Parse error): .{1,300} in /[^\n]{1,300}\.php on line \d+`)},
		{"stack trace", regexp.MustCompile(`\.rb:\d+:in ` + "`")},
		{"database error", regexp.MustCompile(`You have an error in your SQL syntax`)},
		{"database error", regexp.MustCompile(`\bORA-\d{5}\b`)},
		{"database error", regexp.MustCompile(`SQLSTATE\[[0-9A-Z]{5}\]`)},
		{"database error", regexp.MustCompile(`\bpq: [a-z]`)},
		{"database error", regexp.MustCompile(`sqlite3\.(OperationalError|IntegrityError)|SQLite(Exception|\.Exception)|SQL logic error`)},
		{"database error", regexp.MustCompile(`syntax error at or near "`)},
		{"database error", regexp.MustCompile(`unterminated quoted string at or near`)},
		{"database error", regexp.MustCompile(`near "[^"\n]{0,100}": syntax error`)},
		{"database error", regexp.MustCompile(`psycopg2?\.(errors\.)?\w+Error|PG::\w+Error|com\.mysql\.jdbc|org\.postgresql\.util\.PSQLException`)},
		{"internal path", regexp.MustCompile(`(/home/[\w.-]+|/root|/usr/src/app|/usr/local/go/src|/var/www|/srv|/opt/[\w.-]+|/app)/[\w./-]{0,300}\.(go|py|js|ts|rb|php|java|cs):\d+`)},
		{"internal path", regexp.MustCompile(`[A-Za-z]:\\[\w\\. -]{1,300}\.(cs|py|js|java|go|php):(line )?\d+`)},
	}
})

// maxLeaks bounds how many leaks are reported per body.
const maxLeaks = 5

// DetectLeaks finds stack traces, database errors and server file paths in
// a response body. It reads untrusted input and is fuzzed; the patterns are
// RE2, so its time is linear in the body's length.
func DetectLeaks(body []byte) []Leak {
	var out []Leak
	seen := map[string]bool{}
	for _, p := range leakPatterns() {
		loc := p.re.FindIndex(body)
		if loc == nil {
			continue
		}
		snip := snippet(string(body[loc[0]:loc[1]]))
		if seen[p.kind+snip] {
			continue
		}
		seen[p.kind+snip] = true
		out = append(out, Leak{Kind: p.kind, Snippet: snip})
		if len(out) == maxLeaks {
			break
		}
	}
	return out
}

// snippet makes matched text printable on one line: control characters
// become spaces and it is cut to 120 runes.
func snippet(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\uFFFD' {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:117]) + "..."
	}
	return s
}
