package secrets

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/bits"
	"strings"

	"github.com/threatmap/threatmap/evidence"
)

// historyItem is one change as a reader handles it: read the versions it
// does not hold yet, scan what the change added, then forget the version
// the change made.
type historyItem struct {
	c     change
	reads []string
}

// itemChunk is how many file versions a reader is asked for at a time.
const itemChunk = 256

// versionCacheLimit bounds the bytes of file versions one reader holds
// while it waits for the changes that need them; past it a version is
// dropped and its changes are attributed by whole-version scans
// afterwards (attributeWhole).
const versionCacheLimit = 256 << 20

// historyStream hands changes, as git log lists them (newest first), to
// one `git cat-file --batch` reader per worker, each path always to the
// same reader. Listing, reading and scanning overlap.
//
// Newest first, a file version is needed first as the version before of
// the changes made on top of it, and last by the change that made it: a
// reader holds a version from its first read until the change that made
// it, so that each change finds the version before at hand. (A version
// needed again later, as when a commit restores an older content, is
// read again.) It is also the order git reads fastest: git's packs tend to
// store a file's recent version whole and older ones as deltas from it
// (reading each path oldest first cost git 10% more CPU on gin's history).
type historyStream struct {
	s       *Scanner
	ctx     context.Context
	cancel  context.CancelFunc
	git     string
	root    string
	readers []*readerState
	ins     []chan []historyItem
	pending [][]historyItem
	counts  []int
	// held mirrors, per reader, the versions it holds.
	held []map[blobKey]bool
	errs []error
	done chan struct{}
}

func (s *Scanner) newHistoryStream(ctx context.Context, cancel context.CancelFunc, git, root string, sup *suppressions, limit int) *historyStream {
	n := s.workers()
	h := &historyStream{s: s, ctx: ctx, cancel: cancel, git: git, root: root,
		readers: make([]*readerState, n), ins: make([]chan []historyItem, n), pending: make([][]historyItem, n),
		counts: make([]int, n), held: make([]map[blobKey]bool, n), errs: make([]error, n), done: make(chan struct{}, n)}
	for w := range n {
		h.readers[w] = &readerState{s: s, ctx: ctx, git: git, root: root, sup: sup, limit: limit,
			sc: s.det.newScratch(), lines: newLineIndex(), held: map[blobKey]*version{}}
		h.ins[w] = make(chan []historyItem, 16)
		h.held[w] = map[blobKey]bool{}
		go func() {
			h.errs[w] = catFileStream(ctx, git, root, h.ins[w], func(items []historyItem, ask func(string)) {
				for _, it := range items {
					for _, oid := range it.reads {
						ask(oid)
					}
				}
			}, h.readers[w].readItems)
			if h.errs[w] != nil {
				cancel()
			}
			h.done <- struct{}{}
		}()
	}
	return h
}

// add hands one change to the reader of its path.
func (h *historyStream) add(c change) error {
	f := fnv.New32a()
	_, _ = io.WriteString(f, c.path)
	w := int(f.Sum32() % uint32(len(h.readers)))
	held := h.held[w]
	it := historyItem{c: c}
	kn := blobKey{c.new, c.path}
	if !held[kn] {
		it.reads = append(it.reads, c.new)
	}
	if c.old != "" && c.old != c.new {
		if ko := (blobKey{c.old, c.path}); !held[ko] {
			held[ko] = true
			it.reads = append(it.reads, c.old)
		}
	}
	delete(held, kn) // the reader forgets it once the change is scanned
	h.pending[w] = append(h.pending[w], it)
	if h.counts[w] += len(it.reads); h.counts[w] >= itemChunk {
		return h.flush(w)
	}
	return nil
}

func (h *historyStream) flush(w int) error {
	if len(h.pending[w]) == 0 {
		return nil
	}
	items := h.pending[w]
	h.pending[w], h.counts[w] = nil, 0
	select {
	case h.ins[w] <- items:
		return nil
	case <-h.ctx.Done():
		return h.ctx.Err()
	}
}

// close hands over what is left, waits for the readers and returns their
// findings and the changes left for whole-version attribution.
func (h *historyStream) close() ([]evidence.Finding, []change, error) {
	var ferr error
	for w := range h.readers {
		if ferr == nil {
			ferr = h.flush(w)
		}
		close(h.ins[w])
	}
	for range h.readers {
		<-h.done
	}
	// A reader that fails cancels the others: report its error, not
	// theirs.
	var errs []error
	for _, err := range h.errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	var found []evidence.Finding
	var whole []change
	for w, r := range h.readers {
		if h.errs[w] != nil {
			return nil, nil, h.errs[w]
		}
		found = append(found, r.found...)
		whole = append(whole, r.whole...)
	}
	if ferr != nil {
		return nil, nil, ferr
	}
	return found, whole, h.ctx.Err()
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

// readerState is one reader's state.
type readerState struct {
	s         *Scanner
	ctx       context.Context
	git, root string
	sup       *suppressions
	sc        *scratch
	lines     *lineIndex
	held      map[blobKey]*version
	heldBytes int
	limit     int
	free      [][]byte
	found     []evidence.Finding
	whole     []change
}

// readItems reads cat-file's answers for a chunk of items and scans each
// change as soon as its versions are read.
func (st *readerState) readItems(r *bufio.Reader, items []historyItem) error {
	for _, it := range items {
		for _, oid := range it.reads {
			v, err := st.readVersion(r, oid)
			if err != nil {
				return err
			}
			st.hold(blobKey{oid, it.c.path}, v)
		}
		if err := st.change(it.c); err != nil {
			return err
		}
		st.forget(blobKey{it.c.new, it.c.path})
	}
	return nil
}

func (st *readerState) hold(k blobKey, v *version) {
	st.forget(k)
	st.held[k] = v
}

// forget drops a held version, keeping its buffer for reuse.
func (st *readerState) forget(k blobKey) {
	v := st.held[k]
	if v == nil {
		return
	}
	if v.data != nil {
		st.heldBytes -= cap(v.data)
		if len(st.free) < 16 {
			st.free = append(st.free, v.data[:0])
		}
	}
	delete(st.held, k)
}

// readVersion reads one answer of `git cat-file --batch`: "<oid> <type>
// <size>\n<contents>\n", or "<oid> missing\n".
func (st *readerState) readVersion(r *bufio.Reader, oid string) (*version, error) {
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

// change scans what one change added.
func (st *readerState) change(c change) error {
	after := st.held[blobKey{c.new, c.path}]
	var before *version
	if c.old != "" {
		before = st.held[blobKey{c.old, c.path}]
	}
	if after == nil || c.old != "" && before == nil {
		return fmt.Errorf("internal error: %s of %s not read before its change", c.new, c.path)
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
func (st *readerState) alloc(n int) []byte {
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
