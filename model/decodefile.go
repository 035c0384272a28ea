package model

import (
	"bytes"
	"errors"
	"io"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap"
)

// Decode reads one YAML document into out, a pointer to a struct tagged the
// way the model's types are, with the same strictness: unknown keys, wrong
// types, enum and pattern violations and missing required keys are all
// reported with file:line:col. Rule files use it too.
func Decode(file string, data []byte, out any) Diagnostics {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return Diagnostics{{Pos: threatmap.Position{File: file, Line: 1, Column: 1}, Message: "the file is empty"}}
		}
		return Diagnostics{syntaxDiagnostic(file, err)}
	}
	d := newDecoder(file, len(data))
	d.decodeValue(&root, out, "")
	d.diags.sort()
	return d.diags
}

// Lines splits file contents into lines for Diagnostics.Format.
func Lines(data []byte) []string { return splitLines(data) }
