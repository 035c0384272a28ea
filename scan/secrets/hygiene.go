package secrets

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"

	"github.com/threatmap/threatmap/repofs"
)

// Hygiene rule ids.
const (
	RuleEnvFileCommitted = "env-file-committed"
	RuleEnvNotGitignored = "env-not-gitignored"
)

var hygieneRules = []RuleInfo{
	{
		ID:    RuleEnvFileCommitted,
		Title: "Committed .env file",
		Description: "A .env file holds the credentials an application runs with. Committed, every clone and every fork " +
			"has them, and automated scanners read public pushes within minutes. Remove it from the repository, add it " +
			"to .gitignore, rotate every value it held, and commit a .env.example with placeholders instead.",
		Severity: threatmap.High,
		Property: evidence.EnvIgnored,
	},
	{
		ID:    RuleEnvNotGitignored,
		Title: ".gitignore does not ignore .env",
		Description: "Without a .env line in .gitignore, the first `git add .` commits the local credentials file. " +
			"Add .env (and .env.* with a !.env.example exception) before the first commit.",
		Severity: threatmap.Low,
		Property: evidence.EnvIgnored,
	},
}

// isEnvFile reports whether rel names a dotenv file that holds real values
// (.env, .env.local, .env.production, prod.env), not a template.
func isEnvFile(rel string) bool {
	b := strings.ToLower(path.Base(rel))
	if b != ".env" && !strings.HasPrefix(b, ".env.") && !strings.HasSuffix(b, ".env") {
		return false
	}
	for _, t := range []string{"example", "sample", "template", "dist", "defaults", "schema", "tmpl", "tpl"} {
		if strings.Contains(b, t) {
			return false
		}
	}
	return b != ".envrc"
}

// hygiene gathers what the working-tree walk sees that matters for
// repository hygiene.
type hygiene struct {
	mu       sync.Mutex
	envFiles []string
	// templates are env templates (.env.example): a project that ships
	// one uses env files, even when none holds values yet.
	templates []string
}

func newHygiene() *hygiene { return &hygiene{} }

func (h *hygiene) see(rel string) {
	switch {
	case isEnvFile(rel):
		h.mu.Lock()
		h.envFiles = append(h.envFiles, rel)
		h.mu.Unlock()
	case isEnvTemplate(rel):
		h.mu.Lock()
		h.templates = append(h.templates, rel)
		h.mu.Unlock()
	}
}

// isEnvTemplate reports whether rel names a dotenv template
// (.env.example, .env.sample, example.env).
func isEnvTemplate(rel string) bool {
	b := strings.ToLower(path.Base(rel))
	if b == ".envrc" || (b != ".env" && !strings.HasPrefix(b, ".env.") && !strings.HasSuffix(b, ".env")) {
		return false
	}
	return !isEnvFile(rel)
}

// usesEnvFiles reports whether the tree has a dotenv file or template: only
// then does a .gitignore without .env matter.
func (h *hygiene) usesEnvFiles() bool { return len(h.envFiles)+len(h.templates) > 0 }

// worktree reports committed .env files and whether the root .gitignore
// ignores .env. In a git work tree a .env file counts as committed when git
// tracks it; elsewhere, when the root .gitignore would not ignore it.
func (h *hygiene) worktree(ctx context.Context, root, git string) (evidence.Set, error) {
	var set evidence.Set
	info, err := os.Stat(root)
	if err != nil || !info.IsDir() {
		return set, nil // a single-file scan has no repository around it
	}
	gi, giErr := readGitignore(filepath.Join(root, ".gitignore"))
	if giErr != nil && !errors.Is(giErr, fs.ErrNotExist) {
		return set, fmt.Errorf("read .gitignore: %w", giErr)
	}
	hasGitignore := giErr == nil
	repoRoot := isGitDir(root)
	// Whether a .env file is committed is git's to say; when git cannot be
	// asked (not installed, not a work tree), the root .gitignore decides.
	isRepo := false
	tracked := map[string]bool{}
	if len(h.envFiles) > 0 {
		if t, err := gitTracked(ctx, root, git, h.envFiles); err == nil {
			isRepo, tracked = true, t
		} else if ctx.Err() != nil {
			return set, ctx.Err()
		}
	}
	for _, rel := range h.envFiles {
		committed := tracked[rel]
		msg := "committed .env file " + rel + ": every clone has its credentials; remove it, ignore it and rotate its values"
		if !isRepo {
			committed = !gi.ignores(rel)
			msg = ".env file " + rel + " is not ignored by .gitignore and would be committed; ignore it and keep its values in a secret store"
		}
		if committed {
			set.Findings = append(set.Findings, evidence.Finding{
				Scanner: ScannerName, Rule: RuleEnvFileCommitted, Severity: threatmap.High,
				Message: msg, File: rel, Line: 1, Column: 1,
				Fingerprint: fingerprint("", rel, RuleEnvFileCommitted, ""), Property: evidence.EnvIgnored,
			})
		}
	}
	if !repoRoot && !hasGitignore {
		// Not the top of a repository (or not one at all): there is no
		// root .gitignore here to judge.
		return set, nil
	}
	if gi.ignores(".env") {
		set.Observations = append(set.Observations, evidence.Observation{
			Scanner: ScannerName, Property: evidence.EnvIgnored, Holds: true, File: ".gitignore", Line: gi.line(".env"),
			Detail: ".gitignore ignores .env",
		})
		return set, nil
	}
	if !h.usesEnvFiles() {
		// No dotenv file or template anywhere in the tree: there is no
		// .env to commit by accident, so a .gitignore without the line is
		// not a finding (nor an observation that would fail a control).
		return set, nil
	}
	// The note points at a real place: line 1 of the .gitignore that
	// lacks the line, or, when there is none, the env file it should keep
	// out of commits.
	msg := ".gitignore does not ignore .env: add a .env line so local credentials are never committed"
	file, line := ".gitignore", 1
	if !hasGitignore {
		msg = "the repository has no .gitignore, so nothing keeps .env out of commits: add one with a .env line"
		file = slices.Min(append(slices.Clone(h.envFiles), h.templates...))
	}
	set.Findings = append(set.Findings, evidence.Finding{
		Scanner: ScannerName, Rule: RuleEnvNotGitignored, Severity: threatmap.Low,
		Message: msg, File: file, Line: line, Column: 1, Fingerprint: fingerprint("", ".gitignore", RuleEnvNotGitignored, ""),
		Property: evidence.EnvIgnored,
	})
	return set, nil
}

