package secrets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/gitleaks/go-gitdiff/gitdiff"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// scanGit scans the lines added in history (every commit, or Since..HEAD)
// or in the index. History comes from `git log -p` streams with no context
// lines, so each blob version is read once, as the diff that introduced it,
// and unchanged files cost nothing. Computing diffs is git's work and the
// slowest part of a history scan, so the commit list is split among one git
// process per worker and their streams are scanned as they arrive.
func (s *Scanner) scanGit(ctx context.Context, root string, sup *suppressions) (evidence.Set, error) {
	git := s.opts.Git
	if git == "" {
		git = "git"
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := checkGitRepo(ctx, git, root); err != nil {
		return evidence.Set{}, err
	}
	// The options pin the output format against user configuration that
	// would change it (quoted paths, prefixes, signatures, colour).
	base := []string{"-C", root, "-c", "core.quotePath=false", "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false",
		"-c", "log.showSignature=false", "-c", "diff.relative=false"}
	diffArgs := []string{"-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--diff-filter=AMCT",
		"--src-prefix=a/", "--dst-prefix=b/"}
	if s.opts.Mode == Staged {
		args := append(append(slices.Clone(base), "diff", "--cached"), diffArgs...)
		return s.runPatchStreams(ctx, git, root, sup, []gitCmd{{args: args}})
	}
	revs, err := s.revisions(ctx, git, root)
	if err != nil {
		return evidence.Set{}, err
	}
	if len(revs) == 0 {
		return evidence.Set{}, nil
	}
	n := min(s.workers(), len(revs))
	parts := make([][]string, n)
	for i, r := range revs {
		parts[i%n] = append(parts[i%n], r)
	}
	var cmds []gitCmd
	for _, part := range parts {
		args := append(slices.Clone(base), "log", "--no-walk=unsorted", "--stdin",
			"--format=commit %H%nAuthor: %an <%ae>%nDate: %ad%n%n    %s%n")
		args = append(args, diffArgs...)
		cmds = append(cmds, gitCmd{args: args, stdin: strings.Join(part, "\n") + "\n"})
	}
	return s.runPatchStreams(ctx, git, root, sup, cmds)
}

// revisions lists the commits a History scan covers.
func (s *Scanner) revisions(ctx context.Context, git, root string) ([]string, error) {
	args := []string{"-C", root, "rev-list", "--full-history"}
	if s.opts.Since != "" {
		if strings.HasPrefix(s.opts.Since, "-") {
			return nil, fmt.Errorf("--since %q: not a git revision", s.opts.Since)
		}
		if err := exec.CommandContext(ctx, git, "-C", root, "rev-parse", "--verify", "--quiet", s.opts.Since+"^{commit}").Run(); err != nil {
			return nil, fmt.Errorf("--since %q: no such commit in %s", s.opts.Since, root)
		}
		args = append(args, s.opts.Since+"..HEAD")
	} else {
		args = append(args, "--all")
	}
	out, err := exec.CommandContext(ctx, git, args...).Output()
	if err != nil {
		// A repository without commits has nothing to scan.
		if e := exec.CommandContext(ctx, git, "-C", root, "rev-parse", "--verify", "--quiet", "HEAD").Run(); e != nil && s.opts.Since == "" {
			return nil, nil
		}
		return nil, fmt.Errorf("git rev-list in %s: %w", root, gitErr(err))
	}
	return strings.Fields(string(out)), nil
}

type gitCmd struct {
	args  []string
	stdin string
}

// runPatchStreams runs the git commands and scans their patch output.
func (s *Scanner) runPatchStreams(ctx context.Context, git, root string, sup *suppressions, cmds []gitCmd) (evidence.Set, error) {
	var readers []io.Reader
	var started []*exec.Cmd
	var stderrs []*bytes.Buffer
	wait := func() error {
		var errs []error
		for i, c := range started {
			if err := c.Wait(); err != nil && ctx.Err() == nil {
				errs = append(errs, fmt.Errorf("git in %s: %v: %s", root, err, strings.TrimSpace(stderrs[i].String())))
			}
		}
		return errors.Join(errs...)
	}
	for _, gc := range cmds {
		cmd := exec.CommandContext(ctx, git, gc.args...)
		if gc.stdin != "" {
			cmd.Stdin = strings.NewReader(gc.stdin)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return evidence.Set{}, fmt.Errorf("git: %w", err)
		}
		if err := cmd.Start(); err != nil {
			_ = wait()
			return evidence.Set{}, fmt.Errorf("run git in %s: %w", root, err)
		}
		started = append(started, cmd)
		stderrs = append(stderrs, &stderr)
		readers = append(readers, stdout)
	}
	set, scanErr := s.scanPatch(ctx, readers, sup)
	for _, r := range readers {
		// Drain what a parser left so that git can exit.
		_, _ = io.Copy(io.Discard, r)
	}
	waitErr := wait()
	switch {
	case scanErr != nil:
		return evidence.Set{}, scanErr
	case ctx.Err() != nil:
		return evidence.Set{}, ctx.Err()
	case waitErr != nil:
		return evidence.Set{}, waitErr
	}
	return set, nil
}

func checkGitRepo(ctx context.Context, git, root string) error {
	out, err := exec.CommandContext(ctx, git, "-C", root, "rev-parse", "--is-inside-work-tree").CombinedOutput()
	if err != nil {
		var ee *exec.Error
		if errors.As(err, &ee) {
			return fmt.Errorf("git history scan needs git: %w", err)
		}
		return fmt.Errorf("%s is not a git repository: %s", root, strings.TrimSpace(string(out)))
	}
	return nil
}

func gitErr(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(ee.Stderr)))
	}
	return err
}

