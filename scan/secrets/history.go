package secrets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"
	"sync"

	"github.com/gitleaks/go-gitdiff/gitdiff"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// scanGit scans the lines added in history (every commit, or Since..HEAD)
// or in the index. History comes from one `git log -p` stream with no
// context lines, so each blob version is read once, as the diff that
// introduced it, and unchanged files cost nothing.
func (s *Scanner) scanGit(ctx context.Context, root string, sup *suppressions) (evidence.Set, error) {
	git := s.opts.Git
	if git == "" {
		git = "git"
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var args []string
	common := []string{"-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--diff-filter=AMCT"}
	switch s.opts.Mode {
	case Staged:
		args = append([]string{"-C", root, "-c", "core.quotePath=false", "diff", "--cached"}, common...)
	default:
		args = append([]string{"-C", root, "-c", "core.quotePath=false", "log", "--full-history", "--format=commit %H%nAuthor: %an <%ae>%nDate: %ad%n%n    %s%n"}, common...)
		if s.opts.Since != "" {
			if strings.HasPrefix(s.opts.Since, "-") {
				return evidence.Set{}, fmt.Errorf("--since %q: not a git revision", s.opts.Since)
			}
			args = append(args, s.opts.Since+"..HEAD")
		} else {
			args = append(args, "--all")
		}
	}
	if err := checkGitRepo(ctx, git, root); err != nil {
		return evidence.Set{}, err
	}
	if s.opts.Since != "" {
		if err := exec.CommandContext(ctx, git, "-C", root, "rev-parse", "--verify", "--quiet", s.opts.Since+"^{commit}").Run(); err != nil {
			return evidence.Set{}, fmt.Errorf("--since %q: no such commit in %s", s.opts.Since, root)
		}
	}
	cmd := exec.CommandContext(ctx, git, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return evidence.Set{}, fmt.Errorf("git: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return evidence.Set{}, fmt.Errorf("run git in %s: %w", root, err)
	}
	set, scanErr := s.scanPatch(ctx, stdout, sup)
	// Drain what the parser left so git can exit, then collect its status.
	_, _ = io.Copy(io.Discard, stdout)
	waitErr := cmd.Wait()
	if scanErr != nil {
		return evidence.Set{}, scanErr
	}
	if waitErr != nil {
		if ctx.Err() != nil {
			return evidence.Set{}, ctx.Err()
		}
		return evidence.Set{}, fmt.Errorf("git %s in %s: %v: %s", args[4], root, waitErr, strings.TrimSpace(stderr.String()))
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

// scanPatch parses a `git log -p` or `git diff` stream and scans each file's
// added lines in parallel.
func (s *Scanner) scanPatch(ctx context.Context, r io.Reader, sup *suppressions) (evidence.Set, error) {
	files, err := gitdiff.Parse(r)
	if err != nil {
		return evidence.Set{}, fmt.Errorf("parse git output: %w", err)
	}
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
	var sendErr error
	for f := range files {
		if sendErr != nil {
			continue // keep draining so the parser's goroutine ends
		}
		pf := toPatchFile(f, limit)
		if pf == nil || sup.pathAllowed(pf.rel) {
			continue
		}
		select {
		case work <- pf:
		case <-ctx.Done():
			sendErr = ctx.Err()
		}
	}
	close(work)
	wg.Wait()
	if sendErr != nil {
		return evidence.Set{}, sendErr
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
