package deps

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/repofs"
)

// maxFileSize bounds the lockfiles read; the largest real lockfiles of big
// monorepos are tens of megabytes.
const maxFileSize = 512 << 20

// Inventory is every package read from a tree, with the hygiene findings
// the files themselves show.
type Inventory struct {
	Packages []Package
	// Findings are hygiene findings and files that could not be parsed.
	Findings []evidence.Finding
	// Files lists the lockfiles and manifests read, relative to the root.
	Files []string
	// Excluded lists the lockfiles and manifests not read because a filter
	// or the default exclusions left them out, relative to the root.
	Excluded []string
}

// DefaultExcludeDirs are the directories whose lockfiles are test fixtures
// or documentation, not the project's dependencies: a lockfile with any of
// these names among its parent directories is not read unless a Filter's
// Include names it.
var DefaultExcludeDirs = []string{"testdata", "test", "tests", "__tests__", "fixtures", "__fixtures__", "fixture", "docs"}

// Filter chooses the lockfiles and manifests Collect reads.
type Filter struct {
	// Exclude lists path patterns (repofs.MatchAny) not to read.
	Exclude []string
	// Include lists path patterns to read even under DefaultExcludeDirs.
	Include []string
}

// skips reports whether rel is left out, and why.
func (fl Filter) skips(rel string) bool {
	if repofs.MatchAny(rel, fl.Exclude) {
		return true
	}
	if repofs.MatchAny(rel, fl.Include) {
		return false
	}
	dirs := strings.Split(path.Dir(rel), "/")
	for _, d := range dirs {
		if slices.Contains(DefaultExcludeDirs, d) {
			return true
		}
	}
	return false
}

// parseCtx is what a parser knows besides the file's bytes.
type parseCtx struct {
	// file is the path relative to the scanned root.
	file string
	// sibling reads another file in the same directory; ok is false when it
	// does not exist or cannot be read.
	sibling func(name string) (data []byte, ok bool)
}

// result is what one parser read from one file.
type result struct {
	packages []Package
	findings []evidence.Finding
	// edges are parent -> child dependency links by package name.
	edges [][2]string
	// pathsByLocation says the parser set each package's Path from where
	// it is installed, which link must keep.
	pathsByLocation bool
}

func (r *result) edge(parent, child string) { r.edges = append(r.edges, [2]string{parent, child}) }

// link fills Via and Path from the recorded edges.
func (r *result) link() {
	if len(r.edges) == 0 || len(r.packages) == 0 {
		return
	}
	eco := r.packages[0].Ecosystem
	parents := map[string][]string{}
	seen := map[[2]string]bool{}
	for _, e := range r.edges {
		k := [2]string{normalizeName(eco, e[0]), normalizeName(eco, e[1])}
		if k[0] == k[1] || seen[k] {
			continue
		}
		seen[k] = true
		parents[k[1]] = append(parents[k[1]], e[0])
	}
	direct := map[string]bool{}
	for _, p := range r.packages {
		if p.Relationship == Direct {
			direct[normalizeName(eco, p.Name)] = true
		}
	}
	for i := range r.packages {
		p := &r.packages[i]
		if r.pathsByLocation {
			continue
		}
		key := normalizeName(eco, p.Name)
		via := slices.Clone(parents[key])
		slices.Sort(via)
		p.Via = slices.Compact(via)
		if p.Relationship == Transitive {
			p.Path = pathFromDirect(eco, key, p.Name, parents, direct)
		}
	}
}

// pathFromDirect walks parent links breadth-first from a package up to the
// nearest direct dependency and returns the chain top-down.
func pathFromDirect(eco Ecosystem, key, name string, parents map[string][]string, direct map[string]bool) []string {
	type step struct {
		key, name string
		prev      *step
	}
	queue := []*step{{key: key, name: name}}
	visited := map[string]bool{key: true}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if direct[s.key] && s.prev != nil {
			var path []string
			for x := s; x != nil; x = x.prev {
				path = append(path, x.name)
			}
			return path
		}
		ps := slices.Clone(parents[s.key])
		slices.Sort(ps)
		for _, p := range ps {
			pk := normalizeName(eco, p)
			if !visited[pk] {
				visited[pk] = true
				queue = append(queue, &step{key: pk, name: p, prev: s})
			}
		}
	}
	return nil
}

func (r *result) add(p Package) { r.packages = append(r.packages, p) }

