package deps

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/threatmap/threatmap/evidence"
)

// Options configures the deps scanner.
type Options struct {
	// OSVDB is a folder of OSV JSON records or all.zip exports. Empty means
	// no vulnerability matching: only hygiene findings are reported.
	OSVDB string
	// Ignore lists advisories not to report, by id or alias (GHSA-...,
	// CVE-...): ones a team has assessed as not exploitable in its use.
	Ignore []string
	// Exclude and Include are path patterns (repofs.MatchAny) of lockfiles
	// not to read, and of lockfiles to read although they sit under one of
	// the DefaultExcludeDirs.
	Exclude, Include []string
}

// Scanner reads lockfiles and manifests, matches packages against the OSV
// database and reports hygiene problems. Each scan reads the database
// once, keeping only the advisories for the packages it found, and indexes
// them by package name.
type Scanner struct {
	opts Options
}

// New returns a deps scanner.
func New(opts Options) evidence.Scanner { return &Scanner{opts: opts} }

// Name implements evidence.Scanner.
func (s *Scanner) Name() string { return ScannerName }

// Scan implements evidence.Scanner.
func (s *Scanner) Scan(ctx context.Context, root string) (evidence.Set, error) {
	inv, err := CollectWith(ctx, root, Filter{Exclude: s.opts.Exclude, Include: s.opts.Include})
	if err != nil {
		return evidence.Set{}, err
	}
	var db *DB
	if s.opts.OSVDB != "" {
		if db, err = LoadDBFor(ctx, s.opts.OSVDB, inv.Packages); err != nil {
			return evidence.Set{}, err
		}
	}
	set := evidence.Set{Findings: inv.Findings}
	vulnerable := map[string]int{}
	checked := map[string]int{}
	ignore := map[string]bool{}
	for _, id := range s.opts.Ignore {
		ignore[strings.ToUpper(strings.TrimSpace(id))] = true
	}
	// A package version installed in several places (npm nests copies)
	// is one package to count and one finding per advisory, naming every
	// place it is installed.
	type hit struct {
		first Package
		m     Match
		also  []Package
	}
	var hits []*hit
	byKey := map[string]*hit{}
	counted := map[string]bool{}
	for _, p := range inv.Packages {
		id := p.File + "\x00" + string(p.Ecosystem) + "\x00" + p.Name + "\x00" + p.Version + "\x00" + p.SourceURL
		if !counted[id] {
			counted[id] = true
			checked[path.Dir(p.File)]++
		}
		for _, m := range db.Match(p) {
			if ignored(m, ignore) {
				continue
			}
			key := id + "\x00" + m.ID
			if h, ok := byKey[key]; ok {
				h.also = append(h.also, p)
				continue
			}
			h := &hit{first: p, m: m}
			byKey[key] = h
			hits = append(hits, h)
			vulnerable[path.Dir(p.File)]++
		}
	}
	for _, h := range hits {
		set.Findings = append(set.Findings, vulnFinding(h.first, h.m, h.also...))
	}
	set.Observations = observations(inv, db, checked, vulnerable)
	for _, o := range set.Observations {
		if o.Property == evidence.AdvisoriesChecked && !o.Holds {
			set.Unresolved = append(set.Unresolved, evidence.Unresolved{Scanner: ScannerName, File: o.File, Reason: o.Detail})
		}
	}
	set.Sort()
	return set, nil
}

// vulnFinding reports advisory m on package p; also lists the other places
// the same package version is installed, in the same lockfile.
func vulnFinding(p Package, m Match, also ...Package) evidence.Finding {
	id := m.ID
	var cves []string
	for _, a := range m.Aliases {
		if strings.HasPrefix(a, "CVE-") {
			cves = append(cves, a)
		}
	}
	if len(cves) > 0 {
		id += " (" + strings.Join(cves, ", ") + ")"
	}
	var msg string
	switch {
	case p.Ecosystem == Go && (p.Name == goStdlib || p.Name == goToolchain):
		what := "the Go standard library"
		if p.Name == goToolchain {
			what = "the go command"
		}
		msg = fmt.Sprintf("%s %s (from the %s directive) has a known vulnerability %s", what, p.Version, goDirectiveOf(p), id)
	case p.Ecosystem == Go && path.Base(p.File) == "go.sum":
		msg = fmt.Sprintf("%s %s (transitive dependency, recorded in go.sum) has a known vulnerability %s", p.Name, p.Version, id)
	case p.Relationship == Unknown:
		msg = fmt.Sprintf("%s %s has a known vulnerability %s", p.Name, p.Version, id)
	case len(also) > 0:
		msg = fmt.Sprintf("%s %s (%s) has a known vulnerability %s", p.Name, p.Version, installPlaces(append([]Package{p}, also...)), id)
	case len(p.Path) > 1:
		msg = fmt.Sprintf("%s %s (transitive dependency: %s) has a known vulnerability %s", p.Name, p.Version, strings.Join(p.Path, " -> "), id)
	default:
		msg = fmt.Sprintf("%s %s (%s dependency) has a known vulnerability %s", p.Name, p.Version, p.Relationship, id)
	}
	if strings.HasPrefix(m.ID, "MAL-") {
		msg = strings.Replace(msg, "has a known vulnerability", "is a known malicious package", 1)
	}
	if m.Summary != "" {
		msg += ": " + m.Summary
	}
	if m.Fixed != "" {
		msg += "; fixed in " + m.Fixed
	} else {
		msg += "; no fixed version is known"
	}
	return evidence.Finding{
		Scanner: ScannerName, Rule: RuleKnownVulnerability, Severity: m.Severity, Message: msg,
		File: p.File, Line: p.Line, Resource: p.PURL,
		Package: p.Name, Version: p.Version, Ecosystem: string(p.Ecosystem),
		Advisory: m.ID, Aliases: m.Aliases, Fixed: m.Fixed,
		Property: evidence.NoKnownVulnerabilities,
	}
}

