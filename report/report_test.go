package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/rules"
)

var update = flag.Bool("update", false, "rewrite golden files")

func goldenAssessment(t *testing.T) (*assess.Assessment, []*rules.Rule) {
	t.Helper()
	m, _, err := model.Load(filepath.Join("testdata", "model.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rs, diags := rules.LoadDir(filepath.Join("testdata", "rules"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	engine, diags := rules.NewEngine(rs)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	set := evidence.Set{
		Routes: []evidence.Route{
			{Method: "POST", Path: "/webhook/stripe", File: "api/main.go", Line: 12, Framework: "net/http", Guards: []string{"signature"}},
			{Method: "GET", Path: "/debug/pprof/", File: "api/main.go", Line: 20, Framework: "net/http", Tags: []string{"debug"}},
		},
	}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	ix := link.Build(m, set, "")
	threats, rdiags := engine.Run(m, ix, rules.Options{Now: now})
	if len(rdiags) > 0 {
		t.Fatal(rdiags)
	}
	return assess.Assess(m, threats, ix, set, now), engine.Rules()
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from its golden file (go test ./report -update, then review the diff):\n%s", name, got)
	}
}

func TestRenderersGolden(t *testing.T) {
	a, rs := goldenAssessment(t)
	var md, js, mm, sf bytes.Buffer
	if err := WriteMarkdown(&md, a); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "report.md.golden", md.Bytes())
	if err := WriteJSON(&js, NewThreatMapDoc(a, "test", "testdata/model.yaml")); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "report.json.golden", js.Bytes())
	if err := WriteMermaid(&mm, a.Model); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "flow.mermaid.golden", mm.Bytes())
	if err := WriteThreatsSARIF(&sf, a, rs, "test", func(p string) string { return filepath.ToSlash(p) }); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "report.sarif.golden", sf.Bytes())
	rep, err := sarif.FromBytes(sf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Validate(); err != nil {
		t.Errorf("SARIF does not validate: %v", err)
	}
}

// TestOutputIsDeterministic renders twice and compares byte for byte.
func TestOutputIsDeterministic(t *testing.T) {
	render := func() []byte {
		a, _ := goldenAssessment(t)
		var b bytes.Buffer
		_ = WriteMarkdown(&b, a)
		_ = WriteJSON(&b, NewThreatMapDoc(a, "test", "m"))
		return b.Bytes()
	}
	first := render()
	for range 5 {
		if !bytes.Equal(first, render()) {
			t.Fatal("two renders of the same input differ")
		}
	}
}

func TestWriteFindingsMasksAndSorts(t *testing.T) {
	set := evidence.Set{Findings: []evidence.Finding{
		{Scanner: "secrets", Rule: "b", File: "z.py", Line: 1, Secret: "sk_l****"},
		{Scanner: "secrets", Rule: "a", File: "a.py", Line: 9, Secret: "AKIA****"},
	}}
	var text, js bytes.Buffer
	if err := WriteFindings(&text, FormatText, set, nil); err != nil {
		t.Fatal(err)
	}
	if err := WriteFindings(&js, FormatJSON, set, nil); err != nil {
		t.Fatal(err)
	}
	if bytes.Index(text.Bytes(), []byte("a.py")) > bytes.Index(text.Bytes(), []byte("z.py")) {
		t.Error("findings not sorted by file")
	}
	if !bytes.Contains(text.Bytes(), []byte("2 findings")) {
		t.Errorf("no count line:\n%s", text.String())
	}
	if err := WriteFindings(&js, "xml", set, nil); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestMarkdownMaxPriority(t *testing.T) {
	a, _ := goldenAssessment(t)
	a.Threats[1].Priority = 4
	var b bytes.Buffer
	if err := WriteMarkdownWith(&b, a, MarkdownOptions{MaxPriority: 3}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "`"+a.Threats[1].ID+"`") || !strings.Contains(out, "1 more threat at priority 4 to 5") {
		t.Errorf("priority 4 threat not folded away:\n%s", out)
	}
}

func TestFindingsSARIFCarriesAdvisoryAliases(t *testing.T) {
	set := evidence.Set{Findings: []evidence.Finding{{Scanner: "deps", Rule: "known-vulnerability", Severity: 3, Message: "m", File: "requirements.txt", Line: 27,
		Package: "python-json-logger", Version: "3.2.1", Advisory: "GHSA-wmxh-pxcx-9w24", Aliases: []string{"CVE-2025-27607"}, Fixed: "3.3.0"}}}
	var b bytes.Buffer
	if err := WriteFindings(&b, FormatSARIF, set, nil); err != nil {
		t.Fatal(err)
	}
	rep, err := sarif.FromBytes(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Validate(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "CVE-2025-27607") || !strings.Contains(b.String(), `"fixed": "3.3.0"`) {
		t.Errorf("SARIF lacks the advisory's alias or fix:\n%s", b.String())
	}
}
