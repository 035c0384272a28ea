package deps

import (
	"regexp"
	"strings"
)

// npmName matches a valid npm package name, optionally scoped.
var npmName = regexp.MustCompile(`^(@[a-z0-9-~][a-z0-9-._~]*/)?[a-z0-9-~][a-z0-9-._~]*$`)

// parseYarnLock reads yarn.lock in both the classic (v1) and the Berry
// (v2+, YAML) layouts. An entry starts at column 0 with the specs that
// resolved to it and holds an indented "version" field.
func parseYarnLock(pc *parseCtx, data []byte) (result, error) {
	var res result
	var cur *Package
	inDeps := false
	flush := func() {
		if cur != nil && cur.Version != "" {
			res.add(*cur)
		}
		cur = nil
	}
	for i, raw := range strings.Split(string(data), "\n") {
		lineNo := i + 1
		line := strings.TrimRight(raw, "\r ")
		if line == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			inDeps = false
			flush()
			if !strings.HasSuffix(line, ":") {
				return result{}, errAt(pc.file, lineNo, 1, "expected an entry header ending in ':'")
			}
			header := strings.TrimSuffix(line, ":")
			if header == "__metadata" {
				continue
			}
			first := strings.TrimSpace(splitTop(header, ',')[0])
			first = strings.Trim(first, `"`)
			name, rng, ok := splitNameAt(first)
			if !ok {
				return result{}, errAt(pc.file, lineNo, 1, "cannot read a package name from %q", first)
			}
			// Workspace members and patched copies are not packages of
			// their own.
			if strings.HasPrefix(rng, "workspace:") || strings.HasPrefix(rng, "patch:") || strings.HasPrefix(rng, "link:") || strings.HasPrefix(rng, "portal:") {
				continue
			}
			rng = strings.TrimPrefix(rng, "npm:")
			// An alias ("alias@npm:real@^1.0.0") installs the real package.
			if real, realRange, ok := splitNameAt(rng); ok && realRange != "" && npmName.MatchString(real) {
				name, rng = real, realRange
			}
			p := newPackage(NPM, name, "", pc.file, lineNo)
			switch kind, _ := npmSpecSource(rng); kind {
			case Git, URL, Path:
				p.Source, p.SourceURL = kind, rng
			}
			cur = &p
			continue
		}
		if cur == nil {
			continue
		}
		// Only an entry's own fields (indented once) matter; deeper lines
		// list its dependencies, one of which may be called "version".
		if indent := len(line) - len(strings.TrimLeft(line, " \t")); indent > 2 && line[0] == ' ' {
			if inDeps {
				dep, _, _ := strings.Cut(strings.TrimSpace(line), " ")
				res.edge(cur.Name, strings.Trim(strings.TrimSuffix(dep, ":"), `"`))
			}
			continue
		}
		// Some yarn versions quote field names ("version" "1.0.0").
		trimmed := strings.ReplaceAll(strings.TrimSpace(line), `"`, "")
		inDeps = trimmed == "dependencies:" || trimmed == "optionalDependencies:"
		field := strings.TrimSpace(line)
		key, value, ok := cutField(field)
		if !ok {
			continue
		}
		switch key {
		case "version":
			cur.Version = value
			cur.PURL = purlFor(NPM, cur.Name, value)
		case "integrity":
			if h, ok := sriHash(value); ok {
				cur.Hashes = []Hash{h}
			}
		case "resolved", "resolution":
			if key == "resolution" {
				// Berry: "name@npm:1.2.3" or "name@https://...#commit=abc".
				_, spec, _ := splitNameAt(value)
				if strings.HasPrefix(spec, "npm:") {
					continue
				}
				value = spec
			}
			if cur.Source == Registry {
				npmSource(cur, value)
			} else {
				cur.SourceURL = value
			}
		}
	}
	flush()
	markDirect(res.packages, packageJSONDirect(pc))
	if main, dev := packageJSONGroups(pc); dev != nil {
		markDevByReach(res.packages, res.edges, main, dev)
	}
	return res, nil
}

// cutField splits `key "value"` (classic) or `key: value` (Berry).
func cutField(field string) (key, value string, ok bool) {
	i := strings.IndexAny(field, " :")
	if strings.HasPrefix(field, `"`) {
		// A quoted key ends at its closing quote.
		if end := strings.IndexByte(field[1:], '"'); end >= 0 {
			i = end + 2
		}
	}
	if i <= 0 {
		return "", "", false
	}
	key = strings.Trim(field[:i], `"`)
	value = strings.TrimSpace(strings.TrimPrefix(field[i:], ":"))
	value = strings.Trim(value, `"`)
	return key, value, value != ""
}

// splitNameAt splits "name@range" where a scoped name starts with '@'.
func splitNameAt(spec string) (name, rng string, ok bool) {
	i := strings.Index(spec[min(1, len(spec)):], "@")
	if i < 0 {
		return spec, "", spec != ""
	}
	i++
	return spec[:i], spec[i+1:], i > 0
}
