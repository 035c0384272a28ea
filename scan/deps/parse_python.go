package deps

import (
	"encoding/json"
	"slices"
	"strings"
)

// parsePoetryLock reads poetry.lock: one [[package]] table per package,
// with a [package.source] sub-table for git, URL and path dependencies.
// Direct dependencies come from pyproject.toml beside it.
func parsePoetryLock(pc *parseCtx, data []byte) (result, error) {
	tables, err := parseTOML(pc.file, data)
	if err != nil {
		return result{}, err
	}
	var res result
	var cur *Package
	flush := func() {
		if cur != nil && cur.Name != "" {
			res.add(*cur)
		}
		cur = nil
	}
	for _, t := range tables {
		switch t.name {
		case "package":
			if !t.array {
				continue
			}
			flush()
			name, version := t.str("name"), t.str("version")
			line := t.line
			if kv, ok := t.get("name"); ok {
				line = kv.line
			}
			p := newPackage(PyPI, name, version, pc.file, line)
			if cat := t.str("category"); cat == "dev" {
				p.Dev = true
			}
			cur = &p
		case "package.dependencies":
			if cur != nil {
				for _, kv := range t.kvs {
					res.edge(cur.Name, kv.key)
				}
			}
		case "package.source":
			if cur == nil {
				continue
			}
			switch t.str("type") {
			case "git":
				cur.Source = Git
				cur.SourceURL = t.str("url") + "@" + t.str("resolved_reference")
			case "url":
				cur.Source, cur.SourceURL = URL, t.str("url")
			case "directory", "file":
				cur.Source, cur.SourceURL = Path, t.str("url")
			}
		}
	}
	flush()
	if data, ok := pc.sibling("pyproject.toml"); ok {
		markDirect(res.packages, pyprojectDirect(data))
		if g := pyprojectGroups(data); g != nil {
			markDevByReach(res.packages, res.edges, g.main, g.dev)
		}
	}
	return res, nil
}

// pyprojectDirect returns the normalised names of the dependencies
// pyproject.toml declares, in PEP 621 [project] form, Poetry's tables or
// dependency groups.
func pyprojectDirect(data []byte) map[string]bool {
	g := pyprojectGroups(data)
	if g == nil {
		return nil
	}
	names := map[string]bool{}
	for _, set := range []map[string]bool{g.main, g.optional, g.dev} {
		for n := range set {
			names[n] = true
		}
	}
	return names
}

// depGroups sorts a project's direct dependencies: main ones are installed
// to run it, optional ones with an extra, dev ones (Poetry's dev and other
// non-main groups, PEP 735 dependency groups, uv's dev-dependencies) only
// to develop, test or document it.
type depGroups struct {
	main, optional, dev map[string]bool
}

// pyprojectGroups reads the direct dependencies of pyproject.toml by group,
// or nil if it cannot be parsed.
func pyprojectGroups(data []byte) *depGroups {
	tables, err := parseTOML("pyproject.toml", data)
	if err != nil {
		return nil
	}
	g := &depGroups{main: map[string]bool{}, optional: map[string]bool{}, dev: map[string]bool{}}
	addSpecs := func(into map[string]bool, raw string) {
		for _, e := range tomlArray(raw) {
			if s, ok := tomlString(e); ok {
				if n, _ := cutName(strings.TrimSpace(s)); n != "" {
					into[normalizeName(PyPI, n)] = true
				}
			}
		}
	}
	addKeys := func(into map[string]bool, t *tomlTable) {
		for _, kv := range t.kvs {
			if kv.key != "python" {
				into[normalizeName(PyPI, kv.key)] = true
			}
		}
	}
	for _, t := range tables {
		switch {
		case t.name == "project":
			if kv, ok := t.get("dependencies"); ok {
				addSpecs(g.main, kv.raw)
			}
		case t.name == "project.optional-dependencies":
			for _, kv := range t.kvs {
				addSpecs(g.optional, kv.raw)
			}
		case t.name == "dependency-groups":
			for _, kv := range t.kvs {
				addSpecs(g.dev, kv.raw)
			}
		case t.name == "tool.uv":
			if kv, ok := t.get("dev-dependencies"); ok {
				addSpecs(g.dev, kv.raw)
			}
		case t.name == "tool.pdm.dev-dependencies":
			for _, kv := range t.kvs {
				addSpecs(g.dev, kv.raw)
			}
		case t.name == "tool.poetry.dependencies", t.name == "tool.poetry.group.main.dependencies":
			addKeys(g.main, t)
		case t.name == "tool.poetry.dev-dependencies",
			strings.HasPrefix(t.name, "tool.poetry.group.") && strings.HasSuffix(t.name, ".dependencies"):
			addKeys(g.dev, t)
		}
	}
	return g
}

// pipfileLock is the part of Pipfile.lock read here.
type pipfileLock struct {
	Default map[string]pipfileEntry `json:"default"`
	Develop map[string]pipfileEntry `json:"develop"`
}

