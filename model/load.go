package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unsafe"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/repofs"
)

// MaxFileSize bounds how much of a model file is read.
const MaxFileSize = 256 << 20

// Find returns the model file for path: path itself if it is a file, or
// threatmap.yaml (or threatmap.yml) inside it if it is a directory.
func Find(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("find model: %w", err)
	}
	if !info.IsDir() {
		return path, nil
	}
	for _, name := range []string{FileName, "threatmap.yml"} {
		p := filepath.Join(path, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("find model: no %s in %s (run `threatmap init %s` to write one)", FileName, path, path)
}

// Load reads, decodes, fills defaults into and validates the model at path
// (a file, or a directory holding threatmap.yaml). When the model has
// problems it returns them all as Diagnostics, together with the partial
// model so that callers can still show the source lines. Warnings alone do
// not make Load fail; they are returned through the model's loader result.
func Load(path string) (*Model, Diagnostics, error) {
	file, err := Find(path)
	if err != nil {
		return nil, nil, err
	}
	// The model is read under repofs's rule for named files: it must
	// resolve to a regular file inside the directory it is found or named
	// in, so a threatmap.yaml linked to a file elsewhere is refused before
	// a byte of it is read.
	data, err := repofs.ReadNamed(file, MaxFileSize)
	if err != nil {
		if errors.Is(err, repofs.ErrTooLarge) {
			return nil, nil, fmt.Errorf("load model %s: larger than %d bytes", file, MaxFileSize)
		}
		return nil, nil, fmt.Errorf("load model: %w", err)
	}
	// The buffer is Load's alone and never written again, so the text is
	// made a string without a copy (on a large model the copy was a
	// second model-sized allocation).
	m, diags := parseText(file, data, unsafe.String(unsafe.SliceData(data), len(data)))
	if diags.HasErrors() {
		return m, diags, diags.Errors()
	}
	return m, diags, nil
}

// Parse decodes and validates a model from bytes; file names it in
// diagnostics. It never panics, whatever the input.
func Parse(file string, data []byte) (*Model, Diagnostics) {
	// The text is made a string once: the source lines messages quote
	// and, in a file cut into pieces, the values of its plain scalars are
	// substrings of it.
	return parseText(file, data, string(data))
}

// parseText is Parse with data as a string too; data must not change
// while the model is in use.
func parseText(file string, data []byte, text string) (*Model, Diagnostics) {
	c, _ := parseChunked(data, text)
	return parse(file, data, text, c)
}

// parse is Parse with the file cut into pieces by the caller, or not
// (c nil); text is data as a string.
func parse(file string, data []byte, text string, c *chunked) (*Model, Diagnostics) {
	source := splitText(text)
	if c != nil {
		if m, diags, ok := decodeChunked(file, data, source, c); ok {
			return m, diags
		}
	}
	m := &Model{File: file, Dir: filepath.Dir(file), Source: source}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return m, Diagnostics{{Pos: threatmap.Position{File: file, Line: 1, Column: 1}, Message: "the model is empty; it needs at least system: with a name"}}
		}
		return m, Diagnostics{syntaxDiagnostic(file, err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return m, Diagnostics{{Pos: threatmap.Position{File: file, Line: extra.Line, Column: extra.Column}, Message: "the file holds more than one YAML document; a model is one document"}}
	}
	d := newModelDecoder(file, len(data))
	d.release = true
	d.decodeValue(&root, m, "")
	return m, d.finish(m)
}

// decodeChunked decodes a file cut into pieces; false when a piece did
// not parse as cut, and the file must be parsed whole.
func decodeChunked(file string, data []byte, source []string, c *chunked) (*Model, Diagnostics, bool) {
	m := &Model{File: file, Dir: filepath.Dir(file), Source: source}
	d := newModelDecoder(file, len(data))
	d.release = true
	d.chunks = c
	d.decodeValue(c.root, m, "")
	c.root = nil
	if !c.finish() {
		return nil, nil, false
	}
	return m, d.finish(m), true
}

// finish fills in defaults and validates a decoded model. Validation runs
// even after decoding errors, on what could be read, so that the user
// sees every problem in one pass.
func (d *decoder) finish(m *Model) Diagnostics {
	m.applyDefaults()
	diags := append(d.diags, m.validate()...)
	diags.sort()
	return diags
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// syntaxDiagnostic turns a YAML syntax error into a positioned diagnostic.
func syntaxDiagnostic(file string, err error) Diagnostic {
	msg := err.Error()
	pos := threatmap.Position{File: file, Line: 1, Column: 1}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if m[1] != "" {
			pos.Line, _ = strconv.Atoi(m[1])
		}
		msg = m[2]
	}
	return Diagnostic{Pos: pos, Message: "YAML syntax: " + msg}
}

func splitLines(data []byte) []string { return splitText(string(data)) }

// splitText is splitLines of a string: the lines are substrings of text
// (of a copy when it breaks lines with CRLF).
func splitText(text string) []string {
	return strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
}

// Rel resolves a path written in the model against the model's directory.
func (m *Model) Rel(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(m.Dir, filepath.FromSlash(p))
}

// Exists reports whether a path written in the model exists.
func (m *Model) Exists(p string) bool {
	_, err := os.Stat(m.Rel(p))
	return !errors.Is(err, fs.ErrNotExist)
}
