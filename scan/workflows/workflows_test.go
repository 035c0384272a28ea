package workflows

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/wantfile"
)

var (
	wantComment = regexp.MustCompile(`#\s*want\s+(".*)$`)
	quoted      = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)
)

// TestWantAnnotations audits every workflow in testdata/want. A comment
// `# want "regexp" ...` on a line expects one finding per regexp on that
// line, matched against "rule: message"; findings nobody wanted fail the
// test as much as wanted findings that are missing.
func TestWantAnnotations(t *testing.T) {
	files, err := filepath.Glob("testdata/want/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			type want struct {
				line int
				re   *regexp.Regexp
				used bool
			}
			var wants []*want
			for i, line := range strings.Split(string(data), "\n") {
				m := wantComment.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				for _, q := range quoted.FindAllStringSubmatch(m[1], -1) {
					wants = append(wants, &want{line: i + 1, re: regexp.MustCompile(q[1])})
				}
			}
			set := Audit(filepath.Base(file), data)
			for _, f := range set.Findings {
				if f.File != filepath.Base(file) || f.Line == 0 || f.Column == 0 || f.Scanner != ScannerName {
					t.Errorf("finding without a full position: %+v", f)
				}
				text := f.Rule + ": " + f.Message
				ok := false
				for _, w := range wants {
					if !w.used && w.line == f.Line && w.re.MatchString(text) {
						w.used, ok = true, true
						break
					}
				}
				if !ok {
					t.Errorf("unexpected finding at line %d: %s", f.Line, text)
				}
			}
			for _, w := range wants {
				if !w.used {
					t.Errorf("missing finding at line %d matching %q", w.line, w.re)
				}
			}
		})
	}
}

func TestUnparsable(t *testing.T) {
	tests := map[string]string{
		"testdata/bad/invalid.yml": `unparsable-workflow: cannot audit workflow: invalid.yml:2:\d+: could not parse as YAML`,
		"testdata/bad/list.yml":    `unparsable-workflow: cannot audit workflow: list.yml:1:1: "workflow" section is sequence node but mapping node is expected`,
		"testdata/bad/empty.yml":   `unparsable-workflow: cannot audit workflow: empty.yml:1:1: workflow is empty`,
	}
	for file, want := range tests {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		set := Audit(filepath.Base(file), data)
		if len(set.Findings) != 1 {
			t.Fatalf("%s: %d findings, want 1", file, len(set.Findings))
		}
		f := set.Findings[0]
		if got := f.Rule + ": " + f.Message; !regexp.MustCompile("^"+want).MatchString(got) || f.Line == 0 {
			t.Errorf("%s: got %q at line %d, want prefix %q", file, got, f.Line, want)
		}
	}
}

