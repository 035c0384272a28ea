package repofs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGeneratedJS(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"package.json", "web/package.json"} {
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, f), []byte(`{"main": "dist/index.js"}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code := "import express from 'express';\nconst app = express();\napp.get('/health', (req, res) => res.send('ok'));\n"
	mapped := code + "export { app as default };\n//# sourceMappingURL=index.js.map\n"
	minifiedLine := "!function(e){" + strings.Repeat("var a=e.x||{};a.y=function(b){return b+1};", 80) + "}(window);"
	for _, tc := range []struct {
		name, rel, src string
		want           bool
	}{
		{"minified", "public/js/app.min.js", minifiedLine + "\n" + minifiedLine + "\n", true},
		{"webpack runtime", "static/main.js", "/******/ (() => { // webpackBootstrap\n" + code, true},
		{"license banner", "lib/vendor.js", "/*! For license information please see vendor.js.LICENSE.txt */\n" + code, true},
		{"esbuild helper", "out.cjs", "var __commonJS = (cb, mod) => function() {};\nvar require_x = __commonJS({});\n" + code, true},
		{"source map in dist beside package.json", "dist/index.js", mapped, true},
		{"source map in a package's build", "web/build/server.mjs", mapped + "\n\n", true},
		// The project's own code.
		{"plain code in dist", "dist/index.js", code, false},
		{"source map outside a build directory", "src/index.js", mapped, false},
		{"dist without a package.json beside it", "lib/dist/index.js", mapped, false},
		{"typescript", "dist/index.ts", mapped, false},
		{"one long line of data", "src/data.js", "export const d = '" + strings.Repeat("x", 3000) + "';\n" + strings.Repeat("const a = 1;\n", 200), false},
	} {
		if got := GeneratedJS(root, tc.rel, []byte(tc.src)); got != tc.want {
			t.Errorf("%s: GeneratedJS(%s) = %v, want %v", tc.name, tc.rel, got, tc.want)
		}
	}
}

// TestWalkExclude: paths matching the patterns a context carries are never
// handed to the callback, excluded directories are not entered, and both
// are counted.
func TestWalkExclude(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"server.js", "dist/index.js", "dist/deep/chunk.js", "web/build/app.js", "src/gen.pb.go", "src/main.go"} {
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var tally Tally
	ctx := WithExclude(WithTally(context.Background(), &tally), []string{"dist/", "**/build/", "*.pb.go"})
	var got []string
	if err := Walk(ctx, root, Options{}, func(f File) error {
		got = append(got, f.Rel)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "server.js,src/main.go" {
		t.Errorf("walked %v, want server.js and src/main.go", got)
	}
	var skipped []string
	for _, s := range tally.Skipped() {
		if s.Reason == SkipExcluded {
			skipped = append(skipped, s.Rel)
		}
	}
	if strings.Join(skipped, ",") != "dist,src/gen.pb.go,web/build" {
		t.Errorf("skipped as excluded: %v", skipped)
	}
}