// observations reports, per directory holding lockfiles or manifests,
// whether its dependencies are pinned and (with a database) free of known
// vulnerabilities. The subject is the directory, which is how a model
// names where a component's code lives.
func observations(inv *Inventory, db *DB, checked, vulnerable map[string]int) []evidence.Observation {
	unpinned := map[string]int{}
	for _, f := range inv.Findings {
		if f.Property == evidence.DependenciesPinned {
			unpinned[path.Dir(f.File)]++
		}
	}
	firstFile := map[string]string{}
	for _, f := range inv.Files {
		if _, ok := firstFile[path.Dir(f)]; !ok {
			firstFile[path.Dir(f)] = f
		}
	}
	var obs []evidence.Observation
	for _, dir := range sortedKeys(firstFile) {
		subject := dir
		if subject == "." {
			subject = ""
		}
		n := unpinned[dir]
		detail := "every dependency is pinned by a lockfile or an exact version"
		if n > 0 {
			detail = fmt.Sprintf("%s about unpinned dependencies or missing lockfiles", count(n, "finding", "findings"))
		}
		obs = append(obs, evidence.Observation{
			Scanner: ScannerName, Property: evidence.DependenciesPinned, Subject: subject,
			Holds: n == 0, Detail: detail, File: firstFile[dir],
		})
		if db == nil {
			if checked[dir] > 0 {
				obs = append(obs, evidence.Observation{
					Scanner: ScannerName, Property: evidence.AdvisoriesChecked, Subject: subject,
					Holds: false, File: firstFile[dir],
					Detail: fmt.Sprintf("%s not checked against any advisory database (run threatmap db update, or set --osv-db or scan.osv_db)", count(checked[dir], "package", "packages")),
				})
			}
			continue
		}
		obs = append(obs, evidence.Observation{
			Scanner: ScannerName, Property: evidence.AdvisoriesChecked, Subject: subject,
			Holds: true, File: firstFile[dir],
			Detail: fmt.Sprintf("%s checked against %s", count(checked[dir], "package", "packages"), count(db.Records, "OSV advisory", "OSV advisories")),
		})
		v := vulnerable[dir]
		detail = fmt.Sprintf("%s checked against %s; none affected", count(checked[dir], "package", "packages"), count(db.Records, "OSV advisory", "OSV advisories"))
		if v > 0 {
			detail = fmt.Sprintf("%s in %s checked against %s", count(v, "known vulnerability", "known vulnerabilities"),
				count(checked[dir], "package", "packages"), count(db.Records, "OSV advisory", "OSV advisories"))
		}
		obs = append(obs, evidence.Observation{
			Scanner: ScannerName, Property: evidence.NoKnownVulnerabilities, Subject: subject,
			Holds: v == 0, Detail: detail, File: firstFile[dir],
		})
	}
	return obs
}

// installPlaces describes the places one package version is installed:
// "installed in 3 places: a -> b; c -> b; direct".
func installPlaces(ps []Package) string {
	var descs []string
	for _, p := range ps {
		d := string(p.Relationship)
		if len(p.Path) > 1 {
			d = strings.Join(p.Path, " -> ")
		}
		if !slices.Contains(descs, d) {
			descs = append(descs, d)
		}
	}
	const most = 4
	more := ""
	if len(descs) > most {
		more = fmt.Sprintf("; and %d more", len(descs)-most)
		descs = descs[:most]
	}
	return fmt.Sprintf("installed in %d places: %s%s", len(ps), strings.Join(descs, "; "), more)
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// ignored reports whether the user asked not to report this advisory.
func ignored(m Match, ignore map[string]bool) bool {
	if ignore[strings.ToUpper(m.ID)] {
		return true
	}
	for _, a := range m.Aliases {
		if ignore[strings.ToUpper(a)] {
			return true
		}
	}
	return false
}