func (r *result) flag(rule string, sev threatmap.Severity, file string, line int, msg string, p *Package) {
	f := evidence.Finding{
		Scanner: ScannerName, Rule: rule, Severity: sev, Message: msg, File: file, Line: line,
		Property: evidence.DependenciesPinned,
	}
	if p != nil {
		f.Package, f.Version, f.Ecosystem = p.Name, p.Version, string(p.Ecosystem)
	}
	r.findings = append(r.findings, f)
}

type parserFunc func(pc *parseCtx, data []byte) (result, error)

// parserFor returns the parser for a file name, or nil if the file is not a
// lockfile or manifest this package reads.
func parserFor(name string) parserFunc {
	switch name {
	case "go.mod":
		return parseGoMod
	case "package-lock.json", "npm-shrinkwrap.json":
		return parsePackageLock
	case "yarn.lock":
		return parseYarnLock
	case "pnpm-lock.yaml":
		return parsePnpmLock
	case "poetry.lock":
		return parsePoetryLock
	case "Pipfile.lock":
		return parsePipfileLock
	case "uv.lock":
		return parseUVLock
	case "pdm.lock":
		return parsePDMLock
	case "Cargo.lock":
		return parseCargoLock
	case "Gemfile.lock", "gems.locked":
		return parseGemfileLock
	case "package.json":
		return parsePackageJSON
	case "pyproject.toml", "Pipfile", "Cargo.toml", "Gemfile", "gems.rb":
		return parseManifestOnly
	}
	if isRequirementsFile(name) {
		return parseRequirements
	}
	return nil
}

// isRequirementsFile matches pip requirements files: requirements.txt,
// requirements-dev.txt, dev-requirements.txt and the like.
func isRequirementsFile(name string) bool {
	return strings.HasSuffix(name, ".txt") && strings.Contains(strings.ToLower(name), "requirements")
}

// ParseFile parses one lockfile or manifest given its path relative to the
// scanned root. Manifests beside it are not consulted, so relationships that
// depend on them are Unknown. It is meant for tests and tools that have the
// bytes in hand.
func ParseFile(rel string, data []byte) ([]Package, []evidence.Finding, error) {
	p := parserFor(path.Base(rel))
	if p == nil {
		return nil, nil, fmt.Errorf("%s: not a lockfile or manifest threatmap reads", rel)
	}
	res, err := p(&parseCtx{file: rel, sibling: func(string) ([]byte, bool) { return nil, false }}, data)
	res.link()
	return res.packages, res.findings, err
}

// Collect walks root and reads every lockfile and manifest it knows, except
// those under DefaultExcludeDirs. A file that cannot be parsed becomes a
// finding naming file:line:col, so one broken file does not hide the rest
// of a monorepo.
func Collect(ctx context.Context, root string) (*Inventory, error) {
	return CollectWith(ctx, root, Filter{})
}

// CollectWith is Collect with a choice of the files read.
func CollectWith(ctx context.Context, root string, filter Filter) (*Inventory, error) {
	var files []repofs.File
	var excluded []string
	err := repofs.Walk(ctx, root, repofs.Options{MaxSize: maxFileSize}, func(f repofs.File) error {
		if parserFor(path.Base(f.Rel)) != nil || lockfileNames[path.Base(f.Rel)] {
			if filter.skips(f.Rel) {
				excluded = append(excluded, f.Rel)
				return nil
			}
			files = append(files, f)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	present := map[string]bool{}
	byRel := map[string]repofs.File{}
	for _, f := range files {
		present[f.Rel] = true
		byRel[f.Rel] = f
	}
	inv := &Inventory{Excluded: excluded}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		parse := parserFor(path.Base(f.Rel))
		if parse == nil {
			continue
		}
		data, err := os.ReadFile(f.Path)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f.Rel, err)
		}
		dir := path.Dir(f.Rel)
		pc := &parseCtx{file: f.Rel, sibling: func(name string) ([]byte, bool) {
			s, ok := byRel[path.Join(dir, name)]
			if !ok {
				return nil, false
			}
			b, err := os.ReadFile(s.Path)
			return b, err == nil
		}}
		inv.Files = append(inv.Files, f.Rel)
		res, err := parse(pc, data)
		if err != nil {
			inv.Findings = append(inv.Findings, unparsable(f.Rel, err))
			continue
		}
		res.link()
		inv.Packages = append(inv.Packages, res.packages...)
		inv.Findings = append(inv.Findings, res.findings...)
		if fd, ok := missingLockfile(f.Rel, data, present); ok {
			inv.Findings = append(inv.Findings, fd)
		}
	}
	return inv, nil
}

func unparsable(rel string, err error) evidence.Finding {
	f := evidence.Finding{
		Scanner: ScannerName, Rule: RuleUnparsable, Severity: threatmap.Low, File: rel,
		Message: "cannot read dependencies: " + err.Error(),
	}
	var pe *ParseError
	if errors.As(err, &pe) {
		f.Line, f.Column = pe.Line, pe.Col
	}
	return f
}

