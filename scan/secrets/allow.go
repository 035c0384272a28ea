package secrets

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/threatmap/threatmap/repofs"
)

// suppressions are the user's ways of saying "not this one": fingerprints
// from the ignore file and the baseline, and path patterns.
type suppressions struct {
	fingerprints map[string]bool
	paths        []string
	// allow is paths compiled; nil means match paths as they are.
	allow *pathSet
}

// loadSuppressions reads the ignore file and the baseline.
func (s *Scanner) loadSuppressions(root string) (*suppressions, error) {
	sup := &suppressions{fingerprints: map[string]bool{}, paths: s.opts.AllowPaths, allow: compilePaths(s.opts.AllowPaths)}
	ignore, required := s.opts.IgnoreFile, true
	if ignore == "" {
		ignore, required = filepath.Join(dirOf(root), DefaultIgnoreFile), false
	}
	if err := sup.readIgnoreFile(ignore, required); err != nil {
		return nil, err
	}
	if s.opts.Baseline != "" {
		if err := sup.readBaseline(s.opts.Baseline); err != nil {
			return nil, err
		}
	}
	return sup, nil
}

// dirOf returns root if it is a directory, else its parent, so that a scan
// of a single file reads the ignore file beside it.
func dirOf(root string) string {
	if info, err := os.Stat(root); err == nil && !info.IsDir() {
		return filepath.Dir(root)
	}
	return root
}

// maxSuppressionFile bounds an ignore file or baseline. Both are read
// under repofs's rule for named files: a link out of their directory is
// refused.
const maxSuppressionFile = 64 << 20

