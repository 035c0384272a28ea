package jssrc

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fuzzNames are the file names a fuzzed source is tried under, so every
// grammar and every file-system routing convention is exercised.
var fuzzNames = []string{"app.js", "server.ts", "page.tsx", "pages/api/users/[id].ts", "src/app/(g)/api/x/route.ts", "src/cats.controller.ts"}

// FuzzExtract feeds arbitrary JavaScript or TypeScript to the extractor,
// which must never panic or hang.
func FuzzExtract(f *testing.F) {
	for _, pat := range []string{"../testdata/cases/js_*/*.js", "../testdata/cases/js_*/*/*.js", "../testdata/cases/ts_*/*/*.ts", "../testdata/cases/ts_*/*/*/*.ts", "../testdata/cases/falsepos/*.js"} {
		files, _ := filepath.Glob(pat)
		for i, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b, uint8(i))
			}
		}
	}
	f.Add([]byte("app.use('/a', app); module.exports = app; app.route('/x').get(h).post(h)"), uint8(0))
	f.Add([]byte("@Controller({path: `${x}`}) export class C { @Get([':a', 'b']) m() {} }"), uint8(5))
	// Handlers followed into another module, a wrapper and a factory.
	f.Add([]byte("const c = require('./routes/b');\nconst r = require('express').Router();\nr.post('/x', c.create, wrap(c.list), f());\nfunction f() { return (req, res) => {} }\nmodule.exports = r;"), uint8(0))
	other := []byte("const express = require('express');\nconst router = express.Router();\nrouter.get('/b', (req, res) => {});\nmodule.exports = router;\n")
	f.Fuzz(func(t *testing.T, src []byte, name uint8) {
		rel := fuzzNames[int(name)%len(fuzzNames)]
		start := time.Now()
		routes, _, _ := Extract(context.Background(), []Source{{Rel: rel, Src: src}, {Rel: "routes/b.js", Src: other}})
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
