package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/report"
	"github.com/threatmap/threatmap/rules"
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
// character but tab (and newline outside names); appendEscaped, the
// output's fast path, writes what escapeControl writes.
func FuzzEscapeControl(f *testing.F) {
	for _, s := range []string{"a\x1b[31mb", "x\ny", "\xff\xfe", "\u2028\u202e", "\x7f\u0085", "a → b é", "\xe2\x80", "\u2066x\ufffd",
		"abcdefghij\x7fklmnopqrstu", "abcdefghijklmno\tpqrs é → xyz abcdefgh\u202eabcdefghij\x1b[2Jklmnopqr\rstuvwxyz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendEscaped([]byte("p"), []byte(s))), "p"+escapeControl(s, false); got != want {
			t.Fatalf("appendEscaped(%q) = %q, escapeControl gives %q", s, got, want)
		}
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

// countingWriter counts the writes made to it.
type countingWriter struct {
	bytes.Buffer
	writes int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes++
	return c.Buffer.Write(p)
}

// TestSafeWriterMasksEveryCopyOfARepeatedLine: the line cache gives the
// masked form on every later copy of a line with a secret, lines without
// one come out unchanged, control characters are escaped on cached lines
// too, and the lines completed by one Write reach the underlying writer in
// one write.
func TestSafeWriterMasksEveryCopyOfARepeatedLine(t *testing.T) {
	tok := "ghp_" + "R7aQ9xLm2VbN4cT8yZ1kW3pE6sD0fH5jG2uI"
	secretLine := `      "detail": "token ` + tok + `",`
	plain := `      "title": "Spoofing of the API gateway",`
	ctl := "      \"x\": \"esc\x1b[2J\","
	var in strings.Builder
	for range 3 {
		for _, l := range []string{secretLine, plain, ctl} {
			in.WriteString(l + "\n")
		}
	}
	reveal := false
	var out countingWriter
	w := &safeWriter{w: &out, mask: &lazyMasker{}, reveal: &reveal}
	if _, err := w.Write([]byte(in.String())); err != nil {
		t.Fatal(err)
	}
	if out.writes != 1 {
		t.Errorf("%d writes for one Write of complete lines, want 1", out.writes)
	}
	got := out.String()
	if strings.Contains(got, tok) {
		t.Fatalf("token printed:\n%s", got)
	}
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 9 {
		t.Fatalf("%d lines, want 9:\n%s", len(lines), got)
	}
	for i := 0; i < 9; i += 3 {
		if !strings.Contains(lines[i], "ghp_") || lines[i] != lines[0] {
			t.Errorf("copy %d of the secret line: %q (first %q)", i/3, lines[i], lines[0])
		}
		if lines[i+1] != plain {
			t.Errorf("plain line changed: %q", lines[i+1])
		}
		if lines[i+2] != `      "x": "esc\u001b[2J",` {
			t.Errorf("control line: %q", lines[i+2])
		}
	}
	// A line split across writes is masked whole.
	out.Reset()
	w.Write([]byte(secretLine[:30]))
	w.Write([]byte(secretLine[30:] + "\n"))
	if out.String() != lines[0]+"\n" {
		t.Errorf("split line: %q, want %q", out.String(), lines[0]+"\n")
	}
}

// TestSafeWriterMasksLargeBlocks: a large block of lines written at once
// comes out exactly as masking each line on its own gives it (the line
// cache included), in order, in one write.
func TestSafeWriterMasksLargeBlocks(t *testing.T) {
	tok := "ghp_" + "R7aQ9xLm2VbN4cT8yZ1kW3pE6sD0fH5jG2uI"
	var in strings.Builder
	for i := 0; in.Len() < 768<<10; i++ {
		switch i % 7 {
		case 0:
			fmt.Fprintf(&in, "      \"detail\": \"token %s\",\n", tok)
		case 3:
			fmt.Fprintf(&in, "      \"x\": \"esc\x1b[2J %d\",\n", i)
		default:
			fmt.Fprintf(&in, "      \"id\": \"rule@element-%d\",\n", i)
		}
	}
	ref := &lazyMasker{}
	var want strings.Builder
	for _, l := range strings.SplitAfter(in.String(), "\n") {
		if l == "" {
			continue
		}
		want.WriteString(escapeControl(ref.MaskLine(strings.TrimSuffix(l, "\n")), false) + "\n")
	}
	reveal := false
	var out countingWriter
	w := &safeWriter{w: &out, mask: &lazyMasker{}, reveal: &reveal}
	if _, err := w.Write([]byte(in.String())); err != nil {
		t.Fatal(err)
	}
	if out.writes != 1 {
		t.Errorf("%d writes, want 1", out.writes)
	}
	if strings.Contains(out.String(), tok) {
		t.Fatal("token printed")
	}
	if out.String() != want.String() {
		t.Errorf("masked in parts differs from line by line (%d vs %d bytes)", out.Len(), want.Len())
	}
}

// TestLineCacheIsSafeAcrossWriters: stdout and stderr share one masker and
// its line cache; writing through both at once (run with -race) gives
// every line its own masked form.
func TestLineCacheIsSafeAcrossWriters(t *testing.T) {
	tok := "ghp_" + "R7aQ9xLm2VbN4cT8yZ1kW3pE6sD0fH5jG2uI"
	m := &lazyMasker{}
	reveal := false
	var outs [2]bytes.Buffer
	done := make(chan struct{})
	for k := range outs {
		go func() {
			defer func() { done <- struct{}{} }()
			w := &safeWriter{w: &outs[k], mask: m, reveal: &reveal}
			for i := range 2000 {
				fmt.Fprintf(w, "line %d token %s\nplain %d\n", i%50, tok, i%50)
			}
		}()
	}
	<-done
	<-done
	for k := range outs {
		if strings.Contains(outs[k].String(), tok) {
			t.Fatalf("writer %d printed the token", k)
		}
		for _, l := range strings.Split(strings.TrimSuffix(outs[k].String(), "\n"), "\n") {
			if !strings.HasPrefix(l, "line ") && !strings.HasPrefix(l, "plain ") {
				t.Fatalf("writer %d: line %q", k, l)
			}
		}
	}
}

// TestThreatMapMadeSafeOnWorkers: a threat map written through the
// command's writer, whose threats are masked and escaped on the encoding
// goroutines (LinePreparer), is byte for byte the document masked line by
// line, with or without --reveal, whatever the number of batches.
func TestThreatMapMadeSafeOnWorkers(t *testing.T) {
	tok := "ghp_" + "R7aQ9xLm2VbN4cT8yZ1kW3pE6sD0fH5jG2uI"
	for _, n := range []int{1, 3, 2000} {
		for _, reveal := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d threats, reveal %v", n, reveal), func(t *testing.T) {
				doc := report.ThreatMapDoc{Version: "v", System: report.SystemDoc{Name: "s"}, Assets: []report.AssetDoc{}, Controls: []assess.Control{}}
				for i := range n {
					doc.Threats = append(doc.Threats, assess.Threat{Threat: &rules.Threat{
						ID: fmt.Sprintf("r@e%d", i), Heading: &rules.Heading{Rule: "r", Title: "t"}, Surface: fmt.Sprintf("POST /hook/%d \u202e", i%7),
						Detail: fmt.Sprintf("key %s at %d", tok, i%5), Guidance: &rules.Guidance{Mitigations: []string{"m"}}}, Status: "open"})
				}
				var plain bytes.Buffer
				if err := report.WriteThreatMap(&plain, doc); err != nil {
					t.Fatal(err)
				}
				var want, got bytes.Buffer
				ref := &safeWriter{w: &want, mask: &lazyMasker{}, reveal: &reveal}
				for line := range bytes.Lines(plain.Bytes()) {
					if _, err := ref.Write(line); err != nil {
						t.Fatal(err)
					}
				}
				w := &safeWriter{w: &got, mask: &lazyMasker{}, reveal: &reveal}
				if err := report.WriteThreatMap(w, doc); err != nil {
					t.Fatal(err)
				}
				if err := w.Flush(); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want.Bytes()) {
					t.Fatalf("made safe on workers differs from line by line (%d vs %d bytes)", got.Len(), want.Len())
				}
				if leaked := bytes.Contains(got.Bytes(), []byte(tok)); leaked != reveal {
					t.Fatalf("token printed: %v, with reveal %v", leaked, reveal)
				}
				if bytes.Contains(got.Bytes(), []byte("\u202e")) {
					t.Fatal("a bidirectional override reached the output")
				}
			})
		}
	}
}

