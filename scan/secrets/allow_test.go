package secrets

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMatchAnyPath(t *testing.T) {
	tests := []struct {
		patterns []string
		rel      string
		want     bool
	}{
		{[]string{"vendor/"}, "vendor/a.go", true},
		{[]string{"vendor/"}, "third_party/vendor/x/a.go", true},
		{[]string{"vendor/"}, "vendorized.go", false},
		{[]string{"*.min.js"}, "web/static/app.min.js", true},
		{[]string{"*.min.js"}, "web/static/app.js", false},
		{[]string{"docs/*.md"}, "docs/setup.md", true},
		{[]string{"docs/*.md"}, "src/docs/setup.md", true},
		{[]string{"docs/*.md"}, "docs/sub/setup.md", false},
		{[]string{"testdata/**"}, "testdata/x", true},
		{[]string{"go.sum"}, "tools/go.sum", true},
		{nil, "a.go", false},
		{[]string{"*.js.map"}, "a/b.js.map", true},
		{[]string{"a[/]b"}, "x/a/b", true},
		{[]string{"a\\/b"}, "x/a/b", true},
		{[]string{"[^x]b"}, "a/b", false},
	}
	for _, tt := range tests {
		if got := matchAnyPath(tt.patterns, tt.rel); got != tt.want {
			t.Errorf("matchAnyPath(%q, %q) = %v, want %v", tt.patterns, tt.rel, got, tt.want)
		}
	}
}

// TestMatchAnyPathAgreesWithTrailingMatch checks the one-element fast path
// against matching every trailing run of elements, on random patterns and
// paths.
func TestMatchAnyPathAgreesWithTrailingMatch(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	const alphabet = "ab./*?"
	pick := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	for i := 0; i < 20000; i++ {
		p := strings.ReplaceAll(pick(1+r.IntN(5)), "/", "")
		rel := strings.NewReplacer("*", "a", "?", "b").Replace(pick(r.IntN(9)))
		if got, want := matchAnyPath([]string{p}, rel), matchTrailing(p, rel); got != want {
			t.Fatalf("matchAnyPath(%q, %q) = %v, matching every trailing run gives %v", p, rel, got, want)
		}
	}
}

// TestPathSetAgreesWithMatchAnyPath checks the compiled pattern set
// against matchAnyPath on random pattern lists and paths, and on the
// default list.
func TestPathSetAgreesWithMatchAnyPath(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	const alphabet = "ab./*?["
	pick := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	rels := []string{"go.sum", "a/go.sum", "web/app.js.map", "x.min.js.map", "go.summary", "a/b/.threatmapignore", "package-lock.json.bak"}
	for _, rel := range rels {
		if got, want := defaultAllowSet.match(rel), matchAnyPath(defaultAllowPaths, rel); got != want {
			t.Errorf("default set on %q: %v, matchAnyPath %v", rel, got, want)
		}
	}
	for i := 0; i < 20000; i++ {
		var patterns []string
		for range 1 + r.IntN(3) {
			patterns = append(patterns, pick(1+r.IntN(5)))
		}
		rel := strings.NewReplacer("*", "a", "?", "b", "[", "a").Replace(pick(r.IntN(9)))
		if got, want := compilePaths(patterns).match(rel), matchAnyPath(patterns, rel); got != want {
			t.Fatalf("compiled %q on %q: %v, matchAnyPath %v", patterns, rel, got, want)
		}
	}
}

func TestInlineAllowed(t *testing.T) {
	data := []byte("a = 1\nkey = \"x\" # threatmap:allow\nkey2 = \"y\"\n")
	if !inlineAllowed(data, 13, 14) {
		t.Error("allow comment on the secret's line not honoured")
	}
	if inlineAllowed(data, 39, 40) {
		t.Error("allow comment leaked to the next line")
	}
}

func TestFingerprintIgnored(t *testing.T) {
	commit := "0123456789abcdef0123456789abcdef01234567"
	fp := fingerprint(commit, "a.go", "github-pat", "s")
	bare := fingerprint("", "a.go", "github-pat", "s")
	tests := []struct {
		listed string
		want   bool
	}{
		{fp, true},
		{bare, true}, // a working-tree entry covers the same secret in history
		{fingerprint("", "b.go", "github-pat", "s"), false},
		{fingerprint("", "a.go", "github-pat", "t"), false},
	}
	for _, tt := range tests {
		sup := &suppressions{fingerprints: map[string]bool{tt.listed: true}}
		if got := sup.fingerprintIgnored(fp); got != tt.want {
			t.Errorf("listed %q: ignored = %v, want %v", tt.listed, got, tt.want)
		}
	}
}

func TestReadBaselineErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	sup := &suppressions{fingerprints: map[string]bool{}}
	if err := sup.readBaseline(bad); err == nil {
		t.Error("malformed baseline accepted")
	}
	if err := sup.readBaseline(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing baseline accepted")
	}
}
