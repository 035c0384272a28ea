// Package secrets finds committed credentials: provider tokens, private
// keys, database URLs with passwords and high-entropy values assigned to
// secret-looking names, in a working tree, in every commit of a repository's
// history, or in what is staged for the next commit. It also checks the
// repository hygiene around them: a committed .env file, a .gitignore that
// does not ignore .env, and secrets written into Dockerfiles, compose files
// and CI workflows.
//
// The scan is built for throughput: one Aho-Corasick pass over the bytes
// finds the keywords every rule needs, and a rule's regular expression runs
// only on a small window around each hit. Files are read in parallel, in
// bounded chunks, and binary files are skipped by sniffing.
package secrets

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/repofs"
)

// ScannerName is the value of Finding.Scanner for this package.
const ScannerName = "secrets"

// DefaultIgnoreFile is the fingerprint ignore file read from the scanned
// root when Options.IgnoreFile is empty.
const DefaultIgnoreFile = ".threatmapignore"

// DefaultMaxFileSize is the size above which a file is skipped unless
// Options.MaxFileSize says otherwise.
const DefaultMaxFileSize = 50 << 20

// Mode selects what a Scanner reads.
type Mode int

const (
	// WorkTree scans the files under the root as they are on disk.
	WorkTree Mode = iota
	// History scans every line added by every commit reachable from any ref
	// (or, with Options.Since, only the commits in Since..HEAD).
	History
	// Staged scans the lines added in the index relative to HEAD: what the
	// next commit will contain. It is what a pre-commit hook runs.
	Staged
)

// Options configures a Scanner. The zero value scans the working tree with
// masked output, the default ignore file and no baseline.
type Options struct {
	Mode Mode
	// Since limits a History scan to commits reachable from HEAD but not
	// from this ref (a branch's own commits, for a pull request).
	Since string
	// Reveal puts the full secret in findings instead of a masked one.
	Reveal bool
	// IgnoreFile lists fingerprints to suppress, one per line ('#'
	// comments allowed). Empty means DefaultIgnoreFile under the root,
	// which may be absent; a named file must exist.
	IgnoreFile string
	// Baseline is a JSON findings report (threatmap scan secrets --format
	// json) whose findings are suppressed, so that a repository can adopt
	// the gate before cleaning its history.
	Baseline string
	// AllowPaths are path patterns (path.Match syntax on the slash path,
	// or on any trailing part of it; a pattern ending in "/" names a
	// directory) whose files are not scanned.
	AllowPaths []string
	// AllowValues are regular expressions; a secret matching any is not
	// reported.
	AllowValues []string
	// MaxFileSize skips files (or, in history, a file's added lines) larger
	// than this many bytes. Zero means DefaultMaxFileSize; negative means
	// no limit. Files are read in bounded chunks either way.
	MaxFileSize int64
	// Workers is the number of files scanned at once; zero means one per
	// CPU.
	Workers int
	// Git is the git executable for History and Staged scans; empty means
	// "git" on PATH.
	Git string
}

// Scanner is the secrets scanner. It implements evidence.Scanner.
type Scanner struct {
	opts   Options
	det    *detector
	allow  []*regexp.Regexp
	errNew error
}

var _ evidence.Scanner = (*Scanner)(nil)

// New returns a scanner with the built-in rules. Invalid options (a bad
// AllowValues expression) are reported by Scan.
func New(opts Options) *Scanner {
	s := &Scanner{opts: opts}
	s.det, s.errNew = newDetector(builtinRules())
	for _, v := range opts.AllowValues {
		re, err := regexp.Compile(v)
		if err != nil {
			s.errNew = errors.Join(s.errNew, fmt.Errorf("allow value %q: %w", v, err))
			continue
		}
		s.allow = append(s.allow, re)
	}
	for _, p := range opts.AllowPaths {
		if _, err := path.Match(strings.TrimSuffix(p, "/"), ""); err != nil {
			s.errNew = errors.Join(s.errNew, fmt.Errorf("allow path %q: %w", p, err))
		}
	}
	return s
}

// Name returns "secrets".
func (s *Scanner) Name() string { return ScannerName }

