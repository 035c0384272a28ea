package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/repofs"
	"github.com/threatmap/threatmap/rules"
)

// analysis is one pass through the four questions for one model.
type analysis struct {
	model    *model.Model
	warnings model.Diagnostics
	rules    []*rules.Rule
	evidence evidence.Set
	index    *link.Index
	result   *assess.Assessment
	root     string
	scanErrs []error
	// skipped records what the scanners left unread.
	skipped repofs.Tally
}

type analyzeOptions struct {
	noScan bool
	// extra names JSON evidence files (probe results, saved scans) to add.
	extra []string
}

// now returns the command's clock.
func (c *Command) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// loadModel loads the model at path, printing every diagnostic in context
// to stderr; on errors it returns a usage-class error.
func (c *Command) loadModel(path string) (*model.Model, model.Diagnostics, error) {
	m, diags, err := model.Load(c.path(path))
	if err != nil {
		var ds model.Diagnostics
		if errors.As(err, &ds) && m != nil {
			fmt.Fprint(c.Stderr, diags.Format(m.Source))
			return nil, nil, &exitError{code: ExitUsage, err: fmt.Errorf("%s: %d %s", m.File, len(ds), plural(len(ds), "problem", "problems"))}
		}
		return nil, nil, inputError(err)
	}
	return m, diags.Warnings(), nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// loadRules returns the built-in rules plus the model's custom rules.
func (c *Command) loadRules(m *model.Model) ([]*rules.Rule, error) {
	builtin, err := rules.Builtin()
	if err != nil {
		return nil, err
	}
	return c.loadRulesFrom(m, builtin)
}

// loadRulesFrom returns builtin plus the model's custom rules.
func (c *Command) loadRulesFrom(m *model.Model, builtin []*rules.Rule) ([]*rules.Rule, error) {
	dirs := m.Rules.Dirs
	if len(dirs) == 0 {
		if st, err := os.Stat(m.Rel("threatmap.rules")); err == nil && st.IsDir() {
			dirs = []string{"threatmap.rules"}
		}
	}
	var custom []*rules.Rule
	var diags model.Diagnostics
	for _, d := range dirs {
		// A rules directory named in the model must lie inside the
		// repository, like every file threatmap reads by name.
		if _, err := repofs.Resolve(m.Dir, filepath.FromSlash(d)); err != nil {
			diags = append(diags, model.Diagnostic{Pos: threatmap.Position{File: m.File}, Message: fmt.Sprintf("rules directory %v", err)})
			continue
		}
		rs, ds := rules.LoadDir(m.Rel(d))
		custom = append(custom, rs...)
		diags = append(diags, ds...)
	}
	all, ds := rules.Merge(builtin, custom)
	diags = append(diags, ds...)
	if diags.HasErrors() {
		fmt.Fprint(c.Stderr, diags.Format(nil))
		return nil, &exitError{code: ExitUsage, err: fmt.Errorf("custom rules: %d %s", len(diags.Errors()), plural(len(diags.Errors()), "problem", "problems"))}
	}
	return all, nil
}

// analyze runs the whole pipeline on the model at path.
func (c *Command) analyze(ctx context.Context, path string, opts analyzeOptions) (*analysis, error) {
	// The built-in rules are read and compiled while the model loads.
	type precompiled struct {
		builtin []*rules.Rule
		pre     *rules.Precompiled
		err     error
	}
	c.streaming(false)
	builtinReady := make(chan precompiled, 1)
	go func() {
		builtin, err := rules.Builtin()
		if err != nil {
			builtinReady <- precompiled{err: err}
			return
		}
		builtinReady <- precompiled{builtin, rules.Precompile(builtin), nil}
	}()
	m, warnings, err := c.loadModel(path)
	if err != nil {
		return nil, err
	}
	// The custom rules are read and compiled while the scanners run.
	type compiled struct {
		engine *rules.Engine
		err    error
	}
	ready := make(chan compiled, 1)
	go func() {
		b := <-builtinReady
		if b.err != nil {
			ready <- compiled{err: b.err}
			return
		}
		rs, err := c.loadRulesFrom(m, b.builtin)
		if err != nil {
			ready <- compiled{err: err}
			return
		}
		engine, diags := rules.NewEngineWith(b.pre, rs)
		if len(diags) > 0 {
			fmt.Fprint(c.Stderr, diags.Format(nil))
			err = &exitError{code: ExitUsage, err: fmt.Errorf("rules: %d %s", len(diags), plural(len(diags), "problem", "problems"))}
		}
		ready <- compiled{engine, err}
	}()
	an := &analysis{model: m, warnings: warnings, root: m.Dir}
	if !opts.noScan {
		// scan.exclude keeps the walks out of the excluded paths (never
		// read); runScanners also drops evidence placed there by other
		// means (history, a scanner's own file list).
		c.streaming(true)
		sets, errs := c.runScanners(repofs.WithExclude(repofs.WithTally(ctx, &an.skipped), m.Scan.Exclude), m, an.root)
		for i := range sets {
			if errs[i] != nil {
				an.scanErrs = append(an.scanErrs, errs[i])
				continue
			}
			an.evidence.Add(sets[i])
		}
	}
	rc := <-ready
	if rc.err != nil {
		return nil, rc.err
	}
	engine := rc.engine
	an.rules = engine.Rules()
	for _, f := range opts.extra {
		set, err := readEvidence(c.path(f))
		if err != nil {
			return nil, inputError(err)
		}
		an.evidence.Add(set)
	}
	joinSinkRoutes(an.evidence.Findings, an.evidence.Routes)
	an.evidence.Sort()
	c.streaming(false)
	an.index = link.Build(m, an.evidence, "")
	now := c.now()
	// The threats go to the assessment in the engine's chunks, each freed
	// once read, so they are not held twice on a large model.
	chunks, rdiags := engine.RunChunks(m, an.index, rules.Options{Now: now, Disabled: m.Rules.Disable})
	for _, d := range rdiags {
		d.Warning = true
		an.warnings = append(an.warnings, d)
	}
	an.result = assess.AssessChunks(m, chunks, an.index, an.evidence, now)
	return an, nil
}

// maxEvidenceSize bounds an evidence file read with --evidence.
const maxEvidenceSize = 256 << 20

// streaming tells the caller which kind of phase starts (Command.Streaming).
func (c *Command) streaming(on bool) {
	if c.Streaming != nil {
		c.Streaming(on)
	}
}

// runScanners runs the model's scanners at the same time (each is mostly
// waiting on files or git, or busy on one core) and returns their evidence
// and errors in scanner order, so the merge does not depend on which
// finished first.
func (c *Command) runScanners(ctx context.Context, m *model.Model, root string) ([]evidence.Set, []error) {
	var run []evidence.Scanner
	for _, s := range c.scanners(m) {
		if !slices.Contains(m.Scan.Disable, s.Name()) {
			run = append(run, s)
		}
	}
	sets := make([]evidence.Set, len(run))
	errs := make([]error, len(run))
	var wg sync.WaitGroup
	for i, s := range run {
		wg.Add(1)
		go func() {
			defer wg.Done()
			set, err := s.Scan(ctx, root)
			if err != nil {
				errs[i] = fmt.Errorf("scan %s: %w", s.Name(), err)
				return
			}
			sets[i] = dropExcluded(set, m.Scan.Exclude)
		}()
	}
	wg.Wait()
	return sets, errs
}

// readEvidence reads a findings document written by a scan or probe with
// --format json. Fields beyond the evidence (a probe's target and verdicts)
// are ignored.
func readEvidence(path string) (evidence.Set, error) {
	// An evidence file is named on the command line: it is read if it
	// resolves to a regular file inside the directory it was named in.
	data, err := repofs.ReadNamed(path, maxEvidenceSize)
	if err != nil {
		return evidence.Set{}, fmt.Errorf("evidence: %w", err)
	}
	var set evidence.Set
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&set); err != nil {
		return evidence.Set{}, fmt.Errorf("evidence %s: %w", path, err)
	}
	return set, nil
}

// printWarnings writes the analysis's warnings and scanner failures to
// stderr.
func (c *Command) printWarnings(an *analysis) {
	if len(an.warnings) > 0 {
		fmt.Fprint(c.Stderr, an.warnings.Format(an.model.Source))
	}
	for _, err := range an.scanErrs {
		fmt.Fprintf(c.Stderr, "threatmap: warning: %s\n", displayName(err.Error()))
	}
}

// relToModelDir renders a file name relative to the model's directory with
// forward slashes, for SARIF and JSON locations.
func relToModelDir(m *model.Model) func(string) string {
	return func(p string) string {
		if rel, err := filepath.Rel(m.Dir, p); err == nil && !filepath.IsAbs(rel) && rel != ".." && !startsWithDotDot(rel) {
			return filepath.ToSlash(rel)
		}
		return filepath.ToSlash(p)
	}
}

func startsWithDotDot(p string) bool {
	return len(p) >= 3 && p[:3] == ".."+string(filepath.Separator)
}