// TestLineCache: a line is kept from its second sighting; a slot whose
// tag and length match but whose bytes differ is a miss; a line that
// answers lookups keeps its slot once against a newcomer; and when the
// arena is full the cache starts again, while masked forms handed out
// before stay as they were.
func TestLineCache(t *testing.T) {
	c := newLineCache()
	line := []byte(`      "detail": "token x",`)
	masked := `      "detail": "token *",`
	lookup := func(b []byte) (string, bool, bool) {
		_, m, same, ok := c.lookup(b)
		return m, same, ok
	}
	h, _, _, ok := c.lookup(line)
	if ok {
		t.Fatal("hit on an empty cache")
	}
	c.store(h, string(line), masked, false)
	if _, _, ok := lookup(line); ok {
		t.Fatal("kept at its first sighting")
	}
	c.store(h, string(line), masked, false)
	got, same, ok := lookup(line)
	if !ok || same || got != masked {
		t.Fatalf("second sighting: %q same=%v ok=%v", got, same, ok)
	}

	// A different line of the same length given the same tag and slot
	// (a hash collision) is not answered with the first line's form.
	other := []byte(`      "detail": "token y",`)
	if _, _, ok := c.find(other, h); ok {
		t.Fatal("a colliding line of other bytes was a hit")
	}

	// A line that answered lookups is spared once.
	newcomer := uint64(h) ^ 1<<40 // same slot, another tag
	c.store(newcomer, "newcomer line", "newcomer line", true)
	if _, _, ok := lookup(line); !ok {
		t.Fatal("a hit line was evicted at once")
	}

	// Fill the arena: the cache starts again, and the view handed out
	// above is unchanged.
	filler := make([]byte, maxSeenLine)
	for i := 0; i < 2*maxSeenArena/maxSeenLine+2; i++ {
		copy(filler, fmt.Sprintf("%09d", i))
		fh, _, _, _ := c.lookup(filler)
		c.store(fh, string(filler), string(filler), true)
		c.store(fh, string(filler), string(filler), true)
	}
	if len(c.arena) > maxSeenArena {
		t.Fatalf("arena %d bytes, bound %d", len(c.arena), maxSeenArena)
	}
	if got != masked {
		t.Fatalf("a masked form handed out changed: %q", got)
	}
	if m, _, ok := lookup(line); ok {
		t.Fatalf("a line kept before the cache started again is still answered: %q", m)
	}
}

