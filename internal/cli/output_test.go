package cli

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscapeControl(t *testing.T) {
	for in, want := range map[string]string{
		"plain text":            "plain text",
		"tab\tand\nnewline":     "tab\tand\nnewline",
		"esc\x1b[2J":            `esc\u001b[2J`,
		"cr\rline":              `cr\rline`,
		"bidi\u202eevil":        `bidi\u202eevil`,
		"bad\xffutf8":           `bad\xffutf8`,
		"ünïcødé → arrows · ok": "ünïcødé → arrows · ok",
	} {
		if got := escapeControl(in, false); got != want {
			t.Errorf("escapeControl(%q) = %q, want %q", in, got, want)
		}
	}
	if got := displayName("x\ncheck passed"); got != `x\ncheck passed` {
		t.Errorf("displayName kept a newline: %q", got)
	}
}

// TestSafeWriterMasksAndFlushes: lines written in pieces are masked whole,
// --reveal turns masking off, and a last line without a newline is flushed.
func TestSafeWriterMasksAndFlushes(t *testing.T) {
	var buf bytes.Buffer
	reveal := false
	w := &safeWriter{w: &buf, mask: upperMasker{}, reveal: &reveal}
	w.Write([]byte("sec"))
	w.Write([]byte("ret here\nand \x1b tail"))
	w.Flush()
	if got := buf.String(); got != "SECRET HERE\nAND \\u001b TAIL" {
		t.Errorf("got %q", got)
	}
	buf.Reset()
	reveal = true
	w.Write([]byte("secret\n"))
	if buf.String() != "secret\n" {
		t.Errorf("--reveal still masks: %q", buf.String())
	}
}

type upperMasker struct{}

func (upperMasker) MaskLine(s string) string { return strings.ToUpper(s) }

// FuzzEscapeControl: the escaped text is valid UTF-8 and holds no control
// character but tab (and newline outside names).
func FuzzEscapeControl(f *testing.F) {
	for _, s := range []string{"a\x1b[31mb", "x\ny", "\xff\xfe", "\u2028\u202e", "\x7f\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, inName := range []bool{false, true} {
			out := escapeControl(s, inName)
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8: %q", out)
			}
			for _, r := range out {
				if (r < 0x20 && r != '\t' && (inName || r != '\n')) || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x202e {
					t.Fatalf("control character %U left in %q", r, out)
				}
			}
		}
	})
}
