package rules

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

// fixtureNow is the date fixture models are evaluated at.
var fixtureNow = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func builtinRules(t testing.TB) []*Rule {
	t.Helper()
	rs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

var ruleID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// TestBuiltinRulesAreWellFormed checks every built-in rule's metadata: a
// unique id matching its file name, a title, STRIDE categories, an
// explanation, mitigations and a reference, and CEL that compiles.
func TestBuiltinRulesAreWellFormed(t *testing.T) {
	rs := builtinRules(t)
	if len(rs) == 0 {
		t.Fatal("no built-in rules")
	}
	seen := map[string]bool{}
	for _, r := range rs {
		if seen[r.ID] {
			t.Errorf("duplicate rule id %s", r.ID)
		}
		seen[r.ID] = true
		if !ruleID.MatchString(r.ID) {
			t.Errorf("%s: bad id", r.ID)
		}
		if want := "builtin/" + r.ID + ".yaml"; r.File != want {
			t.Errorf("rule %s lives in %s, want %s", r.ID, r.File, want)
		}
		if len(strings.TrimSpace(r.Explain)) < 80 {
			t.Errorf("%s: explanation too short to act on", r.ID)
		}
		if len(r.References) == 0 {
			t.Errorf("%s: no references (CWE, OWASP)", r.ID)
		}
		if len(r.StrideCategories()) != len(r.Stride) {
			t.Errorf("%s: bad STRIDE category in %v", r.ID, r.Stride)
		}
		if strings.HasSuffix(r.Abuse, ".") || strings.HasSuffix(r.Method, ".") {
			t.Errorf("%s: abuse and method are sentence fragments and must not end with a period", r.ID)
		}
		for _, d := range r.Difficulty {
			if strings.HasSuffix(d.Requires, ".") {
				t.Errorf("%s: requires must not end with a period", r.ID)
			}
		}
	}
	if _, diags := NewEngine(rs); len(diags) > 0 {
		t.Fatalf("built-in rules do not compile:\n%s", diags)
	}
}

// TestStrideCoverage checks that every STRIDE category is covered on every
// kind of element it applies to.
func TestStrideCoverage(t *testing.T) {
	rs := builtinRules(t)
	covered := map[string]map[string]bool{}
	for _, r := range rs {
		if covered[r.AppliesTo] == nil {
			covered[r.AppliesTo] = map[string]bool{}
		}
		for _, s := range r.Stride {
			covered[r.AppliesTo][s] = true
		}
	}
	want := map[string][]string{
		"surface":   {"spoofing", "tampering", "repudiation", "information-disclosure", "denial-of-service", "elevation-of-privilege"},
		"component": {"spoofing", "tampering", "repudiation", "information-disclosure", "denial-of-service", "elevation-of-privilege"},
		"flow":      {"spoofing", "tampering", "information-disclosure", "denial-of-service"},
		"identity":  {"spoofing", "repudiation", "information-disclosure", "elevation-of-privilege"},
	}
	for kind, cats := range want {
		for _, c := range cats {
			if !covered[kind][c] {
				t.Errorf("no rule covers %s on %s elements", c, kind)
			}
		}
	}
}

// TestRuleFixtures runs each rule on its fixture models and compares the
// threats it raises with the fixture's want list: a missing threat and an
// unexpected one both fail. Each rule must be shown both firing and not
// firing.
func TestRuleFixtures(t *testing.T) {
	rs := builtinRules(t)
	for _, r := range rs {
		t.Run(r.ID, func(t *testing.T) {
			path := filepath.Join("testdata", "rules", r.ID+".txtar")
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatalf("every rule needs a fixture: %v", err)
			}
			cases := fixtureCases(t, ar)
			if len(cases) == 0 {
				t.Fatalf("%s has no cases (want NAME.yaml with NAME.want)", path)
			}
			engine, diags := NewEngine([]*Rule{r})
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			fired, spared := 0, 0
			for _, c := range cases {
				m, diags := model.Parse(path+":"+c.name+".yaml", c.model)
				if diags.HasErrors() {
					t.Fatalf("case %s: model does not validate:\n%s", c.name, diags.Format(m.Source))
				}
				ix := link.Build(m, c.evidence, "")
				threats, rdiags := engine.Run(m, ix, Options{Now: fixtureNow})
				if len(rdiags) > 0 {
					t.Fatalf("case %s: %s", c.name, rdiags)
				}
				var got []string
				for _, th := range threats {
					got = append(got, th.ID)
					if th.Summary() == "" || th.Requires == "" {
						t.Errorf("case %s: %s has no summary or difficulty text", c.name, th.ID)
					}
				}
				slices.Sort(got)
				if !slices.Equal(got, c.want) {
					t.Errorf("case %s:\n got  %v\n want %v", c.name, got, c.want)
				}
				fired += len(got)
				spared += applicable(m, ix, r.AppliesTo) - len(got)
			}
			if fired == 0 {
				t.Error("the fixture never shows the rule firing")
			}
			if spared <= 0 {
				t.Error("the fixture never shows the rule not firing on an element it applies to")
			}
		})
	}
}

