package deps

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"

	"deps.dev/util/semver"

	"github.com/threatmap/threatmap"
)

// Match is one advisory that applies to a package version.
type Match struct {
	ID       string
	Aliases  []string
	Summary  string
	Severity threatmap.Severity
	// Fixed is the lowest version that fixes the advisory for the matched
	// range, or empty when no fix is known.
	Fixed string
}

// system returns the version ordering of an ecosystem.
func system(eco Ecosystem) (semver.System, bool) {
	switch eco {
	case Go:
		return semver.Go, true
	case NPM:
		return semver.NPM, true
	case PyPI:
		return semver.PyPI, true
	case CratesIO:
		return semver.Cargo, true
	case RubyGems:
		return semver.RubyGems, true
	}
	return semver.DefaultSystem, false
}

// parseVersion parses a version in an ecosystem's syntax. Go module
// versions carry a "v" prefix that OSV's Go records leave out, and Go's
// ordering wants it.
func parseVersion(sys semver.System, eco Ecosystem, s string) (*semver.Version, error) {
	if eco == Go && !strings.HasPrefix(s, "v") {
		s = "v" + s
	}
	return sys.Parse(s)
}

// Match returns the advisories that affect p, ordered by id. Packages
// without a version, or from git, URLs or local paths, match nothing: OSV
// ranges speak of registry releases.
func (db *DB) Match(p Package) []Match {
	if db == nil || p.Version == "" || p.Source != Registry {
		return nil
	}
	advs := db.index[indexKey(p.Ecosystem, p.Name)]
	if len(advs) == 0 {
		return nil
	}
	sys, ok := system(p.Ecosystem)
	if !ok {
		return nil
	}
	v, err := parseVersion(sys, p.Ecosystem, p.Version)
	if err != nil {
		return nil
	}
	var out []Match
	seen := map[string]bool{}
	for _, a := range advs {
		affected, fixed := affects(sys, p.Ecosystem, a.aff, p.Version, v)
		if !affected || seen[a.rec.ID] {
			continue
		}
		seen[a.rec.ID] = true
		out = append(out, Match{
			ID: a.rec.ID, Aliases: a.rec.Aliases, Summary: a.rec.Summary,
			Severity: severityOf(a.rec, a.aff), Fixed: fixed,
		})
	}
	out = mergeAliases(out)
	slices.SortFunc(out, func(a, b Match) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// mergeAliases folds matches that are the same vulnerability published by
// several databases (a PYSEC and a GHSA record aliasing each other, or
// sharing a CVE) into one, so a full osv.dev export does not report each
// vulnerability twice. The GitHub advisory id is kept when there is one;
// aliases are united and the highest severity wins.
func mergeAliases(ms []Match) []Match {
	if len(ms) < 2 {
		return ms
	}
	names := func(m Match) []string { return append([]string{m.ID}, m.Aliases...) }
	var out []Match
	merged := make([]bool, len(ms))
	for i := range ms {
		if merged[i] {
			continue
		}
		group := []Match{ms[i]}
		ids := map[string]bool{}
		for _, n := range names(ms[i]) {
			ids[n] = true
		}
		// Grow the group until no other match shares a name with it.
		for changed := true; changed; {
			changed = false
			for j := i + 1; j < len(ms); j++ {
				if merged[j] {
					continue
				}
				for _, n := range names(ms[j]) {
					if ids[n] {
						merged[j], changed = true, true
						group = append(group, ms[j])
						for _, n := range names(ms[j]) {
							ids[n] = true
						}
						break
					}
				}
			}
		}
		out = append(out, mergeGroup(group, ids))
	}
	return out
}

func mergeGroup(group []Match, ids map[string]bool) Match {
	best := group[0]
	for _, m := range group[1:] {
		if strings.HasPrefix(m.ID, "GHSA-") && !strings.HasPrefix(best.ID, "GHSA-") ||
			strings.HasPrefix(m.ID, "GHSA-") == strings.HasPrefix(best.ID, "GHSA-") && m.ID < best.ID {
			best = m
		}
	}
	out := best
	out.Aliases = nil
	for id := range ids {
		if id != best.ID {
			out.Aliases = append(out.Aliases, id)
		}
	}
	slices.Sort(out.Aliases)
	for _, m := range group {
		out.Severity = max(out.Severity, m.Severity)
		if out.Summary == "" {
			out.Summary = m.Summary
		}
		if out.Fixed == "" {
			out.Fixed = m.Fixed
		}
	}
	return out
}

// event is one parsed range event.
type event struct {
	kind string // introduced, fixed, last_affected, limit
	raw  string
	v    *semver.Version // nil for introduced "0"
}

// affects evaluates an affected entry against a version: an exact listed
// version, or a SEMVER/ECOSYSTEM range whose events (sorted by version)
// leave the version inside an introduced..fixed (or ..last_affected)
// interval. fixed is the lowest fix above the version in that range.
func affects(sys semver.System, eco Ecosystem, aff *osvAffected, raw string, v *semver.Version) (bool, string) {
	listed := slices.Contains(aff.Versions, raw) || eco == Go && slices.Contains(aff.Versions, strings.TrimPrefix(raw, "v"))
	var fixedListed string
	for _, r := range aff.Ranges {
		if r.Type != "SEMVER" && r.Type != "ECOSYSTEM" {
			continue // GIT ranges speak of commits, not releases
		}
		events := make([]event, 0, len(r.Events))
		for _, e := range r.Events {
			for kind, s := range e {
				ev := event{kind: kind, raw: s}
				if !(kind == "introduced" && s == "0") {
					pv, err := parseVersion(sys, eco, s)
					if err != nil {
						continue
					}
					ev.v = pv
				}
				events = append(events, ev)
			}
		}
		slices.SortStableFunc(events, func(a, b event) int {
			switch {
			case a.v == nil && b.v == nil:
				return 0
			case a.v == nil:
				return -1
			case b.v == nil:
				return 1
			}
			return a.v.Compare(b.v)
		})
		in := false
		fixed := ""
		for _, e := range events {
			c := 1
			if e.v != nil {
				c = v.Compare(e.v)
			}
			switch e.kind {
			case "introduced":
				if c >= 0 {
					in = true
				}
			case "fixed", "limit":
				if c >= 0 {
					in = false
				} else if e.kind == "fixed" && fixed == "" {
					fixed = e.raw
				}
			case "last_affected":
				if c > 0 {
					in = false
				}
			}
		}
		if in {
			return true, fixed
		}
		if listed && fixedListed == "" {
			fixedListed = fixed
		}
	}
	return listed, fixedListed
}

// severityOf ranks an advisory: the GitHub/OSV database_specific severity
// when present, else the CVSS v3 base score, else the affected entry's own
// rating, else medium (a known vulnerability is never merely informative).
func severityOf(rec *osvRecord, aff *osvAffected) threatmap.Severity {
	// OSV's MAL- records are malicious packages (typosquats, hijacked
	// releases): installing one is a compromise, not a weakness.
	if strings.HasPrefix(rec.ID, "MAL-") {
		return threatmap.Critical
	}
	if s, ok := namedSeverity(rec.DatabaseSpecific); ok {
		return s
	}
	for _, list := range [][]osvSeverity{rec.Severity, aff.Severity} {
		for _, s := range list {
			if s.Type == "CVSS_V3" || strings.HasPrefix(s.Score, "CVSS:3") {
				if score, ok := cvss3BaseScore(s.Score); ok {
					return ratingOf(score)
				}
			}
		}
	}
	for _, raw := range []json.RawMessage{aff.EcosystemSpecific, aff.DatabaseSpecific} {
		if s, ok := namedSeverity(raw); ok {
			return s
		}
	}
	return threatmap.Medium
}

// namedSeverity reads {"severity": "HIGH"} leniently: databases disagree on
// the shape of their specific fields.
func namedSeverity(raw json.RawMessage) (threatmap.Severity, bool) {
	if len(raw) == 0 {
		return 0, false
	}
	var m struct {
		Severity any `json:"severity"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return 0, false
	}
	name, _ := m.Severity.(string)
	switch strings.ToUpper(strings.TrimSpace(name)) {
	case "CRITICAL":
		return threatmap.Critical, true
	case "HIGH", "IMPORTANT":
		return threatmap.High, true
	case "MODERATE", "MEDIUM":
		return threatmap.Medium, true
	case "LOW":
		return threatmap.Low, true
	}
	return 0, false
}
