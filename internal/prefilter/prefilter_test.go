package prefilter

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"testing"
	"unicode"
)

// TestFoldPartners: the only letters outside ASCII that fold with an
// ASCII character are the Kelvin sign and the long s, which the test
// reads as k and s.
func TestFoldPartners(t *testing.T) {
	want := map[rune]rune{'K': 0x212A, 'k': 0x212A, 'S': 0x17F, 's': 0x17F}
	for c := rune(0); c < 0x80; c++ {
		for f := unicode.SimpleFold(c); f != c; f = unicode.SimpleFold(f) {
			if f >= 0x80 && want[c] != f {
				t.Errorf("%q folds with %U, which the test does not read as it", c, f)
			}
		}
	}
}

// TestRequiredLiterals: the literals one of which every match holds
// (lower-cased when they match in any case), whether they are the whole
// pattern, and none where a match needs no literal.
func TestRequiredLiterals(t *testing.T) {
	for _, tt := range []struct {
		pat   string
		want  []string
		exact bool
	}{
		{`(?i)(search|query|export)`, []string{"search", "query", "export"}, true},
		{`(?i)reset|forgot|recover`, []string{"reset", "forgot", "recover"}, true},
		{`jwt|jose|itsdangerous|signing`, []string{"jwt", "jose", "itsdangerous", "signing"}, true},
		{`(?i)service_role|supabase_(service|secret|admin)_key|firebase|hasura`,
			[]string{"service_role", "supabase_service_key", "supabase_secret_key", "supabase_admin_key", "firebase", "hasura"}, true},
		{`(?i)(^|/)graphql(/|$)`, []string{"graphql"}, false},
		{`Login`, []string{"login"}, true},
		{`(?i)#(log_?in|sign_?in)$`, []string{"log", "sign"}, false},
		{`(ab)+cd`, []string{"ab"}, false},
		{`x{2,}`, []string{"x"}, false},
		{`x*`, nil, false},
		{`(a|b*)`, nil, false},
		{`[a-z]+`, nil, false},
		{`(?i)straße`, nil, false},
		{`^$`, nil, false},
	} {
		tree, err := syntax.Parse(tt.pat, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		lits, exact, ok := requiredLiterals(tree.Simplify())
		var got []string
		for _, l := range lits {
			got = append(got, l.text)
		}
		if ok != (tt.want != nil) || !slices.Equal(got, tt.want) || exact != tt.exact {
			t.Errorf("%s: got %q exact %v (%v), want %q exact %v", tt.pat, got, exact, ok, tt.want, tt.exact)
		}
	}
}

// TestAgreesWithRegexp: Match and MatchString give what the regexp
// gives, on text that holds the literals in any case, misses them, holds
// the letters that fold with k and s, or is long.
func TestAgreesWithRegexp(t *testing.T) {
	long := string(make([]byte, 300)) + "Firebase"
	texts := []string{"", "x", "RESET", "reſet", "ReSeT me", "resex", "SUPABASE_SECRET_KEY=1", "supabase_secret", "\u212Aey",
		"hasura", "HASURA", "jwt", "JWT", "its", "/LOGIN", "/a/graphql/", long, "firebaſe", "café", "\xff\xfe"}
	for _, pat := range []string{`(?i)reset|forgot|recover`, `jwt|jose|itsdangerous|signing`,
		`(?i)service_role|supabase_(service|secret|admin)_key|firebase|hasura`, `(?i)(^|/)graphql(/|$)`, `(?i)key`,
		`(?i)(Login|signin)`, `Hasura|(?i:jwt)`, `(?i)s`, `==|\b(HTTPBasicAuth)\s*\(`} {
		r := MustCompile(pat)
		re := regexp.MustCompile(pat)
		for _, s := range texts {
			if got, want := r.MatchString(s), re.MatchString(s); got != want {
				t.Errorf("%s on %q: MatchString %v, regexp %v", pat, s, got, want)
			}
			if got, want := r.Match([]byte(s)), re.Match([]byte(s)); got != want {
				t.Errorf("%s on %q: Match %v, regexp %v", pat, s, got, want)
			}
		}
	}
}

// FuzzRegexp: for any pattern RE2 accepts and any text, the prefiltered
// pattern and the regexp agree.
func FuzzRegexp(f *testing.F) {
	for _, p := range []string{`(?i)(^|/)(login|sign-?in)(/|$)`, `(?i)(backup|dump)`, `ab+c`, `(?i)k`, `(?i)s`, `(?i)re(set|cover)`, `a|(?i:B)c`} {
		for _, s := range []string{"/LOGIN", "/ſ", "\u212A", "abbbc", "Backup", "RECOVER", "bC"} {
			f.Add(p, s)
		}
	}
	f.Fuzz(func(t *testing.T, pat, s string) {
		re, err := regexp.Compile(pat)
		if err != nil {
			return
		}
		r, err := Compile(pat)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := r.MatchString(s), re.MatchString(s); got != want {
			t.Fatalf("%q on %q: MatchString %v, regexp %v (literals %q, exact %v)", pat, s, got, want, r.any, r.exact)
		}
		if got, want := r.Match([]byte(s)), re.Match([]byte(s)); got != want {
			t.Fatalf("%q on %q: Match %v, regexp %v", pat, s, got, want)
		}
	})
}
