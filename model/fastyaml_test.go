package model

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap/internal/modelgen"
)

// itemRuns cuts the top-level block sequences of a model into runs of n
// items each, as the chunked parse cuts them into pieces.
func itemRuns(data []byte, n int) [][]byte {
	var runs [][]byte
	lines := bytes.SplitAfter(data, []byte("\n"))
	var run []byte
	items, dash := 0, ""
	flush := func() {
		if items > 0 {
			runs = append(runs, run)
		}
		run, items = nil, 0
	}
	for _, l := range lines {
		switch {
		case len(l) > 0 && l[0] != ' ' && l[0] != '\n':
			// A top-level key: a new section.
			flush()
			dash = ""
			continue
		case dash == "" && bytes.HasPrefix(bytes.TrimLeft(l, " "), []byte("- ")):
			dash = string(l[:len(l)-len(bytes.TrimLeft(l, " "))]) + "- "
		}
		if dash == "" {
			continue
		}
		if bytes.HasPrefix(l, []byte(dash)) {
			if items == n {
				flush()
			}
			items++
		}
		run = append(run, l...)
	}
	flush()
	return runs
}

// checkFastParse parses text both ways; when the fast parser takes it,
// yaml.v3 must give the same tree. It reports whether it was taken.
func checkFastParse(t *testing.T, name string, text []byte) bool {
	t.Helper()
	fast, ok := fastParse(text)
	if !ok {
		return false
	}
	var want yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(text))
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("%s: the fast parser takes text yaml.v3 rejects (%v):\n%s", name, err, text)
	}
	if err := sameTree(fast, &want, ""); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, text)
	}
	if err := sameAsSubstrings(text, fast); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, text)
	}
	return true
}

// sameAsSubstrings parses text with its string beside it and requires the
// tree fastParse gives, every value a substring of that string.
func sameAsSubstrings(text []byte, fast *yaml.Node) error {
	src := string(text)
	in, _, ok := fastParseFrom(text, src, nil)
	if !ok {
		return fmt.Errorf("declined with its string beside it")
	}
	if err := sameTree(in, fast, ""); err != nil {
		return fmt.Errorf("with its string beside it: %w", err)
	}
	lo := uintptr(unsafe.Pointer(unsafe.StringData(src)))
	hi := lo + uintptr(len(src))
	var walk func(n *yaml.Node) error
	walk = func(n *yaml.Node) error {
		if n.Value != "" {
			if p := uintptr(unsafe.Pointer(unsafe.StringData(n.Value))); p < lo || p >= hi {
				return fmt.Errorf("value %q at %d:%d is a copy, not a substring of the text", n.Value, n.Line, n.Column)
			}
		}
		for _, c := range n.Content {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(in)
}

// TestFastParseMatchesYAML: every piece of the dense model, the Threagile
// translation and crafted constructs that the fast parser takes, yaml.v3
// parses to the same tree; the dense model's pieces are all taken (so
// the fast path is the one a large model goes through), and what it must
// decline it declines.
func TestFastParseMatchesYAML(t *testing.T) {
	var dense bytes.Buffer
	if err := modelgen.Dense(&dense, 400); err != nil {
		t.Fatal(err)
	}
	inputs := map[string][]byte{"dense": dense.Bytes(), "threagile": threagileTranslation(t)}
	examples, _ := filepath.Glob("../examples/*/threatmap.yaml")
	for _, f := range examples {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = data
	}
	for name, data := range inputs {
		runs := itemRuns(data, 7)
		if len(runs) == 0 {
			t.Fatalf("%s: no sequence items", name)
		}
		taken := 0
		for i, run := range runs {
			if checkFastParse(t, fmt.Sprintf("%s run %d", name, i), run) {
				taken++
			} else if name == "dense" {
				t.Errorf("dense: run declined: %.200q", run)
			}
		}
		t.Logf("%s: %d of %d runs of items taken", name, taken, len(runs))
	}
	for _, tt := range []struct {
		text string
		take bool
	}{
		{"  - {id: a, n: 12, ok: true, none: null, list: [x, y], nest: {k: [v]}, empty: [], e: {}}\n", true},
		{"- id: c1\n  name: Service 1\n  stores:\n    - a1\n    - a2\n  zone: z1\n- id: c2\n  stores:\n  - a3\n  path: /v1/x/:id\n", true},
		{"- a\n- b c\n-   d\n\n- [e]\n", true},
		{"- key: value\n  sub:\n    k: v\n    k2: [1, 2]\n  after: x\n", true},
		{"- {a: 1}   \n\n\n", true},
		{"- a # comment\n", false},
		{"- 'quoted'\n- \"double: quoted, [x]\"\n- {\"k\": 'v', name: \"Partner API keys\"}\n- \"key\": v\n  'k2': \"\"\n", true},
		{"- 'it''s'\n", false},
		{"- \"esc\\\"aped\"\n", false},
		{"- \"two\n  lines\"\n", false},
		{"- \"a\" b\n", false},
		{"- &x a\n- *x\n", false},
		{"- !!str 12\n", false},
		{"- |\n  block\n", false},
		{"- 2026-10-01\n", false},
		{"- 1.5\n", false},
		{"- [90d, 1h, 12kb, 3 days, 4x4y]\n", true},
		{"- [1e5]\n", false},
		{"- 0x1f\n", false},
		{"- 0b101z\n", false},
		{"- 12:30\n", false},
		{"- -3\n", false},
		{"- 007\n", false},
		{"- .inf\n", false},
		{"- ~\n", false},
		{"- a\n  continued\n", false},
		{"- key:\n- next\n", false},
		{"- key: \n", false},
		{"- [a, ]\n", false},
		{"- {a: b\n", false},
		{"- {a:b}\n", false},
		{"- é\n", false},
		{"-\n  - nested\n", false},
		{"- a\n  - b\n", false},
		{"- a: b: c\n", false},
		{"- k: v\n k2: v\n", false},
		{"---\n- a\n", false},
		{"- a\r\n", false},
	} {
		_, ok := fastParse([]byte(tt.text))
		if ok != tt.take {
			t.Errorf("fastParse(%q) taken %v, want %v", tt.text, ok, tt.take)
		}
		checkFastParse(t, fmt.Sprintf("%q", tt.text), []byte(tt.text))
	}
}

// FuzzFastParse: whatever the fast parser takes, yaml.v3 parses to the
// same tree.
func FuzzFastParse(f *testing.F) {
	for _, s := range []string{
		"  - {id: a, n: 12, ok: true, list: [x, y], nest: {k: [v]}}\n",
		"- id: c1\n  name: Service 1\n  stores:\n    - a1\n  zone: z1\n- id: c2\n",
		"- a\n- b c\n- [e, {f: g}]\n",
		"- key: value\n  sub:\n    k: v\n  after: x\n",
		"- yes\n- No\n- TRUE\n- Null\n- 0\n- 18446744073709551615\n",
		"- [90d, 1h, 1e3, 0x1g, 1_000h, 2001-12-14t21:59:43.10-05:00, 12h30m]\n",
		"- {\"k\": 'v', name: \"Partner: API, keys\"}\n- \"key\": v\n  'k2': \"\"\n- a \"b: c\"\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok := fastParse(data)
		if !ok {
			return
		}
		var want yaml.Node
		if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&want); err != nil {
			t.Fatalf("taken, but yaml.v3 rejects it (%v): %q", err, data)
		}
		if err := sameTree(fast, &want, ""); err != nil {
			t.Fatalf("%v: %q", err, data)
		}
		if err := sameAsSubstrings(data, fast); err != nil {
			t.Fatalf("%v: %q", err, data)
		}
	})
}
