package rules

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"testing"

	"github.com/threatmap/threatmap/internal/modeltest"
)

// TestRequiredLiterals: the literals one of which every match holds,
// lower-cased, and none where a match needs no literal.
func TestRequiredLiterals(t *testing.T) {
	for _, tt := range []struct {
		pat  string
		want []string
	}{
		{`(?i)(search|query|export)`, []string{"search", "query", "export"}},
		{`(?i)(^|/)graphql(/|$)`, []string{"graphql"}},
		{`Login`, []string{"login"}},
		{`(?i)#(log_?in|sign_?in)$`, []string{"log", "sign"}},
		{`(?i)/(users|accounts)/?$`, []string{"users", "accounts"}},
		{`#(a|b)`, []string{"#"}},
		{`(ab)+cd`, []string{"ab"}},
		{`x{2,}`, []string{"x"}},
		{`x*`, nil},
		{`(a|b*)`, nil},
		{`[a-z]+`, nil},
		{`(?i)straße`, nil},
		{`^$`, nil},
	} {
		tree, err := syntaxParse(tt.pat)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := requiredLiterals(tree)
		if ok != (tt.want != nil) || !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q (%v), want %q", tt.pat, got, ok, tt.want)
		}
	}
}

// TestMatcherAgreesWithRegexp: with its prefilter, a matcher gives what
// the regexp gives, for the built-in rules' patterns on strings that
// hold their literals in any case, miss them by one letter, or hold
// letters that fold to ASCII ones (the Kelvin sign, the long s).
func TestMatcherAgreesWithRegexp(t *testing.T) {
	pats := builtinPatterns(t)
	if len(pats) < 10 {
		t.Fatalf("only %d built-in patterns found", len(pats))
	}
	inputs := []string{"", "/", "/login", "/LOGIN/", "/api/v1/Sign-In", "/ſignup", "/\u212Aey", "/loginx", "/logn",
		"/users/{id}", "/Users/", "#register", "/api/graphql", "/v2/GraphQL/x", "/backup.sql", "/debug/pprof", "/hook/{token}",
		"settings.local.yaml", "/reset-password", "/callback?next=x", "/stripe/webhook", "/Search?q=1", "/a/b/c/d/e/f/g/h"}
	for _, p := range pats {
		m, err := newMatcher(p)
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile(p)
		for _, lits := range [][]string{m.any, {"x"}} {
			for _, l := range lits {
				inputs = append(inputs, "/"+l, "/"+l+"/", "/A"+l+"/{x}")
			}
		}
		for _, s := range inputs {
			if got, want := m.MatchString(s), re.MatchString(s); got != want {
				t.Errorf("%s on %q: matcher %v, regexp %v", p, s, got, want)
			}
		}
	}
}

// FuzzMatcher: for any pattern RE2 accepts and any string, the matcher
// and the regexp agree.
func FuzzMatcher(f *testing.F) {
	for _, p := range []string{`(?i)(^|/)(login|sign-?in)(/|$)`, `(?i)(backup|dump)`, `ab+c`, `(?i)k`, `(?i)s`} {
		for _, s := range []string{"/LOGIN", "/ſ", "\u212A", "abbbc", "Backup"} {
			f.Add(p, s)
		}
	}
	f.Fuzz(func(t *testing.T, pat, s string) {
		re, err := regexp.Compile(pat)
		if err != nil {
			return
		}
		m, err := newMatcher(pat)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := m.MatchString(s), re.MatchString(s); got != want {
			t.Fatalf("%q on %q: matcher %v, regexp %v (literals %q)", pat, s, got, want, m.any)
		}
	})
}

func syntaxParse(pat string) (*syntax.Regexp, error) {
	tree, err := syntax.Parse(pat, syntax.Perl)
	if err != nil {
		return nil, err
	}
	return tree.Simplify(), nil
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
					mt, err := newMatcher(p)
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
