package pysrc

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzExtract feeds arbitrary Python source to the extractor, which must
// never panic or hang.
func FuzzExtract(f *testing.F) {
	for _, pat := range []string{"../testdata/cases/py_*/*/*.py", "../testdata/cases/py_*/*/*/*.py", "../testdata/cases/falsepos/*.py", "../../../examples/stripe-webhook-bot/flask/bot/*.py"} {
		files, _ := filepath.Glob(pat)
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("urlpatterns = [path('a/', include([path('b/', include('x.urls'))]))]\n"))
	f.Add([]byte("@app.route(f'{A}/x' 'y', methods=[\n"))
	other := []byte("from flask import Blueprint\nbp = Blueprint('b', __name__, url_prefix='/b')\n")
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		routes, _ := Extract(context.Background(), []Source{{Rel: "app/main.py", Src: src}, {Rel: "app/bp.py", Src: other}})
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
