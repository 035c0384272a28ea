package botsrc

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/smacker/go-tree-sitter/python"

	"github.com/threatmap/threatmap/scan/routes/jssrc"
	"github.com/threatmap/threatmap/scan/routes/tsparse"
)

// benchCopies is how many times the fixtures are repeated, each copy under
// its own directory, to make the benchmark corpus: every construct this
// package reads, about 0.9 MB.
const benchCopies = 40

func benchCorpus(b *testing.B) (py, js []Source, size int64) {
	dirs, err := os.ReadDir("testdata/cases")
	if err != nil {
		b.Fatal(err)
	}
	var cpy, cjs []Source
	for _, d := range dirs {
		p, j := loadCase(b, filepath.Join("testdata/cases", d.Name()))
		for i := range p {
			p[i].Rel = d.Name() + "/" + p[i].Rel
		}
		for i := range j {
			j[i].Rel = d.Name() + "/" + j[i].Rel
		}
		cpy, cjs = append(cpy, p...), append(cjs, j...)
	}
	for c := 0; c < benchCopies; c++ {
		for _, s := range cpy {
			py = append(py, Source{Rel: fmt.Sprintf("copy%d/%s", c, s.Rel), Src: s.Src})
			size += int64(len(s.Src))
		}
		for _, s := range cjs {
			js = append(js, Source{Rel: fmt.Sprintf("copy%d/%s", c, s.Rel), Src: s.Src})
			size += int64(len(s.Src))
		}
	}
	return py, js, size
}

// BenchmarkParseOnly is the baseline: parsing the same files with the same
// grammars on every core, and nothing else.
func BenchmarkParseOnly(b *testing.B) {
	py, js, size := benchCorpus(b)
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var in []tsparse.Input
		for _, s := range py {
			in = append(in, tsparse.Input{Src: s.Src, Lang: python.GetLanguage()})
		}
		for _, s := range js {
			in = append(in, tsparse.Input{Src: s.Src, Lang: jssrc.Language(s.Rel)})
		}
		for _, r := range tsparse.All(context.Background(), in) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
			r.Tree.Close()
		}
	}
	b.ReportMetric(float64(len(py)+len(js))*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkExtract parses and extracts every entry point of the corpus.
func BenchmarkExtract(b *testing.B) {
	py, js, size := benchCorpus(b)
	b.SetBytes(size)
	b.ResetTimer()
	var n int
	for i := 0; i < b.N; i++ {
		n = len(Extract(context.Background(), py, js).Routes)
	}
	b.ReportMetric(float64(len(py)+len(js))*float64(b.N)/b.Elapsed().Seconds(), "files/s")
	b.ReportMetric(float64(n), "entries")
}
