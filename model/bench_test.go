package model

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/threatmap/threatmap/internal/modelgen"
)

// BenchmarkParseDense parses and checks the dense, Threagile-shaped model
// (internal/modelgen) at 1,000 and 10,000 components. MB/s is the
// model's YAML read per second; allocs/op and B/op show what the parse
// tree and the decoded model cost.
func BenchmarkParseDense(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		var buf bytes.Buffer
		if err := modelgen.Dense(&buf, n); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			for b.Loop() {
				if _, diags := Parse("dense.yaml", buf.Bytes()); diags.HasErrors() {
					b.Fatal(diags.Errors()[0])
				}
			}
		})
	}
}