// TestSecuritySteps checks the observations that tell the threat map
// whether a pipeline scans, and whether the scan gates the build.
func TestSecuritySteps(t *testing.T) {
	type obs struct {
		prop   evidence.Property
		holds  bool
		detail string
	}
	tests := []struct {
		name  string
		steps string
		want  []obs
	}{
		{"seed trivy step gates with exit-code 1", `
      - uses: aquasecurity/trivy-action@master
        with:
          image-ref: bot:latest
          exit-code: '1'`, []obs{
			{evidence.CIVulnScanning, true, "aquasecurity/trivy-action in job j runs and gates the build: exit-code: 1"},
			{evidence.CISecretScanning, false, "no secret scanning step"},
			{evidence.CISBOM, false, "no SBOM generation step"},
		}},
		{"trivy without exit-code does not gate", `
      - uses: aquasecurity/trivy-action@0.28.0
        with:
          image-ref: bot:latest`, []obs{
			{evidence.CIVulnScanning, false, "runs but does not gate the build: exit-code is not set"},
		}},
		{"continue-on-error undoes a gate", `
      - uses: gitleaks/gitleaks-action@v2
        continue-on-error: true`, []obs{
			{evidence.CISecretScanning, false, "continue-on-error: true"},
		}},
		{"commands in run scripts", `
      - run: |
          gitleaks detect --source . --redact
          syft dir:. -o cyclonedx-json > sbom.json
          osv-scanner --lockfile=requirements.txt || true`, []obs{
			{evidence.CISecretScanning, true, "gitleaks in job j runs and gates the build"},
			{evidence.CISBOM, true, "syft in job j generates an SBOM"},
			{evidence.CIVulnScanning, false, "its failure is swallowed"},
		}},
		{"a gating step wins over a soft one", `
      - run: npm audit --audit-level=high || true
      - run: trivy fs --exit-code 1 --severity HIGH,CRITICAL .`, []obs{
			{evidence.CIVulnScanning, true, "trivy in job j runs and gates the build: --exit-code"},
		}},
		{"threatmap itself", `
      - run: threatmap scan secrets --fail-on none
      - run: threatmap scan deps --osv-db osv --fail-on high
      - run: threatmap sbom -o sbom.cdx.json`, []obs{
			{evidence.CISecretScanning, false, "--fail-on none never fails the build"},
			{evidence.CIVulnScanning, true, "threatmap scan deps"},
			{evidence.CISBOM, true, "threatmap sbom"},
		}},
		{"a scanner's reusable workflow", `
      - run: echo build
  scan:
    uses: google/osv-scanner-action/.github/workflows/osv-scanner-reusable.yml@v2.0.0
    with:
      fail-on-vuln: false`, []obs{
			{evidence.CIVulnScanning, false, "google/osv-scanner-action in job scan runs but does not gate the build: fail-on-vuln: false turns the gate off"},
		}},
		{"comments do not count", `
      - run: |
          # trivy image --exit-code 1 bot
          make build`, []obs{
			{evidence.CIVulnScanning, false, "no vulnerability scanning step"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "on: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:" + tt.steps + "\n"
			set := Audit("ci.yml", []byte(src))
			for _, w := range tt.want {
				found := false
				for _, o := range set.Observations {
					if o.Property != w.prop {
						continue
					}
					found = true
					if o.Holds != w.holds || !strings.Contains(o.Detail, w.detail) || o.Subject != "ci.yml" {
						t.Errorf("%s: holds=%v detail=%q subject=%q; want holds=%v detail containing %q", w.prop, o.Holds, o.Detail, o.Subject, w.holds, w.detail)
					}
				}
				if !found {
					t.Errorf("no %s observation", w.prop)
				}
			}
		})
	}
}

// TestScanTree checks the walk: only files under .github/workflows are
// audited, paths are relative with forward slashes, a single file named
// directly is audited, and output is sorted.
func TestScanTree(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wf := "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: foo/bar@main\n"
	write(".github/workflows/ci.yml", wf)
	write("svc/.github/workflows/deploy.yaml", wf)
	write("not-a-workflow.yml", wf)
	write(".github/dependabot.yml", "version: 2\n")
	set, err := New().Scan(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, f := range set.Findings {
		files[f.File] = true
	}
	if len(files) != 2 || !files[".github/workflows/ci.yml"] || !files["svc/.github/workflows/deploy.yaml"] {
		t.Errorf("audited %v", files)
	}
	single, err := New().Scan(context.Background(), filepath.Join(dir, "not-a-workflow.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(single.Findings) == 0 || single.Findings[0].File != "not-a-workflow.yml" {
		t.Errorf("single file: %+v", single.Findings)
	}
}

// TestRepoFixture scans a repository tree: composite actions (action.yml
// anywhere), reusable workflows, and callers of both, whose inputs are
// judged by what the callee does with them.
func TestRepoFixture(t *testing.T) {
	dir := "testdata/repo"
	set, err := New().Scan(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	msgs := map[string]string{}
	for _, f := range set.Findings {
		k := wantfile.Key(f.File, f.Line, f.Rule)
		got[k]++
		msgs[k] = f.Message
		if f.Column < 1 || f.Resource == "" {
			t.Errorf("%s: incomplete finding %+v", k, f)
		}
	}
	want, err := wantfile.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range wantfile.Diff(want, got, msgs) {
		t.Error(p)
	}
}

// TestUsesBlockScalar checks a uses: written as a block scalar: the
// trailing newline is not part of the ref, and the finding points at the
// value's line (a fixture cannot annotate it: a comment there is part of
// the value).
func TestUsesBlockScalar(t *testing.T) {
	src := "on: push\npermissions: {}\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: |\n          actions/checkout@v4\n"
	set := Audit("w.yml", []byte(src))
	if len(set.Findings) != 1 {
		t.Fatalf("got %d findings, want 1: %+v", len(set.Findings), set.Findings)
	}
	f := set.Findings[0]
	if f.Rule != RuleUnpinnedAction || f.Line != 8 || !strings.Contains(f.Message, `tag "v4",`) {
		t.Errorf("got %s at line %d: %s", f.Rule, f.Line, f.Message)
	}
}
