// Package workflows audits GitHub Actions workflows for supply-chain and
// pipeline risks: actions not pinned to a commit, missing or over-broad
// GITHUB_TOKEN permissions, privileged triggers that run untrusted code,
// script injection from attacker-controlled contexts, secrets echoed or
// handed to untrusted steps, and self-hosted runners reachable from public
// triggers. It also reports which security steps (secret scanning,
// vulnerability scanning, SBOM generation) each workflow runs and whether
// they gate the build, so that a model's "scanning in CI" control can be
// verified.
//
// Workflows are parsed with rhysd/actionlint's parser, which keeps the
// position of every node, and expressions with its expression parser.
package workflows

import (
	"context"
	"fmt"
	"os"
	"path"
	"regexp"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/repofs"
)

// ScannerName is the Scanner field of every finding this package emits.
const ScannerName = "workflows"

// workflowPath matches workflow files wherever a .github/workflows folder
// sits (a monorepo may hold several example projects).
var workflowPath = regexp.MustCompile(`(^|/)\.github/workflows/[^/]+\.ya?ml$`)

// IsWorkflowFile reports whether a slash-separated path relative to a
// scanned root is a GitHub Actions workflow.
func IsWorkflowFile(rel string) bool { return workflowPath.MatchString(rel) }

// Scanner audits every workflow under a root.
type Scanner struct{}

// New returns a workflows scanner.
func New() evidence.Scanner { return Scanner{} }

// Name implements evidence.Scanner.
func (Scanner) Name() string { return ScannerName }

// maxWorkflowSize bounds the files read; real workflows are a few KB.
const maxWorkflowSize = 4 << 20

// Scan implements evidence.Scanner. Workflows and action metadata files
// (action.yml anywhere in the tree) are read first, so that a call to a
// local composite action or reusable workflow is judged by what the callee
// does with its inputs.
func (Scanner) Scan(ctx context.Context, root string) (evidence.Set, error) {
	var set evidence.Set
	// A single file named on the command line is audited whatever its path.
	info, statErr := os.Lstat(root)
	single := statErr == nil && info.Mode().IsRegular()
	type file struct {
		rel    string
		data   []byte
		action bool
	}
	var files []file
	err := repofs.Walk(ctx, root, repofs.Options{MaxSize: maxWorkflowSize}, func(f repofs.File) error {
		action := IsActionFile(f.Rel)
		if !IsWorkflowFile(f.Rel) && !action && !(single && isYAML(f.Rel)) {
			return nil
		}
		data, err := os.ReadFile(f.Path)
		if err != nil {
			return fmt.Errorf("read %s: %w", f.Rel, err)
		}
		files = append(files, file{f.Rel, data, action})
		return nil
	})
	if err != nil {
		return evidence.Set{}, err
	}
	idx := Index{}
	for _, f := range files {
		if f.action {
			if w := parseActionSteps(f.rel, f.data); w != nil {
				idx.add(path.Dir(f.rel), w)
			}
		} else if w, err := Parse(f.rel, f.data); err == nil {
			idx.add(f.rel, w)
		}
	}
	for _, f := range files {
		if f.action {
			set.Add(auditAction(f.rel, f.data, idx))
		} else {
			set.Add(auditWith(f.rel, f.data, idx))
		}
	}
	set.Sort()
	return set, nil
}

func isYAML(name string) bool {
	n := len(name)
	return n > 4 && name[n-4:] == ".yml" || n > 5 && name[n-5:] == ".yaml"
}

// Audit checks one workflow file's bytes; rel is its path relative to the
// scanned root. A file that is not valid YAML yields one finding naming the
// position of the error.
func Audit(rel string, data []byte) evidence.Set { return auditWith(rel, data, nil) }

func auditWith(rel string, data []byte, idx Index) evidence.Set {
	w, err := Parse(rel, data)
	if err != nil {
		pe, _ := err.(*ParseError)
		f := evidence.Finding{
			Scanner: ScannerName, Rule: RuleUnparsable, Severity: ruleSeverity(RuleUnparsable),
			File: rel, Message: "cannot audit workflow: " + err.Error(),
		}
		if pe != nil {
			f.Line, f.Column = pe.Line, pe.Col
		}
		return evidence.Set{Findings: []evidence.Finding{f}}
	}
	w.index = idx
	var set evidence.Set
	for _, check := range checks {
		set.Findings = append(set.Findings, check(w)...)
	}
	set.Observations = append(set.Observations, securitySteps(w)...)
	set.Observations = append(set.Observations, propertyObservations(w, set.Findings)...)
	return set
}