// Rules lists the built-in rules, for documentation and SARIF help.
func Rules() []RuleInfo {
	var out []RuleInfo
	for _, r := range builtinRules() {
		out = append(out, RuleInfo{ID: r.id, Title: r.title, Description: r.description, Severity: r.severity, Property: r.prop()})
	}
	out = append(out, hygieneRules...)
	return out
}

func (r *rule) prop() evidence.Property {
	if r.property == "" {
		return evidence.NoSecretsInRepo
	}
	return r.property
}

// Scan gathers secrets findings under root according to the options.
func (s *Scanner) Scan(ctx context.Context, root string) (evidence.Set, error) {
	if s.errNew != nil {
		return evidence.Set{}, s.errNew
	}
	sup, err := s.loadSuppressions(root)
	if err != nil {
		return evidence.Set{}, err
	}
	var set evidence.Set
	switch s.opts.Mode {
	case WorkTree:
		set, err = s.scanTree(ctx, root, sup)
	case History, Staged:
		set, err = s.scanGit(ctx, root, sup)
	default:
		err = fmt.Errorf("unknown scan mode %d", s.opts.Mode)
	}
	if err != nil {
		return evidence.Set{}, err
	}
	if !slices.ContainsFunc(set.Findings, func(f evidence.Finding) bool { return f.Property == evidence.NoSecretsInRepo }) {
		detail := "no secrets found in the working tree"
		switch s.opts.Mode {
		case History:
			detail = "no secrets found in the scanned history"
		case Staged:
			detail = "no secrets found in the staged changes"
		}
		set.Observations = append(set.Observations, evidence.Observation{
			Scanner: ScannerName, Property: evidence.NoSecretsInRepo, Holds: true, Detail: detail,
		})
	}
	set.Sort()
	return set, nil
}

func (s *Scanner) maxSize() int64 {
	switch {
	case s.opts.MaxFileSize == 0:
		return DefaultMaxFileSize
	case s.opts.MaxFileSize < 0:
		return 0
	default:
		return s.opts.MaxFileSize
	}
}

func (s *Scanner) workers() int {
	if s.opts.Workers > 0 {
		return s.opts.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// scanTree walks root and scans its files in parallel.
func (s *Scanner) scanTree(ctx context.Context, root string, sup *suppressions) (evidence.Set, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	files := make(chan repofs.File, 256)
	results := make([][]evidence.Finding, s.workers())
	errs := make([]error, s.workers())
	var wg sync.WaitGroup
	for w := range s.workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := s.det.newScratch()
			buf := make([]byte, 0, chunkSize+maxWindow)
			for f := range files {
				found, err := s.scanFile(ctx, sc, &buf, f, sup)
				if err != nil && errs[w] == nil {
					errs[w] = err
				}
				results[w] = append(results[w], found...)
			}
		}()
	}
	hy := newHygiene()
	walkErr := repofs.Walk(ctx, root, repofs.Options{MaxSize: s.maxSize()}, func(f repofs.File) error {
		hy.see(f.Rel)
		if sup.pathAllowed(f.Rel) {
			return nil
		}
		if d := repofs.ThirdPartyDir(f.Rel); d != "" {
			repofs.NoteSkipped(ctx, d, repofs.SkipExcludedDir)
			return nil
		}
		select {
		case files <- f:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(files)
	wg.Wait()
	if walkErr != nil {
		return evidence.Set{}, walkErr
	}
	var set evidence.Set
	for _, r := range results {
		set.Findings = append(set.Findings, r...)
	}
	if err := errors.Join(errs...); err != nil {
		return evidence.Set{}, err
	}
	hset, err := hy.worktree(ctx, root, s.opts.Git)
	if err != nil {
		return evidence.Set{}, err
	}
	for _, f := range hset.Findings {
		if !sup.fingerprintIgnored(f.Fingerprint) {
			set.Findings = append(set.Findings, f)
		}
	}
	set.Observations = append(set.Observations, hset.Observations...)
	return set, nil
}

// chunkSize is how much of a file is held in memory at once.
const chunkSize = 1 << 20

// sniffSize is how much of a file's start is checked for binary content.
const sniffSize = 8 << 10

// scanFile scans one file in chunks of chunkSize, each overlapping the last
// by maxWindow bytes so that no secret is cut at a boundary. The first
// chunk is read straight into the worker's buffer, and a file no longer
// than the walk said (most files) is read with a single read: open, read,
// close.
func (s *Scanner) scanFile(ctx context.Context, sc *scratch, bufp *[]byte, f repofs.File, sup *suppressions) ([]evidence.Finding, error) {
	fh, err := openFile(f.Path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil // removed since the walk saw it
		}
		// A file that cannot be read fails the scan: a secret in it would
		// otherwise go unreported while the scan says the tree is clean.
		return nil, fmt.Errorf("read %s: %w", f.Rel, unwrapPathErr(err))
	}
	defer fh.Close()
	buf := (*bufp)[:cap(*bufp)]
	n, final, err := readFirst(fh, buf, f.Size)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", f.Rel, unwrapPathErr(err))
	}
	if prefix := buf[:min(n, sniffSize)]; bytes.IndexByte(prefix, 0) >= 0 && repofs.SkipIfBinary(ctx, f.Rel, prefix) {
		return nil, nil
	}
	return s.scanChunks(sc, buf, n, final, fh, f.Rel, "", sup)
}

// readFirst fills buf from r, as io.ReadFull does, except that a read
// that returns exactly size bytes, the file's size when it was listed,
// ends the file without a second read to see EOF. final reports that the
// whole file is in buf[:n].
func readFirst(r io.Reader, buf []byte, size int64) (n int, final bool, err error) {
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		switch {
		case errors.Is(err, io.EOF):
			return n, true, nil
		case err != nil:
			return n, false, err
		case m == 0:
			return n, false, io.ErrNoProgress
		case int64(n) == size && n < len(buf):
			return n, true, nil
		}
	}
	return n, false, nil
}

