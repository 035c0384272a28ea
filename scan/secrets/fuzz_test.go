package secrets

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzScan feeds arbitrary file contents, under each kind of file name the
// rules distinguish, to the scanner: it must not panic, every position must
// lie inside the input, and no masked secret may be longer than its mask
// allows.
func FuzzScan(f *testing.F) {
	x := newExpander(3)
	for _, r := range builtinRules() {
		for _, s := range r.tp {
			f.Add([]byte(x.expand(s)), uint8(0))
		}
	}
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\n\\n\\n-----END"), uint8(1))
	f.Add([]byte("ENV A_TOKEN=\"x"), uint8(2))
	names := []string{"settings.conf", "Dockerfile", "docker-compose.yml", ".github/workflows/ci.yml", ".env", ".npmrc", "app.go"}
	s := New(Options{})
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		rel := names[int(kind)%len(names)]
		found := scanText(t, s, rel, string(data))
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, fd := range found {
			if fd.Line < 1 || fd.Line > lines || fd.Column < 1 {
				t.Fatalf("finding %s at %d:%d outside a %d-line input", fd.Rule, fd.Line, fd.Column, lines)
			}
			if !strings.HasSuffix(fd.Secret, "****") || len(fd.Secret) > 8+12 {
				t.Fatalf("secret not masked: %q", fd.Secret)
			}
		}
	})
}

// FuzzGitignore checks that any .gitignore parses and answers without
// panicking.
func FuzzGitignore(f *testing.F) {
	f.Add([]byte(".env\n!.env.example\n/build/\n**/secrets/*.json\n\\#file\n[a-"), ".env")
	f.Add([]byte("*.env*\n"), "config/prod.env")
	f.Fuzz(func(t *testing.T, data []byte, rel string) {
		gi := parseGitignore(data)
		gi.ignores(rel)
		gi.line(rel)
	})
}

// FuzzMatchAssignment compares the hand-written assignment matcher with
// the generic rule's regular expression on arbitrary input.
func FuzzMatchAssignment(f *testing.F) {
	f.Add([]byte(`api_key = "abc"`))
	f.Add([]byte(`token:= 'x y'`))
	f.Add([]byte(`a"]??=b;`))
	var generic *rule
	for _, r := range builtinRules() {
		if r.id == "generic-secret" {
			generic = r
		}
	}
	re := regexp.MustCompile(`^(?:` + generic.pattern + `)`)
	groups := []int{0, re.SubexpIndex("name"), re.SubexpIndex("secret"), re.SubexpIndex("bare")}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			// The regexp reads UTF-8; the matcher reads bytes. On invalid
			// UTF-8 they may legitimately differ in where a value ends.
			return
		}
		got := matchAssignment(data)
		var want []int
		if m := re.FindSubmatchIndex(data); m != nil {
			for _, g := range groups {
				want = append(want, m[2*g], m[2*g+1])
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%q: matcher %v, pattern %v", data, got, want)
		}
	})
}
