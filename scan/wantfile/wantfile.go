// Package wantfile reads the expectations that scanner fixture trees carry
// as annotations, so that a scanner's tests fail on a missing finding and on
// an unexpected one alike.
//
// An annotation sits in a comment: `want "rule"` on the line that must be
// flagged, `want:next "rule"` for the following line, or `want@N "rule"`
// for line N (where the flagged line cannot hold a comment, as in a
// heredoc of JSON). Formats without comments use a sidecar FILE.want with
// one "LINE rule" per line.
package wantfile

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var (
	wantRE   = regexp.MustCompile(`want(:next|@\d+)?((?:\s+"[^"]+")+)`)
	quotedRE = regexp.MustCompile(`"([^"]+)"`)
)

// Key names one expected finding: "file:line rule", file relative to the
// fixture tree with forward slashes.
func Key(file string, line int, rule string) string {
	return fmt.Sprintf("%s:%d %s", file, line, rule)
}

// Read collects the expectations of every file under dir, as counts by Key.
func Read(dir string) (map[string]int, error) {
	want := map[string]int{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64*1024), 4<<20)
		if target, ok := strings.CutSuffix(rel, ".want"); ok {
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
			text := sc.Text()
			m := wantRE.FindStringSubmatch(text)
			if m == nil || !strings.Contains(text, "#") && !strings.Contains(text, "//") {
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
				want[Key(rel, at, q[1])]++
			}
		}
		return sc.Err()
	})
	return want, err
}

// Diff lists, sorted, the expected findings that are missing and the found
// ones that were not expected; messages, keyed like got, explains the
// unexpected ones.
func Diff(want, got map[string]int, messages map[string]string) []string {
	var problems []string
	for k, n := range want {
		if got[k] < n {
			problems = append(problems, "missing:    "+k)
		}
	}
	for k, n := range got {
		if want[k] < n {
			problems = append(problems, "unexpected: "+k+" ("+messages[k]+")")
		}
	}
	sort.Strings(problems)
	return problems
}
