package secrets

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/threatmap/threatmap/repofs"
	"io"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// scanGit scans what history (every commit, or Since..HEAD) or the index
// added. It reads each file version once, however many commits carry it
// (save a version a later commit restores), and searches only the lines
// each commit changed:
//
//  1. `git log --raw` lists, per commit, the files it added or changed
//     with the blob ids before and after. Git compares trees only and
//     computes no diff, which is what makes `git log -p` slow.
//  2. Each change goes, as git lists it (newest first), to the reader of
//     its path: one `git cat-file --batch` per worker, which holds a
//     version from its first read until the change that made it, so that
//     every change has the version before and the version after at hand
//     (see historyStream).
//  3. The lines between the longest common prefix and suffix of the two
//     versions, with a margin, are searched for keywords (a rule's
//     pattern still sees the whole file around a keyword). A secret is
//     attributed to the commit when it lies on those lines and the
//     version before does not hold the same line: the lines the commit
//     added, as a diff would show them (see scanAdded).
//
// Line numbers are those of the file in the commit, as in a diff.
func (s *Scanner) scanGit(ctx context.Context, root string, sup *suppressions) (evidence.Set, error) {
	return s.scanHistory(ctx, root, sup, versionCacheLimit)
}

// scanHistory is scanGit with a bound on the bytes of file versions each
// reader holds (see versionCacheLimit).
func (s *Scanner) scanHistory(ctx context.Context, root string, sup *suppressions, held int) (evidence.Set, error) {
	git := s.opts.Git
	if git == "" {
		git = "git"
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := checkGitRepo(ctx, git, root); err != nil {
		return evidence.Set{}, err
	}
	// Each change goes to a reader as soon as git log names it. A path
	// recurs in every commit that touches it: the allowed paths are
	// matched once per path.
	var set evidence.Set
	allowed := map[string]bool{}
	st := s.newHistoryStream(ctx, cancel, git, root, sup, held)
	err := s.changes(ctx, git, root, func(c change) error {
		skip, ok := allowed[c.path]
		if !ok {
			skip = sup.pathAllowed(c.path)
			if !skip && repofs.Excluded(ctx, c.path) {
				repofs.NoteSkipped(ctx, c.path, repofs.SkipExcluded)
				skip = true
			}
			if d := repofs.ThirdPartyDir(c.path); d != "" && !skip {
				repofs.NoteSkipped(ctx, d, repofs.SkipExcludedDir)
				skip = true
			}
			allowed[c.path] = skip
		}
		if skip {
			return nil
		}
		if c.added && isEnvFile(c.path) {
			s.envCommitted(&set, c, sup)
		}
		return st.add(c)
	})
	found, whole, serr := st.close()
	if err := errors.Join(serr, err); err != nil {
		return evidence.Set{}, err
	}
	set.Findings = append(set.Findings, found...)
	more, err := s.attributeWhole(ctx, git, root, whole, sup)
	if err != nil {
		return evidence.Set{}, err
	}
	set.Findings = append(set.Findings, more...)
	return set, nil
}

// envCommitted reports a committed (or staged) .env file.
func (s *Scanner) envCommitted(set *evidence.Set, c change, sup *suppressions) {
	fp := fingerprint(c.commit, c.path, RuleEnvFileCommitted, "")
	if sup.fingerprintIgnored(fp) {
		return
	}
	msg := "committed .env file " + c.path + ": it stays in history even if deleted later; rotate its values"
	if c.commit == "" {
		msg = ".env file " + c.path + " is staged for commit: unstage it (git rm --cached) and ignore it"
	}
	set.Findings = append(set.Findings, evidence.Finding{
		Scanner: ScannerName, Rule: RuleEnvFileCommitted, Severity: threatmap.High,
		Message: msg, File: c.path, Line: 1, Column: 1, Commit: c.commit, Fingerprint: fp, Property: evidence.EnvIgnored,
	})
}

// attributeWhole attributes the secrets of changes whose two versions a
// reader could not hold at once: each version after is scanned whole, and
// where it holds something, so is the version before. A secret is new in
// the commit when the version before lacks the same (rule, secret, line
// text); when the commit adds another copy of such a line, `git diff`
// says which copy is new.
func (s *Scanner) attributeWhole(ctx context.Context, git, root string, changes []change, sup *suppressions) ([]evidence.Finding, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	seen := map[blobKey]bool{}
	var todo []blobKey
	for _, c := range changes {
		if k := (blobKey{c.new, c.path}); !seen[k] {
			seen[k] = true
			todo = append(todo, k)
		}
	}
	scanned, err := s.scanBlobs(ctx, git, root, todo, sup)
	if err != nil {
		return nil, err
	}
	todo = todo[:0]
	for _, c := range changes {
		if c.old == "" || len(scanned[blobKey{c.new, c.path}].hits) == 0 {
			continue
		}
		if k := (blobKey{c.old, c.path}); !seen[k] {
			seen[k] = true
			todo = append(todo, k)
		}
	}
	if len(todo) > 0 {
		before, err := s.scanBlobs(ctx, git, root, todo, sup)
		if err != nil {
			return nil, err
		}
		for k, v := range before {
			scanned[k] = v
		}
	}
	var out []evidence.Finding
	lines := newLineIndex()
	for _, c := range changes {
		after := scanned[blobKey{c.new, c.path}]
		if len(after.hits) == 0 {
			continue
		}
		had := map[string]int{}
		if c.old != "" {
			for _, h := range scanned[blobKey{c.old, c.path}].hits {
				had[h.key]++
			}
		}
		has := map[string]int{}
		for _, h := range after.hits {
			has[h.key]++
		}
		var added []lineRange
		for k, n := range has {
			if had[k] > 0 && n > had[k] {
				var err error
				if added, err = addedLines(ctx, git, root, c.old, c.new); err != nil {
					return nil, err
				}
				break
			}
		}
		lines.reset()
		for _, h := range after.hits {
			switch {
			case had[h.key] == 0:
			case has[h.key] > had[h.key]:
				at := newLineIndex()
				at.reset()
				if line, _ := at.position(after.data, h.c.start); !inRanges(added, line) {
					continue
				}
			default:
				continue // moved or unchanged: not new here
			}
			if f, ok := s.finding(h.c, after.data, lines, c.path, c.commit, sup); ok {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// lineRange is lines first to last of a file, 1-based, inclusive.
type lineRange struct{ first, last int }

func inRanges(rs []lineRange, line int) bool {
	for _, r := range rs {
		if r.first <= line && line <= r.last {
			return true
		}
	}
	return false
}

// addedLines returns the lines of blob new that `git diff -U0 old new`
// shows as added.
func addedLines(ctx context.Context, git, root, old, new string) ([]lineRange, error) {
	out, err := exec.CommandContext(ctx, git, "-C", root, "diff", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", old, new).Output()
	if err != nil {
		return nil, fmt.Errorf("git diff in %s: %w", root, gitErr(err))
	}
	var rs []lineRange
	for _, l := range strings.Split(string(out), "\n") {
		if r, ok := parseHunkHeader(l); ok && r.last >= r.first {
			rs = append(rs, r)
		}
	}
	return rs, nil
}

// parseHunkHeader reads the new-file range of "@@ -a,b +c,d @@ ...".
func parseHunkHeader(l string) (lineRange, bool) {
	rest, ok := strings.CutPrefix(l, "@@ -")
	if !ok {
		return lineRange{}, false
	}
	_, rest, ok = strings.Cut(rest, " +")
	if !ok {
		return lineRange{}, false
	}
	spec, _, ok := strings.Cut(rest, " @@")
	if !ok {
		return lineRange{}, false
	}
	startS, countS, hasCount := strings.Cut(spec, ",")
	start, err := strconv.Atoi(startS)
	if err != nil {
		return lineRange{}, false
	}
	count := 1
	if hasCount {
		if count, err = strconv.Atoi(countS); err != nil {
			return lineRange{}, false
		}
	}
	return lineRange{start, start + count - 1}, true
}

// change is one file a commit (or the index) added or modified.
type change struct {
	commit, path string
	// old and new are the blob ids before and after; old is "" when the
	// commit added the file.
	old, new string
	added    bool
}

type blobKey struct{ oid, path string }

// scannedBlob is what one file version holds: the candidates that pass
// every check but the commit-qualified ignore entries, and the contents
// when there is any.
type scannedBlob struct {
	data []byte
	hits []blobHit
}

type blobHit struct {
	c candidate
	// key identifies the secret on its line: rule, secret and the line's
	// text, so that a secret on a line the commit did not touch is not
	// attributed to it.
	key string
}

// gitBase pins the output format against user configuration that would
// change it.
func gitBase(root string) []string {
	return []string{"-C", root, "-c", "core.quotePath=false", "-c", "log.showSignature=false", "-c", "diff.relative=false"}
}

// changes lists the files each commit in range, or the index, added or
// modified.
func (s *Scanner) changes(ctx context.Context, git, root string, emit func(change) error) error {
	raw := []string{"--raw", "--no-abbrev", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", "--diff-filter=AMCT"}
	var args []string
	if s.opts.Mode == Staged {
		args = append(append(gitBase(root), "diff", "--cached"), raw...)
	} else {
		args = append(append(gitBase(root), "log", "--full-history", "--format=commit %H"), raw...)
		if s.opts.Since != "" {
			if strings.HasPrefix(s.opts.Since, "-") {
				return fmt.Errorf("--since %q: not a git revision", s.opts.Since)
			}
			if err := exec.CommandContext(ctx, git, "-C", root, "rev-parse", "--verify", "--quiet", s.opts.Since+"^{commit}").Run(); err != nil {
				return fmt.Errorf("--since %q: no such commit in %s", s.opts.Since, root)
			}
			args = append(args, s.opts.Since+"..HEAD")
		} else {
			// A repository without commits has nothing to scan.
			if err := exec.CommandContext(ctx, git, "-C", root, "rev-parse", "--verify", "--quiet", "HEAD").Run(); err != nil {
				if out, err := exec.CommandContext(ctx, git, "-C", root, "for-each-ref", "--count=1").Output(); err == nil && len(bytes.TrimSpace(out)) == 0 {
					return nil
				}
			}
			args = append(args, "--all")
		}
	}
	cmd := exec.CommandContext(ctx, git, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("git: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run git in %s: %w", root, err)
	}
	perr := parseRawFunc(bufio.NewReaderSize(out, 1<<16), emit)
	_, _ = io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("git %s in %s: %v: %s", args[len(gitBase(root))], root, err, strings.TrimSpace(stderr.String()))
	}
	if perr != nil {
		return fmt.Errorf("read git output in %s: %w", root, perr)
	}
	return ctx.Err()
}

// parseRaw reads `git log --raw -z --format="commit %H"` or `git diff
// --raw -z`: NUL-terminated fields, where a commit line precedes its
// entries and each entry is ":oldmode newmode oldsha newsha status"
// followed by the path. Merge commits' combined entries ("::...") and
// submodules are skipped.
func parseRaw(r *bufio.Reader) ([]change, error) {
	var out []change
	err := parseRawFunc(r, func(c change) error {
		out = append(out, c)
		return nil
	})
	return out, err
}

// parseRawFunc is parseRaw handing each change to emit as it is read; an
// error from emit stops the reading.
func parseRawFunc(r *bufio.Reader, emit func(change) error) error {
	commit := ""
	for {
		field, err := r.ReadString(0)
		if err == io.EOF && field == "" {
			return nil
		}
		if err != nil && err != io.EOF {
			return err
		}
		field = strings.TrimSuffix(field, "\x00")
		field = strings.TrimLeft(field, "\n")
		switch {
		case strings.HasPrefix(field, "commit "):
			commit = strings.TrimPrefix(field, "commit ")
			if !isHex(commit) {
				return fmt.Errorf("bad commit line %q", field)
			}
		case strings.HasPrefix(field, "::"):
			// A merge's combined entry: one path per entry, not attributed
			// (a merge adds nothing of its own unless it resolves a
			// conflict, which `git log -p` does not show either).
			if _, err := r.ReadString(0); err != nil && err != io.EOF {
				return err
			}
		case strings.HasPrefix(field, ":"):
			meta := strings.Fields(field[1:])
			if len(meta) != 5 || !isHex(meta[2]) || !isHex(meta[3]) {
				return fmt.Errorf("bad raw entry %q", field)
			}
			path, err := r.ReadString(0)
			if err != nil && (err != io.EOF || path == "") {
				return fmt.Errorf("raw entry %q without a path", field)
			}
			path = strings.TrimSuffix(path, "\x00")
			status := meta[4]
			if meta[1] == "160000" || !strings.ContainsAny(status[:1], "AMCT") || path == "" {
				continue // a submodule, or a deletion
			}
			c := change{commit: commit, path: path, new: meta[3], added: status[0] == 'A'}
			if strings.Trim(meta[2], "0") != "" {
				c.old = meta[2]
			}
			if err := emit(c); err != nil {
				return err
			}
		case field == "":
		default:
			return fmt.Errorf("unexpected field %q", field)
		}
		if err == io.EOF {
			return nil
		}
	}
}

func isHex(s string) bool {
	if len(s) < 40 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// scanBlobs reads the given file versions with one `git cat-file --batch`
// per worker, each taking a contiguous share of the list, and scans them
// as they arrive.
func (s *Scanner) scanBlobs(ctx context.Context, git, root string, keys []blobKey, sup *suppressions) (map[blobKey]scannedBlob, error) {
	n := min(s.workers(), max(1, len(keys)/64))
	results := make([]map[blobKey]scannedBlob, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for w := range n {
		part := keys[w*len(keys)/n : (w+1)*len(keys)/n]
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[w], errs[w] = s.catAndScan(ctx, git, root, part, sup)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	all := map[blobKey]scannedBlob{}
	for _, r := range results {
		for k, v := range r {
			all[k] = v
		}
	}
	return all, nil
}

// catAndScan runs one `git cat-file --batch` over keys. Only versions
// holding a candidate are kept.
func (s *Scanner) catAndScan(ctx context.Context, git, root string, keys []blobKey, sup *suppressions) (map[blobKey]scannedBlob, error) {
	out := map[blobKey]scannedBlob{}
	if len(keys) == 0 {
		return out, nil
	}
	in := make(chan []blobKey, 1)
	in <- keys
	close(in)
	err := catFileStream(ctx, git, root, in, func(ks []blobKey, ask func(string)) {
		for _, k := range ks {
			ask(k.oid)
		}
	}, func(r *bufio.Reader, ks []blobKey) error {
		return s.readBatch(r, ks, sup, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readBatch reads cat-file's answers ("<oid> <type> <size>\n<contents>\n"
// or "<oid> missing\n"), one per key in order, and scans the blobs.
func (s *Scanner) readBatch(r *bufio.Reader, keys []blobKey, sup *suppressions, out map[blobKey]scannedBlob) error {
	sc := s.det.newScratch()
	lines := newLineIndex()
	limit := s.maxSize()
	var buf []byte
	for _, k := range keys {
		header, err := r.ReadString('\n')
		if err != nil {
			return fmt.Errorf("git cat-file: %w", err)
		}
		f := strings.Fields(header)
		if len(f) == 2 && f[1] == "missing" {
			continue // a shallow or partial clone lacks it
		}
		if len(f) != 3 || f[0] != k.oid {
			return fmt.Errorf("git cat-file: unexpected header %q for %s", strings.TrimSpace(header), k.oid)
		}
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || size < 0 {
			return fmt.Errorf("git cat-file: bad size in %q", strings.TrimSpace(header))
		}
		if f[1] != "blob" || (limit > 0 && size > limit) {
			if _, err := r.Discard(int(size) + 1); err != nil {
				return fmt.Errorf("git cat-file: %w", err)
			}
			continue
		}
		buf = slices.Grow(buf[:0], int(size)+1)[:size+1]
		if _, err := io.ReadFull(r, buf); err != nil {
			return fmt.Errorf("git cat-file: %w", err)
		}
		data := buf[:size]
		if len(data) == 0 || isBinaryText(data) {
			continue
		}
		var hits []blobHit
		lines.reset()
		for _, c := range s.det.find(sc, k.path, data) {
			if _, ok := s.finding(c, data, lines, k.path, "", sup); ok {
				hits = append(hits, blobHit{c: c, key: c.rule.id + "\x00" + string(data[c.start:c.end]) + "\x00" + string(lineAt(data, c.start))})
			}
		}
		if len(hits) > 0 {
			out[k] = scannedBlob{data: bytes.Clone(data), hits: hits}
		}
	}
	return nil
}

// lineAt returns the line of data holding offset off, without its newline.
func lineAt(data []byte, off int) []byte {
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	end := bytes.IndexByte(data[off:], '\n')
	if end < 0 {
		return data[start:]
	}
	return data[start : off+end]
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

func isBinaryText(b []byte) bool {
	return bytes.IndexByte(b[:min(len(b), sniffSize)], 0) >= 0
}

func gitErr(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(ee.Stderr)))
	}
	return err
}
