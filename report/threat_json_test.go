package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/rules"
)

// encodeLikeStream is what encodeThreats used to do for one threat: the
// reference appendThreat must match.
func encodeLikeStream(t *testing.T, th *assess.Threat) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("    ", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(th); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// withSummaries inserts, after each threat's priority line (the key at
// indentation ind), the summary line encoding/json cannot write (Summary
// is a method), with the i-th of summaries: the reference for the
// hand-written encoder.
func withSummaries(t *testing.T, js []byte, ind string, summaries []string) []byte {
	t.Helper()
	var out []byte
	n := 0
	for line := range bytes.Lines(js) {
		out = append(out, line...)
		if bytes.HasPrefix(line, []byte(ind+`"priority": `)) {
			if n >= len(summaries) {
				t.Fatalf("more priority lines than threats in %s", js)
			}
			// HTML characters are not escaped in the report.
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(summaries[n]); err != nil {
				t.Fatal(err)
			}
			s := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
			out = append(out, ind+`"summary": `...)
			out = append(out, s...)
			out = append(out, ",\n"...)
			n++
		}
	}
	if n != len(summaries) {
		t.Fatalf("%d priority lines for %d threats", n, len(summaries))
	}
	return out
}

// fill sets every field reachable from v to a value that is not its zero
// value: strings get characters JSON escapes, lists two elements, so a
// field the hand-written encoder forgets shows in the comparison.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d <&> \"q\" \\ \t\x01 é \u2028 \xff", *n))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		// Small values: enums (severity, difficulty) stay in range.
		v.SetInt(int64(1 + *n%2))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), n)
		}
		v.Set(s)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), n)
			}
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, n)
		fill(e, n)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), n)
		v.Set(p)
	}
}

// TestAppendThreatMatchesEncodingJSON: for a threat with every field set
// (found by reflection, so new fields are covered), with none set, and
// with empty but non-nil lists, appendThreat writes what encoding/json
// writes.
func TestAppendThreatMatchesEncodingJSON(t *testing.T) {
	var full assess.Threat
	n := 0
	fill(reflect.ValueOf(&full).Elem(), &n)
	empty := assess.Threat{Threat: &rules.Threat{Heading: &rules.Heading{Stride: []threatmap.Stride{}}, Assets: []string{},
		Guidance: &rules.Guidance{Mitigations: []string{}, Controls: []string{}, SecondaryTo: []string{}, References: []string{}},
		Evidence: []evidence.Finding{}}, MitigatedBy: []string{}, Group: []string{}}
	onlyLine := rules.NewThreat()
	onlyLine.Pos = threatmap.Position{Line: 3}
	zero := rules.NewThreat()
	for name, th := range map[string]*assess.Threat{"full": &full, "zero": {Threat: &zero}, "empty lists": &empty, "line only": {Threat: &onlyLine}} {
		want := withSummaries(t, encodeLikeStream(t, th), "      ", []string{th.Summary()})
		got, err := appendThreat(nil, th, "    ")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
	if !bytes.Contains(encodeLikeStream(t, &full), []byte(`"evidence": [`)) {
		t.Error("the full threat has no evidence: fill does not reach it")
	}
}

// FuzzAppendJSONString: appendJSONString writes what encoding/json writes
// with HTML escaping off, whatever the bytes.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "q\"b\\", "\x00\x1f\x7f\b\f\n\r\t", "é ✓ \u2028\u2029", "\xff\xfe", "<&>", "\xe2\x80",
		"abcdefgh\"ijklmnop\\qrstuvwx\x01yzabcdefgh\x7fabcdefgh\u2028abcdefghé"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
		// The same text in parts (cut anywhere, a rune split included)
		// escapes as the whole.
		a, b := len(s)/3, 2*len(s)/3
		parts := [9]string{s[:a], "", s[a:b], s[b:]}
		if got := appendJSONParts(nil, parts); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONParts(%q) = %s, want %s", parts, got, want)
		}
	})
}

// TestDeeper: one level is two spaces more, for the indentations rows use
// (without allocating) and for any other.
func TestDeeper(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", "  "}, {"    ", "      "}, {"              ", "                "},
		{"                ", "                  "}, {"\t", "\t  "},
	} {
		if got := deeper(tt.in); got != tt.want {
			t.Errorf("deeper(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	var kept []string
	if n := testing.AllocsPerRun(10, func() { kept = append(kept[:0], deeper("    ")) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
