package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/repofs"
	"github.com/threatmap/threatmap/scan/deps"
	"github.com/threatmap/threatmap/scan/iac"
	"github.com/threatmap/threatmap/scan/iam"
	"github.com/threatmap/threatmap/scan/routes"
	"github.com/threatmap/threatmap/scan/secrets"
	"github.com/threatmap/threatmap/scan/sinks"
	"github.com/threatmap/threatmap/scan/workflows"
)

// scanners lists, explicitly, the scanners report and check run over the
// model's directory, configured from the model's scan: section.
func (c *Command) scanners(m *model.Model) []evidence.Scanner {
	osv := c.defaultOSVDB()
	var depsScanner evidence.Scanner
	if m.Scan.OSVDB != "" {
		osv = m.Rel(m.Scan.OSVDB)
		// The database is read by name from the model: it must lie inside
		// the repository like every such file.
		if _, err := repofs.Resolve(m.Dir, filepath.FromSlash(m.Scan.OSVDB)); err != nil {
			depsScanner = refusedScanner{name: "deps", err: fmt.Errorf("scan.osv_db %w", err)}
		}
	}
	if depsScanner == nil {
		depsScanner = deps.New(deps.Options{OSVDB: osv, Exclude: m.Scan.Exclude, Include: m.Scan.Include})
	}
	return []evidence.Scanner{
		secrets.New(secrets.Options{AllowPaths: m.Scan.Exclude}),
		depsScanner,
		workflows.New(),
		iam.New(),
		// The model is read once, by the loader: the iac scanner would
		// parse it again as generic YAML, which on a large model costs as
		// much as loading it.
		&iac.Scanner{Skip: modelFileRel(m)},
		routes.New(),
		sinks.New(),
	}
}

// modelFileRel returns the model file relative to its directory (the root
// the scanners walk), as a one-element list, or nil when it lies elsewhere.
func modelFileRel(m *model.Model) []string {
	rel, err := filepath.Rel(m.Dir, m.File)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return nil
	}
	return []string{filepath.ToSlash(rel)}
}

// refusedScanner stands in for a scanner whose configuration names a file
// threatmap may not read; it fails, so the gate fails closed.
type refusedScanner struct {
	name string
	err  error
}

func (r refusedScanner) Name() string { return r.name }

func (r refusedScanner) Scan(context.Context, string) (evidence.Set, error) {
	return evidence.Set{}, r.err
}

// excluded reports whether a slash path falls under one of the model's
// scan.exclude patterns (see repofs.MatchAny).
func excluded(file string, patterns []string) bool { return repofs.MatchAny(file, patterns) }

// dropExcluded removes evidence located in excluded paths.
func dropExcluded(set evidence.Set, patterns []string) evidence.Set {
	if len(patterns) == 0 {
		return set
	}
	var out evidence.Set
	for _, f := range set.Findings {
		if !excluded(f.File, patterns) {
			out.Findings = append(out.Findings, f)
		}
	}
	for _, r := range set.Routes {
		if !excluded(r.File, patterns) {
			out.Routes = append(out.Routes, r)
		}
	}
	for _, o := range set.Observations {
		if !excluded(o.File, patterns) {
			out.Observations = append(out.Observations, o)
		}
	}
	for _, u := range set.Unresolved {
		if !excluded(u.File, patterns) {
			out.Unresolved = append(out.Unresolved, u)
		}
	}
	return out
}