// lockfileNames are the files that pin a manifest's dependencies.
var lockfileNames = map[string]bool{
	"go.sum": true, "package-lock.json": true, "npm-shrinkwrap.json": true, "yarn.lock": true,
	"pnpm-lock.yaml": true, "bun.lock": true, "bun.lockb": true, "poetry.lock": true,
	"Pipfile.lock": true, "uv.lock": true, "pdm.lock": true, "Cargo.lock": true,
	"Gemfile.lock": true, "gems.locked": true,
}

// manifestLocks lists, per manifest, the lockfiles that can pin it and
// whether the lockfile may sit in an ancestor directory (workspaces).
var manifestLocks = map[string]struct {
	locks     []string
	ancestors bool
}{
	"go.mod":         {[]string{"go.sum"}, false},
	"package.json":   {[]string{"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb"}, true},
	"Pipfile":        {[]string{"Pipfile.lock"}, false},
	"pyproject.toml": {[]string{"poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock"}, true},
	"Cargo.toml":     {[]string{"Cargo.lock"}, true},
	"Gemfile":        {[]string{"Gemfile.lock"}, false},
	"gems.rb":        {[]string{"gems.locked"}, false},
}

// missingLockfile reports a manifest that declares dependencies with no
// lockfile to pin them, so every install may resolve different code.
func missingLockfile(rel string, data []byte, present map[string]bool) (evidence.Finding, bool) {
	base := path.Base(rel)
	spec, ok := manifestLocks[base]
	if !ok || !declaresDependencies(base, data) {
		return evidence.Finding{}, false
	}
	for dir := path.Dir(rel); ; dir = path.Dir(dir) {
		for _, l := range spec.locks {
			if present[path.Join(dir, l)] {
				return evidence.Finding{}, false
			}
		}
		if !spec.ancestors || dir == "." || dir == "/" {
			break
		}
	}
	// A pyproject.toml beside a requirements file is pinned there, or
	// flagged there if it is not.
	if base == "pyproject.toml" {
		for p := range present {
			if path.Dir(p) == path.Dir(rel) && isRequirementsFile(path.Base(p)) {
				return evidence.Finding{}, false
			}
		}
	}
	// Libraries published to PyPI and crates.io often leave their lock out
	// on purpose (their users resolve versions), so those manifests rank
	// lower than an application's package.json or Gemfile.
	sev := threatmap.Medium
	if base == "pyproject.toml" || base == "Cargo.toml" {
		sev = threatmap.Low
	}
	return evidence.Finding{
		Scanner: ScannerName, Rule: RuleMissingLockfile, Severity: sev, File: rel, Line: 1,
		Property: evidence.DependenciesPinned,
		Message:  fmt.Sprintf("%s declares dependencies but no lockfile (%s) pins them: every install may resolve different, unreviewed versions", base, strings.Join(spec.locks[:min(2, len(spec.locks))], " or ")),
	}, true
}

// declaresDependencies reports whether a manifest names any dependency, so
// that a package.json holding only scripts is not asked for a lockfile.
func declaresDependencies(base string, data []byte) bool {
	s := string(data)
	switch base {
	case "go.mod":
		return strings.Contains(s, "require")
	case "package.json":
		names, _ := packageJSONDeps(data)
		return len(names) > 0
	case "Pipfile":
		return strings.Contains(s, "[packages]") || strings.Contains(s, "[dev-packages]")
	case "pyproject.toml":
		return len(pyprojectDirect(data)) > 0
	case "Cargo.toml":
		return strings.Contains(s, "dependencies]") && !strings.Contains(s, "[workspace]") || strings.Contains(s, "[dependencies]")
	case "Gemfile", "gems.rb":
		return strings.Contains(s, "gem ")
	}
	return false
}

// parseManifestOnly reads manifests that carry no versions of their own;
// they matter for missing-lockfile checks, done by Collect.
func parseManifestOnly(*parseCtx, []byte) (result, error) { return result{}, nil }

// markDirect sets the relationship of packages whose names the project
// asks for; with no manifest (names == nil) relationships stay Unknown.
func markDirect(pkgs []Package, names map[string]bool) {
	if names == nil {
		return
	}
	for i := range pkgs {
		if names[normalizeName(pkgs[i].Ecosystem, pkgs[i].Name)] {
			pkgs[i].Relationship = Direct
		} else {
			pkgs[i].Relationship = Transitive
		}
	}
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
