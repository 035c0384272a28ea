package sinks

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"
)

// BenchmarkScan measures the scanner on its own fixture trees, repeated so
// that the figure is not dominated by start-up, and reports bytes per
// second (see docs/sinks.md for figures on public apps).
func BenchmarkScan(b *testing.B) {
	root := "testdata/cases"
	var size int64
	_ = filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				size += info.Size()
			}
		}
		return nil
	})
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := New().Scan(context.Background(), root); err != nil {
			b.Fatal(err)
		}
	}
}
