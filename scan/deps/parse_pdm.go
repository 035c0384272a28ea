package deps

import (
	"slices"
	"strings"
)

// parsePDMLock reads pdm.lock: one [[package]] table per package with its
// dependencies as requirement strings and, since lock format 4.4, the
// groups that need it ("default" is the run-time group). Older lockfiles
// without groups are sorted by what pyproject.toml's groups pull in.
func parsePDMLock(pc *parseCtx, data []byte) (result, error) {
	tables, err := parseTOML(pc.file, data)
	if err != nil {
		return result{}, err
	}
	var res result
	sawGroups := false
	for _, t := range tables {
		if t.name != "package" || !t.array {
			continue
		}
		name, version := t.str("name"), t.str("version")
		if name == "" {
			continue
		}
		line := t.line
		if kv, ok := t.get("name"); ok {
			line = kv.line
		}
		p := newPackage(PyPI, name, version, pc.file, line)
		switch {
		case t.str("git") != "":
			p.Source, p.SourceURL = Git, t.str("git")
			if rev := t.str("revision"); rev != "" {
				p.SourceURL += "@" + rev
			}
		case t.str("path") != "":
			p.Source, p.SourceURL = Path, t.str("path")
		case t.str("url") != "":
			p.Source, p.SourceURL = URL, t.str("url")
		}
		if kv, ok := t.get("groups"); ok {
			sawGroups = true
			var groups []string
			for _, e := range tomlArray(kv.raw) {
				if g, ok := tomlString(e); ok {
					groups = append(groups, g)
				}
			}
			p.Dev = !slices.Contains(groups, "default")
		}
		res.add(p)
		if kv, ok := t.get("dependencies"); ok {
			for _, e := range tomlArray(kv.raw) {
				if s, ok := tomlString(e); ok {
					if d, _ := cutName(strings.TrimSpace(s)); d != "" {
						res.edge(name, d)
					}
				}
			}
		}
	}
	if pyproject, ok := pc.sibling("pyproject.toml"); ok {
		markDirect(res.packages, pyprojectDirect(pyproject))
		if g := pyprojectGroups(pyproject); g != nil && !sawGroups {
			markDevByReach(res.packages, res.edges, g.main, g.dev)
		}
	}
	return res, nil
}
