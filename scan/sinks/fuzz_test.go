package sinks

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func seed(f *testing.F, pattern string) {
	files, _ := filepath.Glob(pattern)
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

// checkHits fails on a finding without a position or a rule.
func checkHits(t *testing.T, hits []hit, start time.Time) {
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("analysis took %v", d)
	}
	for _, h := range hits {
		if h.rule == "" || h.line < 1 || h.col < 1 {
			t.Fatalf("bad hit %+v", h)
		}
	}
}

// FuzzPython feeds arbitrary source to the Python analyser, which must
// never panic or hang.
func FuzzPython(f *testing.F) {
	seed(f, "testdata/cases/py/*.py")
	seed(f, "testdata/cases/logic/api/*.py")
	seed(f, "testdata/cases/reset/flaskapp/*.py")
	seed(f, "testdata/cases/privkey/api/*.py")
	seed(f, "testdata/cases/credentials/pyapp/*.py")
	seed(f, "testdata/cases/fallback/pyapp/*.py")
	seed(f, "testdata/cases/logging/*.py")
	f.Add([]byte("x = f'{request.args[\"a\"]}' % (\ncur.execute(x"))
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		checkHits(t, analyzePython(context.Background(), []source{{Rel: "a.py", Src: src}}), start)
	})
}

// FuzzJS feeds arbitrary source to the JavaScript/TypeScript analyser.
func FuzzJS(f *testing.F) {
	seed(f, "testdata/cases/js/*")
	seed(f, "testdata/cases/logic/api/*.[jt]s")
	seed(f, "testdata/cases/logic/web/src/*.js")
	seed(f, "testdata/cases/reset/express/*.js")
	seed(f, "testdata/cases/privkey/web/lib/*.ts")
	seed(f, "testdata/cases/credentials/src/*/*.[jt]s")
	seed(f, "testdata/cases/credentials/src/*/*/*.[jt]s")
	seed(f, "testdata/cases/fallback/web/*.[jt]s")
	seed(f, "testdata/cases/logging/*.ts")
	// The same text is a.js and b.ts: a config read from './b' is
	// resolved into the other file.
	f.Add([]byte("import c from './b';\napp.use('/d', basicAuth({ users: { [c.x.user]: c.x.password } }));\nexport default { x: { user: 'u', password: 'p' } };"))
	f.Add([]byte("app.get('/', (req, res) => { db.query(`${req.query.a}`"))
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		checkHits(t, analyzeJS(context.Background(), []source{{Rel: "a.js", Src: src}, {Rel: "b.ts", Src: src}}), start)
	})
}

// FuzzGo feeds arbitrary source to the Go analyser.
func FuzzGo(f *testing.F) {
	seed(f, "testdata/cases/go/*.go")
	seed(f, "testdata/cases/reset/goapi/*.go")
	seed(f, "testdata/cases/credentials/goapp/*.go")
	seed(f, "testdata/cases/logging/goapi/*.go")
	f.Add([]byte("package p\nimport \"net/http\"\nfunc h(r *http.Request) { make([]byte, r.FormValue(\"n\"), "))
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		checkHits(t, analyzeGo(context.Background(), []source{{Rel: "a.go", Src: src}}), start)
	})
}
