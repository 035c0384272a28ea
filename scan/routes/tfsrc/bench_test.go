package tfsrc

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/threatmap/threatmap/scan/iac/terraform"
)

// benchCorpus repeats the fixture modules, each copy its own module
// directory.
func benchCorpus(b *testing.B) ([]File, int64) {
	var files []File
	var size int64
	for c := 0; c < 100; c++ {
		for _, dir := range []string{"rest", "httpapi", "events"} {
			for _, f := range loadDir(b, filepath.Join("testdata/cases", dir)) {
				files = append(files, File{Rel: fmt.Sprintf("m%d/%s/%s", c, dir, f.Rel), Src: f.Src})
				size += int64(len(f.Src))
			}
		}
	}
	return files, size
}

// BenchmarkLoadOnly is the baseline: loading the same modules with the
// shared Terraform loader, and nothing else.
func BenchmarkLoadOnly(b *testing.B) {
	files, size := benchCorpus(b)
	b.SetBytes(size)
	b.ResetTimer()
	byDir := map[string][]File{}
	for _, f := range files {
		byDir[filepath.Dir(f.Rel)] = append(byDir[filepath.Dir(f.Rel)], f)
	}
	for i := 0; i < b.N; i++ {
		for dir, fs := range byDir {
			terraform.Load(dir, fs)
		}
	}
}

// BenchmarkExtract loads the modules and extracts their routes, consumers
// and schedules.
func BenchmarkExtract(b *testing.B) {
	files, size := benchCorpus(b)
	b.SetBytes(size)
	b.ResetTimer()
	var n int
	for i := 0; i < b.N; i++ {
		n = len(Extract(files).Routes)
	}
	b.ReportMetric(float64(n), "entries")
}
