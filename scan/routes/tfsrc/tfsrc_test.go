package tfsrc

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// wantRe reads "# want: KIND METHOD PATH [guards]" (KIND http for an HTTP
// route) and "# want-unresolved".
var wantRe = regexp.MustCompile(`#\s*want(-unresolved|:\s*(.*?))\s*$`)

func loadDir(t testing.TB, dir string) []File {
	t.Helper()
	var files []File
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, File{Rel: filepath.ToSlash(rel), Src: src})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestFixtures(t *testing.T) {
	dirs, err := os.ReadDir("testdata/cases")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		t.Run(d.Name(), func(t *testing.T) {
			files := loadDir(t, filepath.Join("testdata/cases", d.Name()))
			var want []string
			for _, f := range files {
				for i, l := range strings.Split(string(f.Src), "\n") {
					if m := wantRe.FindStringSubmatch(l); m != nil {
						w := "unresolved"
						if m[1] != "-unresolved" {
							w = strings.Join(strings.Fields(m[2]), " ")
						}
						want = append(want, fmt.Sprintf("%s:%d %s", f.Rel, i+1, w))
					}
				}
			}
			res := Extract(files)
			sam := ExtractSAM(files)
			res.Routes = append(res.Routes, sam.Routes...)
			res.Unresolved = append(res.Unresolved, sam.Unresolved...)
			res.Diagnostics = append(res.Diagnostics, sam.Diagnostics...)
			for _, dg := range res.Diagnostics {
				t.Errorf("diagnostic: %v", dg)
			}
			var got []string
			for _, r := range res.Routes {
				kind := r.Kind
				if kind == "" {
					kind = "http"
				}
				got = append(got, fmt.Sprintf("%s:%d %s %s %s [%s]", r.File, r.Line, kind, r.Method, r.Path, strings.Join(r.Guards, ",")))
			}
			for _, u := range res.Unresolved {
				got = append(got, fmt.Sprintf("%s:%d unresolved", u.File, u.Line))
			}
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

// TestBrokenFileIsADiagnostic checks that a file that does not parse is
// reported by position and does not stop the others.
func TestBrokenFileIsADiagnostic(t *testing.T) {
	res := Extract([]File{
		{Rel: "a/broken.tf", Src: []byte("resource \"aws_api_gateway_method\" \"x\" {\n  http_method = \n")},
		{Rel: "b/ok.tf", Src: []byte("resource \"aws_apigatewayv2_route\" \"r\" {\n  route_key = \"GET /ok\"\n}\n")},
	})
	if len(res.Diagnostics) == 0 || res.Diagnostics[0].File != "a/broken.tf" || res.Diagnostics[0].Line == 0 {
		t.Fatalf("diagnostics = %v, want one positioned in a/broken.tf", res.Diagnostics)
	}
	if len(res.Routes) != 1 || res.Routes[0].Path != "/ok" {
		t.Fatalf("routes = %v, want GET /ok from b/ok.tf", res.Routes)
	}
}

// FuzzExtract feeds arbitrary bytes as a Terraform file: never a panic.
func FuzzExtract(f *testing.F) {
	for _, dir := range []string{"rest", "httpapi", "events"} {
		for _, file := range loadDir(f, filepath.Join("testdata/cases", dir)) {
			f.Add(file.Src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		extractBounded(t, Extract, "m/main.tf", append([]byte("# aws_api_gateway_\n"), src...))
	})
}

// extractBounded runs extract on one file and fails when it takes over
// 10 s or returns a route without a position in that file.
func extractBounded(t *testing.T, extract func([]File) Result, rel string, src []byte) {
	done := make(chan Result, 1)
	go func() {
		done <- extract([]File{{Rel: rel, Src: src}})
	}()
	var res Result
	select {
	case res = <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("extraction took over 10 s on %q", src)
	}
	for _, r := range res.Routes {
		if r.File != rel || r.Line < 1 {
			t.Fatalf("route without a position: %+v", r)
		}
	}
}