// unwrapPathErr drops the *fs.PathError wrapper so that messages name the
// file by its path relative to the root.
func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// scanReader scans r, a file named rel in commit (empty for the working
// tree), unless its first bytes look binary.
func (s *Scanner) scanReader(sc *scratch, bufp *[]byte, r io.Reader, rel, commit string, sup *suppressions) ([]evidence.Finding, error) {
	buf := (*bufp)[:cap(*bufp)]
	n, final, err := readFirst(r, buf, -1)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", rel, err)
	}
	if repofs.IsBinary(buf[:min(n, sniffSize)]) {
		return nil, nil
	}
	return s.scanChunks(sc, buf, n, final, r, rel, commit, sup)
}

// scanChunks scans the file named rel (in commit, empty for the working
// tree) whose first n bytes are in buf, and the rest, unless final, in r.
func (s *Scanner) scanChunks(sc *scratch, buf []byte, n int, final bool, r io.Reader, rel, commit string, sup *suppressions) ([]evidence.Finding, error) {
	var out []evidence.Finding
	lines := newLineIndex()
	data := buf[:n]
	for {
		limit := len(data)
		if !final {
			limit = len(data) - maxWindow
		}
		lines.reset()
		for _, c := range s.det.find(sc, rel, data) {
			if c.start >= limit {
				continue
			}
			if f, ok := s.finding(c, data, lines, rel, commit, sup); ok {
				out = append(out, f)
			}
		}
		if final {
			return out, nil
		}
		lines.advance(data[:limit])
		copy(buf, data[limit:])
		carry := len(data) - limit
		m, err := io.ReadFull(r, buf[carry:])
		data = buf[:carry+m]
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			final = true
		case err != nil:
			return out, fmt.Errorf("read %s: %w", rel, err)
		}
	}
}

