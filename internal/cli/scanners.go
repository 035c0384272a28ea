package cli

import (
	"context"
	"fmt"
	"path"
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
	"github.com/threatmap/threatmap/scan/workflows"
)

// scanners lists, explicitly, the scanners report and check run over the
// model's directory, configured from the model's scan: section.
func (c *Command) scanners(m *model.Model) []evidence.Scanner {
	osv := ""
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
		depsScanner = deps.New(deps.Options{OSVDB: osv})
	}
	return []evidence.Scanner{
		secrets.New(secrets.Options{AllowPaths: m.Scan.Exclude}),
		depsScanner,
		workflows.New(),
		iam.New(),
		iac.New(),
		routes.New(),
	}
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
// scan.exclude patterns: a directory prefix ("vendor/"), a directory at any
// depth ("**/testdata/"), or a path.Match pattern on the whole path or its
// base name ("*_test.go").
func excluded(file string, patterns []string) bool {
	if file == "" {
		return false
	}
	for _, p := range patterns {
		p = strings.TrimPrefix(p, "./")
		if rest, ok := strings.CutPrefix(p, "**/"); ok && strings.HasSuffix(rest, "/") {
			if strings.HasPrefix(file, rest) || strings.Contains(file, "/"+rest) {
				return true
			}
			continue
		}
		if strings.HasSuffix(p, "/") && strings.HasPrefix(file, p) {
			return true
		}
		if ok, _ := path.Match(p, file); ok {
			return true
		}
		if ok, _ := path.Match(p, path.Base(file)); ok {
			return true
		}
		if file == p || strings.HasPrefix(file, p+"/") {
			return true
		}
	}
	return false
}

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
	return out
}
