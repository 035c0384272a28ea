package secrets

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGoldenOutput renders the fixture tree's findings in every scan output
// format and compares them with the golden files, so that any change to
// what a user sees is reviewed. Secrets in them are masked.
func TestGoldenOutput(t *testing.T) {
	root := materialize(t, "testdata/tree", 42)
	set, err := New(Options{}).Scan(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]report.RuleDoc{}
	for _, r := range Rules() {
		docs[r.ID] = report.RuleDoc{ID: r.ID, Title: r.Title, Help: r.Description, Severity: r.Severity, Tags: []string{"secrets"}}
	}
	for _, format := range []report.Format{report.FormatText, report.FormatJSON, report.FormatSARIF} {
		var buf bytes.Buffer
		if err := report.WriteFindings(&buf, format, set, docs); err != nil {
			t.Fatal(err)
		}
		got := strings.ReplaceAll(buf.String(), root, "ROOT")
		golden := filepath.Join("testdata", "golden", "tree."+string(format))
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./scan/secrets -run TestGoldenOutput -update)", err)
		}
		if got != string(want) {
			t.Errorf("%s output differs from %s (run with -update and review the diff):\n%s", format, golden, got)
		}
	}
}