type fixtureCase struct {
	name     string
	model    []byte
	want     []string
	evidence evidence.Set
}

func fixtureCases(t *testing.T, ar *txtar.Archive) []fixtureCase {
	t.Helper()
	files := map[string][]byte{}
	var names []string
	for _, f := range ar.Files {
		files[f.Name] = f.Data
		if strings.HasSuffix(f.Name, ".yaml") {
			names = append(names, strings.TrimSuffix(f.Name, ".yaml"))
		}
	}
	var cases []fixtureCase
	for _, n := range names {
		want, ok := files[n+".want"]
		if !ok {
			t.Fatalf("case %s has no %s.want", n, n)
		}
		c := fixtureCase{name: n, model: files[n+".yaml"], want: strings.Fields(string(want))}
		slices.Sort(c.want)
		if ev, ok := files[n+".evidence.json"]; ok {
			if err := json.Unmarshal(ev, &c.evidence); err != nil {
				t.Fatalf("case %s: evidence: %v", n, err)
			}
		}
		cases = append(cases, c)
	}
	return cases
}

// applicable counts the elements a rule of the given kind is evaluated on,
// as the engine's graph counts them.
func applicable(m *model.Model, ix *link.Index, kind string) int {
	return newGraph(m, ix, time.Time{}).count(kind)
}

func TestPriority(t *testing.T) {
	tests := []struct {
		impact, difficulty string
		want               int
	}{
		{"critical", "low", 1}, {"high", "low", 1}, {"medium", "low", 2}, {"low", "low", 3},
		{"critical", "medium", 2}, {"high", "medium", 2}, {"medium", "medium", 3}, {"low", "medium", 4},
		{"critical", "high", 3}, {"high", "high", 3}, {"medium", "high", 4}, {"low", "high", 5},
	}
	for _, tt := range tests {
		i, _ := parseSev(tt.impact)
		d, _ := parseDiff(tt.difficulty)
		if got := Priority(i, d); got != tt.want {
			t.Errorf("Priority(%s, %s) = %d, want %d", tt.impact, tt.difficulty, got, tt.want)
		}
	}
}

// TestEvidenceRaisesDifficulty checks that a bucket the model calls private
// but the infrastructure makes public is ranked as easy to exploit.
func TestEvidenceRaisesDifficulty(t *testing.T) {
	rs := builtinRules(t)
	var rule *Rule
	for _, r := range rs {
		if r.ID == "public-bucket" {
			rule = r
		}
	}
	engine, _ := NewEngine([]*Rule{rule})
	m, _ := model.Parse("m.yaml", []byte("system: {name: x}\ncomponents:\n  - {id: b, kind: bucket, refs: [aws_s3_bucket.b]}\n"))
	set := evidence.Set{Findings: []evidence.Finding{{Scanner: "iac", Rule: "iac-s3-public", Severity: 4, Resource: "aws_s3_bucket.b", Property: evidence.PublicAccessBlocked}}}
	for _, tc := range []struct {
		set  evidence.Set
		want string
	}{{evidence.Set{}, "high"}, {set, "low"}} {
		ts, _ := engine.Run(m, link.Build(m, tc.set, ""), Options{Now: fixtureNow})
		if len(ts) != 1 || ts[0].Difficulty.String() != tc.want {
			t.Errorf("difficulty %v, want %s", ts, tc.want)
		}
	}
}