// isGitDir reports whether root is the top of a git work tree.
func isGitDir(root string) bool {
	_, err := os.Stat(filepath.Join(root, ".git"))
	return err == nil
}

// gitTracked asks git which of files it tracks; it fails outside a work
// tree or without git.
func gitTracked(ctx context.Context, root, git string, files []string) (map[string]bool, error) {
	if git == "" {
		git = "git"
	}
	args := append([]string{"-C", root, "ls-files", "-z", "--"}, files...)
	out, err := exec.CommandContext(ctx, git, args...).Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files in %s: %w", root, gitErr(err))
	}
	tracked := map[string]bool{}
	for _, f := range bytes.Split(out, []byte{0}) {
		if len(f) > 0 {
			tracked[string(f)] = true
		}
	}
	return tracked, nil
}

// gitignore is the subset of .gitignore semantics that decides whether a
// file at the repository root, or a file name anywhere, is ignored: ordered
// patterns, "!" negation, a leading "/" anchoring to the root, globs.
type gitignore struct {
	patterns []gitignorePattern
}

type gitignorePattern struct {
	glob     string
	negate   bool
	anchored bool
	dirOnly  bool
	line     int
}

func readGitignore(name string) (*gitignore, error) {
	data, err := repofs.ReadNamed(name, 8<<20)
	if err != nil {
		return &gitignore{}, err
	}
	return parseGitignore(data), nil
}

func parseGitignore(data []byte) *gitignore {
	gi := &gitignore{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \t\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := gitignorePattern{line: n}
		if rest, ok := strings.CutPrefix(line, "!"); ok {
			p.negate, line = true, rest
		}
		line = strings.TrimPrefix(line, `\`)
		if rest, ok := strings.CutSuffix(line, "/"); ok {
			p.dirOnly, line = true, rest
		}
		if strings.HasPrefix(line, "/") {
			p.anchored, line = true, line[1:]
		} else if strings.Contains(line, "/") && !strings.HasPrefix(line, "**/") {
			p.anchored = true
		}
		line = strings.TrimPrefix(line, "**/")
		p.glob = line
		gi.patterns = append(gi.patterns, p)
	}
	return gi
}

// ignores reports whether the file rel (slash path from the root) is
// ignored; the last matching pattern wins, as in git.
func (gi *gitignore) ignores(rel string) bool {
	ignored, _ := gi.match(rel)
	return ignored
}

// line returns the line of the pattern that decides rel, or 0.
func (gi *gitignore) line(rel string) int {
	_, line := gi.match(rel)
	return line
}

func (gi *gitignore) match(rel string) (bool, int) {
	if gi == nil {
		return false, 0
	}
	ignored, line := false, 0
	base := path.Base(rel)
	dirs := strings.Split(rel, "/")
	dirs = dirs[:len(dirs)-1]
	for _, p := range gi.patterns {
		hit := false
		if !p.dirOnly {
			if p.anchored {
				hit, _ = path.Match(p.glob, rel)
			} else {
				hit, _ = path.Match(p.glob, base)
			}
		}
		// A pattern naming a directory ignores everything beneath it.
		for i := range dirs {
			if hit {
				break
			}
			if p.anchored {
				hit, _ = path.Match(p.glob, strings.Join(dirs[:i+1], "/"))
			} else {
				hit, _ = path.Match(p.glob, dirs[i])
			}
		}
		if hit {
			ignored, line = !p.negate, p.line
		}
	}
	return ignored, line
}
