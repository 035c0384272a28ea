package cli

import (
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
	if m.Scan.OSVDB != "" {
		osv = m.Rel(m.Scan.OSVDB)
	}
	return []evidence.Scanner{
		secrets.New(secrets.Options{AllowPaths: m.Scan.Exclude}),
		deps.New(deps.Options{OSVDB: osv, Exclude: m.Scan.Exclude, Include: m.Scan.Include}),
		workflows.New(),
		iam.New(),
		iac.New(),
		routes.New(),
		sinks.New(),
	}
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
	return out
}
