package botsrc

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLLMTagged checks that the handlers whose code reaches a model client
// (directly, through a function of their file or through a project module
// that imports the client) carry TagLLM, and that no other handler does.
// Lines marked "want-llm" register the handlers that must be tagged.
func TestLLMTagged(t *testing.T) {
	py, js := loadCase(t, filepath.Join("testdata", "llm"))
	res := Extract(context.Background(), py, js)
	want := map[string]bool{}
	for _, s := range slices.Concat(py, js) {
		for i, l := range strings.Split(string(s.Src), "\n") {
			if strings.Contains(l, "want-llm") {
				want[fmt.Sprintf("%s:%d", s.Rel, i+1)] = true
			}
		}
	}
	if len(res.Routes) < 5 {
		t.Fatalf("found %d entry points, want at least 5: %v", len(res.Routes), res.Routes)
	}
	for _, r := range res.Routes {
		at := fmt.Sprintf("%s:%d", r.File, r.Line)
		if got := slices.Contains(r.Tags, TagLLM); got != want[at] {
			t.Errorf("%s %s tagged llm = %v, want %v", at, r.Path, got, want[at])
		}
		delete(want, at)
	}
	for at := range want {
		t.Errorf("no entry point registered at %s", at)
	}
}

func TestImportedNames(t *testing.T) {
	for clause, want := range map[string]string{
		"a, b as c":        "a c",
		"(\n  a,\n  b,\n)": "a b",
		"X, { y, z as w }": "X y w",
		"* as X":           "X",
		"{ OpenAI }":       "OpenAI",
		"type T, { a }":    "T a",
		"a  # the client":  "a",
	} {
		if got := strings.Join(importedNames(clause), " "); got != want {
			t.Errorf("importedNames(%q) = %q, want %q", clause, got, want)
		}
	}
}
