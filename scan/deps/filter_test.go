package deps

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestCollectWithFilter(t *testing.T) {
	root := t.TempDir()
	files := []string{
		"requirements.txt",
		"services/api/requirements.txt",
		"testdata/old/requirements.txt",
		"docs/example/requirements.txt",
		"pkg/fixtures/requirements.txt",
		"vendor/lib/requirements.txt",
	}
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("requests==2.31.0\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name         string
		filter       Filter
		read, passed []string
	}{
		{
			name:   "defaults leave out test fixtures and docs",
			read:   []string{"requirements.txt", "services/api/requirements.txt", "vendor/lib/requirements.txt"},
			passed: []string{"docs/example/requirements.txt", "pkg/fixtures/requirements.txt", "testdata/old/requirements.txt"},
		},
		{
			name:   "include brings one back",
			filter: Filter{Include: []string{"testdata/"}},
			read:   []string{"requirements.txt", "services/api/requirements.txt", "testdata/old/requirements.txt", "vendor/lib/requirements.txt"},
			passed: []string{"docs/example/requirements.txt", "pkg/fixtures/requirements.txt"},
		},
		{
			name:   "exclude wins over include",
			filter: Filter{Include: []string{"**/fixtures/"}, Exclude: []string{"vendor/", "pkg/"}},
			read:   []string{"requirements.txt", "services/api/requirements.txt"},
			passed: []string{"docs/example/requirements.txt", "pkg/fixtures/requirements.txt", "testdata/old/requirements.txt", "vendor/lib/requirements.txt"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := CollectWith(context.Background(), root, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			got := slices.Sorted(slices.Values(inv.Files))
			if !slices.Equal(got, tt.read) {
				t.Errorf("read %v, want %v", got, tt.read)
			}
			skipped := slices.Sorted(slices.Values(inv.Excluded))
			if !slices.Equal(skipped, tt.passed) {
				t.Errorf("excluded %v, want %v", skipped, tt.passed)
			}
			if len(inv.Packages) != len(tt.read) {
				t.Errorf("%d packages from %d files", len(inv.Packages), len(tt.read))
			}
		})
	}
}
