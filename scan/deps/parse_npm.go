package deps

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/threatmap/threatmap"
)

// packageLock is the part of package-lock.json (lockfileVersion 2 and 3)
// read here: the flat "packages" map keyed by install path.
type packageLock struct {
	LockfileVersion int                         `json:"lockfileVersion"`
	Packages        map[string]packageLockEntry `json:"packages"`
}

type packageLockEntry struct {
	Name                 string            `json:"name"`
	Version              string            `json:"version"`
	Resolved             string            `json:"resolved"`
	Integrity            string            `json:"integrity"`
	Link                 bool              `json:"link"`
	Dev                  bool              `json:"dev"`
	DevOptional          bool              `json:"devOptional"`
	Dependencies         map[string]string `json:"dependencies"`
	DevDependencies      map[string]string `json:"devDependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	PeerDependencies     map[string]string `json:"peerDependencies"`
}

// jsonError turns a decoding error into a ParseError with a position.
func jsonError(file string, data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := newLineIndex(data).pos(int(se.Offset))
		return &ParseError{File: file, Line: line, Col: col, Err: err}
	case errors.As(err, &te):
		line, col := newLineIndex(data).pos(int(te.Offset))
		return &ParseError{File: file, Line: line, Col: col, Err: err}
	}
	return &ParseError{File: file, Err: err}
}

// keyLines finds the line of each JSON object key written as `"key": {` at
// the start of a line, which is how npm writes package-lock.json. The first
// occurrence wins.
func keyLines(data []byte, want func(key string) bool) map[string]int {
	out := map[string]int{}
	line := 0
	for len(data) > 0 {
		line++
		nl := bytes.IndexByte(data, '\n')
		var l []byte
		if nl < 0 {
			l, data = data, nil
		} else {
			l, data = data[:nl], data[nl+1:]
		}
		l = bytes.TrimSpace(l)
		if len(l) < 2 || l[0] != '"' {
			continue
		}
		end := bytes.IndexByte(l[1:], '"')
		if end < 0 {
			continue
		}
		key := string(l[1 : 1+end])
		if _, seen := out[key]; !seen && want(key) {
			out[key] = line
		}
	}
	return out
}

func parsePackageLock(pc *parseCtx, data []byte) (result, error) {
	var lock packageLock
	if err := json.Unmarshal(data, &lock); err != nil {
		return result{}, jsonError(pc.file, data, err)
	}
	if lock.Packages == nil {
		// npm 5 and 6 wrote only the nested "dependencies" tree.
		return parsePackageLockV1(pc, data)
	}
	// Direct dependencies are those the root or a workspace package names,
	// installed at the top of node_modules.
	direct := map[string]bool{}
	for key, e := range lock.Packages {
		if strings.Contains(key, "node_modules/") {
			continue
		}
		for _, deps := range []map[string]string{e.Dependencies, e.DevDependencies, e.OptionalDependencies, e.PeerDependencies} {
			for name := range deps {
				direct[name] = true
			}
		}
	}
	lines := keyLines(data, func(k string) bool { return strings.Contains(k, "node_modules/") })
	var res result
	var installs []*npmInstall
	requires := func(e packageLockEntry, withDev bool) []string {
		var out []string
		for _, deps := range []map[string]string{e.Dependencies, e.OptionalDependencies, e.PeerDependencies} {
			for d := range deps {
				out = append(out, d)
			}
		}
		if withDev {
			for d := range e.DevDependencies {
				out = append(out, d)
			}
		}
		return out
	}
	for _, key := range sortedKeys(lock.Packages) {
		e := lock.Packages[key]
		i := strings.LastIndex(key, "node_modules/")
		if i < 0 || e.Link {
			if i < 0 {
				// The project itself or a workspace folder: where
				// resolution starts.
				installs = append(installs, &npmInstall{loc: key, requires: requires(e, true), pkg: -1})
			}
			continue
		}
		name := key[i+len("node_modules/"):]
		if e.Name != "" {
			name = e.Name // an npm alias installs a package under another name
		}
		p := newPackage(NPM, name, e.Version, pc.file, lines[key])
		p.Dev = e.Dev || e.DevOptional
		p.Relationship = Transitive
		if i == 0 && direct[key[len("node_modules/"):]] {
			p.Relationship = Direct
		}
		npmSource(&p, e.Resolved)
		if h, ok := sriHash(e.Integrity); ok {
			p.Hashes = []Hash{h}
		}
		installs = append(installs, &npmInstall{loc: key, name: key[i+len("node_modules/"):], requires: requires(e, false), pkg: len(res.packages)})
		res.add(p)
		for _, deps := range []map[string]string{e.Dependencies, e.OptionalDependencies, e.PeerDependencies} {
			for d := range deps {
				res.edge(name, d)
			}
		}
	}
	npmLocationPaths(res.packages, installs)
	res.pathsByLocation = true
	return res, nil
}

// npmSource records a non-registry origin from a "resolved" URL.
func npmSource(p *Package, resolved string) {
	switch {
	case resolved == "":
	case strings.HasPrefix(resolved, "git+") || strings.HasPrefix(resolved, "git:") || strings.HasPrefix(resolved, "github:"):
		p.Source, p.SourceURL = Git, resolved
	case strings.HasPrefix(resolved, "file:"):
		p.Source, p.SourceURL = Path, resolved
	case strings.HasPrefix(resolved, "http://") || strings.HasPrefix(resolved, "https://"):
		if !isRegistryTarball(resolved) {
			p.Source, p.SourceURL = URL, resolved
		}
	}
}

// isRegistryTarball reports whether a URL is a package registry tarball
// (registry.npmjs.org, a mirror, or yarn's), which is pinned by the
// lockfile's integrity hash.
func isRegistryTarball(u string) bool {
	u, _, _ = strings.Cut(u, "#")
	return strings.Contains(u, "/-/") && strings.HasSuffix(u, ".tgz")
}

// packageJSONManifest is the part of package.json read here.
type packageJSONManifest struct {
	Dependencies         map[string]string `json:"dependencies"`
	DevDependencies      map[string]string `json:"devDependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
}

// packageJSONDeps returns the dependency names and specs package.json
// declares.
func packageJSONDeps(data []byte) (map[string]string, error) {
	var m packageJSONManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, deps := range []map[string]string{m.OptionalDependencies, m.DevDependencies, m.Dependencies} {
		for k, v := range deps {
			out[k] = v
		}
	}
	return out, nil
}

// packageJSONGroups returns the names package.json declares to run the
// project (dependencies, optionalDependencies, peerDependencies) and only to
// develop it (devDependencies); nil when there is no readable package.json.
func packageJSONGroups(pc *parseCtx) (main, dev map[string]bool) {
	data, ok := pc.sibling("package.json")
	if !ok {
		return nil, nil
	}
	var m struct {
		packageJSONManifest
		PeerDependencies map[string]string `json:"peerDependencies"`
	}
	if json.Unmarshal(data, &m) != nil {
		return nil, nil
	}
	main, dev = map[string]bool{}, map[string]bool{}
	for _, deps := range []map[string]string{m.Dependencies, m.OptionalDependencies, m.PeerDependencies} {
		for k := range deps {
			main[k] = true
		}
	}
	for k := range m.DevDependencies {
		dev[k] = true
	}
	return main, dev
}

// packageJSONDirect returns the names package.json declares, or nil if
// there is no readable package.json beside the lockfile.
func packageJSONDirect(pc *parseCtx) map[string]bool {
	data, ok := pc.sibling("package.json")
	if !ok {
		return nil
	}
	deps, err := packageJSONDeps(data)
	if err != nil {
		return nil
	}
	out := map[string]bool{}
	for k := range deps {
		out[k] = true
	}
	return out
}

// parsePackageJSON flags dependencies fetched from git or a URL without a
// pinned commit: the lockfile records one commit, but the next install or
// update resolves whatever the branch or URL serves then.
func parsePackageJSON(pc *parseCtx, data []byte) (result, error) {
	deps, err := packageJSONDeps(data)
	if err != nil {
		return result{}, jsonError(pc.file, data, err)
	}
	var res result
	lines := keyLines(data, func(k string) bool { _, ok := deps[k]; return ok })
	for _, name := range sortedKeys(deps) {
		spec := deps[name]
		kind, pinned := npmSpecSource(spec)
		if kind == Registry || kind == Path || pinned {
			continue
		}
		p := newPackage(NPM, name, "", pc.file, lines[name])
		res.flag(RuleUnpinnedSource, threatmap.Medium, pc.file, lines[name],
			fmt.Sprintf("%s is fetched from %s %q without a pinned commit or integrity hash: whoever controls that source controls the code you install", name, kind, spec), &p)
	}
	return res, nil
}

// npmSpecSource classifies a package.json dependency spec.
func npmSpecSource(spec string) (Source, bool) {
	switch {
	case strings.HasPrefix(spec, "file:") || strings.HasPrefix(spec, "link:") || strings.HasPrefix(spec, "workspace:") ||
		strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../") || strings.HasPrefix(spec, "/"):
		return Path, true
	case strings.HasPrefix(spec, "git") || strings.HasPrefix(spec, "github:") || strings.HasPrefix(spec, "gitlab:") ||
		strings.HasPrefix(spec, "bitbucket:") || isGitHubShorthand(spec):
		_, ref, _ := strings.Cut(spec, "#")
		ref = strings.TrimPrefix(ref, "commit=")
		return Git, isCommitSHA(ref)
	case strings.HasPrefix(spec, "http://") || strings.HasPrefix(spec, "https://"):
		return URL, false
	}
	return Registry, true
}

// isGitHubShorthand matches "owner/repo" and "owner/repo#ref" specs, which
// npm fetches from GitHub.
func isGitHubShorthand(spec string) bool {
	repo, _, _ := strings.Cut(spec, "#")
	owner, name, ok := strings.Cut(repo, "/")
	return ok && owner != "" && name != "" && !strings.HasPrefix(owner, "@") &&
		!strings.ContainsAny(repo, " :<>=^~*|") && !strings.Contains(name, "/")
}

// isCommitSHA reports whether ref is a full 40-hex (SHA-1) or 64-hex
// (SHA-256) git commit id.
func isCommitSHA(ref string) bool {
	if len(ref) != 40 && len(ref) != 64 {
		return false
	}
	for _, c := range ref {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
