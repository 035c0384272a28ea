package botsrc

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// wantRe reads a fixture annotation: "# want: KIND METHOD PATH [guards]"
// (or "//"), several separated by ";"; "want-unresolved" marks a line that
// must be reported as unresolved.
var wantRe = regexp.MustCompile(`(?://|#)\s*want(-unresolved|:\s*(.*?))\s*$`)

func loadCase(t testing.TB, dir string) (py, js []Source) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch filepath.Ext(p) {
		case ".py":
			py = append(py, Source{Rel: rel, Src: src})
		case ".js", ".ts", ".tsx", ".jsx", ".mjs":
			js = append(js, Source{Rel: rel, Src: src})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return py, js
}

func wants(t *testing.T, srcs []Source) []string {
	var out []string
	for _, s := range srcs {
		for i, l := range strings.Split(string(s.Src), "\n") {
			m := wantRe.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			if m[1] == "-unresolved" {
				out = append(out, fmt.Sprintf("%s:%d unresolved", s.Rel, i+1))
				continue
			}
			for _, w := range strings.Split(m[2], ";") {
				if w = strings.Join(strings.Fields(w), " "); w != "" {
					out = append(out, fmt.Sprintf("%s:%d %s", s.Rel, i+1, w))
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestFixtures extracts each directory under testdata/cases and compares
// the entry points found with the want annotations, failing on missing and
// on unexpected ones alike.
func TestFixtures(t *testing.T) {
	dirs, err := os.ReadDir("testdata/cases")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		t.Run(d.Name(), func(t *testing.T) {
			py, js := loadCase(t, filepath.Join("testdata/cases", d.Name()))
			res := Extract(context.Background(), py, js)
			for _, e := range res.Errors {
				t.Errorf("parse error: %v", e)
			}
			var got []string
			for _, r := range res.Routes {
				got = append(got, fmt.Sprintf("%s:%d %s %s %s [%s]", r.File, r.Line, r.Kind, r.Method, r.Path, strings.Join(r.Guards, ",")))
			}
			for _, u := range res.Unresolved {
				got = append(got, fmt.Sprintf("%s:%d unresolved", u.File, u.Line))
			}
			slices.Sort(got)
			want := wants(t, slices.Concat(py, js))
			for _, w := range want {
				if !slices.Contains(got, w) {
					t.Errorf("missing: %s", w)
				}
			}
			for _, g := range got {
				if !slices.Contains(want, g) {
					t.Errorf("unexpected: %s", g)
				}
			}
		})
	}
}

// TestContextMenuTagged checks that a Discord context-menu entry carries
// TagContextMenu and a slash command does not, so init does not read a
// verb in a menu label as a privileged command.
func TestContextMenuTagged(t *testing.T) {
	py, js := loadCase(t, filepath.Join("testdata/cases", "discordpy"))
	res := Extract(context.Background(), py, js)
	tagged := map[string]bool{}
	for _, r := range res.Routes {
		tagged[r.Path] = slices.Contains(r.Tags, TagContextMenu)
	}
	for path, want := range map[string]bool{"/Grab ID": true, "/ping": false} {
		got, ok := tagged[path]
		if !ok {
			t.Errorf("no entry point %s in %v", path, tagged)
			continue
		}
		if got != want {
			t.Errorf("%s tagged context-menu = %v, want %v", path, got, want)
		}
	}
}
