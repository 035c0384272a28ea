package deps

import (
	"fmt"
	"strings"

	"github.com/threatmap/threatmap"
)

// requirement is one logical line of a pip requirements file.
type requirement struct {
	text string
	line int
	via  []string
}

// parseRequirements reads a pip requirements file. Only an exact pin
// (== or ===) names the version pip will install; anything else is a
// hygiene finding, and so is a VCS or URL requirement without a pinned
// commit or hash. pip-compile's "# via" comments tell direct (via -r) from
// transitive requirements; without them every line is taken as direct.
func parseRequirements(pc *parseCtx, data []byte) (result, error) {
	reqs, anyVia := requirementLines(string(data))
	// With hashes on every requirement pip refuses any file it was not
	// told about, whichever index serves it.
	hashed := strings.Contains(string(data), "--hash")
	var res result
	for _, r := range reqs {
		if opt, arg := splitOption(r.text); opt == "--extra-index-url" && !hashed {
			res.flag(RuleDependencyConfusion, threatmap.Medium, pc.file, r.line,
				fmt.Sprintf("--extra-index-url %s makes pip take each package from whichever index has the highest version, so anyone who publishes your internal package names on PyPI wins (dependency confusion); use one --index-url that proxies both, or --require-hashes", redactURL(arg)), nil)
			continue
		}
		p, ok := parseRequirement(pc, &res, r)
		if !ok {
			continue
		}
		p.Relationship = Direct
		if anyVia && len(r.via) > 0 && !viaRequirementsFile(r.via) {
			p.Relationship = Transitive
		}
		for _, v := range r.via {
			if !strings.HasPrefix(v, "-") {
				res.edge(v, p.Name)
			}
		}
		res.add(p)
	}
	return res, nil
}

func viaRequirementsFile(via []string) bool {
	for _, v := range via {
		if strings.HasPrefix(v, "-r") {
			return true
		}
	}
	return false
}

