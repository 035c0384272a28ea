package wantfile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestReadAndDiff(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"main.tf":     "a = 1 # want \"iac-x\"\n# want:next \"iac-y\" \"iac-z\"\nb = 2\n<<EOF # want@5 \"iac-h\"\n",
		"p.json":      "{}\n",
		"p.json.want": "# line rule\n3 iam-wildcard\n",
		"sub/app.go":  "x := 1 // want \"go-r\"\n",
		"notes.txt":   "a want \"nothing\" outside a comment\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	expect := map[string]int{"main.tf:1 iac-x": 1, "main.tf:3 iac-y": 1, "main.tf:3 iac-z": 1, "main.tf:5 iac-h": 1, "p.json:3 iam-wildcard": 1, "sub/app.go:1 go-r": 1}
	if len(want) != len(expect) {
		t.Fatalf("Read = %v, want %v", want, expect)
	}
	for k, n := range expect {
		if want[k] != n {
			t.Errorf("%s: %d, want %d", k, want[k], n)
		}
	}
	got := map[string]int{"main.tf:1 iac-x": 1, "main.tf:9 iac-extra": 1}
	problems := Diff(map[string]int{"main.tf:1 iac-x": 1, "p.json:3 iam-wildcard": 1}, got, map[string]string{"main.tf:9 iac-extra": "why"})
	if !slices.Equal(problems, []string{"missing:    p.json:3 iam-wildcard", "unexpected: main.tf:9 iac-extra (why)"}) {
		t.Errorf("Diff = %q", problems)
	}
}
