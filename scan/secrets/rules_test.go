package secrets

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/evidence"
)

// samplePath is the file name a rule's samples are scanned as: the file
// kind a rule is limited to, else a configuration file (where unquoted
// values count, which makes the false-positive samples a stricter test).
func samplePath(r *rule) string {
	switch r.id {
	case "dockerfile-secret":
		return "Dockerfile"
	case "compose-secret":
		return "docker-compose.yml"
	case "ci-secret":
		return ".github/workflows/ci.yml"
	case "env-file-secret":
		return ".env"
	case "npmrc-auth":
		return ".npmrc"
	}
	return "settings.conf"
}

// scanText runs s over text as if it were the file rel.
func scanText(t testing.TB, s *Scanner, rel, text string) []evidence.Finding {
	t.Helper()
	buf := make([]byte, 0, chunkSize+maxWindow)
	found, err := s.scanReader(s.det.newScratch(), &buf, strings.NewReader(text), rel, "", &suppressions{})
	if err != nil {
		t.Fatalf("scan %s: %v", rel, err)
	}
	return found
}

func TestRuleSamples(t *testing.T) {
	s := New(Options{Reveal: true})
	x := newExpander(1)
	for _, r := range s.det.rules {
		t.Run(r.id, func(t *testing.T) {
			if len(r.tp) == 0 || len(r.fp) == 0 {
				t.Fatalf("rule %s needs true- and false-positive samples", r.id)
			}
			for _, tmpl := range r.tp {
				text := x.expand(tmpl)
				found := scanText(t, s, samplePath(r.rule), text)
				if !slices.ContainsFunc(found, func(f evidence.Finding) bool { return f.Rule == r.id }) {
					t.Errorf("true positive not found by %s:\n%s\ngot %v", r.id, text, rules(found))
				}
			}
			for _, tmpl := range r.fp {
				text := x.expand(tmpl)
				if found := scanText(t, s, samplePath(r.rule), text); len(found) > 0 {
					t.Errorf("false positive sample reported:\n%s\ngot %v (secret %q)", text, rules(found), found[0].Secret)
				}
			}
		})
	}
}