// patchFile is the added text of one file in one commit, with the new-file
// line number of each added line.
type patchFile struct {
	commit string
	rel    string
	isNew  bool
	text   []byte
	// starts[i] is the offset in text of the i-th added line, and
	// lines[i] its line number in the new file.
	starts []int
	lines  []int
}

// scanPatch parses `git log -p` or `git diff` streams and scans each
// file's added lines in parallel.
func (s *Scanner) scanPatch(ctx context.Context, streams []io.Reader, sup *suppressions) (evidence.Set, error) {
	work := make(chan *patchFile, 64)
	n := s.workers()
	results := make([]evidence.Set, n)
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := s.det.newScratch()
			for pf := range work {
				results[w].Add(s.scanPatchFile(sc, pf, sup))
			}
		}()
	}
	limit := s.maxSize()
	errs := make([]error, len(streams))
	var feeders sync.WaitGroup
	for i, r := range streams {
		feeders.Add(1)
		go func() {
			defer feeders.Done()
			files, err := gitdiff.Parse(r)
			if err != nil {
				errs[i] = fmt.Errorf("parse git output: %w", err)
				return
			}
			for f := range files {
				if errs[i] != nil {
					continue // keep draining so the parser's goroutine ends
				}
				pf := toPatchFile(f, limit)
				if pf == nil || sup.pathAllowed(pf.rel) {
					continue
				}
				select {
				case work <- pf:
				case <-ctx.Done():
					errs[i] = ctx.Err()
				}
			}
		}()
	}
	feeders.Wait()
	close(work)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return evidence.Set{}, err
	}
	var set evidence.Set
	for _, r := range results {
		set.Add(r)
	}
	return set, nil
}

func toPatchFile(f *gitdiff.File, limit int64) *patchFile {
	if f == nil || f.IsDelete || f.IsBinary || f.NewName == "" {
		return nil
	}
	pf := &patchFile{rel: f.NewName, isNew: f.IsNew}
	if f.PatchHeader != nil {
		pf.commit = f.PatchHeader.SHA
	}
	size := 0
	for _, frag := range f.TextFragments {
		line := int(frag.NewPosition)
		for _, l := range frag.Lines {
			switch l.Op {
			case gitdiff.OpAdd:
				pf.starts = append(pf.starts, len(pf.text))
				pf.lines = append(pf.lines, line)
				pf.text = append(pf.text, l.Line...)
				if !strings.HasSuffix(l.Line, "\n") {
					pf.text = append(pf.text, '\n')
				}
				size += len(l.Line)
				line++
			case gitdiff.OpContext:
				line++
			}
		}
	}
	if limit > 0 && int64(size) > limit {
		return nil
	}
	return pf
}

// scanPatchFile scans one file's added lines and reports positions in the
// new file.
func (s *Scanner) scanPatchFile(sc *scratch, pf *patchFile, sup *suppressions) evidence.Set {
	var set evidence.Set
	if pf.isNew && isEnvFile(pf.rel) {
		fp := fingerprint(pf.commit, pf.rel, RuleEnvFileCommitted, "")
		if !sup.fingerprintIgnored(fp) {
			msg := "committed .env file " + pf.rel + ": it stays in history even if deleted later; rotate its values"
			if pf.commit == "" {
				msg = ".env file " + pf.rel + " is staged for commit: unstage it (git rm --cached) and ignore it"
			}
			set.Findings = append(set.Findings, evidence.Finding{
				Scanner: ScannerName, Rule: RuleEnvFileCommitted, Severity: threatmap.High,
				Message: msg, File: pf.rel, Line: 1, Column: 1, Commit: pf.commit, Fingerprint: fp, Property: evidence.EnvIgnored,
			})
		}
	}
	if len(pf.text) == 0 || isBinaryText(pf.text) {
		return set
	}
	lines := newLineIndex()
	lines.reset()
	for _, c := range s.det.find(sc, pf.rel, pf.text) {
		f, ok := s.finding(c, pf.text, lines, pf.rel, pf.commit, sup)
		if !ok {
			continue
		}
		// Map the position in the concatenated added lines to the new file.
		i := sort.SearchInts(pf.starts, c.start+1) - 1
		if i >= 0 {
			f.Line = pf.lines[i]
			f.Column = c.start - pf.starts[i] + 1
		}
		set.Findings = append(set.Findings, f)
	}
	return set
}

func isBinaryText(b []byte) bool {
	return bytes.IndexByte(b[:min(len(b), sniffSize)], 0) >= 0
}
