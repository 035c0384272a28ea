package routes

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/scan/routes/pysrc"
)

// BenchmarkPython runs the Python extractor alone on the Python files of
// the seeded corpus (Flask blueprints, about a third of its files), so
// that its cost can be compared across versions without the Go and
// JavaScript extractors in the figure.
func BenchmarkPython(b *testing.B) {
	dir := b.TempDir()
	writeCorpus(b, dir, benchFiles)
	var srcs []pysrc.Source
	var size int64
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".py") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		srcs = append(srcs, pysrc.Source{Rel: filepath.ToSlash(rel), Src: src})
		size += int64(len(src))
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		routes, errs := pysrc.Extract(context.Background(), srcs)
		if len(routes) == 0 || len(errs) > 0 {
			b.Fatalf("%d routes, %d parse errors", len(routes), len(errs))
		}
	}
	b.ReportMetric(float64(len(srcs))*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}