// TestPreparedBlocksGrowTheirBufferGeometrically: a threat row is made
// safe a few lines at a time onto one buffer; the buffer must grow by
// doubling, not to fit each block (which copied it every time: a
// quadratic cost on rows that outgrow the buffer they start with).
func TestPreparedBlocksGrowTheirBufferGeometrically(t *testing.T) {
	reveal := false
	w := &safeWriter{w: io.Discard, mask: &lazyMasker{}, reveal: &reveal}
	prep := w.PrepareLines()
	if prep == nil {
		t.Fatal("no preparer")
	}
	block := []byte("      \"group\": \"an element\",\n      \"note\": \"a line of prose\",\n")
	const blocks = 2000
	var dst []byte
	allocs := testing.AllocsPerRun(3, func() {
		dst = make([]byte, 0, 256)
		for range blocks {
			dst = prep(dst, block)
		}
	})
	if len(dst) != blocks*len(block) {
		t.Fatalf("%d bytes out, want %d", len(dst), blocks*len(block))
	}
	// About log2(blocks*len(block)/256) growths, and the line cache.
	if allocs > 40 {
		t.Errorf("%.0f allocations for %d blocks", allocs, blocks)
	}
}

// FuzzPrepareLines: a block made safe by a PrepareLines function, or by
// Write and Flush (both scan it for keywords once and copy the lines
// without one in runs), is byte for byte what masking and escaping it
// line by line gives, with or without --reveal.
func FuzzPrepareLines(f *testing.F) {
	tok := "ghp_" + "R7aQ9xLm2VbN4cT8yZ1kW3pE6sD0fH5jG2uI"
	for _, s := range []string{
		"plain line\nanother plain line of some length\n",
		"  \"detail\": \"key " + tok + "\",\n  \"id\": \"r@e1\",\n",
		"a\\\"b\n\"token\": \"x\\u0041" + tok[4:] + "\"\nlast without newline",
		"tab\there\nesc\x1b[2J\nbidi\u202eevil\n\xff\nünïcødé\n",
		"0123456789abcdef0123456789\n\n\npassword = hunter2hunter2\n",
		"abcdefg\\hijklmnop\nqrstuvwxyz01234567\x7f89\n",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, reveal bool) {
		// Line by line, as the writer masks a line on its own.
		ref := &safeWriter{w: io.Discard, mask: &lazyMasker{}, reveal: &reveal}
		var want []byte
		for rest := []byte(s); len(rest) > 0; {
			line, tail, nl := bytes.Cut(rest, []byte("\n"))
			want = ref.appendLine(want, line, nl)
			rest = tail
		}
		w := &safeWriter{w: io.Discard, mask: &lazyMasker{}, reveal: &reveal}
		prep := w.PrepareLines()
		if prep == nil {
			t.Fatal("no preparer")
		}
		if got := prep([]byte("kept"), []byte(s)); string(got) != "kept"+string(want) {
			t.Fatalf("prepared %q\nline by line %q", got[4:], want)
		}
		var written bytes.Buffer
		ww := &safeWriter{w: &written, mask: &lazyMasker{}, reveal: &reveal}
		if _, err := ww.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
		if err := ww.Flush(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(written.Bytes(), want) {
			t.Fatalf("written %q\nline by line %q", written.Bytes(), want)
		}
	})
}
