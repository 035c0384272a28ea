package iac

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// wantRE matches a want annotation in a comment: `want "rule" ...` on the
// line that must be flagged, `want:next "rule"` for the following line, or
// `want@N "rule"` for line N (used where the flagged line cannot hold a
// comment, as in a heredoc of JSON).
var wantRE = regexp.MustCompile(`want(:next|@\d+)?((?:\s+"[^"]+")+)`)
var quotedRE = regexp.MustCompile(`"([^"]+)"`)

// expectations reads the want annotations of every file under dir, and
// the sidecar FILE.want files ("LINE rule" per line) for formats without
// comments.
func expectations(t *testing.T, dir string) map[string]int {
	t.Helper()
	want := map[string]int{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		if strings.HasSuffix(rel, ".want") {
			target := strings.TrimSuffix(rel, ".want")
			for sc.Scan() {
				fields := strings.Fields(sc.Text())
				if len(fields) != 2 || strings.HasPrefix(fields[0], "#") {
					continue
				}
				want[target+":"+fields[0]+" "+fields[1]]++
			}
			return sc.Err()
		}
		for line := 1; sc.Scan(); line++ {
			m := wantRE.FindStringSubmatch(sc.Text())
			if m == nil || !strings.Contains(sc.Text(), "#") && !strings.Contains(sc.Text(), "//") {
				continue
			}
			at := line
			switch {
			case m[1] == ":next":
				at = line + 1
			case strings.HasPrefix(m[1], "@"):
				at, _ = strconv.Atoi(m[1][1:])
			}
			for _, q := range quotedRE.FindAllStringSubmatch(m[2], -1) {
				want[fmt.Sprintf("%s:%d %s", rel, at, q[1])]++
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return want
}

// TestFixtures scans each fixture tree and compares the findings with the
// annotations: a missing finding and an unexpected one both fail.
func TestFixtures(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/fixtures/*")
	if len(dirs) == 0 {
		t.Fatal("no fixtures")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			set, err := New().Scan(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			msgs := map[string]string{}
			for _, f := range set.Findings {
				k := fmt.Sprintf("%s:%d %s", f.File, f.Line, f.Rule)
				got[k]++
				msgs[k] = f.Message
				if f.Scanner != "iac" || f.Message == "" || f.File == "" || f.Line < 1 || f.Fingerprint == "" || f.Resource == "" && f.Rule != ruleParseError.ID {
					t.Errorf("%s: incomplete finding %+v", k, f)
				}
			}
			want := expectations(t, dir)
			var problems []string
			for k, n := range want {
				if got[k] < n {
					problems = append(problems, "missing:    "+k)
				}
			}
			for k, n := range got {
				if want[k] < n {
					problems = append(problems, "unexpected: "+k+" ("+msgs[k]+")")
				}
			}
			sort.Strings(problems)
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}
