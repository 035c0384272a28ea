package cli

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/threatmap/threatmap/scan/secrets"
)

// lineMasker masks the secrets in one line of output.
type lineMasker interface {
	MaskLine(line string) string
}

// lazyMasker builds the secrets masker on the first line that needs it, so
// that a command run with --reveal, or one that prints nothing, does not pay
// for compiling the detectors. If they cannot be built, every line is
// withheld rather than printed unmasked.
type lazyMasker struct {
	once sync.Once
	m    *secrets.Masker
	err  error
	// seen is the cache the command's writers share (under seenMu);
	// lines made safe on other goroutines use caches of their own.
	seen   *lineCache
	seenMu sync.Mutex
}

// lineCache remembers the masked form of lines already written: a large
// report repeats the same mitigation, rule and asset lines thousands of
// times, and masking is a pure function of the line. It is a
// direct-mapped table (a slot per hash, the newest line wins), so a
// lookup costs a hash and a comparison and nothing is ever rehashed.
// A slot is 16 bytes and points into an arena that holds the lines and
// their masked forms, so the table of a few thousand hot lines stays in
// the processor's cache: with a line and two strings per slot it did
// not, and the lookup was most of the cost of masking a large report.
type lineCache struct {
	seen []seenLine
	// arena holds the lines kept and their masked forms, each slot's at
	// its off. It is only appended to: a view handed out stays valid
	// when the arena is replaced. Past maxSeenArena bytes the table is
	// emptied and a new arena started.
	arena []byte
	seed  maphash.Seed
}

func newLineCache() *lineCache {
	c := &lineCache{seen: make([]seenLine, seenSlots), seed: maphash.MakeSeed()}
	// The table is written through once now: fresh memory that a lookup
	// reads first is mapped to the zero page, and the store that follows
	// costs a second fault and a TLB flush on every core, page by page.
	// A slot holds no pointers, so this is a plain write.
	clear(c.seen)
	return c
}

// seenLine is one slot of the line cache.
type seenLine struct {
	// tag is the high half of the line's hash (the low bits chose the
	// slot). A slot with a tag but not full has seen the line once: a
	// line is kept from its second sighting, so lines seen once (ids,
	// sentences naming an element) are not copied.
	tag uint32
	// off is where the line starts in the arena, followed by its masked
	// form (of mlen bytes) unless same.
	off     uint32
	n, mlen uint16
	same    bool
	full    bool
	// hits counts the lookups the line answered since it was stored or
	// last spared: a line that repeats keeps its slot against lines seen
	// once (ids, titles), which would otherwise evict it.
	hits uint8
}

// seenSlots is the number of slots of the line cache; maxSeenLine the
// longest line it keeps; maxSeenArena the bytes of lines and masked
// forms it holds before it starts again.
const (
	seenSlots    = 1 << 17
	maxSeenLine  = 512
	maxSeenArena = 16 << 20
)

// lookup returns the cached masked form of b (a line of at most
// maxSeenLine bytes) and its hash.
func (c *lineCache) lookup(b []byte) (hash uint64, masked string, same, ok bool) {
	hash = maphash.Bytes(c.seed, b)
	masked, same, ok = c.find(b, hash)
	return hash, masked, same, ok
}

// find is lookup of b given its hash: a slot whose tag and length match
// is a hit only when its bytes are b's.
func (c *lineCache) find(b []byte, hash uint64) (masked string, same, ok bool) {
	e := &c.seen[hash&(seenSlots-1)]
	if !e.full || e.tag != uint32(hash>>32) || int(e.n) != len(b) {
		return "", false, false
	}
	if string(c.arena[e.off:e.off+uint32(e.n)]) != string(b) {
		return "", false, false
	}
	if e.hits < 255 {
		e.hits++
	}
	if e.same {
		return "", true, true
	}
	m := c.arena[e.off+uint32(e.n) : e.off+uint32(e.n)+uint32(e.mlen)]
	return unsafe.String(unsafe.SliceData(m), len(m)), false, true
}