func (sup *suppressions) readIgnoreFile(name string, required bool) error {
	data, err := repofs.ReadNamed(name, maxSuppressionFile)
	if err != nil {
		if !required && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("read ignore file: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		sup.fingerprints[line] = true
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read ignore file %s: %w", name, err)
	}
	return nil
}

func (sup *suppressions) readBaseline(name string) error {
	data, err := repofs.ReadNamed(name, maxSuppressionFile)
	if err != nil {
		return fmt.Errorf("read baseline: %w", err)
	}
	var doc struct {
		Findings []struct {
			Fingerprint string `json:"fingerprint"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("read baseline %s: %w (want the JSON written by threatmap scan secrets --format json)", name, err)
	}
	for _, f := range doc.Findings {
		if f.Fingerprint != "" {
			sup.fingerprints[f.Fingerprint] = true
		}
	}
	return nil
}

// fingerprintIgnored reports whether fp, or fp without its commit prefix,
// is listed.
func (sup *suppressions) fingerprintIgnored(fp string) bool {
	if sup == nil || len(sup.fingerprints) == 0 || fp == "" {
		return false
	}
	if sup.fingerprints[fp] {
		return true
	}
	if i := strings.IndexByte(fp, ':'); i == 40 || i == 64 {
		return sup.fingerprints[fp[i+1:]]
	}
	return false
}

// defaultAllowPaths are files whose contents are hashes and identifiers,
// never credentials, and the suppression files themselves.
var defaultAllowPaths = []string{
	"go.sum", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock", "poetry.lock",
	"Pipfile.lock", "composer.lock", "Gemfile.lock", "*.min.js.map", "*.js.map", DefaultIgnoreFile,
}

// defaultAllowSet is defaultAllowPaths compiled; it is never modified.
var defaultAllowSet = compilePaths(defaultAllowPaths)

// pathAllowed reports whether rel is excluded from scanning.
func (sup *suppressions) pathAllowed(rel string) bool {
	if defaultAllowSet.match(rel) {
		return true
	}
	switch {
	case sup == nil:
		return false
	case sup.allow != nil:
		return sup.allow.match(rel)
	default:
		return matchAnyPath(sup.paths, rel)
	}
}

// pathSet is a list of path patterns sorted by how cheaply each can be
// matched, with the semantics of matchAnyPath. A pattern without '/', '['
// or '\\' can only match a file's base name: a literal one is looked up
// in a set, "*" followed by a literal is a suffix test, and any other is
// matched against the base name alone.
type pathSet struct {
	names    map[string]bool
	suffixes []string
	globs    []string
	general  []string
}

func compilePaths(patterns []string) *pathSet {
	ps := &pathSet{names: map[string]bool{}}
	for _, p := range patterns {
		switch {
		case strings.HasSuffix(p, "/") || strings.ContainsAny(p, "/[\\"):
			ps.general = append(ps.general, p)
		case !strings.ContainsAny(p, "*?"):
			ps.names[p] = true
		case p[0] == '*' && !strings.ContainsAny(p[1:], "*?"):
			ps.suffixes = append(ps.suffixes, p[1:])
		default:
			ps.globs = append(ps.globs, p)
		}
	}
	return ps
}

// match reports whether any pattern matches rel, as matchAnyPath does.
func (ps *pathSet) match(rel string) bool {
	base := rel[strings.LastIndexByte(rel, '/')+1:]
	if ps.names[base] {
		return true
	}
	for _, s := range ps.suffixes {
		if strings.HasSuffix(base, s) {
			return true
		}
	}
	for _, g := range ps.globs {
		if ok, _ := path.Match(g, base); ok {
			return true
		}
	}
	return len(ps.general) > 0 && matchAnyPath(ps.general, rel)
}

// matchAnyPath matches rel against patterns: a pattern matches the whole
// slash path or any trailing run of its elements, and a pattern ending in
// "/" matches everything under a directory of that name.
func matchAnyPath(patterns []string, rel string) bool {
	for _, p := range patterns {
		if dir, ok := strings.CutSuffix(p, "/"); ok {
			parts := strings.Split(rel, "/")
			for i := range parts[:len(parts)-1] {
				if ok, _ := path.Match(dir, strings.Join(parts[:i+1], "/")); ok {
					return true
				}
				if ok, _ := path.Match(dir, parts[i]); ok {
					return true
				}
			}
			continue
		}
		if !strings.ContainsAny(p, "/[\\") {
			// '*', '?' and literal bytes never match a '/', so such a
			// pattern can match only the last element: one match per file
			// instead of one per trailing run of elements.
			if ok, _ := path.Match(p, rel[strings.LastIndexByte(rel, '/')+1:]); ok {
				return true
			}
			continue
		}
		if matchTrailing(p, rel) {
			return true
		}
	}
	return false
}

// matchTrailing reports whether pattern p matches rel or any trailing run
// of its elements.
func matchTrailing(p, rel string) bool {
	for s := rel; ; {
		if ok, _ := path.Match(p, s); ok {
			return true
		}
		i := strings.IndexByte(s, '/')
		if i < 0 {
			return false
		}
		s = s[i+1:]
	}
}

// inlineAllowed reports whether the line holding the secret's start or end
// carries an allow comment.
func inlineAllowed(data []byte, start, end int) bool {
	for _, off := range []int{start, end - 1} {
		ls := bytes.LastIndexByte(data[:off], '\n') + 1
		le := bytes.IndexByte(data[off:], '\n')
		if le < 0 {
			le = len(data)
		} else {
			le += off
		}
		// Bound the look on minified lines; the marker sits near the secret
		// in any real file.
		ls = max(ls, start-4096)
		le = min(le, end+4096)
		line := data[ls:le]
		if bytes.Contains(line, []byte("threatmap:allow")) || bytes.Contains(line, []byte("gitleaks:allow")) {
			return true
		}
	}
	return false
}

// placeholderWords mark a value as a stand-in for a real secret.
var placeholderWords = []string{
	"example", "sample", "dummy", "placeholder", "changeme", "change_me", "change-me", "replace_me", "replaceme",
	"your_", "your-", "yourkey", "xxxxxxxx", "********", "redacted", "notreal", "not_real", "not-a-real",
	"fake", "insert_", "insert-", "todo", "fixme", "<", ">", "${", "{{", "$(", "%s", "%(", "...", "env(",
	"os.environ", "process.env", "getenv", "secrets.", "vault:", "0123456789", "abcdefgh",
}

// documentedExamples are credentials that providers print in their own
// documentation; they appear in countless tutorials and grant nothing.
var documentedExamples = []string{
	"AKIAIOSFODNN7EXAMPLE",
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	"123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11", // Telegram Bot API docs
	"4eC39HqLyjWDarjtT1zdp7dc",                  // Stripe's documented test key
}

// isPlaceholder reports whether a value is a documented example, a
// placeholder, or a reference to where the real secret lives.
func isPlaceholder(v string) bool {
	if strings.HasPrefix(v, "$") {
		return true
	}
	for _, e := range documentedExamples {
		if strings.Contains(v, e) {
			return true
		}
	}
	// Only the head of a long value (a private key body) is examined, so
	// that a four-letter word occurring by chance in a kilobyte of base64
	// does not hide a key.
	l := strings.ToLower(v[:min(len(v), 200)])
	for _, w := range placeholderWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	// A value of one repeated character (aaaa…, 0000…) is padding.
	body := strings.TrimLeft(v, "_-")
	if len(body) > 0 && strings.Count(body, body[:1]) == len(body) {
		return true
	}
	return false
}
