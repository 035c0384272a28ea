package cli

import (
	"bytes"
	"fmt"
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
	// times, and masking is a pure function of the line.
	seen   map[string]string
	seenMu sync.Mutex
}

// maxSeenLines bounds the memory the line cache holds; when full it starts
// over.
const maxSeenLines = 1 << 16

func (l *lazyMasker) MaskLine(line string) string {
	l.once.Do(func() { l.m, l.err = secrets.NewMasker() })
	if l.err != nil {
		return "threatmap: output line withheld: the secret masker is unavailable: " + l.err.Error()
	}
	if len(line) > 512 {
		return l.m.MaskLine(line)
	}
	l.seenMu.Lock()
	out, ok := l.seen[line]
	l.seenMu.Unlock()
	if ok {
		return out
	}
	out = l.m.MaskLine(line)
	l.seenMu.Lock()
	if l.seen == nil || len(l.seen) >= maxSeenLines {
		l.seen = make(map[string]string, 1024)
	}
	l.seen[line] = out
	l.seenMu.Unlock()
	return out
}

// safeWriter is what every command writes through: it holds output until a
// line is complete, masks the secrets the detectors find in it (unless the
// user asked for them with --reveal) and escapes control characters other
// than tab and newline, so that a file name or a message from the scanned
// tree cannot move the cursor, rewrite a line or forge a CI log command.
// JSON and SARIF already escape control characters; for them the escaping
// is a no-op and the masking a second net under the scanners' own.
type safeWriter struct {
	w      io.Writer
	mask   lineMasker
	reveal *bool
	buf    []byte
}

func (s *safeWriter) Write(p []byte) (int, error) {
	s.buf = append(s.buf, p...)
	for {
		i := bytes.IndexByte(s.buf, '\n')
		if i < 0 {
			break
		}
		if err := s.emit(string(s.buf[:i]), true); err != nil {
			return 0, err
		}
		s.buf = s.buf[i+1:]
	}
	// A very long line without a newline is written in pieces rather than
	// held without bound; a secret cut at the boundary is still a secret
	// split in two, so the cut is made at a space when there is one.
	if len(s.buf) > 1<<20 {
		cut := bytes.LastIndexByte(s.buf, ' ') + 1
		if cut == 0 {
			cut = len(s.buf)
		}
		if err := s.emit(string(s.buf[:cut]), false); err != nil {
			return 0, err
		}
		s.buf = s.buf[cut:]
	}
	return len(p), nil
}

// Flush writes what is left without a newline.
func (s *safeWriter) Flush() error {
	if len(s.buf) == 0 {
		return nil
	}
	err := s.emit(string(s.buf), false)
	s.buf = s.buf[:0]
	return err
}

func (s *safeWriter) emit(line string, nl bool) error {
	if s.mask != nil && (s.reveal == nil || !*s.reveal) {
		line = s.mask.MaskLine(line)
	}
	line = escapeControl(line, false)
	if nl {
		line += "\n"
	}
	_, err := io.WriteString(s.w, line)
	return err
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
