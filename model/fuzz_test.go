package model

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the loader: it must never panic, and
// every diagnostic must carry the file name.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"err", "ok"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.yaml"))
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, diags := Parse("f.yaml", data)
		if m == nil {
			t.Fatal("Parse returned no model")
		}
		for _, d := range diags {
			if d.Pos.File != "f.yaml" && d.Pos.File != "" {
				t.Fatalf("diagnostic names %q", d.Pos.File)
			}
		}
		_ = diags.Format(m.Source)
	})
}
