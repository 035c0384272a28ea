package routes

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/repofs"
	"github.com/threatmap/threatmap/scan/routes/botsrc"
	"github.com/threatmap/threatmap/scan/routes/tfsrc"
)

// BenchmarkSurfacesOnRouteCorpus runs only the extractors of entry points
// that are not HTTP routes over the corpus of BenchmarkScan (Go, Flask and
// Express services with no bot, action, queue or Terraform code): what they
// add to a scan of an ordinary web service. Compare with BenchmarkScan in
// the same run.
func BenchmarkSurfacesOnRouteCorpus(b *testing.B) {
	dir := b.TempDir()
	files, size := writeCorpus(b, dir, benchFiles)
	var py, js []botsrc.Source
	err := repofs.Walk(context.Background(), dir, repofs.Options{}, func(f repofs.File) error {
		src, err := os.ReadFile(f.Path)
		if err != nil {
			return err
		}
		switch filepath.Ext(f.Rel) {
		case ".py":
			py = append(py, botsrc.Source{Rel: f.Rel, Src: src})
		case ".ts":
			js = append(js, botsrc.Source{Rel: f.Rel, Src: src})
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var set evidence.Set
		if rs := surfaces(context.Background(), py, js, []tfsrc.File{}, &set); len(rs) != 0 {
			b.Fatalf("found %d entry points in a corpus that has none", len(rs))
		}
	}
	b.ReportMetric(float64(files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}
