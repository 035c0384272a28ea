package routes

import (
	"context"
	"fmt"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/repofs"
	"github.com/threatmap/threatmap/scan/routes/jssrc"
	"github.com/threatmap/threatmap/scan/routes/pysrc"
)

// benchSeed fixes the generated corpus so runs compare.
const benchSeed = 6

// writeCorpus generates a repository of n source files split between Go
// (chi and net/http), Python (Flask and FastAPI) and TypeScript (Express),
// each registering routes with prefixes and middleware and padded with
// ordinary code, as real services are.
func writeCorpus(tb testing.TB, dir string, n int) (files int, size int64) {
	tb.Helper()
	r := rand.New(rand.NewPCG(benchSeed, benchSeed))
	words := []string{"users", "orders", "items", "admin", "reports", "billing", "files", "search", "webhook", "status"}
	seg := func() string { return words[r.IntN(len(words))] }
	for i := 0; i < n; i++ {
		var b strings.Builder
		var name string
		routes := 3 + r.IntN(10)
		filler := 5 + r.IntN(30)
		switch i % 3 {
		case 0:
			name = fmt.Sprintf("svc%d/routes%d.go", i%17, i)
			fmt.Fprintf(&b, "package svc%d\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/go-chi/chi/v5\"\n)\n\n", i%17)
			fmt.Fprintf(&b, "func Routes%d() chi.Router {\n\tr := chi.NewRouter()\n\tr.Use(requireAuth%d)\n", i, i)
			for j := 0; j < routes; j++ {
				fmt.Fprintf(&b, "\tr.Get(\"/%s/{id}/%s%d\", handle%d_%d)\n", seg(), seg(), j, i, j)
			}
			fmt.Fprintf(&b, "\tr.Route(\"/%s\", func(r chi.Router) {\n\t\tr.Post(\"/\", handle%d_0)\n\t})\n\treturn r\n}\n\n", seg(), i)
			fmt.Fprintf(&b, "func requireAuth%d(next http.Handler) http.Handler { return next }\n\n", i)
			for j := 0; j < routes; j++ {
				fmt.Fprintf(&b, "func handle%d_%d(w http.ResponseWriter, r *http.Request) {\n\tw.WriteHeader(%d)\n}\n\n", i, j, 200+j)
			}
			for j := 0; j < filler; j++ {
				fmt.Fprintf(&b, "func helper%d_%d(xs []int) int {\n\tt := 0\n\tfor _, x := range xs {\n\t\tt += x * %d\n\t}\n\treturn t\n}\n\n", i, j, j)
			}
		case 1:
			name = fmt.Sprintf("app%d/views%d.py", i%13, i)
			fmt.Fprintf(&b, "from flask import Blueprint\nfrom flask_login import login_required\n\nbp = Blueprint(\"b%d\", __name__, url_prefix=\"/%s\")\n\n", i, seg())
			for j := 0; j < routes; j++ {
				fmt.Fprintf(&b, "@bp.route(\"/%s/<int:id>\", methods=[\"GET\", \"POST\"])\n@login_required\ndef view_%d(id):\n    return {\"id\": id, \"n\": %d}\n\n\n", seg(), j, j)
			}
			for j := 0; j < filler; j++ {
				fmt.Fprintf(&b, "def helper_%d(xs):\n    total = 0\n    for x in xs:\n        total += x * %d\n    return total\n\n\n", j, j)
			}
		default:
			name = fmt.Sprintf("web%d/routes%d.ts", i%11, i)
			fmt.Fprintf(&b, "import express from 'express';\nimport rateLimit from 'express-rate-limit';\n\nconst router = express.Router();\nrouter.use(rateLimit({ max: 100 }));\n\n")
			for j := 0; j < routes; j++ {
				fmt.Fprintf(&b, "router.get('/%s/:id/%s', async (req, res) => {\n  res.json({ id: req.params.id, n: %d });\n});\n", seg(), seg(), j)
			}
			for j := 0; j < filler; j++ {
				fmt.Fprintf(&b, "export function helper%d(xs: number[]): number {\n  let t = 0;\n  for (const x of xs) t += x * %d;\n  return t;\n}\n\n", j, j)
			}
			b.WriteString("export default router;\n")
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
		files++
		size += int64(b.Len())
	}
	return files, size
}

const benchFiles = 300

// BenchmarkParseOnly is the baseline: read and parse every file with the
// same parsers the scanner uses, extracting nothing.
func BenchmarkParseOnly(b *testing.B) {
	dir := b.TempDir()
	files, size := writeCorpus(b, dir, benchFiles)
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := repofs.Walk(context.Background(), dir, repofs.Options{}, func(f repofs.File) error {
			src, err := os.ReadFile(f.Path)
			if err != nil {
				return err
			}
			switch filepath.Ext(f.Rel) {
			case ".go":
				_, err = parser.ParseFile(token.NewFileSet(), f.Rel, src, parser.SkipObjectResolution)
			case ".py":
				var t interface{ Close() }
				t, err = pysrc.Parse(context.Background(), src)
				if err == nil {
					t.Close()
				}
			case ".ts":
				var t interface{ Close() }
				t, err = jssrc.Parse(context.Background(), f.Rel, src)
				if err == nil {
					t.Close()
				}
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkScan is the full scanner over the same corpus: parse, extract,
// link prefixes and guards across files, tag and check.
func BenchmarkScan(b *testing.B) {
	dir := b.TempDir()
	files, size := writeCorpus(b, dir, benchFiles)
	b.SetBytes(size)
	b.ResetTimer()
	var routes int
	for i := 0; i < b.N; i++ {
		set, err := New().Scan(context.Background(), dir)
		if err != nil {
			b.Fatal(err)
		}
		routes = len(set.Routes)
	}
	b.ReportMetric(float64(files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
	b.ReportMetric(float64(routes), "routes")
}

// TestBenchCorpus keeps the generated corpus honest: every route the
// generator writes is found.
func TestBenchCorpus(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, 30)
	set, err := New().Scan(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	err = repofs.Walk(context.Background(), dir, repofs.Options{}, func(f repofs.File) error {
		src, err := os.ReadFile(f.Path)
		if err != nil {
			return err
		}
		s := string(src)
		want += strings.Count(s, "\tr.Get(") + strings.Count(s, "\t\tr.Post(") + 2*strings.Count(s, "@bp.route(") + strings.Count(s, "router.get(")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Routes) != want {
		t.Fatalf("found %d routes, the generator wrote %d", len(set.Routes), want)
	}
	for _, r := range set.Routes {
		if len(r.Guards) == 0 {
			t.Errorf("%s:%d %s %s has no guard; every generated route has one", r.File, r.Line, r.Method, r.Path)
		}
	}
}
