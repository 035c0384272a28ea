package cli

import "testing"

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
