package model

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// scalarToken matches a YAML scalar as written at the start of a string:
// double-quoted, single-quoted or plain (up to a comment, a comma or a
// closing brace in flow style).
var scalarToken = regexp.MustCompile(`^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s,}\]#]+(?:[ \t]+[^\s,}\]#]+)*)`)

// SetSystemFields rewrites system: keys in a model's source text, leaving
// every other byte (comments, order, formatting) as it was: existing values
// are replaced in place, missing keys are added beside name:. values maps
// a key to its new plain-scalar text. The result is parsed again and
// rejected if it does not validate.
func SetSystemFields(file string, src []byte, values map[string]string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: not a model (no top-level mapping)", file)
	}
	sys := mappingValue(doc.Content[0], "system")
	if sys == nil || sys.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: no system: mapping to record the review in", file)
	}
	lines := strings.SplitAfter(string(src), "\n")
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	// Edit from the bottom of the file up, so earlier positions stay valid.
	type edit struct {
		line, col int
		key, text string
		replace   bool
	}
	var edits []edit
	name := mappingKey(sys, "name")
	for _, k := range keys {
		if v := mappingValue(sys, k); v != nil {
			edits = append(edits, edit{line: v.Line, col: v.Column, key: k, text: values[k], replace: true})
			continue
		}
		if name == nil {
			return nil, fmt.Errorf("%s: system: has no name: to place %s beside", file, k)
		}
		edits = append(edits, edit{line: name.Line, col: name.Column, key: k, text: values[k]})
	}
	sortEdits := func(i, j int) bool {
		if edits[i].line != edits[j].line {
			return edits[i].line > edits[j].line
		}
		return edits[i].col > edits[j].col
	}
	for i := 1; i < len(edits); i++ {
		for j := i; j > 0 && sortEdits(j, j-1); j-- {
			edits[j], edits[j-1] = edits[j-1], edits[j]
		}
	}
	for _, e := range edits {
		if e.line < 1 || e.line > len(lines) {
			return nil, fmt.Errorf("%s: position %d out of range", file, e.line)
		}
		line := lines[e.line-1]
		if e.replace {
			start := byteOffset(line, e.col)
			tok := scalarToken.FindString(line[start:])
			lines[e.line-1] = line[:start] + e.text + line[start+len(tok):]
			continue
		}
		if sys.Style&yaml.FlowStyle != 0 {
			// system: {name: x, ...}: add ", key: value" after the name's value.
			v := mappingValue(sys, "name")
			vl := lines[v.Line-1]
			start := byteOffset(vl, v.Column)
			end := start + len(scalarToken.FindString(vl[start:]))
			lines[v.Line-1] = vl[:end] + ", " + e.key + ": " + e.text + vl[end:]
			continue
		}
		indent := strings.Repeat(" ", e.col-1)
		// Insert after the name: line (its value is a one-line scalar).
		lines = append(lines[:e.line], append([]string{indent + e.key + ": " + e.text + "\n"}, lines[e.line:]...)...)
	}
	out := []byte(strings.Join(lines, ""))
	if _, diags := Parse(file, out); diags.HasErrors() {
		return nil, fmt.Errorf("%s: the edited model does not validate:\n%s", file, diags.Errors())
	}
	return out, nil
}

// byteOffset converts a 1-based rune column into a byte offset in line.
func byteOffset(line string, col int) int {
	n := 0
	for i := range line {
		if n == col-1 {
			return i
		}
		n++
	}
	return len(line)
}

func mappingKey(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
