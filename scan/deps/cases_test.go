package deps

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/threatmap/threatmap/evidence"
)

var update = flag.Bool("update", false, "rewrite the packages sections of testdata/cases/*.txtar")

// inlineWant matches a want annotation in a comment: # want "re" or
// // want "re", optionally after other comment text and a semicolon.
var inlineWant = regexp.MustCompile(`(?:#|//)\s*(?:[^"]*;\s*)?want "(.*)"\s*$`)

// want is one expected finding: its file and line, and a regexp over
// "rule: message".
type want struct {
	file string
	line int
	re   *regexp.Regexp
	raw  string
}

// TestCases runs the scanner over each txtar bundle in testdata/cases. A
// bundle holds a small tree of files; findings are expected by inline want
// annotations (in formats with comments) or by lines of its "want" section
// ("file:line regexp", for JSON and Gemfile.lock); every finding must be
// wanted and every want met. The "packages" section is the golden list of
// parsed packages (rewrite with -update).
func TestCases(t *testing.T) {
	bundles, err := filepath.Glob("testdata/cases/*.txtar")
	if err != nil || len(bundles) == 0 {
		t.Fatalf("no test bundles: %v", err)
	}
	scanner := New(Options{OSVDB: "testdata/osv"})
	for _, bundle := range bundles {
		t.Run(strings.TrimSuffix(filepath.Base(bundle), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(bundle)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var wants []want
			var wantPkgs string
			pkgIndex := -1
			for i, f := range ar.Files {
				switch f.Name {
				case "want":
					wants = append(wants, parseWantSection(t, string(f.Data))...)
					continue
				case "packages":
					wantPkgs, pkgIndex = string(f.Data), i
					continue
				}
				path := filepath.Join(dir, filepath.FromSlash(f.Name))
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
				for n, line := range strings.Split(string(f.Data), "\n") {
					if m := inlineWant.FindStringSubmatch(line); m != nil {
						wants = append(wants, want{file: f.Name, line: n + 1, re: regexp.MustCompile(m[1]), raw: m[1]})
					}
				}
			}
			set, err := scanner.Scan(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			checkWants(t, set.Findings, wants)

			inv, err := Collect(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			got := formatPackages(inv.Packages)
			if *update && pkgIndex >= 0 {
				ar.Files[pkgIndex].Data = []byte(got)
				if err := os.WriteFile(bundle, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != wantPkgs {
				t.Errorf("packages differ (rerun with -update after checking):\n got:\n%s\nwant:\n%s", got, wantPkgs)
			}
		})
	}
}

func parseWantSection(t *testing.T, s string) []want {
	t.Helper()
	var out []want
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		loc, re, ok := strings.Cut(line, " ")
		file, lineStr, ok2 := strings.Cut(loc, ":")
		n, err := strconv.Atoi(lineStr)
		if !ok || !ok2 || err != nil {
			t.Fatalf("bad want line %q (want file:line regexp)", line)
		}
		out = append(out, want{file: file, line: n, re: regexp.MustCompile(re), raw: re})
	}
	return out
}

// checkWants pairs findings with wants on the same file and line.
func checkWants(t *testing.T, findings []evidence.Finding, wants []want) {
	t.Helper()
	used := make([]bool, len(wants))
	for _, f := range findings {
		text := f.Rule + ": " + f.Message
		matched := false
		for i, w := range wants {
			if !used[i] && w.file == f.File && w.line == f.Line && w.re.MatchString(text) {
				used[i], matched = true, true
				break
			}
		}
		if !matched {
			t.Errorf("unexpected finding %s:%d %s", f.File, f.Line, text)
		}
	}
	for i, w := range wants {
		if !used[i] {
			t.Errorf("missing finding at %s:%d matching %q", w.file, w.line, w.raw)
		}
	}
}

func formatPackages(pkgs []Package) string {
	pkgs = slices.Clone(pkgs)
	slices.SortStableFunc(pkgs, func(a, b Package) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	var b strings.Builder
	for _, p := range pkgs {
		fmt.Fprintf(&b, "%s:%d %s %s %s %s %s", p.File, p.Line, p.Ecosystem, p.Name, p.Version, p.Relationship, p.Source)
		if p.Dev {
			b.WriteString(" dev")
		}
		if len(p.Via) > 0 {
			b.WriteString(" via=" + strings.Join(p.Via, ","))
		}
		if len(p.Path) > 0 {
			b.WriteString(" path=" + strings.Join(p.Path, ">"))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