// finding turns a candidate into a finding, or drops it as suppressed.
func (s *Scanner) finding(c candidate, data []byte, lines *lineIndex, rel, commit string, sup *suppressions) (evidence.Finding, bool) {
	secret := string(data[c.start:c.end])
	r := c.rule
	if c.bare && (isCodeFile(rel) || !startsLine(data, c.name[0])) {
		// An unquoted value is a literal only in configuration syntax,
		// where the key starts its line (KEY=value, key: value).
		return evidence.Finding{}, false
	}
	if r.minEntropy > 0 && shannon(secret) < entropyThreshold(r.minEntropy, secret) {
		return evidence.Finding{}, false
	}
	if r.check != nil && !r.check(secret, string(data[c.name[0]:c.name[1]])) {
		return evidence.Finding{}, false
	}
	if isPlaceholder(secret) {
		return evidence.Finding{}, false
	}
	for _, re := range s.allow {
		if re.MatchString(secret) {
			return evidence.Finding{}, false
		}
	}
	if inlineAllowed(data, c.start, c.end) {
		return evidence.Finding{}, false
	}
	line, col := lines.position(data, c.start)
	fp := fingerprint(commit, rel, r.id, secret)
	if sup.fingerprintIgnored(fp) {
		return evidence.Finding{}, false
	}
	shown := Mask(secret)
	if s.opts.Reveal {
		shown = secret
	}
	msg := r.title + " in " + rel
	return evidence.Finding{
		Scanner:     ScannerName,
		Rule:        r.id,
		Severity:    r.severity,
		Message:     msg,
		File:        rel,
		Line:        line,
		Column:      col,
		Commit:      commit,
		Secret:      shown,
		Fingerprint: fp,
		Property:    r.prop(),
	}, true
}

// startsLine reports whether only indentation, a YAML list dash, an
// "export" or an opening quote precede offset off on its line.
func startsLine(data []byte, off int) bool {
	ls := bytes.LastIndexByte(data[:off], '\n') + 1
	prefix := bytes.TrimLeft(data[ls:off], " \t")
	prefix = bytes.TrimPrefix(prefix, []byte("- "))
	prefix = bytes.TrimPrefix(prefix, []byte("export "))
	prefix = bytes.TrimLeft(prefix, " \t\"'")
	return len(prefix) == 0
}

// fingerprint identifies a secret in a file independently of its line, so
// that an ignore entry survives edits above it. The secret enters only
// through a hash. History findings are prefixed with the commit; an ignore
// entry without the prefix matches the same secret in every commit.
func fingerprint(commit, rel, ruleID, secret string) string {
	h := sha256.Sum256([]byte(rel + "\x00" + ruleID + "\x00" + secret))
	fp := rel + ":" + ruleID + ":" + hex.EncodeToString(h[:8])
	if commit != "" {
		fp = commit + ":" + fp
	}
	return fp
}

// lineIndex turns byte offsets into 1-based line and column numbers,
// counting newlines incrementally so that the cost over a file is linear
// when offsets are asked in increasing order (as candidates are).
type lineIndex struct {
	// line is the line number at data[0]; lineStart is the offset in data of
	// that line's first byte (negative when the line began in an earlier
	// chunk).
	line, lineStart int
	// cursor, curLine and curStart cache the last answer.
	cursor, curLine, curStart int
}

func newLineIndex() *lineIndex { return &lineIndex{line: 1} }

func (l *lineIndex) reset() {
	l.cursor, l.curLine, l.curStart = 0, l.line, l.lineStart
}

// advance moves the index past consumed, the part of a chunk that the next
// chunk will not contain.
func (l *lineIndex) advance(consumed []byte) {
	n := 0
	last := -1
	for i := 0; ; {
		j := bytes.IndexByte(consumed[i:], '\n')
		if j < 0 {
			break
		}
		n++
		last = i + j
		i += j + 1
	}
	l.line += n
	if last >= 0 {
		l.lineStart = last + 1 - len(consumed)
	} else {
		l.lineStart -= len(consumed)
	}
}

func (l *lineIndex) position(data []byte, off int) (line, col int) {
	if off < l.cursor {
		l.cursor, l.curLine, l.curStart = 0, l.line, l.lineStart
	}
	for i := l.cursor; ; {
		j := bytes.IndexByte(data[i:off], '\n')
		if j < 0 {
			break
		}
		l.curLine++
		l.curStart = i + j + 1
		i += j + 1
	}
	l.cursor = off
	return l.curLine, off - l.curStart + 1
}
