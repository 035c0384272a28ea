package gosrc

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzExtract feeds arbitrary Go source to the extractor, alone and beside
// a router-declaring file, which must never panic or hang.
func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob("../testdata/cases/go_*/*.go")
	more, _ := filepath.Glob("../testdata/cases/go_*/*/*/*.go")
	for _, p := range append(files, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("package p\nfunc f() { r := chi.NewRouter(); r.Route(\"/\", func(r chi.Router) { r.Mount(\"/\", r) }) }"))
	other := []byte("package main\nimport \"net/http\"\nfunc Register(m *http.ServeMux) { m.HandleFunc(\"GET /x\", nil) }\n")
	f.Fuzz(func(t *testing.T, src []byte) {
		mods := []Module{{Path: "example.com/m", Dir: "."}}
		start := time.Now()
		routes, _, _ := Extract(context.Background(), []Source{{Rel: "main.go", Src: src}, {Rel: "b.go", Src: other}}, mods)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("extraction took %v", d)
		}
		for _, r := range routes {
			if r.Guards == nil || r.Path == "" || r.Path[0] != '/' {
				t.Fatalf("bad route %+v", r)
			}
		}
	})
}