// store keeps line's masked form in its slot (copied into the arena: the
// caller's line may be a view of a buffer) if the slot saw the line once
// before, or notes that it saw it; unless the line there has answered
// lookups since it was stored or last spared (it is spared once, its
// count halved).
func (c *lineCache) store(hash uint64, line, masked string, same bool) {
	old := &c.seen[hash&(seenSlots-1)]
	tag := uint32(hash >> 32)
	switch {
	case old.hits > 0:
		old.hits /= 2
	case !old.full && old.tag == tag && old.n == uint16(len(line)):
		if same {
			masked = ""
		}
		if len(line) > maxSeenLine || len(masked) > 0xffff {
			return
		}
		if len(c.arena)+len(line)+len(masked) > maxSeenArena {
			clear(c.seen)
			c.arena = nil
			return
		}
		if c.arena == nil {
			c.arena = make([]byte, 0, 1<<20)
		}
		off := uint32(len(c.arena))
		c.arena = append(c.arena, line...)
		c.arena = append(c.arena, masked...)
		*old = seenLine{tag: tag, off: off, n: uint16(len(line)), mlen: uint16(len(masked)), same: same, full: true}
	default:
		*old = seenLine{tag: tag, n: uint16(len(line))}
	}
}

func (l *lazyMasker) MaskLine(line string) string {
	if masked, same := l.maskBytes([]byte(line), line); !same {
		return masked
	}
	return line
}

// init builds the detectors and the shared cache once.
func (l *lazyMasker) init() error {
	l.once.Do(func() {
		l.m, l.err = secrets.NewMasker()
		l.seen = newLineCache()
	})
	return l.err
}

// maskBytes masks one line given as bytes (line, when not empty, is the
// same text as a string), through the shared cache. same reports that the
// line needs no change; the masked form is then not returned, so a line
// seen before costs no allocation.
func (l *lazyMasker) maskBytes(b []byte, line string) (masked string, same bool) {
	return l.maskWith(nil, &l.seenMu, b, line)
}

// maskWith is maskBytes through cache c (nil: the shared one), locked
// by mu when it is shared (mu nil: c is the caller's alone).
func (l *lazyMasker) maskWith(c *lineCache, mu *sync.Mutex, b []byte, line string) (masked string, same bool) {
	if err := l.init(); err != nil {
		return "threatmap: output line withheld: the secret masker is unavailable: " + err.Error(), false
	}
	if c == nil {
		c = l.seen
	}
	if len(b) > maxSeenLine {
		if line == "" {
			line = string(b)
		}
		masked = l.m.MaskLine(line)
		return masked, masked == line
	}
	if mu != nil {
		mu.Lock()
	}
	hash, masked, same, ok := c.lookup(b)
	if mu != nil {
		// Read under the lock: stdout and stderr share the table.
		mu.Unlock()
	}
	if ok {
		return masked, same
	}
	if line == "" {
		// A view of b, not a copy: masking only reads it, a masked
		// form is a new string, and the cache copies what it keeps.
		line = unsafe.String(unsafe.SliceData(b), len(b))
	}
	masked = l.m.MaskLine(line)
	same = masked == line
	if mu != nil {
		mu.Lock()
	}
	c.store(hash, line, masked, same)
	if mu != nil {
		mu.Unlock()
	}
	if same {
		return "", true
	}
	return masked, false
}

// safeWriter is what every command writes through: it holds output until a
// line is complete, masks the secrets the detectors find in it (unless the
// user asked for them with --reveal) and escapes control characters other
// than tab and newline, so that a file name or a message from the scanned
// tree cannot move the cursor, rewrite a line or forge a CI log command.
// JSON and SARIF already escape control characters; for them the escaping
// is a no-op and the masking a second net under the scanners' own.
//
// The lines completed by one Write are written to w in one call, so a
// large report costs a write per buffer, not per line.
type safeWriter struct {
	w      io.Writer
	mask   lineMasker
	reveal *bool
	buf    []byte
	out    []byte
}

func (s *safeWriter) Write(p []byte) (int, error) {
	data := p
	if len(s.buf) > 0 {
		s.buf = append(s.buf, p...)
		data = s.buf
	}
	complete := bytes.LastIndexByte(data, '\n') + 1
	s.out = s.maskLines(s.out[:0], data[:complete])
	data = data[complete:]
	// A very long line without a newline is written in pieces rather than
	// held without bound; a secret cut at the boundary is still a secret
	// split in two, so the cut is made at a space when there is one.
	if len(data) > 1<<20 {
		cut := bytes.LastIndexByte(data, ' ') + 1
		if cut == 0 {
			cut = len(data)
		}
		s.out = s.appendLine(s.out, data[:cut], false)
		data = data[cut:]
	}
	// Keep the incomplete tail (a copy: p belongs to the caller).
	s.buf = append(s.buf[:0], data...)
	if len(s.out) > 0 {
		if _, err := s.w.Write(s.out); err != nil {
			return 0, err
		}
	}
	if cap(s.out) > 4<<20 {
		s.out = nil
	}
	return len(p), nil
}

