package deps

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxYAMLNodes bounds the nodes one YAML advisory may expand to, so that an
// alias bomb in a hostile database file is refused instead of exhausting
// memory. Real records have a few hundred nodes.
const maxYAMLNodes = 200_000

// isYAMLRecordFile reports whether a database file name is an OSV record in
// YAML, the form pypa's advisory database and others publish.
func isYAMLRecordFile(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// decodeYAMLRecords reads the OSV records of one YAML file (a record, or a
// stream or sequence of records). Scalars keep their literal text, so that a
// version such as 1.10 is "1.10" and not the number 1.1.
func decodeYAMLRecords(data []byte) ([]*osvRecord, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []*osvRecord
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("yaml: %w", err)
		}
		budget := maxYAMLNodes
		v, err := yamlValue(&doc, &budget)
		if err != nil {
			return nil, err
		}
		items := []any{v}
		if seq, ok := v.([]any); ok {
			items = seq
		}
		for _, it := range items {
			if it == nil {
				continue
			}
			raw, err := json.Marshal(it)
			if err != nil {
				return nil, fmt.Errorf("yaml: %w", err)
			}
			var r osvRecord
			if err := json.Unmarshal(raw, &r); err != nil {
				return nil, fmt.Errorf("yaml record does not have the OSV shape: %w", err)
			}
			r.Details = ""
			out = append(out, &r)
		}
	}
	return out, nil
}

// yamlValue converts a node to JSON-ready values: mappings with string keys,
// sequences, and scalars as strings (booleans and nulls excepted).
func yamlValue(n *yaml.Node, budget *int) (any, error) {
	*budget--
	if *budget < 0 {
		return nil, fmt.Errorf("yaml record is too large (more than %d nodes)", maxYAMLNodes)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlValue(n.Content[0], budget)
	case yaml.AliasNode:
		return yamlValue(n.Alias, budget)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := yamlValue(n.Content[i+1], budget)
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := yamlValue(c, budget)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return nil, nil
		case "!!bool":
			return n.Value == "true" || n.Value == "True" || n.Value == "TRUE", nil
		}
		return n.Value, nil
	}
	return nil, fmt.Errorf("yaml: unexpected node at line %d", n.Line)
}
