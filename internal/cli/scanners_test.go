package cli

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/scan/iac"
)

// TestIacScannerSkipsTheModel: report and check do not hand the model file
// to the iac scanner a second time; a model outside its directory (not
// possible from Load, but not assumed) skips nothing.
func TestIacScannerSkipsTheModel(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		file string
		want []string
	}{
		{filepath.Join(dir, "threatmap.yaml"), []string{"threatmap.yaml"}},
		{filepath.Join(dir, "models", "tm.yml"), []string{"models/tm.yml"}},
		{filepath.Join(filepath.Dir(dir), "elsewhere.yaml"), nil},
	} {
		m := &model.Model{Dir: dir, File: tt.file}
		var got []string
		found := false
		for _, s := range (&Command{Getenv: func(string) string { return "" }}).scanners(m) {
			if s, ok := s.(*iac.Scanner); ok {
				got, found = s.Skip, true
			}
		}
		if !found || !slices.Equal(got, tt.want) {
			t.Errorf("model %s: iac scanner skips %v (found %v), want %v", tt.file, got, found, tt.want)
		}
	}
}

func TestExcluded(t *testing.T) {
	patterns := []string{"vendor/", "**/testdata/", "*_test.go", "docs/ci/threatmap.yml", "examples"}
	tests := []struct {
		file string
		want bool
	}{
		{"vendor/x/y.go", true},
		{"scan/secrets/testdata/a.txt", true},
		{"testdata/a.txt", true},
		{"model/model_test.go", true},
		{"docs/ci/threatmap.yml", true},
		{"examples/docqa/.env", true},
		{"model/model.go", false},
		{"vendored/x.go", false},
		{"mytestdata/x", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := excluded(tt.file, patterns); got != tt.want {
			t.Errorf("excluded(%q) = %v, want %v", tt.file, got, tt.want)
		}
	}
}