type pipfileEntry struct {
	Version  string `json:"version"`
	Git      string `json:"git"`
	Ref      string `json:"ref"`
	File     string `json:"file"`
	Path     string `json:"path"`
	Editable bool   `json:"editable"`
}

// parsePipfileLock reads Pipfile.lock: "default" and "develop" maps of
// package name to "==version". Direct dependencies come from Pipfile.
func parsePipfileLock(pc *parseCtx, data []byte) (result, error) {
	var lock pipfileLock
	if err := json.Unmarshal(data, &lock); err != nil {
		return result{}, jsonError(pc.file, data, err)
	}
	lines := sectionKeyLines(data, []string{"default", "develop"})
	var res result
	for _, section := range []struct {
		name    string
		entries map[string]pipfileEntry
	}{{"default", lock.Default}, {"develop", lock.Develop}} {
		for _, name := range sortedKeys(section.entries) {
			e := section.entries[name]
			version := strings.TrimPrefix(strings.TrimPrefix(e.Version, "=="), "=")
			p := newPackage(PyPI, name, version, pc.file, lines[section.name+"\x00"+name])
			p.Dev = section.name == "develop"
			switch {
			case e.Git != "":
				p.Source, p.SourceURL = Git, e.Git+"@"+e.Ref
			case e.Path != "":
				p.Source, p.SourceURL = Path, e.Path
			case e.File != "":
				p.Source, p.SourceURL = URL, e.File
			}
			res.add(p)
		}
	}
	if data, ok := pc.sibling("Pipfile"); ok {
		markDirect(res.packages, pipfileDirect(data))
	}
	return res, nil
}

// sectionKeyLines finds the line of each package key inside the named
// top-level sections of Pipfile.lock, keyed section\x00key. pipenv writes
// the file with four-space indentation: sections at one level, packages at
// two.
func sectionKeyLines(data []byte, sections []string) map[string]int {
	out := map[string]int{}
	section := ""
	for i, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, `"`) {
			continue
		}
		end := strings.IndexByte(t[1:], '"')
		if end < 0 {
			continue
		}
		key := t[1 : 1+end]
		switch len(line) - len(strings.TrimLeft(line, " \t")) {
		case 4:
			section = ""
			if slices.Contains(sections, key) {
				section = key
			}
		case 8:
			if section != "" {
				if _, ok := out[section+"\x00"+key]; !ok {
					out[section+"\x00"+key] = i + 1
				}
			}
		}
	}
	return out
}

// pipfileDirect returns the normalised package names Pipfile declares.
func pipfileDirect(data []byte) map[string]bool {
	tables, err := parseTOML("Pipfile", data)
	if err != nil {
		return nil
	}
	names := map[string]bool{}
	for _, t := range tables {
		if t.name == "packages" || t.name == "dev-packages" {
			for _, kv := range t.kvs {
				names[normalizeName(PyPI, kv.key)] = true
			}
		}
	}
	return names
}

// parseUVLock reads uv.lock. The project's own packages have an editable,
// virtual or directory source; their dependencies are the direct ones.
func parseUVLock(pc *parseCtx, data []byte) (result, error) {
	tables, err := parseTOML(pc.file, data)
	if err != nil {
		return result{}, err
	}
	var res result
	direct, mainDirect, devDirect := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var local bool
	addDeps := func(raw string, group map[string]bool) {
		for _, e := range tomlArray(raw) {
			if n := inlineString(tomlInline(e), "name"); n != "" {
				direct[normalizeName(PyPI, n)] = true
				group[normalizeName(PyPI, n)] = true
			}
		}
	}
	for _, t := range tables {
		switch t.name {
		case "package":
			if !t.array {
				continue
			}
			local = false
			name, version := t.str("name"), t.str("version")
			line := t.line
			if kv, ok := t.get("name"); ok {
				line = kv.line
			}
			p := newPackage(PyPI, name, version, pc.file, line)
			if kv, ok := t.get("source"); ok {
				src := tomlInline(kv.raw)
				switch {
				case src["editable"] != "" || src["virtual"] != "" || src["directory"] != "" || src["path"] != "":
					local = true
				case src["git"] != "":
					p.Source, p.SourceURL = Git, inlineString(src, "git")
				case src["url"] != "":
					p.Source, p.SourceURL = URL, inlineString(src, "url")
				}
			}
			if local {
				if kv, ok := t.get("dependencies"); ok {
					addDeps(kv.raw, mainDirect)
				}
				continue
			}
			if name != "" {
				res.add(p)
			}
			if kv, ok := t.get("dependencies"); ok {
				for _, e := range tomlArray(kv.raw) {
					if d := inlineString(tomlInline(e), "name"); d != "" {
						res.edge(name, d)
					}
				}
			}
		case "package.dev-dependencies", "package.optional-dependencies":
			if local {
				group := mainDirect // extras are optional, but run with the project
				if t.name == "package.dev-dependencies" {
					group = devDirect
				}
				for _, kv := range t.kvs {
					addDeps(kv.raw, group)
				}
			}
		}
	}
	markDirect(res.packages, direct)
	markDevByReach(res.packages, res.edges, mainDirect, devDirect)
	return res, nil
}
