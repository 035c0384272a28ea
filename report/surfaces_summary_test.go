package report

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/model"
)

// A model with many surfaces keeps the one page short: the surfaces table
// is summarised by kind, exposure and auth, and --all (no cap) lists each.
func TestLongSurfaceTableIsSummarisedOnTheOnePage(t *testing.T) {
	var b strings.Builder
	b.WriteString("system: {name: big}\ncomponents:\n  - {id: app, kind: service}\nsurfaces:\n")
	for i := range 40 {
		auth := "none"
		if i%2 == 0 {
			auth = "session"
		}
		fmt.Fprintf(&b, "  - {id: s%d, kind: endpoint, component: app, method: GET, path: /p%d, auth: %s}\n", i, i, auth)
	}
	m, diags := model.Parse("m.yaml", []byte(b.String()))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	a := assess.Assess(m, nil, nil, evidence.Set{}, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	surfaceRows := func(page string) int {
		sec := page[strings.Index(page, "## 2."):strings.Index(page, "## 3.")]
		return strings.Count(sec, "\n| ") - 1 // less the header
	}
	var capped, all strings.Builder
	if err := WriteMarkdownWith(&capped, a, MarkdownOptions{MaxRows: DefaultMaxRows}); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdownWith(&all, a, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := surfaceRows(capped.String()); n != 2 {
		t.Errorf("one page: %d surface rows, want 2 (session and none)\n%s", n, capped.String())
	}
	if !strings.Contains(capped.String(), "| 20: GET /p0, GET /p2, GET /p4 and 17 more | endpoint | public | session |") {
		t.Errorf("summary row missing:\n%s", capped.String())
	}
	if n := surfaceRows(all.String()); n != 40 {
		t.Errorf("--all: %d surface rows, want 40", n)
	}
}
