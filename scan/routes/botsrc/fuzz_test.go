package botsrc

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzExtract feeds arbitrary bytes as a Python and as a TypeScript file
// that name every framework read here: never a panic, every entry point
// positioned in the file.
func FuzzExtract(f *testing.F) {
	dirs, err := os.ReadDir("testdata/cases")
	if err != nil {
		f.Fatal(err)
	}
	for _, d := range dirs {
		py, js := loadCase(f, filepath.Join("testdata/cases", d.Name()))
		for _, s := range append(py, js...) {
			f.Add(s.Src)
		}
	}
	// The model-client fixtures: handlers that reach a client through a
	// project module, which the fuzzer also gets as llm_client.py.
	py, js := loadCase(f, filepath.Join("testdata", "llm"))
	for _, s := range append(py, js...) {
		f.Add(s.Src)
	}
	head := []byte("# discord telegram aiogram slack_bolt celery apscheduler use server @slack/bolt telegraf bullmq node-cron kafkajs\n")
	f.Fuzz(func(t *testing.T, src []byte) {
		in := append(append([]byte{}, head...), src...)
		res := Extract(context.Background(), []Source{{Rel: "a.py", Src: in}, {Rel: "llm_client.py", Src: src}}, []Source{{Rel: "a.ts", Src: in}, {Rel: "b.tsx", Src: src}})
		for _, r := range res.Routes {
			if r.Line < 1 || r.File == "" || r.Kind == "" {
				t.Fatalf("route without a position or kind: %+v", r)
			}
		}
	})
}
