package secrets

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"os/exec"
	"strings"

	"github.com/threatmap/threatmap/evidence"
)

// changeMargin is how far around the changed lines keywords are looked
// for: enough for every rule whose keyword may sit on another line than
// the secret's start (windows reach at most a few hundred bytes back).
const changeMargin = 1 << 10

var beginMarker = []byte("-----BEGIN")

// scanAdded reports the secrets that the version new of c.path adds to
// the version old (hasOld false: the commit added the file, or the
// version before could not be read, and everything in new is added).
//
// Only the changed lines, and a margin around them, are searched for
// keywords; a rule's pattern still sees the whole file around a keyword,
// so a candidate found is the one a whole-file scan finds. A secret is
// added when it overlaps the changed lines and the version before does
// not hold the same text from the start of its line to its end. When the
// version after holds more copies of that text than the version before,
// `git diff` says which copy is new.
func (s *Scanner) scanAdded(ctx context.Context, git, root string, sc *scratch, lines *lineIndex, c change, old []byte, hasOld bool, new []byte, sup *suppressions) ([]evidence.Finding, error) {
	a, b := 0, len(new)
	if hasOld {
		a, b = changedLines(old, new)
	}
	if a >= b {
		return nil, nil
	}
	lo, hi := searchRegion(new, a, b)
	var out []evidence.Finding
	var added []lineRange
	var outside []evidence.Finding
	var outsideAt [][2]int
	var oldLines, newLines lineCounts
	diffed := false
	lines.reset()
	for _, cd := range s.det.find(sc, c.path, new[lo:hi]) {
		cd.start += lo
		cd.end += lo
		cd.full[0] += lo
		cd.full[1] += lo
		cd.name[0] += lo
		cd.name[1] += lo
		unchanged := cd.start >= b || cd.end <= a
		if unchanged && cd.start >= a-changeMargin/2 && cd.end <= b+changeMargin/2 {
			// Near the changed lines, where a keyword or context the
			// commit added can make a secret on an unchanged line
			// detectable: new unless the version before yields it too.
			if f, ok := s.finding(cd, new, lines, c.path, c.commit, sup); ok {
				outside = append(outside, f)
				outsideAt = append(outsideAt, [2]int{cd.start, cd.end})
			}
			continue
		}
		if unchanged {
			continue // on lines the version before has too
		}
		f, ok := s.finding(cd, new, lines, c.path, c.commit, sup)
		if !ok {
			continue
		}
		if hasOld {
			key, single := lineKey(new, cd.start, cd.end)
			count := func(data []byte, lc *lineCounts) int {
				if single {
					return lc.count(data, key)
				}
				return countLineText(data, key, false)
			}
			if had := count(old, &oldLines); had > 0 {
				if count(new, &newLines) <= had {
					continue // moved or unchanged: not new here
				}
				if !diffed {
					var err error
					if added, err = addedLines(ctx, git, root, c.old, c.new); err != nil {
						return nil, err
					}
					diffed = true
				}
				if !inRanges(added, f.Line) {
					continue
				}
			}
		}
		out = append(out, f)
	}
	if len(outside) > 0 {
		// The bytes before a and from b on are the same in both versions,
		// the latter shifted by d in the version before.
		d := len(old) - len(new)
		had := map[[2]int]string{}
		for _, oc := range s.det.find(sc, c.path, old[lo:min(len(old), hi+d)]) {
			start, end := oc.start+lo, oc.end+lo
			switch {
			case start >= b+d:
				start, end = start-d, end-d
			case end > a:
				continue // on lines the commit changed
			}
			had[[2]int{start, end}] = oc.rule.id
		}
		for i, f := range outside {
			if had[outsideAt[i]] != f.Rule {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// changedLines returns the span [a, b) of new between the longest common
// prefix and suffix of whole lines that old and new share.
func changedLines(old, new []byte) (a, b int) {
	p := commonPrefix(old, new)
	a = bytes.LastIndexByte(new[:p], '\n') + 1
	s := commonSuffix(old, new, min(len(old), len(new))-p)
	b = len(new) - s
	// The suffix starts a line in both versions.
	if bo := len(old) - s; b < len(new) && (b > 0 && new[b-1] != '\n' || bo > 0 && old[bo-1] != '\n') {
		if j := bytes.IndexByte(new[b:], '\n'); j >= 0 {
			b += j + 1
		} else {
			b = len(new)
		}
	}
	return a, b
}

// commonPrefix is the length of the common prefix of x and y: whole
// blocks compared with bytes.Equal (vectorised), then words, then bytes.
func commonPrefix(x, y []byte) int {
	n := min(len(x), len(y))
	i := 0
	for i+256 <= n && bytes.Equal(x[i:i+256], y[i:i+256]) {
		i += 256
	}
	for ; i+8 <= n; i += 8 {
		if d := binary.LittleEndian.Uint64(x[i:]) ^ binary.LittleEndian.Uint64(y[i:]); d != 0 {
			return i + bits.TrailingZeros64(d)/8
		}
	}
	for i < n && x[i] == y[i] {
		i++
	}
	return i
}

// commonSuffix is the length of the common suffix of x and y, at most n.
func commonSuffix(x, y []byte, n int) int {
	i := 0
	for i+256 <= n && bytes.Equal(x[len(x)-i-256:len(x)-i], y[len(y)-i-256:len(y)-i]) {
		i += 256
	}
	for ; i+8 <= n; i += 8 {
		if d := binary.BigEndian.Uint64(x[len(x)-i-8:]) ^ binary.BigEndian.Uint64(y[len(y)-i-8:]); d != 0 {
			return i + bits.TrailingZeros64(d)/8
		}
	}
	for i < n && x[len(x)-1-i] == y[len(y)-1-i] {
		i++
	}
	return i
}

// searchRegion widens the changed lines [a, b) of data by changeMargin
// on each side, to line boundaries where one is near, and further to
// cover a private key whose body the change touches: its BEGIN line may
// be up to a window before, its END line up to a window after.
func searchRegion(data []byte, a, b int) (lo, hi int) {
	lo = max(0, a-changeMargin)
	if lo > 0 {
		from := max(0, lo-changeMargin)
		lo = from + bytes.LastIndexByte(data[from:lo], '\n') + 1
	}
	if from := max(0, a-maxWindow); from < lo {
		if j := bytes.Index(data[from:lo], beginMarker); j >= 0 {
			lo = from + bytes.LastIndexByte(data[from:from+j], '\n') + 1
		}
	}
	hi = min(len(data), b+changeMargin)
	if hi < len(data) && bytes.Contains(data[lo:b], beginMarker) {
		hi = min(len(data), b+maxWindow)
	}
	if hi < len(data) {
		to := min(len(data), hi+changeMargin)
		if j := bytes.IndexByte(data[hi:to], '\n'); j >= 0 {
			hi += j + 1
		} else {
			hi = to
		}
	}
	return lo, hi
}

// lineKey is the text that identifies a secret at [start, end) of data:
// from the start of its line to the end of that line, or to the secret's
// end when the secret runs over several lines (single false).
func lineKey(data []byte, start, end int) (key []byte, single bool) {
	ls := bytes.LastIndexByte(data[:start], '\n') + 1
	le := len(data)
	if j := bytes.IndexByte(data[start:], '\n'); j >= 0 {
		le = start + j
	}
	if end > le {
		return data[ls:end], false
	}
	return data[ls:le], true
}

// lineCounts counts, for many lines of a file, the lines of the file equal
// to each: the first few questions search the file, then the file's lines
// are counted once (a file of test fixtures can hold hundreds of
// secrets, each a question).
type lineCounts struct {
	asked  int
	counts map[string]int
}

// lineCountsAfter is how many questions are answered by searching the
// file before its lines are counted.
const lineCountsAfter = 4

// count returns how many lines of data equal line (which holds no
// newline), as countLineText(data, line, true) does.
func (l *lineCounts) count(data, line []byte) int {
	if l.asked++; l.asked <= lineCountsAfter {
		return countLineText(data, line, true)
	}
	if l.counts == nil {
		l.counts = map[string]int{}
		for rest := data; len(rest) > 0; {
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				i = len(rest)
			}
			l.counts[string(rest[:i])]++
			rest = rest[min(i+1, len(rest)):]
		}
	}
	return l.counts[string(line)]
}

// countLineText counts where key starts a line of data and, when single,
// is that whole line.
func countLineText(data, key []byte, single bool) int {
	n := 0
	for i := 0; i <= len(data)-len(key); {
		j := bytes.Index(data[i:], key)
		if j < 0 {
			break
		}
		at := i + j
		end := at + len(key)
		if (at == 0 || data[at-1] == '\n') && (!single || end == len(data) || data[end] == '\n') {
			n++
		}
		i = at + 1
	}
	return n
}

// catFileStream runs one `git cat-file --batch` over the chunks it is
// handed until in is closed: oids names a chunk's objects, read reads
// git's answers for them. The reader learns of a chunk before git is
// asked for it, so that it never waits for a chunk whose answers git is
// blocked writing; after a read error, git's output is drained until the
// list has gone by.
func catFileStream[T any](ctx context.Context, git, root string, in <-chan T, oids func(T, func(string)), read func(*bufio.Reader, T) error) error {
	cmd := exec.CommandContext(ctx, git, "-C", root, "cat-file", "--batch")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("git: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("git: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run git in %s: %w", root, err)
	}
	widenPipe(stdout)
	asked := make(chan T, cap(in)+1)
	go func() {
		defer close(asked)
		defer stdin.Close()
		bw := bufio.NewWriter(stdin)
		for chunk := range in {
			select {
			case asked <- chunk:
			case <-ctx.Done():
				return
			}
			oids(chunk, func(oid string) {
				bw.WriteString(oid)
				bw.WriteByte('\n')
			})
			if bw.Flush() != nil {
				return
			}
		}
	}()
	r := bufio.NewReaderSize(stdout, 1<<16)
	var readErr error
	drained := make(chan struct{})
	for chunk := range asked {
		if readErr != nil {
			continue
		}
		if readErr = read(r, chunk); readErr != nil {
			go func() {
				_, _ = io.Copy(io.Discard, r)
				close(drained)
			}()
		}
	}
	if readErr == nil {
		_, _ = io.Copy(io.Discard, r)
	} else {
		<-drained
	}
	if err := cmd.Wait(); err != nil && readErr == nil && ctx.Err() == nil {
		readErr = fmt.Errorf("git cat-file in %s: %v: %s", root, err, strings.TrimSpace(stderr.String()))
	}
	if readErr != nil {
		return readErr
	}
	return ctx.Err()
}
