package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/evidence"
)

func TestKeyIgnoresParameterNamesAndTrailingSlash(t *testing.T) {
	tests := []struct{ a, b string }{
		{key("get", "/a/{id}/"), key("GET", "/a/{slug}")},
		{key("GET", "/export/*filepath"), key("GET", "/export/*")},
		{key("GET", "/swagger/*any"), key("GET", "/swagger/{any}")},
	}
	for _, tt := range tests {
		if tt.a != tt.b {
			t.Errorf("%q != %q", tt.a, tt.b)
		}
	}
	if key("GET", "/a") == key("POST", "/a") {
		t.Error("methods must differ")
	}
}

func TestScore(t *testing.T) {
	truth := Truth{Repo: "o/n", Routes: []TruthRoute{
		{Method: "GET", Path: "/a", Auth: "required", File: "a.go"},
		{Method: "POST", Path: "/a", Auth: "none", File: "a.go"},
		{Method: "GET", Path: "/b/{id}", Auth: "optional", File: "b.go"},
		{Method: "GET", Path: "/c", Auth: "required", File: "c.go"},
		{Method: "GET", Path: "/d", Auth: "none", File: "d.go"},
		{Method: "GET", Path: "/e", Auth: "none", File: "e.go"},
	}}
	set := evidence.Set{
		Routes: []evidence.Route{
			{Method: "GET", Path: "/a", Guards: []string{"auth"}},
			{Method: "ANY", Path: "/a", Guards: []string{"auth"}},              // stands for POST /a: over-claimed
			{Method: "GET", Path: "/b/{x}", Guards: []string{"auth-optional"}}, // optional is not a claim
			{Method: "GET", Path: "/c", Guards: []string{}},                    // required auth missed
			{Method: "GET", Path: "/e", Tags: []string{evidence.TagUnmounted}}, // unmounted: missing
			{Method: "GET", Path: "/zzz"},                                      // extra
			{Kind: evidence.RouteKindCron, Method: "CRON", Path: "@daily"},     // not HTTP: ignored
		},
		Unresolved: []evidence.Unresolved{{File: "d.go", Line: 3, Reason: "x"}},
	}
	s, lines := score(truth, set)
	want := Score{Routes: 6, Found: 4, Required: 2, RequiredFound: 1, OverClaimed: 1, Silent: 1, Extra: 1, Unresolved: 1}
	if s != want {
		t.Errorf("score = %+v\nwant    %+v\n%s", s, want, strings.Join(lines, "\n"))
	}
}

func TestLoadRejectsBadTruth(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"auth.yaml":   "repo: o/n\ncommit: " + strings.Repeat("a", 40) + "\nroutes:\n  - {method: GET, path: /x, auth: maybe}\n",
		"commit.yaml": "repo: o/n\ncommit: abc\nroutes: []\n",
		"field.yaml":  "repo: o/n\ncommit: " + strings.Repeat("a", 40) + "\nroutez: []\n",
	} {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := load(f); err == nil {
			t.Errorf("%s: load accepted a bad truth file", name)
		}
	}
}
