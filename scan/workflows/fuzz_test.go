package workflows

import (
	"testing"
)

// FuzzAudit feeds arbitrary bytes to the parser and every check: nothing
// may panic, and every finding must carry a position inside the file.
func FuzzAudit(f *testing.F) {
	f.Add([]byte("on: push\njobs:\n  a:\n    runs-on: self-hosted\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		set := Audit("w.yml", data)
		// YAML also breaks lines at a lone carriage return.
		lines := 1
		for i, b := range data {
			if b == '\n' || b == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
				lines++
			}
		}
		for _, fd := range set.Findings {
			if fd.Line < 1 || fd.Line > lines {
				t.Fatalf("finding at line %d of a %d-line file: %+v", fd.Line, lines, fd)
			}
		}
	})
}

// FuzzContextPaths checks the expression walker on arbitrary text.
func FuzzContextPaths(f *testing.F) {
	f.Add("${{ github.event['issue'].title || toJSON(github.event.commits.*.message) }}")
	f.Fuzz(func(t *testing.T, s string) {
		for _, u := range contextPaths(s) {
			if u.path == "" || u.text == "" {
				t.Fatalf("empty use from %q", s)
			}
		}
	})
}
