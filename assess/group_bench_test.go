package assess

import (
	"fmt"
	"testing"

	"github.com/threatmap/threatmap/rules"
)

// BenchmarkGroupRows groups 200,000 threats shaped like a dense model's:
// 40 rules, a few of them in families, on 5,000 elements, most rows of
// their own (each element's assets differ) and some grouped.
func BenchmarkGroupRows(b *testing.B) {
	const elements, perElement = 5000, 40
	ts := make([]Threat, 0, elements*perElement)
	for e := range elements {
		assets := []string{fmt.Sprintf("a%d", e%97), fmt.Sprintf("a%d", e%89)}
		for r := range perElement {
			t := &rules.Threat{
				ID: fmt.Sprintf("r%d@e%d", r, e), Heading: &rules.Heading{Rule: fmt.Sprintf("r%d", r)}, Element: fmt.Sprintf("e%d", e),
				ElementKind: "surface", Assets: assets, Priority: 1 + r%5, Abuse: fmt.Sprintf("abuse %d", r),
				Method: "method", Requires: "requires", Guidance: &rules.Guidance{}}
			if r%10 == 0 {
				t.Family = fmt.Sprintf("f%d", r%20)
			}
			ts = append(ts, Threat{Threat: t, Status: "open", Response: "none"})
		}
	}
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		rows = len(groupRows(ts).rowFirst)
	}
	b.ReportMetric(float64(rows), "rows")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(ts)), "ns/threat")
}
