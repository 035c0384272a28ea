package deps

import "strings"

// parseCargoLock reads Cargo.lock. Packages without a source are the
// workspace's own crates; what they depend on is direct.
func parseCargoLock(pc *parseCtx, data []byte) (result, error) {
	tables, err := parseTOML(pc.file, data)
	if err != nil {
		return result{}, err
	}
	var res result
	direct := map[string]bool{}
	for _, t := range tables {
		if t.name != "package" || !t.array {
			continue
		}
		name, version, source := t.str("name"), t.str("version"), t.str("source")
		if source == "" {
			if kv, ok := t.get("dependencies"); ok {
				for _, e := range tomlArray(kv.raw) {
					if s, ok := tomlString(e); ok {
						// "name" or "name version" or "name version (source)".
						n, _, _ := strings.Cut(s, " ")
						direct[n] = true
					}
				}
			}
			continue
		}
		line := t.line
		if kv, ok := t.get("name"); ok {
			line = kv.line
		}
		p := newPackage(CratesIO, name, version, pc.file, line)
		switch {
		case strings.HasPrefix(source, "git+"):
			p.Source, p.SourceURL = Git, strings.TrimPrefix(source, "git+")
		case strings.HasPrefix(source, "path+"):
			p.Source, p.SourceURL = Path, strings.TrimPrefix(source, "path+")
		}
		if sum := t.str("checksum"); len(sum) == 64 {
			p.Hashes = []Hash{{Alg: "SHA-256", Value: strings.ToLower(sum)}}
		}
		if name != "" {
			res.add(p)
		}
		if kv, ok := t.get("dependencies"); ok {
			for _, e := range tomlArray(kv.raw) {
				if s, ok := tomlString(e); ok {
					d, _, _ := strings.Cut(s, " ")
					res.edge(name, d)
				}
			}
		}
	}
	markDirect(res.packages, direct)
	return res, nil
}
