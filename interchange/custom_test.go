package interchange

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/rules"
)

// assessCustom writes the import's custom rules, loads them beside the
// built-in ones and assesses the imported model, returning the status of
// every threat a custom rule found.
func assessCustom(t *testing.T, im *Imported, m *model.Model) map[string]string {
	t.Helper()
	files, err := im.RuleFiles()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), RulesDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	custom, diags := rules.LoadDir(dir)
	if diags.HasErrors() {
		t.Fatalf("custom rules do not load: %v", diags.Errors())
	}
	builtin, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	all, diags := rules.Merge(builtin, custom)
	if diags.HasErrors() {
		t.Fatal(diags.Errors())
	}
	engine, ds := rules.NewEngine(all)
	if len(ds) > 0 {
		t.Fatalf("custom rules do not compile: %v", ds)
	}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	ix := link.Build(m, evidence.Set{}, "")
	threats, _ := engine.Run(m, ix, rules.Options{Now: now})
	a := assess.Assess(m, threats, ix, evidence.Set{}, now)
	out := map[string]string{}
	for _, th := range a.Threats {
		for name := range files {
			if th.Rule == strings.TrimSuffix(name, ".yaml") {
				out[th.ID] = th.Status
			}
		}
	}
	if len(out) == 0 && len(files) > 0 {
		t.Errorf("%d custom rules found nothing", len(files))
	}
	return out
}
