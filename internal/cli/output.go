package cli

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

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
	// seen remembers the masked form of lines already written: a large
	// report repeats the same mitigation, rule and asset lines thousands of
	// times, and masking is a pure function of the line. It is a
	// direct-mapped cache (a slot per hash, the newest line wins), so a
	// lookup costs a hash and a comparison and nothing is ever rehashed.
	seen   []seenLine
	seed   maphash.Seed
	seenMu sync.Mutex
}

// seenLine is one slot of the line cache: a line and its masked form
// (same when masking left it as it was).
type seenLine struct {
	line, masked string
	same, full   bool
	// hits counts the lookups the line answered since it was stored or
	// last spared: a line that repeats keeps its slot against lines seen
	// once (ids, titles), which would otherwise evict it.
	hits uint8
}

// seenSlots is the number of slots of the line cache; maxSeenLine the
// longest line it keeps.
const (
	seenSlots   = 1 << 17
	maxSeenLine = 512
)

func (l *lazyMasker) MaskLine(line string) string {
	if masked, same := l.maskBytes([]byte(line), line); !same {
		return masked
	}
	return line
}

// maskBytes masks one line given as bytes (line, when not empty, is the
// same text as a string). same reports that the line needs no change; the
// masked form is then not returned, so a line seen before costs no
// allocation.
func (l *lazyMasker) maskBytes(b []byte, line string) (masked string, same bool) {
	l.once.Do(func() {
		l.m, l.err = secrets.NewMasker()
		l.seed = maphash.MakeSeed()
		l.seen = make([]seenLine, seenSlots)
	})
	if l.err != nil {
		return "threatmap: output line withheld: the secret masker is unavailable: " + l.err.Error(), false
	}
	if len(b) > maxSeenLine {
		if line == "" {
			line = string(b)
		}
		masked = l.m.MaskLine(line)
		return masked, masked == line
	}
	slot := maphash.Bytes(l.seed, b) & (seenSlots - 1)
	l.seenMu.Lock()
	if e := &l.seen[slot]; e.full && e.line == string(b) {
		if e.hits < 255 {
			e.hits++
		}
		// Read under the lock: stdout and stderr share the table.
		masked, same = e.masked, e.same
		l.seenMu.Unlock()
		return masked, same
	}
	l.seenMu.Unlock()
	if line == "" {
		line = string(b)
	}
	masked = l.m.MaskLine(line)
	same = masked == line
	e := seenLine{line: line, same: same, full: true}
	if !same {
		e.masked = masked
	}
	l.seenMu.Lock()
	if old := &l.seen[slot]; old.hits > 0 {
		old.hits /= 2
	} else {
		l.seen[slot] = e
	}
	l.seenMu.Unlock()
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
	if want := len(dst) + len(body) + len(body)/8 + 64; cap(dst) < want {
		dst = append(make([]byte, 0, want), dst...)
	}
	return s.appendLines(dst, body)
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
	if s.mask != nil && (s.reveal == nil || !*s.reveal) {
		var masked string
		same := false
		if lm, ok := s.mask.(*lazyMasker); ok {
			masked, same = lm.maskBytes(b, "")
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
// does for output (newlines kept).
func appendEscaped(dst, b []byte) []byte {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < 0x20 && c != '\t' && c != '\n' || c == 0x7f || c >= 0x80 {
			return append(dst, escapeControl(string(b), false)...)
		}
	}
	return append(dst, b...)
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
		case (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == 0x2028 || r == 0x2029 || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
			// Line separators and bidirectional overrides reorder or split
			// what a terminal or a log viewer shows.
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