func rules(fs []evidence.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

var ruleIDPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

func TestRulesMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if !ruleIDPattern.MatchString(r.ID) {
			t.Errorf("rule id %q is not kebab-case", r.ID)
		}
		if seen[r.ID] {
			t.Errorf("duplicate rule id %q", r.ID)
		}
		seen[r.ID] = true
		if r.Title == "" || len(r.Description) < 40 {
			t.Errorf("rule %s needs a title and a description", r.ID)
		}
		if r.Property != evidence.NoSecretsInRepo && r.Property != evidence.EnvIgnored {
			t.Errorf("rule %s has property %q", r.ID, r.Property)
		}
	}
	for _, r := range builtinRules() {
		if len(r.keywords) == 0 {
			t.Errorf("rule %s has no keywords: the prefilter would never run it", r.id)
		}
		if r.before > maxWindow || r.after > maxWindow {
			t.Errorf("rule %s window exceeds maxWindow", r.id)
		}
		if r.caseSensitive {
			// Every case-sensitive keyword must be able to start a match.
			re := regexp.MustCompile(r.pattern)
			_ = re
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ab", "****"},
		{"hunter22", "hu******"},
		{"ghp_0123456789abcdefghijklmnopqrstuvwxyz", "ghp_0123************"},
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestShannon(t *testing.T) {
	if h := shannon("aaaa"); h != 0 {
		t.Errorf("shannon(aaaa) = %v", h)
	}
	if h := shannon("ab"); h != 1 {
		t.Errorf("shannon(ab) = %v", h)
	}
}

func TestIsPlaceholder(t *testing.T) {
	tests := []struct {
		v    string
		want bool
	}{
		{"AKIAIOSFODNN7EXAMPLE", true},
		{"${API_KEY}", true},
		{"$API_KEY", true},
		{"{{ .Values.token }}", true},
		{"your_api_key_here", true},
		{"xxxxxxxxxxxxxxxx", true},
		{"0000000000000000", true},
		{"process.env.API_KEY", true},
		{"os.environ['X']", true},
		{"q8ZkT2vWm4Lp9Rx7", false},
	}
	for _, tt := range tests {
		if got := isPlaceholder(tt.v); got != tt.want {
			t.Errorf("isPlaceholder(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

func TestScanRespectsCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New(Options{}).Scan(ctx, t.TempDir()); err == nil {
		// An empty directory may finish before noticing; that is fine.
		t.Log("scan of empty dir finished despite cancel")
	}
}

func TestChunkBoundary(t *testing.T) {
	// A secret straddling the first chunk boundary, and one deep in a long
	// single line, are each found exactly once with the right position.
	x := newExpander(7)
	key := x.expand("ghp_«36:alnum»")
	var b bytes.Buffer
	b.WriteString("line one\n")
	b.WriteString(strings.Repeat("a", chunkSize-maxWindow-20-b.Len()))
	b.WriteString(" ")
	col := b.Len() - len("line one\n") + 1
	b.WriteString(key)
	b.WriteString(" ")
	b.WriteString(strings.Repeat("z", 3*chunkSize))
	b.WriteString(" " + key + "\n")
	s := New(Options{})
	found := scanText(t, s, "bundle.min.js", b.String())
	if len(found) != 2 {
		t.Fatalf("got %d findings, want 2: %+v", len(found), found)
	}
	if found[0].Line != 2 || found[0].Column != col {
		t.Errorf("first at %d:%d, want 2:%d", found[0].Line, found[0].Column, col)
	}
	if found[1].Line != 2 {
		t.Errorf("second at line %d, want 2", found[1].Line)
	}
	if found[0].Fingerprint != found[1].Fingerprint {
		t.Errorf("same secret in the same file has two fingerprints")
	}
}

// TestMatchAssignmentAgreesWithPattern checks the hand-written matcher
// against the generic rule's regular expression.
func TestMatchAssignmentAgreesWithPattern(t *testing.T) {
	var generic *rule
	for _, r := range builtinRules() {
		if r.id == "generic-secret" {
			generic = r
		}
	}
	re := regexp.MustCompile(`^(?:` + generic.pattern + `)`)
	groups := []int{0, re.SubexpIndex("name"), re.SubexpIndex("secret"), re.SubexpIndex("bare")}
	inputs := []string{
		`api_key = "abc"`, `api_key="abc`, `token: xyz, next`, `password := 'p@ss w'`, `secret => "x"`,
		`a.b-c_d"] = "v"`, `key ??= "v"`, `key ||= v`, `key = `, `key = ""`, `key = "a\"b"`, `key:"a"`, "k = `tpl`",
		`key   =   bare;rest`, `key = #x`, `=x`, `key == "v"`, `key: "v' `, `x'''= "v"`,
	}
	x := newExpander(5)
	for range 2000 {
		inputs = append(inputs, x.chars(1+x.r.IntN(6), "alnum")+randomFrom(x, []string{"", `"`, `"]`, `'`, " ", "  "})+
			randomFrom(x, []string{"=", ":=", ":", "=>", "??=", "||=", "==", "-", ""})+randomFrom(x, []string{"", " ", "\t"})+
			randomFrom(x, []string{`"`, `'`, "`", "", "#"})+x.chars(x.r.IntN(8), "b64")+randomFrom(x, []string{`"`, `'`, "", " ", ";", "\\", "\n"}))
	}
	for _, in := range inputs {
		want := re.FindSubmatchIndex([]byte(in))
		got := matchAssignment([]byte(in))
		var w []int
		if want != nil {
			for _, g := range groups {
				w = append(w, want[2*g], want[2*g+1])
			}
		}
		if !slices.Equal(got, w) {
			t.Errorf("%q: got %v, want %v", in, got, w)
		}
	}
}

func randomFrom(x *expander, options []string) string { return options[x.r.IntN(len(options))] }
