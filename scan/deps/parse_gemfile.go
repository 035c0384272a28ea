package deps

import (
	"strings"
)

// parseGemfileLock reads Gemfile.lock: GEM, GIT and PATH sections list
// resolved gems four spaces in ("name (version)"), their dependencies six
// spaces in; DEPENDENCIES lists what the Gemfile asks for.
func parseGemfileLock(pc *parseCtx, data []byte) (result, error) {
	var res result
	direct := map[string]bool{}
	section, remote, spec := "", "", ""
	for i, raw := range strings.Split(string(data), "\n") {
		lineNo := i + 1
		line := strings.TrimRight(raw, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if line[0] != ' ' {
			section, remote = strings.TrimSpace(line), ""
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		text := strings.TrimSpace(line)
		switch section {
		case "GEM", "GIT", "PATH", "PLUGIN SOURCE":
			if indent == 2 {
				if k, v, ok := strings.Cut(text, ": "); ok && (k == "remote" || k == "revision") {
					if k == "remote" {
						remote = v
					} else {
						remote += "@" + v
					}
				}
				continue
			}
			if indent == 6 && spec != "" {
				dep, _, _ := strings.Cut(text, " ")
				res.edge(spec, dep)
				continue
			}
			if indent != 4 || section == "PATH" {
				spec = ""
				continue
			}
			name, version, ok := gemSpec(text)
			if !ok {
				return result{}, errAt(pc.file, lineNo, indent+1, "expected \"name (version)\"")
			}
			spec = name
			p := newPackage(RubyGems, name, version, pc.file, lineNo)
			if section == "GIT" {
				p.Source, p.SourceURL = Git, remote
			}
			res.add(p)
		case "DEPENDENCIES":
			name, _, _ := strings.Cut(text, " ")
			direct[strings.TrimSuffix(name, "!")] = true
		}
	}
	markDirect(res.packages, direct)
	return res, nil
}

// gemSpec reads "name (1.2.3)" or "name (1.2.3-x86_64-linux)"; the part
// after '-' is a platform, since RubyGems prereleases use '.'.
func gemSpec(text string) (name, version string, ok bool) {
	name, rest, found := strings.Cut(text, " (")
	if !found || !strings.HasSuffix(rest, ")") || name == "" {
		return "", "", false
	}
	version = strings.TrimSuffix(rest, ")")
	if i := strings.IndexByte(version, '-'); i > 0 {
		version = version[:i]
	}
	return name, version, version != ""
}
