package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/rules"
)

// markingWriter is a LinePreparer that makes a line "safe" by replacing
// a word and marking the line with its length, so a line prepared twice,
// prepared with a neighbour or not prepared at all shows.
type markingWriter struct{ bytes.Buffer }

func markLine(dst, line []byte) []byte {
	l := bytes.ReplaceAll(line, []byte("SECRET"), []byte("******"))
	return fmt.Appendf(dst, "%d|%s\n", len(line), l)
}

func (w *markingWriter) PrepareLines() func(dst, src []byte) []byte {
	return func(dst, src []byte) []byte {
		for line := range bytes.Lines(src) {
			dst = markLine(dst, bytes.TrimSuffix(line, []byte("\n")))
		}
		return dst
	}
}

func (w *markingWriter) WritePrepared(p []byte) (int, error) { return w.Write(p) }

// TestThreatRunsAreTheLinesTheyStandFor: threats written with their shared
// runs of lines taken from a cache read byte for byte as the threats
// written line by line, with a writer that prepares lines and without
// one. The threats share strings and lists (so runs are reused), hold
// equal text at other addresses, differ only in nil or empty lists, end
// on their status line, and carry a word the preparer masks in a shared
// title.
func TestThreatRunsAreTheLinesTheyStandFor(t *testing.T) {
	title := "Leaks the SECRET key"
	stride := []threatmap.Stride{"spoofing", "tampering"}
	mitigations := []string{"Rotate it", "Keep it out of code"}
	refs := []string{"CWE-1"}
	var threats []assess.Threat
	for i := range 3000 {
		th := &rules.Threat{
			ID: fmt.Sprintf("r%d@e%d", i%7, i), Heading: &rules.Heading{Rule: fmt.Sprintf("r%d", i%7), Title: title, Stride: stride},
			Element: fmt.Sprintf("e%d", i), ElementKind: "surface", Assets: []string{"a"},
			Difficulty: threatmap.Difficulty(i % 3), Impact: threatmap.Severity(i % 4), Priority: 1 + i%5,
			Requires: "a request", Abuse: "abuse", Method: "method", Pos: threatmap.Position{File: "threatmap.yaml", Line: i + 1, Column: 3}, Guidance: &rules.Guidance{Mitigations: mitigations, References: refs}}
		switch i % 6 {
		case 1:
			// Equal text at other addresses.
			th.Title, th.Abuse = strings.Clone(title), strings.Clone("abuse")
			th.Mitigations = []string{"Rotate it", "Keep it out of code"}
		case 2:
			th.Mitigations, th.Stride = nil, nil
		case 3:
			th.Mitigations, th.Stride = []string{}, []threatmap.Stride{}
		case 5:
			th.References = []string{}
		case 4:
			th.Family, th.SecondaryTo, th.Detail = "budget", []string{"rate-limited"}, "detail "+th.ID
		}
		at := assess.Threat{Threat: th, Response: "none", Status: "open", Note: "no response"}
		switch i % 5 {
		case 1:
			// The status line is the object's last.
			at.Note = ""
		case 2:
			at.Response, at.Status, at.Implicit, at.MitigatedBy = "mitigate", "mitigated", true, []string{"k1"}
		case 3:
			at.Group, at.GroupSize = []string{"e1", "e2"}, 60
		}
		threats = append(threats, at)
	}
	doc := ThreatMapDoc{Version: "v", System: SystemDoc{Name: "s"}, Assets: []AssetDoc{}, Controls: []assess.Control{}, Threats: threats}

	// Each threat on its own, with every line encoded.
	var plain bytes.Buffer
	plain.WriteString("[\n")
	for i := range threats {
		b, err := appendThreat([]byte("    "), &threats[i], "    ")
		if err != nil {
			t.Fatal(err)
		}
		plain.Write(b)
		if i < len(threats)-1 {
			plain.WriteString(",\n")
		} else {
			plain.WriteString("\n")
		}
	}
	var direct bytes.Buffer
	if err := WriteThreatMap(&direct, doc); err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(direct.Bytes(), []byte("\"threats\": [\n"))
	if i < 0 {
		t.Fatal("no threats array")
	}
	body := direct.Bytes()[i+len("\"threats\": ["):]
	if !bytes.HasPrefix(body, plain.Bytes()[1:]) {
		t.Fatal("threats written with runs differ from threats written line by line")
	}

	// Through a preparer: what it gives line by line for the whole
	// document.
	var want []byte
	for line := range bytes.Lines(direct.Bytes()) {
		want = markLine(want, bytes.TrimSuffix(line, []byte("\n")))
	}
	var got markingWriter
	if err := WriteThreatMap(&got, doc); err != nil {
		t.Fatal(err)
	}
	// The frame (before and after the threats) is written unprepared by
	// this writer; compare the threats' lines.
	gb := got.Bytes()
	gi := bytes.Index(gb, []byte("\"threats\": [\n")) + len("\"threats\": [\n")
	wi := bytes.Index(want, []byte("\"threats\": [\n"))
	wstart := bytes.IndexByte(want[wi:], '\n') + wi + 1
	n := 0
	for range bytes.Lines(plain.Bytes()[2:]) {
		n++
	}
	gotLines := bytes.SplitAfterN(gb[gi:], []byte("\n"), n+1)
	wantLines := bytes.SplitAfterN(want[wstart:], []byte("\n"), n+1)
	if !bytes.Equal(bytes.Join(gotLines[:n], nil), bytes.Join(wantLines[:n], nil)) {
		for k := range n {
			if !bytes.Equal(gotLines[k], wantLines[k]) {
				t.Fatalf("line %d of the threats: got %q, want %q", k, gotLines[k], wantLines[k])
			}
		}
	}
	if bytes.Contains(gb, []byte("SECRET")) {
		t.Error("a shared title was not made safe")
	}
}

// TestRunCacheKeepsRunsThatRepeat: a cache filled with runs seen once (a
// wording made for each threat) still takes the runs that come back after
// it: those are prepared once, not once per threat.
func TestRunCacheKeepsRunsThatRepeat(t *testing.T) {
	prepared := 0
	c := newRunCache(func(dst, src []byte) []byte {
		prepared++
		return append(dst, src...)
	})
	var o objWriter
	write := func(s string) func(o *objWriter) {
		return func(o *objWriter) { o.str("abuse", s) }
	}
	for i := range maxRuns + 10 {
		s := fmt.Sprintf("abuse %d", i)
		c.splice(&o, runKey{run: runAbuse, p: [5]unsafe.Pointer{strData(s)}, n: [5]int{len(s)}}, write(s))
	}
	shared := "the rule's abuse"
	before := prepared
	for range 1000 {
		c.splice(&o, runKey{run: runAbuse, p: [5]unsafe.Pointer{strData(shared)}, n: [5]int{len(shared)}}, write(shared))
	}
	// One preparation for the run, and one for each splice's lines before
	// it (empty here but counted).
	if runs := prepared - before - 1000; runs > 1 {
		t.Errorf("the repeated run was prepared %d times", runs)
	}
}
