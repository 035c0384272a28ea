package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/threatmap/threatmap/model"
)

// FuzzValidModelsNeverFailTheEngine checks the promise that a model which
// validates never makes the built-in rules fail: whatever the fuzzer
// writes, either the loader rejects it or every rule evaluates cleanly.
func FuzzValidModelsNeverFailTheEngine(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "model", "testdata", "ok", "*.yaml"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("system: {name: x}\nsurfaces:\n  - {id: a, kind: webhook, path: /a}\n"))
	rs, err := Builtin()
	if err != nil {
		f.Fatal(err)
	}
	engine, diags := NewEngine(rs)
	if len(diags) > 0 {
		f.Fatal(diags)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, diags := model.Parse("f.yaml", data)
		if diags.HasErrors() {
			return
		}
		if _, rdiags := engine.Run(m, nil, Options{Now: fixtureNow}); len(rdiags) > 0 {
			t.Fatalf("a valid model made the engine fail:\n%s\nmodel:\n%s", rdiags, data)
		}
	})
}

func TestCustomRuleErrorsArePositioned(t *testing.T) {
	src := `id: my-rule
title: Mine
stride: [tampering]
applies_to: surface
when: e.kind == 
difficulty:
  - level: low
    requires: nothing
abuse: do harm
method: doing harm
mitigations: [stop]
explain: x
`
	r, diags := ParseRule("custom/my-rule.yaml", []byte(src))
	if diags.HasErrors() || r == nil {
		t.Fatalf("shape should parse: %v", diags)
	}
	good := &Rule{ID: "fine", Title: "x", Stride: []string{"tampering"}, AppliesTo: "surface",
		When: `e.kind == "page"`, Difficulty: []Difficulty{{Level: "low", Requires: "x"}},
		Abuse: "a", Method: "b", Mitigations: []string{"c"}, Explain: "d"}
	engine, cdiags := NewEngine([]*Rule{r, good})
	if len(cdiags) != 1 || !strings.HasPrefix(cdiags[0].String(), "custom/my-rule.yaml:5:7: error: rule my-rule:") {
		t.Fatalf("CEL error not positioned at the when value: %v", cdiags)
	}
	// The rule that does not compile is left out; the others run.
	if rs := engine.Rules(); len(rs) != 1 || rs[0].ID != "fine" {
		t.Fatalf("compiled rules %v, want only fine", rs)
	}
	m, mdiags := model.Parse("m.yaml", []byte("system: {name: x}\nsurfaces:\n  - {id: s, kind: page}\n"))
	if mdiags.HasErrors() {
		t.Fatal(mdiags)
	}
	if threats, rdiags := engine.Run(m, nil, Options{Now: fixtureNow}); len(threats) != 1 || len(rdiags) != 0 {
		t.Fatalf("threats %v, diags %v", threats, rdiags)
	}
	bad := strings.Replace(src, "stride: [tampering]", "stride: [tampering, sneaking]", 1)
	if _, diags := ParseRule("custom/bad.yaml", []byte(bad)); !diags.HasErrors() || !strings.Contains(diags.Error(), "custom/bad.yaml:3:") {
		t.Fatalf("bad STRIDE category not reported with position: %v", diags)
	}
}

func TestCustomRuleCannotShadowBuiltin(t *testing.T) {
	rs := []*Rule{{ID: "webhook-forgery", File: "mine.yaml"}}
	builtin, _ := Builtin()
	if _, diags := Merge(builtin, rs); !diags.HasErrors() {
		t.Fatal("a custom rule replaced a built-in one silently")
	}
}

func TestRuntimeErrorIsReportedNotFatal(t *testing.T) {
	r := &Rule{ID: "boom", Title: "x", Stride: []string{"tampering"}, AppliesTo: "surface",
		When: `e.no_such_key == 1`, Difficulty: []Difficulty{{Level: "low", Requires: "x"}},
		Abuse: "a", Method: "b", Mitigations: []string{"c"}, Explain: "d"}
	engine, diags := NewEngine([]*Rule{r})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	m, mdiags := model.Parse("m.yaml", []byte("system: {name: x}\nsurfaces:\n  - {id: s, kind: page}\n  - {id: t, kind: page}\n"))
	if mdiags.HasErrors() {
		t.Fatal(mdiags)
	}
	threats, rdiags := engine.Run(m, nil, Options{Now: fixtureNow})
	if len(threats) != 0 || len(rdiags) != 1 || !strings.Contains(rdiags[0].Message, "rule boom on s") {
		t.Fatalf("threats %v, diags %v", threats, rdiags)
	}
}

// generatedModel writes a model of n components with a surface, a flow and
// an identity each, in trust zones of ten, for benchmarks.
func generatedModel(n int) []byte {
	var b strings.Builder
	b.WriteString("system: {name: generated, reviewed: 2026-10-01, review_every: 90d}\nassets:\n")
	b.WriteString("  - {id: data, kind: user-data}\n  - {id: keys, kind: credentials}\n  - {id: credits, kind: credits}\n")
	b.WriteString("components:\n")
	kinds := []string{"service", "datastore", "bucket", "queue", "function", "third-party", "admin", "cache"}
	for i := range n {
		fmt.Fprintf(&b, "  - {id: c%d, kind: %s, runs_as: id%d, stores: [data]}\n", i, kinds[i%len(kinds)], i%(n/4+1))
	}
	b.WriteString("identities:\n")
	for i := range n/4 + 1 {
		fmt.Fprintf(&b, "  - {id: id%d, kind: iam-role, scope: broad}\n", i)
	}
	b.WriteString("surfaces:\n")
	skinds := []string{"endpoint", "webhook", "upload", "admin", "exit"}
	for i := range n {
		k := skinds[i%len(skinds)]
		switch k {
		case "exit":
			fmt.Fprintf(&b, "  - {id: s%d, kind: exit, exit: error, component: c%d}\n", i, i)
		default:
			fmt.Fprintf(&b, "  - {id: s%d, kind: %s, component: c%d, method: POST, path: /r%d/:id, costly: %v, assets: [data, credits], sender: stripe}\n", i, k, i, i, i%2 == 0)
		}
	}
	b.WriteString("flows:\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  - {from: c%d, to: c%d, data: [data], protocol: %s}\n", i-1, i, []string{"https", "http"}[i%2])
	}
	b.WriteString("boundaries:\n")
	for z := 0; z*10 < n; z++ {
		fmt.Fprintf(&b, "  - {id: z%d, components: [", z)
		for i := z * 10; i < min(n, z*10+10); i++ {
			if i > z*10 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "c%d", i)
		}
		b.WriteString("]}\n")
	}
	return []byte(b.String())
}

// BenchmarkAnalysis times loading and evaluating generated models of 100,
// 1,000 and 10,000 components; ns/component staying flat across sizes shows
// the cost grows linearly.
func BenchmarkAnalysis(b *testing.B) {
	rs, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	engine, diags := NewEngine(rs)
	if len(diags) > 0 {
		b.Fatal(diags)
	}
	for _, n := range []int{100, 1000, 10000} {
		data := generatedModel(n)
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			threats := 0
			for b.Loop() {
				m, diags := model.Parse("gen.yaml", data)
				if diags.HasErrors() {
					b.Fatal(diags.Errors()[0])
				}
				ts, rdiags := engine.Run(m, nil, Options{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
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
