package model

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"regexp"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap"
)

// Decode reads one YAML document into out, a pointer to a struct tagged the
// way the model's types are, with the same strictness: unknown keys, wrong
// types, enum and pattern violations and missing required keys are all
// reported with file:line:col. Rule files use it too.
func Decode(file string, data []byte, out any) Diagnostics {
	return DecodeWith(nil, file, data, out)
}

// Types holds what decoding reads from the struct types it fills (their
// fields, tags and patterns), for a caller that decodes many files of
// the same kind: each type is read once, not once a file (reading them
// was a quarter of loading the built-in rules). It is safe for
// concurrent use.
type Types struct {
	mu     sync.Mutex
	fields map[reflect.Type]typeInfo
	// patterns holds the compiled patterns of the tags (a Regexp is safe
	// for concurrent use).
	patterns map[string]*regexp.Regexp
}

// typeInfo is a struct type's fields as every decoder reads them, and
// the index of its Loc field (-1: none).
type typeInfo struct {
	fields   []fieldInfo
	locIndex int
}

// fieldInfo is a decoded field of a struct type.
type fieldInfo struct {
	index    int
	name     string
	rules    fieldRules
	required bool
}

// NewTypes returns an empty Types.
func NewTypes() *Types {
	return &Types{fields: map[reflect.Type]typeInfo{}, patterns: map[string]*regexp.Regexp{}}
}

// info returns t's fields, read once.
func (ts *Types) info(t reflect.Type) typeInfo {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ti, ok := ts.fields[t]; ok {
		return ti
	}
	ti := readType(t, ts.patterns)
	ts.fields[t] = ti
	return ti
}

// DecodeWith is Decode reading the struct types through ts (nil: a Types
// of its own).
func DecodeWith(ts *Types, file string, data []byte, out any) Diagnostics {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return Diagnostics{{Pos: threatmap.Position{File: file, Line: 1, Column: 1}, Message: "the file is empty"}}
		}
		return Diagnostics{syntaxDiagnostic(file, err)}
	}
	d := newDecoder(file, len(data), ts)
	d.decodeValue(&root, out, "")
	d.diags.sort()
	return d.diags
}

// Lines splits file contents into lines for Diagnostics.Format.
func Lines(data []byte) []string { return splitLines(data) }
