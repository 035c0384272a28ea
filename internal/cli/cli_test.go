package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixedNow is the clock every CLI test runs at, so review dates and
// acceptances give the same answer on any day.
func fixedNow() time.Time { return time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) }

// run executes threatmap in-process from the repository root.
func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	c := &Command{Stdout: &out, Stderr: &errb, Dir: repoRoot(t), Now: fixedNow, Getenv: func(string) string { return "" }}
	code = c.Main(args)
	return out.String(), errb.String(), code
}

func repoRoot(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run with -update after checking the change)\n--- got ---\n%s", name, got)
	}
}

type threatJSON struct {
	ID          string   `json:"id"`
	Rule        string   `json:"rule"`
	Stride      []string `json:"stride"`
	Surface     string   `json:"surface"`
	Assets      []string `json:"assets"`
	Difficulty  string   `json:"difficulty"`
	Impact      string   `json:"impact"`
	Priority    int      `json:"priority"`
	Summary     string   `json:"summary"`
	Mitigations []string `json:"mitigations"`
	Response    string   `json:"response"`
	Status      string   `json:"status"`
}

func reportJSON(t *testing.T, path string, extra ...string) []threatJSON {
	t.Helper()
	out, errOut, code := run(t, append([]string{"report", "--format", "json", path}, extra...)...)
	if code != 0 {
		t.Fatalf("report exited %d: %s", code, errOut)
	}
	var doc struct {
		Threats []threatJSON `json:"threats"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, out)
	}
	return doc.Threats
}

// TestDocqaSevenRows checks that the docqa example's threat map holds the
// seven rows of the seed's table, with the seed's difficulties and
// mitigations.
func TestDocqaSevenRows(t *testing.T) {
	threats := reportJSON(t, "examples/docqa")
	rows := []struct {
		surface    string
		asset      string
		difficulty string
		mitigation []string // words each row's mitigations must mention
	}{
		{"POST /api/chat", "credits", "low", []string{"rate limit", "budget alert"}},
		{"POST /api/upload", "user-data", "medium", []string{"MIME", "signature", "opaque", "signed URL"}},
		{"GET /api/documents/:id", "user-data", "low", []string{"ownership", "UUID"}},
		{"POST /webhook/stripe", "billing-state", "low", []string{"signature", "idempotency"}},
		{"S3 bucket", "user-data", "low", []string{"public access", "opaque", "signed URL"}},
		{"/admin", "credentials", "low", []string{"internal network", "MFA", "allowlist"}},
		{".env / environment", "credentials", "low", []string{"secret scanning", ".gitignore", "secret store", "Rotate"}},
	}
	for _, row := range rows {
		var found *threatJSON
		var candidates []string
		for i, th := range threats {
			if th.Surface != row.surface || !contains(th.Assets, row.asset) || th.Difficulty != row.difficulty {
				continue
			}
			candidates = append(candidates, th.ID)
			all := strings.ToLower(strings.Join(th.Mitigations, " "))
			ok := true
			for _, word := range row.mitigation {
				ok = ok && strings.Contains(all, strings.ToLower(word))
			}
			if ok {
				found = &threats[i]
				break
			}
		}
		if found == nil {
			t.Errorf("no threat on %q at risk %q with difficulty %s whose mitigations mention %q (candidates: %v)", row.surface, row.asset, row.difficulty, row.mitigation, candidates)
			continue
		}
		if found.Summary == "" || !strings.HasPrefix(found.Summary, "If "+row.surface+" is abused") {
			t.Errorf("%s: summary %q is not the one-liner", row.surface, found.Summary)
		}
		if found.Priority < 1 || found.Priority > 2 {
			t.Errorf("%s: priority %d, want 1 or 2", row.surface, found.Priority)
		}
	}
}

// TestReportJSONContract checks the fields other tools rely on.
func TestReportJSONContract(t *testing.T) {
	out, _, code := run(t, "report", "--format", "json", "examples/docqa")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	threats, ok := doc["threats"].([]any)
	if !ok || len(threats) == 0 {
		t.Fatalf("no threats array")
	}
	for _, th := range threats {
		m := th.(map[string]any)
		for _, key := range []string{"id", "rule", "stride", "surface", "assets", "difficulty", "impact", "priority", "summary", "mitigations", "response", "status"} {
			if _, ok := m[key]; !ok {
				t.Errorf("threat %v lacks %q", m["id"], key)
			}
		}
		if id, rule, el := m["id"].(string), m["rule"].(string), m["element"].(string); id != rule+"@"+el {
			t.Errorf("id %q is not RULE@ELEMENT (%s@%s)", id, rule, el)
		}
	}
	prev := 0.0
	for _, th := range threats {
		p := th.(map[string]any)["priority"].(float64)
		if p < prev {
			t.Fatalf("threats not sorted by priority")
		}
		prev = p
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestStreamingPhasesOfTheAnalysisCommands: a command that analyzes a
// model reports its phases (reading the model, the scanners, building
// the threat map), none when it runs no scanner, and a command that does
// not analyze reports nothing.
func TestStreamingPhasesOfTheAnalysisCommands(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want []bool
	}{
		{[]string{"report", "-f", "json", "examples/docqa"}, []bool{false, true, false}},
		{[]string{"check", "examples/docqa"}, []bool{false, true, false}},
		{[]string{"check", "--no-scan", "examples/docqa"}, []bool{false, false}},
		{[]string{"validate", "examples/docqa"}, nil},
	} {
		var out, errb bytes.Buffer
		var got []bool
		c := &Command{Stdout: &out, Stderr: &errb, Dir: repoRoot(t), Now: fixedNow, Getenv: func(string) string { return "" },
			Streaming: func(on bool) { got = append(got, on) }}
		c.Main(tt.args)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%v: phases %v, want %v", tt.args, got, tt.want)
		}
	}
}
