package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/workflows"
)

// TestCIWorkflowDoc checks the workflow users copy from docs/ci: actionlint
// finds nothing wrong with it, the workflow scanner finds no weakness, and
// it runs secret scanning, vulnerability scanning and an SBOM as gates.
func TestCIWorkflowDoc(t *testing.T) {
	path := filepath.Join(repoRoot(t), "docs", "ci", "threatmap.yml")
	linter, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := linter.LintFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("actionlint: %s", e.Error())
	}
	set, err := workflows.New().Scan(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range set.Findings {
		t.Errorf("workflow scanner: %s:%d %s", f.File, f.Line, f.Message)
	}
	holds := map[evidence.Property]bool{}
	for _, o := range set.Observations {
		if o.Holds {
			holds[o.Property] = true
		}
	}
	for _, p := range []evidence.Property{evidence.CISecretScanning, evidence.CIVulnScanning, evidence.CISBOM, evidence.ActionsPinned} {
		if !holds[p] {
			t.Errorf("the documented workflow does not show %s", p)
		}
	}
}

// TestPreCommitDoc checks that the documented pre-commit configuration
// names hooks this repository defines, and that they run real commands.
func TestPreCommitDoc(t *testing.T) {
	root := repoRoot(t)
	var hooks []struct {
		ID    string `yaml:"id"`
		Entry string `yaml:"entry"`
	}
	data, err := os.ReadFile(filepath.Join(root, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	defined := map[string]string{}
	for _, h := range hooks {
		defined[h.ID] = h.Entry
	}
	var cfg struct {
		Repos []struct {
			Hooks []struct {
				ID string `yaml:"id"`
			} `yaml:"hooks"`
		} `yaml:"repos"`
	}
	data, err = os.ReadFile(filepath.Join(root, "docs", "ci", "pre-commit-config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range cfg.Repos {
		for _, h := range r.Hooks {
			n++
			entry, ok := defined[h.ID]
			if !ok {
				t.Errorf("hook %s is not defined in .pre-commit-hooks.yaml", h.ID)
				continue
			}
			// The entry must be a command this binary accepts.
			args := strings.Fields(entry)
			if len(args) < 2 || args[0] != "threatmap" {
				t.Errorf("hook %s: entry %q is not a threatmap command", h.ID, entry)
				continue
			}
			_, errOut, code := run(t, append(args[1:], "--help")...)
			if code != ExitOK {
				t.Errorf("hook %s: %q is not a command: %s", h.ID, entry, errOut)
			}
		}
	}
	if n == 0 {
		t.Fatal("the pre-commit doc names no hooks")
	}
}
