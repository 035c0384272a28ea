package modelgen

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/model"
)

// TestDenseModelsValidate checks that the dense generator writes models
// the loader accepts, with the element counts its doc promises.
func TestDenseModelsValidate(t *testing.T) {
	for _, n := range []int{1, 7, 50, 400} {
		var buf bytes.Buffer
		if err := Dense(&buf, n); err != nil {
			t.Fatal(err)
		}
		m, diags := model.Parse("dense.yaml", buf.Bytes())
		if diags.HasErrors() {
			t.Fatalf("n=%d: %v", n, diags.Errors()[0])
		}
		if len(m.Components) != n || len(m.Flows) == 0 && n > 1 {
			t.Errorf("n=%d: %d components, %d flows", n, len(m.Components), len(m.Flows))
		}
	}
	if err := Dense(&bytes.Buffer{}, 0); err == nil {
		t.Error("n=0 accepted")
	}
}

// TestThreagileReplicatesAndTranslates replicates a small Threagile model
// three times and checks that the translation validates, holds every
// element once per replica, keeps links inside their replica, and drops
// risk tracking.
func TestThreagileReplicatesAndTranslates(t *testing.T) {
	src, err := os.ReadFile("testdata/threagile-small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var tg, tm bytes.Buffer
	if err := Threagile(src, 9, &tg, &tm); err != nil {
		t.Fatal(err)
	}
	m, diags := model.Parse("threatmap.yaml", tm.Bytes())
	if diags.HasErrors() {
		t.Fatalf("%v\n%s", diags.Errors()[0], tm.String())
	}
	if len(m.Components) != 9 || len(m.Assets) != 6 || len(m.Flows) != 6 || len(m.Boundaries) != 6 {
		t.Errorf("%d components, %d assets, %d flows, %d boundaries; want 9, 6, 6, 6", len(m.Components), len(m.Assets), len(m.Flows), len(m.Boundaries))
	}
	for _, f := range m.Flows {
		if f.From[len(f.From)-3:] != f.To[len(f.To)-3:] {
			t.Errorf("flow %s crosses replicas", f.ID)
		}
	}
	if !strings.Contains(tg.String(), "date: \"2026-01-02\"") && !strings.Contains(tg.String(), "date: 2026-01-02") {
		t.Errorf("date not kept as written:\n%s", tg.String())
	}
	if strings.Contains(tg.String(), "risk_tracking") {
		t.Error("risk tracking kept")
	}
}

// FuzzThreagile feeds arbitrary YAML to the replicator: an error or a
// translation, never a panic.
func FuzzThreagile(f *testing.F) {
	if src, err := os.ReadFile("testdata/threagile-small.yaml"); err == nil {
		f.Add(src)
	}
	f.Add([]byte("technical_assets: {a: {id: a, communication_links: {l: 1}}}"))
	f.Add([]byte("technical_assets: {a: 1}\ndata_assets: [1]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var tg, tm bytes.Buffer
		_ = Threagile(data, 3, &tg, &tm)
	})
}
