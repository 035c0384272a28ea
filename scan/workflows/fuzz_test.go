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

// FuzzAuditAction feeds arbitrary bytes to the action metadata reader and
// the checks run on a composite action's steps: nothing may panic, and
// every finding must lie inside the file.
func FuzzAuditAction(f *testing.F) {
	f.Add([]byte("name: a\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: |\n        echo ${{ inputs.x }}\n"))
	f.Add([]byte("runs:\n  using: docker\n  image: docker://alpine\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		set := AuditAction("action.yml", data)
		lines := 1
		for i, b := range data {
			if b == '\n' || b == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
				lines++
			}
		}
		for _, fd := range set.Findings {
			if fd.Line < 1 || fd.Line > lines || fd.Column < 1 {
				t.Fatalf("finding at %d:%d of a %d-line file: %+v", fd.Line, fd.Column, lines, fd)
			}
		}
	})
}

// FuzzValuePaths checks the result-flow walker on arbitrary text.
func FuzzValuePaths(f *testing.F) {
	f.Add("${{ x == 'a' && github.event.issue.title || fromJSON(steps.a.outputs.b).c }}")
	f.Fuzz(func(t *testing.T, s string) {
		for _, u := range valuePaths(s) {
			if u.path == "" || u.text == "" {
				t.Fatalf("empty use from %q", s)
			}
		}
	})
}
