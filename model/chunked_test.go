package model

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap/internal/modelgen"
)

// sameTree reports the first difference between two node trees (comments
// aside: the decoder does not read them).
func sameTree(a, b *yaml.Node, path string) error {
	if a == nil || b == nil {
		if a != b {
			return fmt.Errorf("%s: one node is nil", path)
		}
		return nil
	}
	if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || a.Anchor != b.Anchor || a.Line != b.Line || a.Column != b.Column {
		return fmt.Errorf("%s: %v %q %q %q @%d:%d vs %v %q %q %q @%d:%d", path, a.Kind, a.Tag, a.Value, a.Anchor, a.Line, a.Column, b.Kind, b.Tag, b.Value, b.Anchor, b.Line, b.Column)
	}
	if len(a.Content) != len(b.Content) {
		return fmt.Errorf("%s: %d children vs %d", path, len(a.Content), len(b.Content))
	}
	if (a.Alias == nil) != (b.Alias == nil) || a.Alias != nil && (a.Alias.Line != b.Alias.Line || a.Alias.Column != b.Alias.Column) {
		return fmt.Errorf("%s: aliases differ", path)
	}
	for i := range a.Content {
		if err := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); err != nil {
			return err
		}
	}
	return nil
}

// threagileTranslation is Threagile's small example replicated and
// translated into a model.
func threagileTranslation(t testing.TB) []byte {
	t.Helper()
	tg, err := os.ReadFile("../internal/modelgen/testdata/threagile-small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var tgYAML, tmYAML bytes.Buffer
	if err := modelgen.Threagile(tg, 200, &tgYAML, &tmYAML); err != nil {
		t.Fatal(err)
	}
	return tmYAML.Bytes()
}

func wholeParse(t testing.TB, data []byte) (*yaml.Node, error) {
	t.Helper()
	var n yaml.Node
	err := yaml.Unmarshal(data, &n)
	return &n, err
}

// checkPieces parses data in pieces of size bytes: when it does not
// decline, the tree must be the whole parse's, and a file that does not
// parse whole must never parse in pieces.
func checkPieces(t testing.TB, data []byte, size int) bool {
	t.Helper()
	checkDecodedPieces(t, data, size)
	got, ok := parsePieces(data, size)
	want, err := wholeParse(t, data)
	if !ok {
		return false
	}
	if err != nil {
		t.Fatalf("parsed in pieces, but the whole file does not parse: %v", err)
	}
	if e := sameTree(got, want, ""); e != nil {
		t.Fatalf("pieces differ from the whole parse: %v", e)
	}
	return true
}

// TestChunkedParseMatchesWholeParse: on the dense model, the Threagile
// translation and the examples, cut into small pieces, the spliced tree
// is the whole file's, positions included; constructs that cannot be cut
// make it decline.
func TestChunkedParseMatchesWholeParse(t *testing.T) {
	var dense bytes.Buffer
	if err := modelgen.Dense(&dense, 300); err != nil {
		t.Fatal(err)
	}
	if !checkPieces(t, dense.Bytes(), 4096) {
		t.Fatal("the dense model was not parsed in pieces")
	}
	if !checkPieces(t, threagileTranslation(t), 2048) {
		t.Fatal("the Threagile translation was not parsed in pieces")
	}
	examples, _ := filepath.Glob("../examples/*/threatmap.yaml")
	if len(examples) == 0 {
		t.Fatal("no examples")
	}
	for _, f := range examples {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkPieces(t, data, 64)
	}
	items := strings.Repeat("  - id: c\n    note: |\n      - not an item\n    # a comment\n    kind: service\n", 20)
	for name, tc := range map[string]struct {
		src     string
		wantCut bool
	}{
		"block scalars and comments": {"system: {name: x}\n# before\ncomponents:\n" + items + "flows: []\n", true},
		"anchor used in its item":    {"system: {name: x}\ncomponents:\n" + strings.Repeat("  - id: &i c\n    name: *i\n", 30), true},
		"alias across pieces":        {"system: {name: x}\ncomponents:\n  - &a {id: c, kind: service}\n" + strings.Repeat("  - *a\n", 60), false},
		"quoted scalar across items": {"system: {name: x}\ncomponents:\n" + strings.Repeat("  - id: \"a\n  - b\"\n", 40), false},
		"anchored sequence":          {"system: {name: x}\ncomponents: &all\n" + strings.Repeat("  - {id: c, kind: service}\n", 40) + "more: *all\n", false},
		"second document":            {"system: {name: x}\ncomponents:\n" + strings.Repeat("  - {id: c}\n", 40) + "---\nb: 1\n", false},
		"repeated key":               {"system: {name: x}\ncomponents:\n" + strings.Repeat("  - {id: c}\n", 40) + "components: []\n", false},
		"item at two indentations":   {"system: {name: x}\ncomponents:\n" + strings.Repeat("  - {id: c}\n", 40) + "- {id: d}\n", false},
		"syntax error in an item":    {"system: {name: x}\ncomponents:\n" + strings.Repeat("  - {id: c}\n", 40) + "  - {id: [}\n", false},
		"lone carriage return":       {"system: {name: x}\ncomponents:\n" + strings.Repeat("  - {id: c}\n", 40) + "  -\r0\n  - {id: d}\n", false},
		"line separator":             {"system: {name: x}\ncomponents:\n" + strings.Repeat("  - {id: c}\n", 40) + "  - {id: d, name: \"a\u2028b\"}\n", false},
		"windows line ends":          {"system: {name: x}\r\ncomponents:\r\n" + strings.Repeat("  - {id: c}\r\n", 40), true},
	} {
		t.Run(name, func(t *testing.T) {
			if got := checkPieces(t, []byte(tc.src), 40); got != tc.wantCut {
				t.Errorf("parsed in pieces = %v, want %v", got, tc.wantCut)
			}
		})
	}
}

// TestLargeModelDiagnosticsAreTheWholeFiles: a model large enough to be
// parsed in pieces reports a syntax error at the line the whole parse
// names, and decodes to the same model as a small one does.
func TestLargeModelDiagnosticsAreTheWholeFiles(t *testing.T) {
	var dense bytes.Buffer
	if err := modelgen.Dense(&dense, 2000); err != nil {
		t.Fatal(err)
	}
	data := dense.Bytes()
	if len(data) < chunkedMinSize {
		t.Fatalf("model of %d bytes is below the chunked size", len(data))
	}
	if c, ok := parseChunked(data, string(data)); !ok {
		t.Fatal("the large dense model was not parsed in pieces")
	} else {
		c.finish()
	}
	m, diags := Parse("threatmap.yaml", data)
	if diags.HasErrors() || len(m.Components) != 2000 {
		t.Fatalf("%d components, %v", len(m.Components), diags.Errors())
	}
	lines := strings.SplitAfter(string(data), "\n")
	at := len(lines) * 2 / 3
	for !strings.HasPrefix(lines[at], "  - ") {
		at++
	}
	lines[at] = "  - {id: [unclosed\n"
	broken := []byte(strings.Join(lines, ""))
	_, werr := wholeParse(t, broken)
	if werr == nil {
		t.Fatal("the broken model parses whole")
	}
	_, diags = Parse("threatmap.yaml", broken)
	want := syntaxDiagnostic("threatmap.yaml", werr)
	if len(diags) != 1 || diags[0].Pos != want.Pos || diags[0].Message != want.Message {
		t.Errorf("diagnostics %v, want %v", diags, want)
	}
}

// FuzzChunkedParse: whatever the input, parsing in pieces either declines
// or gives the whole parse's tree.
func FuzzChunkedParse(f *testing.F) {
	f.Add([]byte("system: {name: x}\ncomponents:\n  - id: a\n  - id: b\n    x: |\n      - y\n"), 8)
	f.Add([]byte("a:\n- &x 1\n- *x\nb:\n  - 'q\n  - r'\n"), 4)
	f.Fuzz(func(t *testing.T, data []byte, size int) {
		if len(data) > 1<<16 {
			return
		}
		checkPieces(t, data, max(1, size%4096))
	})
}

// checkDecodedPieces: Parse decoding the pieces as they come gives the
// model and diagnostics of the whole file's decoding, whether or not the
// file could be cut.
func checkDecodedPieces(t testing.TB, data []byte, size int) {
	t.Helper()
	want, wantDiags := parse("f.yaml", data, string(data), nil)
	var got *Model
	var gotDiags Diagnostics
	if c, ok := cutPieces(data, string(data), size); ok {
		got, gotDiags = parse("f.yaml", data, string(data), c)
	} else {
		got, gotDiags = parse("f.yaml", data, string(data), nil)
	}
	if !reflect.DeepEqual(gotDiags, wantDiags) {
		t.Fatalf("diagnostics differ:\npieces: %v\nwhole:  %v", gotDiags, wantDiags)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decoded models differ")
	}
}

// TestPiecesDecodeAsTheWholeFile: models with problems inside the cut
// sequences (bad values in items, an unknown top-level key, a list where
// a mapping belongs) decode to the same model and diagnostics in pieces.
func TestPiecesDecodeAsTheWholeFile(t *testing.T) {
	var dense bytes.Buffer
	if err := modelgen.Dense(&dense, 300); err != nil {
		t.Fatal(err)
	}
	comps := strings.Repeat("  - {id: c, kind: service}\n  - {id: d, kind: servic, colour: red}\n  - id: [x]\n", 30)
	for name, src := range map[string]string{
		"dense":                   dense.String(),
		"bad items":               "system: {name: x}\ncomponents:\n" + comps + "assets:\n" + strings.Repeat("  - {id: a, kind: user-data}\n", 40),
		"unknown top-level key":   "system: {name: x}\ncomponentz:\n" + comps + "assets:\n" + strings.Repeat("  - {id: a, kind: user-data}\n", 40),
		"list for a mapping":      "system:\n" + comps + "assets:\n" + strings.Repeat("  - {id: a, kind: user-data}\n", 40),
		"list for responses":      "system: {name: x}\nresponses:\n" + comps,
		"more than 200 problems":  "system: {name: x}\ncomponents:\n" + strings.Repeat("  - {id: C, kind: nope}\n", 150),
		"syntax error at the end": "system: {name: x}\ncomponents:\n" + comps + "  - {id: [}\n",
	} {
		t.Run(name, func(t *testing.T) {
			data := []byte(src)
			c, ok := cutPieces(data, string(data), 64)
			if !ok {
				if name != "syntax error at the end" {
					t.Fatal("not cut")
				}
			} else {
				c.finish()
			}
			checkDecodedPieces(t, data, 64)
		})
	}
}

// TestPiecesReuseTheirNodes: decoding a model in pieces gives each
// piece's blocks of nodes to the pieces parsed after it (most blocks are
// reused, not made), and the model decodes as the whole file does.
func TestPiecesReuseTheirNodes(t *testing.T) {
	var dense bytes.Buffer
	if err := modelgen.Dense(&dense, 3000); err != nil {
		t.Fatal(err)
	}
	data := dense.Bytes()
	text := string(data)
	want, wantDiags := parse("f.yaml", data, text, nil)
	c, ok := cutPieces(data, text, 16<<10)
	if !ok {
		t.Fatal("the dense model was not cut")
	}
	got, gotDiags := parse("f.yaml", data, text, c)
	if !reflect.DeepEqual(gotDiags, wantDiags) || !reflect.DeepEqual(got, want) {
		t.Fatal("the model decoded in pieces differs from the whole file's")
	}
	c.pool.mu.Lock()
	gets, made := c.pool.gets, c.pool.made
	c.pool.mu.Unlock()
	if gets < 100 || made*2 > gets {
		t.Fatalf("%d blocks of nodes handed out, %d of them new: the pieces' blocks are not reused", gets, made)
	}
	t.Logf("%d blocks handed out, %d new", gets, made)
}

// TestReferencesCheckedInPartsReportAsOneLoop: on a model large enough
// for references to be checked on several cores, with unresolved
// references among components, surfaces and flows, the diagnostics are
// those of one core, in the same order.
func TestReferencesCheckedInPartsReportAsOneLoop(t *testing.T) {
	var dense bytes.Buffer
	if err := modelgen.Dense(&dense, 2500); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(dense.String(), "\n")
	for i := range lines {
		if i%53 == 0 {
			lines[i] = strings.Replace(lines[i], "[a", "[missing-a", 1)
		}
	}
	data := []byte(strings.Join(lines, "\n"))
	parse := func(procs int) Diagnostics {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		_, diags := Parse("dense.yaml", data)
		return diags
	}
	one, many := parse(1), parse(4)
	if len(one) < 100 {
		t.Fatalf("only %d diagnostics; the injected errors did not take", len(one))
	}
	if !slices.Equal(one, many) {
		t.Errorf("%d diagnostics on one core, %d on four, or in another order", len(one), len(many))
	}
}
