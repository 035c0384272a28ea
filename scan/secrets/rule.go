package secrets

import (
	"math"
	"path"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// rule is one detector. Rules are data: a keyword set for the prefilter, a
// regular expression run only on a small window around each keyword hit,
// optional checks on the captured secret, and samples that the tests run
// (every true-positive sample must be found by this rule, no false-positive
// sample may be found by any rule).
type rule struct {
	id          string
	title       string
	description string
	severity    threatmap.Severity
	// property is the property a finding of this rule refutes; empty means
	// evidence.NoSecretsInRepo.
	property evidence.Property

	// keywords are the literals the prefilter looks for, matched ignoring
	// ASCII case unless caseSensitive is set, in which case the hit must
	// also match the keyword's exact bytes.
	keywords      []string
	caseSensitive bool
	// pattern is compiled by the detector. The secret is the named group "secret"
	// (or "bare", for unquoted values that only count in configuration
	// files), else the first group, else the whole match.
	pattern string
	// match, if set, replaces the compiled pattern at match time (the
	// pattern stays the specification); it returns submatch indexes for
	// the groups full, name, secret, bare.
	match func(text []byte) []int
	// anchor says where the pattern is matched from, relative to a keyword
	// hit; charset is the byte set anchorToken scans back over ("A-Za-z0-9_-"
	// when empty).
	anchor  anchorKind
	charset string
	// after bounds the text the pattern may match from its anchor (or, for
	// anchorWindow, from the keyword); before bounds the window's reach
	// back for anchorWindow. Zero means the defaults.
	before, after int
	// minEntropy is the Shannon entropy, in bits per byte, below which a
	// captured secret is taken for a placeholder.
	minEntropy float64
	// check, if set, must accept the secret; name is the assigned name (the
	// pattern's "name" group) or else the matched text before the secret,
	// for checks that look at what the value is assigned to.
	check func(secret, name string) bool
	// files, if set, limits the rule to paths it accepts.
	files func(rel string) bool
	// tier orders overlapping findings: a provider-specific match hides a
	// file-kind match (tier 1), which hides a generic one (tier 2).
	tier int

	tp []string
	fp []string
}

// anchorKind places a rule's match relative to a keyword hit. Anchored
// matching runs the pattern once, from one position, so its cost is the
// length of the match attempt rather than of a window; that keeps dense
// keyword text (every line saying "token") linear and cheap.
type anchorKind int

const (
	// anchorToken matches from the start of the token holding the keyword:
	// the hit, moved back over bytes of the rule's charset. For a prefix
	// keyword (ghp_) that is the hit itself when a delimiter precedes it.
	anchorToken anchorKind = iota
	// anchorIdent matches from the start of the identifier holding the
	// keyword (api_key in MY_API_KEY), for name = value rules.
	anchorIdent
	// anchorLine matches from the start of the line holding the keyword.
	anchorLine
	// anchorWindow searches a window around the keyword, for rules whose
	// secret is near the keyword but not attached to it.
	anchorWindow
)

const (
	defaultBefore = 32
	defaultAfter  = 320
	// maxWindow bounds every window; the chunked reader overlaps chunks by
	// at least this much so that no match is cut at a chunk boundary.
	maxWindow = 8 << 10
)

func (r *rule) window() (before, after int) {
	before, after = r.before, r.after
	if before == 0 {
		before = defaultBefore
	}
	if after == 0 {
		after = defaultAfter
	}
	return before, after
}

// RuleInfo describes one of this scanner's rules.
type RuleInfo = evidence.RuleInfo

// shannon returns the Shannon entropy of s in bits per byte.
func shannon(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	var h float64
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// entropyThreshold lowers a rule's entropy bar for hexadecimal values: a
// random hex string carries at most 4 bits per character and typically
// about 3.7, so the bar set for base64-like values would drop real hex
// keys at random.
//
// It is also lowered for short values, whose entropy is capped by their
// length: 16 distinct characters carry at most 4 bits each, and a random
// 16-character value usually repeats a few, so the bar is at most 80% of
// log2(length).
func entropyThreshold(min float64, secret string) float64 {
	if short := 0.8 * math.Log2(float64(len(secret))); short < min {
		min = short
	}
	for i := 0; i < len(secret); i++ {
		c := secret[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return min
		}
	}
	return min - 0.5
}

// Mask hides all but a few leading characters of a secret, so that a reader
// can tell which credential is meant without being able to use it. The
// number of stars does not reveal the secret's length beyond a bound.
func Mask(secret string) string {
	keep := len(secret) / 4
	if keep > 8 {
		keep = 8
	}
	stars := len(secret) - keep
	if stars > 12 {
		stars = 12
	}
	if stars < 4 {
		stars = 4
	}
	return secret[:keep] + strings.Repeat("*", stars)
}

// File-kind predicates shared by rules.

func baseName(rel string) string { return path.Base(rel) }

func isDockerfile(rel string) bool {
	b := strings.ToLower(baseName(rel))
	return b == "dockerfile" || b == "containerfile" || strings.HasPrefix(b, "dockerfile.") ||
		strings.HasSuffix(b, ".dockerfile") || strings.HasSuffix(b, ".containerfile")
}

func isComposeFile(rel string) bool {
	b := strings.ToLower(baseName(rel))
	if !strings.HasSuffix(b, ".yml") && !strings.HasSuffix(b, ".yaml") {
		return false
	}
	return strings.HasPrefix(b, "docker-compose") || strings.HasPrefix(b, "compose.") || strings.HasPrefix(b, "compose-")
}

func isCIFile(rel string) bool {
	l := strings.ToLower(rel)
	b := baseName(l)
	switch {
	case strings.Contains("/"+l, "/.github/workflows/") && (strings.HasSuffix(b, ".yml") || strings.HasSuffix(b, ".yaml")):
		return true
	case strings.HasSuffix(l, ".github/action.yml"), strings.HasSuffix(l, ".github/action.yaml"):
		return true
	case b == ".gitlab-ci.yml", b == "azure-pipelines.yml", b == "bitbucket-pipelines.yml", b == ".travis.yml",
		b == "jenkinsfile", b == ".drone.yml", b == "cloudbuild.yaml", b == "cloudbuild.yml", b == "buildspec.yml":
		return true
	case strings.Contains("/"+l, "/.circleci/") && (strings.HasSuffix(b, ".yml") || strings.HasSuffix(b, ".yaml")):
		return true
	}
	return false
}

// codeExtensions are source files where an unquoted value after "name =" is
// an expression (a variable, a call), not a literal.
var codeExtensions = map[string]bool{
	".go": true, ".py": true, ".js": true, ".mjs": true, ".cjs": true, ".ts": true, ".tsx": true, ".jsx": true,
	".java": true, ".kt": true, ".kts": true, ".scala": true, ".rb": true, ".php": true, ".cs": true, ".c": true,
	".h": true, ".cc": true, ".cpp": true, ".hpp": true, ".rs": true, ".swift": true, ".m": true, ".dart": true,
	".lua": true, ".pl": true, ".r": true, ".ex": true, ".exs": true, ".erl": true, ".hs": true, ".ml": true,
	".clj": true, ".groovy": true, ".vue": true, ".svelte": true, ".sql": true, ".tf": true, ".hcl": true,
	".html": true, ".htm": true, ".md": true, ".rst": true, ".txt": true, ".s": true,
}

func isCodeFile(rel string) bool {
	return codeExtensions[strings.ToLower(path.Ext(rel))]
}

func isNpmrc(rel string) bool {
	b := strings.ToLower(baseName(rel))
	return b == ".npmrc" || b == ".yarnrc" || b == ".yarnrc.yml"
}
