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

// pathGroup is every change to one path, newest first, with the file
// versions to read for them, each once, in the order they are first
// needed. A reader keeps a version in memory from its first need to its
// last, so that each change has the version before and the version after
// at hand: only the lines the commit changed are searched for keywords.
// Newest first is the order git's packs favour: a pack stores a file's
// recent version whole and older ones as deltas from it, and reading
// from old to new costs git nearly twice as much.
type pathGroup struct {
	path    string
	changes []change
	reads   []string
	// ready[i] lists the changes (indexes into changes) whose versions
	// have all been read once reads[i] has.
	ready [][]int
	// uses counts, per version, the changes that need it.
	uses map[string]int
}

// groupChanges groups changes, listed newest first, by path, in the order
// paths first appear.
func groupChanges(changes []change) []*pathGroup {
	at := map[string]*pathGroup{}
	var groups []*pathGroup
	for _, c := range changes {
		g, ok := at[c.path]
		if !ok {
			g = &pathGroup{path: c.path}
			at[c.path] = g
			groups = append(groups, g)
		}
		g.changes = append(g.changes, c)
	}
	for _, g := range groups {
		g.plan()
	}
	return groups
}

func (g *pathGroup) plan() {
	at := make(map[string]int, 2*len(g.changes))
	g.uses = make(map[string]int, 2*len(g.changes))
	need := func(oid string) int {
		i, ok := at[oid]
		if !ok {
			i = len(g.reads)
			at[oid] = i
			g.reads = append(g.reads, oid)
		}
		g.uses[oid]++
		return i
	}
	readyAt := make([]int, len(g.changes))
	for i, c := range g.changes {
		r := need(c.new)
		if c.old != "" {
			r = max(r, need(c.old))
		}
		readyAt[i] = r
	}
	g.ready = make([][]int, len(g.reads))
	for i, r := range readyAt {
		g.ready[r] = append(g.ready[r], i)
	}
}

// groupChunk is how many file versions a reader is handed at a time, in
// whole path groups.
const groupChunk = 256

// versionCacheLimit bounds the file versions one reader holds while it
// waits for the changes that need them; past it a version is dropped and
// its changes are attributed by whole-version scans afterwards.
const versionCacheLimit = 256 << 20

