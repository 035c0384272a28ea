package rules

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/threatmap/threatmap/internal/modelgen"
	"github.com/threatmap/threatmap/model"
)

// BenchmarkAnalysisDense loads and evaluates the dense, Threagile-shaped
// model (internal/modelgen) at 300, 1,000 and 3,000 components: about
// four flows and three stored assets per component, assets on every
// surface and link. ns/component staying flat shows that no rule walks
// the model per element.
func BenchmarkAnalysisDense(b *testing.B) {
	rs, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	engine, diags := NewEngine(rs)
	if len(diags) > 0 {
		b.Fatal(diags)
	}
	for _, n := range []int{300, 1000, 3000} {
		var buf bytes.Buffer
		if err := modelgen.Dense(&buf, n); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			threats := 0
			for b.Loop() {
				m, diags := model.Parse("dense.yaml", buf.Bytes())
				if diags.HasErrors() {
					b.Fatal(diags.Errors()[0])
				}
				ts, rdiags := engine.Run(m, nil, Options{Now: fixtureNow})
				if len(rdiags) > 0 {
					b.Fatal(rdiags)
				}
				threats = len(ts)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/component")
			b.ReportMetric(float64(threats), "threats")
		})
	}
}

// BenchmarkStartup reads the built-in rules and compiles them (from
// checked.bin), what every run does before it evaluates anything.
func BenchmarkStartup(b *testing.B) {
	b.Run("builtin", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Builtin(); err != nil {
				b.Fatal(err)
			}
		}
	})
	rs, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("precompile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Precompile(rs)
		}
	})
}