// maskLines appends the masked, escaped lines of body (complete lines,
// each ending in a newline) to dst. (Masking a large block in parts on
// several cores was tried: no measurable gain on a 10,000-component
// report.)
func (s *safeWriter) maskLines(dst, body []byte) []byte {
	return s.appendLines(growFor(dst, body), body)
}

// growFor makes room in dst for src made safe (escaping may lengthen it a
// little). It at least doubles dst's capacity when it grows it: callers
// append many small blocks to one buffer, and growing it to fit each
// would copy it every time.
func growFor(dst, src []byte) []byte {
	want := len(dst) + len(src) + len(src)/8 + 64
	if cap(dst) >= want {
		return dst
	}
	return append(make([]byte, 0, max(want, 2*cap(dst))), dst...)
}

// appendLines appends each line of body (complete lines) masked and
// escaped.
func (s *safeWriter) appendLines(dst, body []byte) []byte {
	for {
		i := bytes.IndexByte(body, '\n')
		if i < 0 {
			return dst
		}
		dst = s.appendLine(dst, body[:i], true)
		body = body[i+1:]
	}
}

// PrepareLines returns a function that appends to dst the lines of src
// (complete lines, each ending in a newline) masked and escaped as Write
// would, for WritePrepared. It is meant for one goroutine each: it keeps
// a line cache of its own, so output can be made safe on every core
// while it is produced. It returns nil when the writer's masker cannot
// be used that way.
func (s *safeWriter) PrepareLines() func(dst, src []byte) []byte {
	// keywords, when set, names the lines of a block the masker may
	// change: one scan of the block, where a line without a keyword (and
	// without a backslash) is left as it is (secrets.Masker.KeywordLines).
	var keywords func(dst []int, text []byte) []int
	masking := s.mask != nil && (s.reveal == nil || !*s.reveal)
	if masking {
		lm, ok := s.mask.(*lazyMasker)
		if !ok {
			return nil
		}
		if lm.init() == nil {
			keywords = lm.m.KeywordLines
		}
	}
	// c is the line cache of the lines the masker reads, made at the
	// first of them.
	var c *lineCache
	appendLine := func(dst, b []byte, nl bool) []byte {
		if masking && c == nil {
			c = newLineCache()
		}
		return s.appendLineWith(c, dst, b, nl)
	}
	var hits []int
	return func(dst, src []byte) []byte {
		dst = growFor(dst, src)
		if keywords != nil {
			hits = keywords(hits[:0], src)
		}
		next := 0
		for off := 0; ; {
			for next < len(hits) && hits[next] < off {
				next++
			}
			if keywords != nil {
				// The lines up to the next one with a keyword that hold
				// no backslash and nothing to escape are copied at once.
				end := len(src)
				if next < len(hits) {
					end = hits[next]
				}
				n := plainLines(src[off:end])
				dst = append(dst, src[off:off+n]...)
				off += n
			}
			rest := src[off:]
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				if len(rest) > 0 {
					// Not a complete line: made safe as Flush would.
					dst = appendLine(dst, rest, false)
				}
				return dst
			}
			line := rest[:i]
			if keywords != nil && (next == len(hits) || hits[next] != off) && bytes.IndexByte(line, '\\') < 0 {
				// Nothing the masker could change: escaped only.
				dst = appendEscaped(dst, line)
				dst = append(dst, '\n')
			} else {
				dst = appendLine(dst, line, true)
			}
			off += i + 1
		}
	}
}

// plainLines returns the length of the complete lines b starts with that
// hold only printable ASCII other than a backslash, and tabs: what
// neither the masker (whose JSON reading starts at a backslash) nor the
// escaping would change, when no keyword is on them.
func plainLines(b []byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	lineEnd := 0
	i := 0
	for {
		// Eight bytes that are printable and not a backslash.
		for i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			bs := x ^ (ones * '\\')
			if !printable8(x) || (bs-ones)&^bs&highs != 0 {
				break
			}
			i += 8
		}
		if i >= len(b) {
			return lineEnd
		}
		switch c := b[i]; {
		case c == '\n':
			lineEnd = i + 1
		case c == '\t', c >= 0x20 && c < 0x7f && c != '\\':
		default:
			return lineEnd
		}
		i++
	}
}