// requirementLines joins continued lines, drops comments and collects
// pip-compile "via" annotations for the requirement above them.
func requirementLines(text string) (reqs []requirement, anyVia bool) {
	lines := strings.Split(text, "\n")
	inVia := false
	for i := 0; i < len(lines); i++ {
		start := i + 1
		line := strings.TrimRight(lines[i], "\r")
		if strings.HasSuffix(line, `\`) && i+1 < len(lines) {
			// A builder keeps long runs of continued lines (one --hash per
			// line) linear.
			var b strings.Builder
			for strings.HasSuffix(line, `\`) && i+1 < len(lines) {
				b.WriteString(strings.TrimSuffix(line, `\`))
				b.WriteByte(' ')
				i++
				line = strings.TrimRight(lines[i], "\r")
			}
			b.WriteString(line)
			line = b.String()
		}
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			body := strings.TrimSpace(strings.TrimPrefix(trimmed, "#"))
			switch {
			case body == "via" || strings.HasPrefix(body, "via "):
				anyVia, inVia = true, len(reqs) > 0
				if inVia && body != "via" {
					reqs[len(reqs)-1].via = append(reqs[len(reqs)-1].via, strings.TrimSpace(strings.TrimPrefix(body, "via ")))
				}
			case inVia && body != "" && strings.HasPrefix(trimmed, "#  "):
				reqs[len(reqs)-1].via = append(reqs[len(reqs)-1].via, body)
			default:
				inVia = false
			}
			continue
		}
		inVia = false
		if k := commentStart(trimmed); k >= 0 {
			trimmed = strings.TrimSpace(trimmed[:k])
		}
		if trimmed != "" {
			reqs = append(reqs, requirement{text: trimmed, line: start})
		}
	}
	return reqs, anyVia
}

// commentStart finds a '#' that starts a comment: at the start of the line
// or after whitespace (a '#' inside a URL fragment is not one).
func commentStart(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t') {
			return i
		}
	}
	return -1
}

var vcsPrefixes = []string{"git+", "hg+", "svn+", "bzr+"}

func isVCS(u string) bool {
	for _, p := range vcsPrefixes {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	return false
}

func isURL(u string) bool {
	return strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "file:")
}

// parseRequirement reads one logical line; ok is false for option lines and
// local paths, which name no package from outside the project.
func parseRequirement(pc *parseCtx, res *result, r requirement) (Package, bool) {
	text := r.text
	if strings.HasPrefix(text, "-") {
		opt, arg := splitOption(text)
		if opt != "-e" && opt != "--editable" {
			return Package{}, false // -r, -c, --index-url and other options
		}
		text = arg
		if !isVCS(text) && !isURL(text) {
			return Package{}, false // an editable local path is the project itself
		}
	}
	// Hash options pin what a URL serves.
	hashed := strings.Contains(text, "--hash")
	if i := strings.Index(text, " --"); i >= 0 {
		text = strings.TrimSpace(text[:i])
	}
	if isVCS(text) || isURL(text) {
		name := eggName(text)
		if name == "" {
			name = text
		}
		return urlRequirement(pc, res, r, name, text, hashed), true
	}
	name, rest := cutName(text)
	if name == "" {
		res.flag(RuleUnparsable, threatmap.Low, pc.file, r.line, fmt.Sprintf("cannot read a requirement from %q", r.text), nil)
		return Package{}, false
	}
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(rest, "[") {
		if j := strings.IndexByte(rest, ']'); j >= 0 {
			rest = strings.TrimSpace(rest[j+1:])
		}
	}
	if strings.HasPrefix(rest, "@") {
		u := strings.TrimSpace(rest[1:])
		if j := strings.Index(u, " ;"); j >= 0 {
			u = strings.TrimSpace(u[:j])
		}
		return urlRequirement(pc, res, r, name, u, hashed), true
	}
	if j := strings.IndexByte(rest, ';'); j >= 0 {
		rest = strings.TrimSpace(rest[:j]) // environment markers
	}
	rest = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(rest, "("), ")"))
	p := newPackage(PyPI, name, "", pc.file, r.line)
	version, pinned := exactPin(rest)
	if pinned {
		p.Version = version
		p.PURL = purlFor(PyPI, name, version)
		return p, true
	}
	why := fmt.Sprintf("%s is not pinned (%q allows a range)", name, rest)
	if rest == "" {
		why = fmt.Sprintf("%s has no version", name)
	}
	res.flag(RuleUnpinnedRequirement, threatmap.Medium, pc.file, r.line,
		why+": each install may pick a newer, unreviewed release; pin it with == and keep a lock (pip-compile, uv, poetry)", &p)
	return p, true
}

// splitOption splits "-e url", "--editable=url" and "--editable url".
func splitOption(text string) (opt, arg string) {
	if i := strings.IndexAny(text, " =\t"); i > 0 {
		return text[:i], strings.TrimSpace(text[i+1:])
	}
	return text, ""
}

// cutName splits a PEP 508 requirement into its project name and the rest.
func cutName(text string) (name, rest string) {
	i := 0
	for i < len(text) {
		c := text[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' {
			i++
			continue
		}
		break
	}
	return text[:i], text[i:]
}

// exactPin returns the version of a "==x" or "===x" specifier; wildcards
// and compound specifiers are not pins.
func exactPin(spec string) (string, bool) {
	if strings.Contains(spec, ",") {
		return "", false
	}
	var v string
	switch {
	case strings.HasPrefix(spec, "==="):
		v = spec[3:]
	case strings.HasPrefix(spec, "=="):
		v = spec[2:]
	default:
		return "", false
	}
	v = strings.TrimSpace(v)
	return v, v != "" && !strings.Contains(v, "*")
}

// eggName reads the project name from a "#egg=name" fragment.
func eggName(u string) string {
	_, frag, ok := strings.Cut(u, "#")
	if !ok {
		return ""
	}
	for _, part := range strings.Split(frag, "&") {
		if name, ok := strings.CutPrefix(part, "egg="); ok {
			n, _ := cutName(name)
			return n
		}
	}
	return ""
}

// urlRequirement records a VCS or URL requirement and flags it unless it
// names a full commit (VCS) or carries a hash (archives).
func urlRequirement(pc *parseCtx, res *result, r requirement, name, u string, hashed bool) Package {
	p := newPackage(PyPI, name, "", pc.file, r.line)
	p.SourceURL = u
	if isVCS(u) {
		p.Source = Git
		if !isCommitSHA(vcsRef(u)) {
			res.flag(RuleUnpinnedSource, threatmap.Medium, pc.file, r.line,
				fmt.Sprintf("%s is installed from %s without a pinned commit: whoever can push to that branch or tag decides the code you install", name, redactURL(u)), &p)
		}
		return p
	}
	p.Source = URL
	if strings.HasPrefix(u, "file:") {
		p.Source = Path
		return p
	}
	if !hashed && !strings.Contains(u, "#sha256=") && !strings.Contains(u, "#sha384=") && !strings.Contains(u, "#sha512=") {
		res.flag(RuleUnpinnedSource, threatmap.Medium, pc.file, r.line,
			fmt.Sprintf("%s is downloaded from %s with no hash to check it against: the server decides the code you install", name, redactURL(u)), &p)
	}
	return p
}

// vcsRef returns the "@ref" of a pip VCS URL (git+https://host/repo@ref#egg=x).
func vcsRef(u string) string {
	u, _, _ = strings.Cut(u, "#")
	scheme := strings.Index(u, "://")
	path := u
	if scheme >= 0 {
		path = u[scheme+3:]
	}
	// Skip credentials (user@host) in the authority.
	if slash := strings.IndexByte(path, '/'); slash >= 0 {
		path = path[slash:]
	}
	i := strings.LastIndexByte(path, '@')
	if i < 0 {
		return ""
	}
	return path[i+1:]
}

// redactURL hides credentials embedded in a URL so findings never print
// them.
func redactURL(u string) string {
	scheme := strings.Index(u, "://")
	if scheme < 0 {
		return u
	}
	rest := u[scheme+3:]
	slash := strings.IndexByte(rest, '/')
	authority := rest
	if slash >= 0 {
		authority = rest[:slash]
	}
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		return u[:scheme+3] + "***@" + rest[at+1:]
	}
	return u
}