// scanGroups reads and scans the path groups with one `git cat-file
// --batch` per worker, chunks of groups handed out in turn. It returns the
// findings and the changes it could not attribute from the two versions
// (see versionCacheLimit), for a whole-version scan.
func (s *Scanner) scanGroups(ctx context.Context, git, root string, groups []*pathGroup, sup *suppressions, held int) ([]evidence.Finding, []change, error) {
	var chunks [][]*pathGroup
	var cur []*pathGroup
	n := 0
	for _, g := range groups {
		cur = append(cur, g)
		if n += len(g.reads); n >= groupChunk {
			chunks = append(chunks, cur)
			cur, n = nil, 0
		}
	}
	if len(cur) > 0 {
		chunks = append(chunks, cur)
	}
	workers := min(s.workers(), max(1, len(chunks)))
	ins := make([]chan []*pathGroup, workers)
	for w := range ins {
		ins[w] = make(chan []*pathGroup, len(chunks)/workers+1)
	}
	for i, c := range chunks {
		ins[i%workers] <- c
	}
	states := make([]*groupState, workers)
	errs := make([]error, workers)
	done := make(chan int, workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for w := range workers {
		close(ins[w])
		states[w] = s.newGroupState(ctx, git, root, sup, held)
		go func() {
			errs[w] = catFileStream(ctx, git, root, ins[w], func(chunk []*pathGroup, ask func(string)) {
				for _, g := range chunk {
					for _, oid := range g.reads {
						ask(oid)
					}
				}
			}, states[w].readChunk)
			if errs[w] != nil {
				cancel()
			}
			done <- w
		}()
	}
	for range workers {
		<-done
	}
	var found []evidence.Finding
	var whole []change
	for w, st := range states {
		if errs[w] != nil {
			return nil, nil, errs[w]
		}
		found = append(found, st.found...)
		whole = append(whole, st.whole...)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return found, whole, nil
}

// version is one file version a reader holds.
type version struct {
	data []byte
	// text is false for a version that is binary, too large, not a blob or
	// missing from the repository: no secret is looked for in it.
	text bool
	// dropped is set when the version did not fit in the reader's limit.
	dropped bool
}

// groupState is one reader's state.
type groupState struct {
	s         *Scanner
	ctx       context.Context
	git, root string
	sup       *suppressions
	sc        *scratch
	lines     *lineIndex
	held      map[string]*version
	heldBytes int
	limit     int
	free      [][]byte
	found     []evidence.Finding
	whole     []change
}

func (s *Scanner) newGroupState(ctx context.Context, git, root string, sup *suppressions, limit int) *groupState {
	return &groupState{s: s, ctx: ctx, git: git, root: root, sup: sup, limit: limit, sc: s.det.newScratch(), lines: newLineIndex(), held: map[string]*version{}}
}

// readChunk reads cat-file's answers for the groups of one chunk and
// scans each change as soon as both its versions are at hand.
func (st *groupState) readChunk(r *bufio.Reader, chunk []*pathGroup) error {
	for _, g := range chunk {
		for i, oid := range g.reads {
			v, err := st.readVersion(r, oid)
			if err != nil {
				return err
			}
			st.held[oid] = v
			for _, ci := range g.ready[i] {
				if err := st.change(g, g.changes[ci]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// readVersion reads one answer of `git cat-file --batch`: "<oid> <type>
// <size>\n<contents>\n", or "<oid> missing\n".
func (st *groupState) readVersion(r *bufio.Reader, oid string) (*version, error) {
	header, err := r.ReadSlice('\n')
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	typ, size, missing, err := parseBatchHeader(header, oid)
	if err != nil {
		return nil, err
	}
	if missing {
		return &version{}, nil // a shallow or partial clone lacks it
	}
	limit := st.s.maxSize()
	skip := typ != "blob" || (limit > 0 && int64(size) > limit)
	if over := st.heldBytes+size > st.limit; skip || over {
		if _, err := r.Discard(size + 1); err != nil {
			return nil, fmt.Errorf("git cat-file: %w", err)
		}
		return &version{dropped: !skip}, nil
	}
	buf := st.alloc(size + 1)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	data := buf[:size]
	if isBinaryText(data) {
		st.free = append(st.free, buf[:0])
		return &version{}, nil
	}
	st.heldBytes += cap(buf)
	return &version{data: data, text: true}, nil
}

// parseBatchHeader reads "<oid> <type> <size>\n" or "<oid> missing\n"
// for the object oid, without allocating.
func parseBatchHeader(header []byte, oid string) (typ string, size int, missing bool, err error) {
	line := bytes.TrimSuffix(header, []byte("\n"))
	id, rest, ok := bytes.Cut(line, []byte(" "))
	if ok && string(id) == oid {
		if string(rest) == "missing" {
			return "", 0, true, nil
		}
		t, sz, ok := bytes.Cut(rest, []byte(" "))
		if ok && len(t) > 0 && len(sz) > 0 && len(sz) < 19 {
			n := 0
			for _, c := range sz {
				if c < '0' || c > '9' {
					n = -1
					break
				}
				n = n*10 + int(c-'0')
			}
			switch {
			case n < 0:
			case string(t) == "blob":
				return "blob", n, false, nil
			default:
				return string(t), n, false, nil
			}
		}
	}
	return "", 0, false, fmt.Errorf("git cat-file: unexpected header %q for %s", strings.TrimSpace(string(header)), oid)
}

// alloc returns a buffer of n bytes, reusing one released earlier when it
// is large enough.
func (st *groupState) alloc(n int) []byte {
	for i := len(st.free) - 1; i >= 0; i-- {
		if b := st.free[i]; cap(b) >= n {
			st.free = append(st.free[:i], st.free[i+1:]...)
			return b[:n]
		}
	}
	// Versions of a file grow over its history: a power of two leaves
	// room for the next ones.
	return make([]byte, n, max(4<<10, 1<<bits.Len(uint(n))))
}

// release forgets a version once the last change that needs it is done.
func (st *groupState) release(g *pathGroup, oid string) {
	if g.uses[oid]--; g.uses[oid] > 0 {
		return
	}
	if v := st.held[oid]; v != nil && v.data != nil {
		st.heldBytes -= cap(v.data)
		if len(st.free) < 16 {
			st.free = append(st.free, v.data[:0])
		}
	}
	delete(st.held, oid)
}

// change scans what one change added.
func (st *groupState) change(g *pathGroup, c change) error {
	defer func() {
		if c.old != "" {
			st.release(g, c.old)
		}
		st.release(g, c.new)
	}()
	after := st.held[c.new]
	var before *version
	if c.old != "" {
		before = st.held[c.old]
	}
	if after.dropped || before != nil && before.dropped {
		st.whole = append(st.whole, c)
		return nil
	}
	if !after.text || len(after.data) == 0 {
		return nil
	}
	var old []byte
	if before != nil && before.text {
		old = before.data
	}
	found, err := st.s.scanAdded(st.ctx, st.git, st.root, st.sc, st.lines, c, old, before != nil && before.text, after.data, st.sup)
	st.found = append(st.found, found...)
	return err
}

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
	diffed := false
	lines.reset()
	for _, cd := range s.det.find(sc, c.path, new[lo:hi]) {
		cd.start += lo
		cd.end += lo
		cd.full[0] += lo
		cd.full[1] += lo
		cd.name[0] += lo
		cd.name[1] += lo
		if cd.start >= b || cd.end <= a {
			continue // on lines the version before has too
		}
		f, ok := s.finding(cd, new, lines, c.path, c.commit, sup)
		if !ok {
			continue
		}
		if hasOld {
			key, single := lineKey(new, cd.start, cd.end)
			if had := countLineText(old, key, single); had > 0 {
				if countLineText(new, key, single) <= had {
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