// WritePrepared writes lines made safe by a PrepareLines function, after
// what was written before (a line left incomplete by an earlier Write is
// made safe and written first, as Flush does).
func (s *safeWriter) WritePrepared(p []byte) (int, error) {
	if err := s.Flush(); err != nil {
		return 0, err
	}
	return s.w.Write(p)
}

// Flush writes what is left without a newline.
func (s *safeWriter) Flush() error {
	if len(s.buf) == 0 {
		return nil
	}
	s.out = s.appendLine(s.out[:0], s.buf, false)
	s.buf = s.buf[:0]
	_, err := s.w.Write(s.out)
	return err
}

// appendLine appends the masked, escaped line (and a newline when nl) to
// dst.
func (s *safeWriter) appendLine(dst, b []byte, nl bool) []byte {
	return s.appendLineWith(nil, dst, b, nl)
}

// appendLineWith is appendLine through line cache c (nil: the shared one).
func (s *safeWriter) appendLineWith(c *lineCache, dst, b []byte, nl bool) []byte {
	if s.mask != nil && (s.reveal == nil || !*s.reveal) {
		var masked string
		same := false
		if lm, ok := s.mask.(*lazyMasker); ok {
			if c == nil {
				masked, same = lm.maskBytes(b, "")
			} else {
				masked, same = lm.maskWith(c, nil, b, "")
			}
		} else {
			line := string(b)
			masked = s.mask.MaskLine(line)
			same = masked == line
		}
		if !same {
			dst = append(dst, escapeControl(masked, false)...)
			if nl {
				dst = append(dst, '\n')
			}
			return dst
		}
	}
	dst = appendEscaped(dst, b)
	if nl {
		dst = append(dst, '\n')
	}
	return dst
}

// appendEscaped appends b with control characters escaped as escapeControl
// does for output (newlines kept). Text that needs no escape, the usual
// case, is copied as it is; non-ASCII text is looked at rune by rune
// rather than handed to escapeControl.
func appendEscaped(dst, b []byte) []byte {
	for i := 0; i < len(b); {
		// Eight printable ASCII bytes (tab and DEL are not among them:
		// they take the byte-by-byte path) are passed over at once.
		if i+8 <= len(b) && printable8(binary.LittleEndian.Uint64(b[i:])) {
			i += 8
			continue
		}
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' || c == 0x7f {
				return append(dst, escapeControl(string(b), false)...)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 || escapedRune(r) {
			return append(dst, escapeControl(string(b), false)...)
		}
		i += size
	}
	return append(dst, b...)
}

// printable8 reports that the eight bytes of x are all printable ASCII
// (0x20 to 0x7e), by byte-parallel tests on the word.
func printable8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	if x&highs != 0 {
		return false
	}
	below := (x - ones*0x20) &^ x & highs
	del := x ^ (ones * 0x7f)
	return below == 0 && (del-ones)&^del&highs == 0
}

// escapedRune reports whether escapeControl escapes the non-ASCII rune r:
// C1 controls, line separators and bidirectional overrides.
func escapedRune(r rune) bool {
	return r >= 0x80 && r < 0xa0 || r == 0x2028 || r == 0x2029 || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// escapeControl replaces control characters (C0 but tab, DEL, C1, and
// invalid UTF-8) with a visible escape; newlines too when inName, for a
// file name or a single-line message, so that a name cannot start a line of
// its own.
func escapeControl(s string, inName bool) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\t' && (inName || c != '\n') || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' && inName:
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		case escapedRune(r):
			// C1 controls; line separators and bidirectional overrides
			// reorder or split what a terminal or a log viewer shows.
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// displayName escapes a file name or one-line message for text output.
func displayName(s string) string { return escapeControl(s, true) }

// sameSafety returns a writer onto w that masks and escapes as the
// command's standard output does, for output written to a file (-o), and
// the function that flushes it.
func (c *Command) sameSafety(w io.Writer) (io.Writer, func() error) {
	if sw, ok := c.Stdout.(*safeWriter); ok {
		out := &safeWriter{w: w, mask: sw.mask, reveal: sw.reveal}
		return out, out.Flush
	}
	return w, func() error { return nil }
}
