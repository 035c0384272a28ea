package routes

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/repofs"
)

// wantRe matches a fixture annotation: "// want: METHOD /path [guards] #tags"
// (or "# want:" in Python), several separated by ";".
var wantRe = regexp.MustCompile(`(?://|#)\s*want:\s*(.*?)\s*(?:\*/)?$`)

// formatRoute renders a route the way annotations spell it.
func formatRoute(r evidence.Route) string {
	s := fmt.Sprintf("%s %s [%s]", r.Method, r.Path, strings.Join(r.Guards, ","))
	if len(r.Tags) > 0 {
		s += " #" + strings.Join(r.Tags, ",")
	}
	return s
}

func normaliseWant(w string) string {
	w = strings.Join(strings.Fields(w), " ")
	head, tags, hasTags := strings.Cut(w, "#")
	head = strings.TrimSpace(head)
	if !hasTags {
		return head
	}
	ts := strings.FieldsFunc(tags, func(r rune) bool { return r == ',' || r == ' ' || r == '#' })
	return head + " #" + strings.Join(ts, ",")
}

// readWants collects the annotations under root by "file:line".
func readWants(t *testing.T, root string) map[string][]string {
	t.Helper()
	wants := map[string][]string{}
	err := repofs.Walk(context.Background(), root, repofs.Options{}, func(f repofs.File) error {
		fh, err := os.Open(f.Path)
		if err != nil {
			return err
		}
		defer fh.Close()
		sc := bufio.NewScanner(fh)
		for n := 1; sc.Scan(); n++ {
			m := wantRe.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			for _, w := range strings.Split(m[1], ";") {
				if w = normaliseWant(w); w != "" {
					k := fmt.Sprintf("%s:%d", f.Rel, n)
					wants[k] = append(wants[k], w)
				}
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return wants
}

// unresolvedRe matches an annotation of a registration the scanner must
// report as unresolved.
var unresolvedRe = regexp.MustCompile(`(?://|#)\s*unresolved:`)

// readUnresolvedWants collects the "unresolved:" annotations by "file:line".
func readUnresolvedWants(t *testing.T, root string) map[string]bool {
	t.Helper()
	wants := map[string]bool{}
	err := repofs.Walk(context.Background(), root, repofs.Options{}, func(f repofs.File) error {
		b, err := os.ReadFile(f.Path)
		if err != nil {
			return err
		}
		for i, l := range strings.Split(string(b), "\n") {
			if unresolvedRe.MatchString(l) {
				wants[fmt.Sprintf("%s:%d", f.Rel, i+1)] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return wants
}

// TestFixtures scans each directory under testdata/cases and compares the
// routes found with the want annotations, failing on missing and on
// unexpected routes alike.
func TestFixtures(t *testing.T) {
	dirs, err := os.ReadDir("testdata/cases")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		t.Run(d.Name(), func(t *testing.T) {
			root := filepath.Join("testdata", "cases", d.Name())
			set, err := New().Scan(context.Background(), root)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range set.Findings {
				if f.Rule == RuleParseError {
					t.Errorf("%s:%d: unexpected parse error: %s", f.File, f.Line, f.Message)
				}
			}
			got := map[string][]string{}
			for _, r := range set.Routes {
				k := fmt.Sprintf("%s:%d", r.File, r.Line)
				got[k] = append(got[k], formatRoute(r))
			}
			wants := readWants(t, root)
			unresolvedWants := readUnresolvedWants(t, root)
			keys := map[string]bool{}
			for k := range got {
				keys[k] = true
			}
			for k := range wants {
				keys[k] = true
			}
			sorted := make([]string, 0, len(keys))
			for k := range keys {
				sorted = append(sorted, k)
			}
			slices.Sort(sorted)
			// Every unresolved registration is annotated "unresolved:" on its
			// line, and every annotation has one.
			unres := map[string]bool{}
			for _, u := range set.Unresolved {
				k := fmt.Sprintf("%s:%d", u.File, u.Line)
				unres[k] = true
				if !unresolvedWants[k] {
					t.Errorf("%s: unexpected unresolved registration: %s", k, u.Reason)
				}
				if u.Scanner != ScannerName || u.Reason == "" {
					t.Errorf("%s: unresolved registration without scanner or reason: %+v", k, u)
				}
			}
			for k := range unresolvedWants {
				if !unres[k] {
					t.Errorf("%s: missing unresolved registration", k)
				}
			}
			for _, k := range sorted {
				g, w := slices.Clone(got[k]), slices.Clone(wants[k])
				for _, x := range w {
					if i := slices.Index(g, x); i >= 0 {
						g = slices.Delete(g, i, i+1)
					} else {
						t.Errorf("%s: missing route: %s", k, x)
					}
				}
				for _, x := range g {
					t.Errorf("%s: unexpected route: %s", k, x)
				}
			}
		})
	}
}
