package rules

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/internal/modeltest"
	"github.com/threatmap/threatmap/internal/prefilter"
)

// TestMatcherAgreesWithRegexp: with its prefilter, each built-in rule's
// pattern gives what the regexp gives, on paths that hold its words in
// either case, miss them by a letter, or hold letters that fold to ASCII
// ones (the Kelvin sign, the long s).
func TestMatcherAgreesWithRegexp(t *testing.T) {
	pats := builtinPatterns(t)
	if len(pats) < 10 {
		t.Fatalf("only %d built-in patterns found", len(pats))
	}
	inputs := []string{"", "/", "/login", "/LOGIN/", "/api/v1/Sign-In", "/ſignup", "/\u212Aey", "/loginx", "/logn",
		"/users/{id}", "/Users/", "#register", "/api/graphql", "/v2/GraphQL/x", "/backup.sql", "/debug/pprof", "/hook/{token}",
		"settings.local.yaml", "/reset-password", "/callback?next=x", "/stripe/webhook", "/Search?q=1", "/a/b/c/d/e/f/g/h"}
	for _, p := range pats {
		m, err := prefilter.Compile(p)
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile(p)
		for _, w := range regexp.MustCompile(`[a-z]{3,}`).FindAllString(p, -1) {
			inputs = append(inputs, "/"+w, "/"+strings.ToUpper(w)+"/", "/A"+w+"/{x}")
		}
		for _, s := range inputs {
			if got, want := m.MatchString(s), re.MatchString(s); got != want {
				t.Errorf("%s on %q: matcher %v, regexp %v", p, s, got, want)
			}
		}
	}
}

// builtinPatterns returns the literal patterns the built-in rules'
// expressions match against.
func builtinPatterns(t testing.TB) []string {
	t.Helper()
	call := regexp.MustCompile(`matches\(("(?:[^"\\]|\\.)*")\)`)
	seen := map[string]bool{}
	var pats []string
	for _, r := range builtinRules(t) {
		exprs := []string{r.When, r.Detail}
		for _, d := range r.Difficulty {
			exprs = append(exprs, d.When)
		}
		for _, w := range r.Wording {
			exprs = append(exprs, w.When, w.Abuse, w.Method)
		}
		for _, x := range exprs {
			for _, m := range call.FindAllStringSubmatch(x, -1) {
				p, err := strconv.Unquote(m[1])
				if err != nil {
					t.Fatalf("%s: %s: %v", r.ID, m[1], err)
				}
				if !seen[p] {
					seen[p] = true
					pats = append(pats, p)
				}
			}
		}
	}
	return pats
}

// BenchmarkMatcher matches every built-in pattern against the surface
// paths and ids of a dense model of 2,000 components, with the regexps
// alone and with their prefilters: the ratio is what the prefilter saves
// the conditions that match paths.
func BenchmarkMatcher(b *testing.B) {
	m := modeltest.Dense(b, 2000)
	var inputs []string
	for _, s := range m.Surfaces {
		inputs = append(inputs, s.Path, s.ID)
	}
	pats := builtinPatterns(b)
	for _, mode := range []string{"regexp", "prefiltered"} {
		b.Run(mode, func(b *testing.B) {
			match := make([]func(string) bool, len(pats))
			for i, p := range pats {
				if mode == "regexp" {
					match[i] = regexp.MustCompile(p).MatchString
				} else {
					mt, err := prefilter.Compile(p)
					if err != nil {
						b.Fatal(err)
					}
					match[i] = mt.MatchString
				}
			}
			b.ResetTimer()
			for b.Loop() {
				for _, f := range match {
					for _, s := range inputs {
						f(s)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(match)*len(inputs)), "ns/match")
		})
	}
}
