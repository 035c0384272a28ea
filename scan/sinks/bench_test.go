package sinks

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkScan measures the scanner on a reproducible corpus: the fixture
// trees copied 50 times (about 0.7 MB of Python, JS/TS and Go), so that
// parser start-up does not dominate. It reports bytes per second; see
// docs/sinks.md for the figure and for timings on public apps.
func BenchmarkScan(b *testing.B) {
	root := b.TempDir()
	var size int64
	for i := 0; i < 50; i++ {
		err := filepath.WalkDir("testdata/cases", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel("testdata/cases", p)
			dst := filepath.Join(root, fmt.Sprintf("copy%02d", i), rel)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			size += int64(len(src))
			return os.WriteFile(dst, src, 0o600)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := New().Scan(context.Background(), root); err != nil {
			b.Fatal(err)
		}
	}
}
