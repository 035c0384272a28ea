package interchange

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/model"
)

var yamlErrLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// parseYAML reads one YAML document into nodes, turning syntax errors into
// positioned diagnostics.
func parseYAML(file string, data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		pos := threatmap.Position{File: file, Line: 1, Column: 1}
		msg := err.Error()
		if errors.Is(err, io.EOF) {
			msg = "the file is empty"
		} else if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
			if m[1] != "" {
				pos.Line, _ = strconv.Atoi(m[1])
			}
			msg = "YAML syntax: " + m[2]
		}
		return nil, model.Diagnostics{{Pos: pos, Message: msg}}
	}
	if len(doc.Content) == 0 {
		return nil, model.Diagnostics{{Pos: threatmap.Position{File: file, Line: 1, Column: 1}, Message: "the file is empty"}}
	}
	return doc.Content[0], nil
}

// entry is one key and value of a mapping.
type entry struct{ key, val *yaml.Node }

// pairs returns a mapping's entries; a null or missing value gives none,
// anything else that is not a mapping is an error.
func (e *errorsAt) pairs(n *yaml.Node, what string) []entry {
	if n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return nil
	}
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		e.add(n, "%s must be a mapping", what)
		return nil
	}
	var out []entry
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k.Tag == "!!merge" {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			e.add(k, "%s: a key must be a plain string", what)
			continue
		}
		out = append(out, entry{k, n.Content[i+1]})
	}
	return out
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}

// field returns the value of key in mapping n, or nil. Keys merged in
// with "<<: *anchor" count, as YAML's merge key says, behind the mapping's
// own.
func field(n *yaml.Node, key string) *yaml.Node {
	return fieldDepth(n, key, 0)
}

func fieldDepth(n *yaml.Node, key string, depth int) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode || depth > 8 {
		return nil
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Value == key && k.Tag != "!!merge" {
			return deref(n.Content[i+1])
		}
		if k.Tag == "!!merge" || k.Value == "<<" {
			v := deref(n.Content[i+1])
			if v != nil && v.Kind == yaml.SequenceNode {
				merges = append(merges, v.Content...)
			} else {
				merges = append(merges, v)
			}
		}
	}
	for _, mn := range merges {
		if v := fieldDepth(mn, key, depth+1); v != nil {
			return v
		}
	}
	return nil
}

// str reads a scalar field as text.
func (e *errorsAt) str(n *yaml.Node, key string) string {
	v := field(n, key)
	if v == nil || v.Tag == "!!null" {
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		e.add(v, "%s must be a plain value", key)
		return ""
	}
	return v.Value
}

// strs reads a list of scalars.
func (e *errorsAt) strs(n *yaml.Node, key string) []string {
	v := field(n, key)
	if v == nil || v.Tag == "!!null" {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		e.add(v, "%s must be a list", key)
		return nil
	}
	var out []string
	for _, it := range v.Content {
		it = deref(it)
		if it.Kind != yaml.ScalarNode {
			e.add(it, "%s: items must be plain values", key)
			continue
		}
		out = append(out, it.Value)
	}
	return out
}

// boolean reads a true/false field.
func (e *errorsAt) boolean(n *yaml.Node, key string) bool {
	v := field(n, key)
	if v == nil || v.Tag == "!!null" {
		return false
	}
	b, err := strconv.ParseBool(v.Value)
	if v.Kind != yaml.ScalarNode || err != nil {
		e.add(v, "%s must be true or false", key)
		return false
	}
	return b
}
