package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/rules"
)

// TestWriteThreatMapMatchesWriteJSON checks the streamed document byte for
// byte against the plain encoder, with no threats, one, and more than one
// batch of them, including text that JSON would escape.
func TestWriteThreatMapMatchesWriteJSON(t *testing.T) {
	for _, n := range []int{0, 1, 2, 1500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			doc := ThreatMapDoc{Version: "v", System: SystemDoc{Name: "s <&> \"q\""}, Assets: []AssetDoc{}, Controls: []assess.Control{}}
			for i := range n {
				doc.Threats = append(doc.Threats, assess.Threat{Threat: &rules.Threat{
					ID: fmt.Sprintf("r@e%d", i), Heading: &rules.Heading{Rule: "r", Title: "a <b> & \"c\"\n"}, Assets: []string{"x", "y"}, Surface: "é ✓ \u2028", Abuse: "\xe2\x80", Method: "\xa8", Guidance: &rules.Guidance{Mitigations: []string{"m"}}}, Status: "open"})
			}
			if doc.Threats == nil {
				doc.Threats = []assess.Threat{}
			}
			var frame, got, viaWriteJSON bytes.Buffer
			if err := WriteJSON(&frame, threatMapFrame(doc)); err != nil {
				t.Fatal(err)
			}
			var summaries []string
			for i := range doc.Threats {
				summaries = append(summaries, doc.Threats[i].Summary())
			}
			want := bytes.NewBuffer(withSummaries(t, frame.Bytes(), "      ", summaries))
			if err := WriteThreatMap(&got, doc); err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(&viaWriteJSON, doc); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(viaWriteJSON.Bytes(), got.Bytes()) {
				t.Error("WriteJSON does not write a threat map as WriteThreatMap does")
			}
			if !bytes.Equal(want.Bytes(), got.Bytes()) {
				w, g := want.String(), got.String()
				for i := range min(len(w), len(g)) {
					if w[i] != g[i] {
						t.Fatalf("differs at byte %d:\nwant %q\ngot  %q", i, w[max(0, i-80):min(len(w), i+80)], g[max(0, i-80):min(len(g), i+80)])
					}
				}
				t.Fatalf("lengths differ: want %d, got %d", len(w), len(g))
			}
		})
	}
}

// TestIndentedJSONMatchesEncoder: the frame's encoding is what an
// indenting encoder writes, for values of every shape it meets.
func TestIndentedJSONMatchesEncoder(t *testing.T) {
	for name, v := range map[string]any{
		"empty object": struct{}{},
		"nested":       map[string]any{"a": []any{1, "x", map[string]any{}, []any{}}, "b": map[string]any{"c": nil}},
		"html":         []string{"<a href=\"x\">&</a>", "\u2028"},
		"scalar":       "plain",
		"frame":        threatMapFrame(ThreatMapDoc{Threats: []assess.Threat{}}),
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		got, err := indentedJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want.Bytes())
		}
	}
	if _, err := indentedJSON(func() {}); err == nil {
		t.Error("a value encoding/json refuses gave no error")
	}
}
