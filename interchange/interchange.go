// Package interchange moves threat models between threatmap and the
// formats other tools keep them in: Threagile YAML, the Open Threat Model
// (OTM) JSON and OWASP Threat Dragon's JSON. Importers read a foreign model
// with positions, map what has an equivalent to a model.Model and keep what
// has none as comments; exporters write the model and its assessed threats.
package interchange

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/model"
)

// MaxInputSize bounds how much of a foreign model is read.
const MaxInputSize = 16 << 20

// Imported is a model mapped from another format, with the comments that
// say where each element came from and what could not be carried over.
type Imported struct {
	Model *model.Model
	// Source names the format, e.g. "Threagile".
	Source string
	// Notes are written at the top of the file: elements of the source
	// that have no equivalent, and choices the import made.
	Notes []string
	// Comments holds a comment per element id, written above it.
	Comments map[string]string
	// Counts are the source's elements per kind, for the measurements
	// (Stats gives what they became).
	Counts map[string]int

	// custom holds the source's threats that no rule finds, written as
	// custom rules by RuleFiles.
	custom []customThreat
}

// Stats returns the number of elements of each kind in the imported model.
func (im *Imported) Stats() map[string]int {
	m := im.Model
	return map[string]int{
		"assets": len(m.Assets), "components": len(m.Components), "surfaces": len(m.Surfaces),
		"flows": len(m.Flows), "boundaries": len(m.Boundaries), "identities": len(m.Identities),
		"controls": len(m.Controls), "responses": len(m.Responses),
	}
}

func (im *Imported) note(format string, args ...any) {
	im.Notes = append(im.Notes, fmt.Sprintf(format, args...))
}

func (im *Imported) comment(id, format string, args ...any) {
	if im.Comments == nil {
		im.Comments = map[string]string{}
	}
	c := fmt.Sprintf(format, args...)
	if prev := im.Comments[id]; prev != "" {
		c = prev + "\n" + c
	}
	im.Comments[id] = c
}

// errorsAt collects positioned problems in a foreign file.
type errorsAt struct {
	file  string
	diags model.Diagnostics
}

func (e *errorsAt) add(n *yaml.Node, format string, args ...any) {
	pos := threatmap.Position{File: e.file, Line: 1, Column: 1}
	if n != nil && n.Line > 0 {
		pos.Line, pos.Column = n.Line, n.Column
	}
	e.diags = append(e.diags, model.Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

func (e *errorsAt) err() error {
	if len(e.diags) == 0 {
		return nil
	}
	return e.diags
}

// idAllocator turns foreign ids into threatmap ids (lower case, [a-z0-9._-])
// unique across every kind of element, remembering the mapping per kind.
type idAllocator struct {
	used map[string]bool
	byKd map[string]map[string]string
}

func newIDs() *idAllocator {
	return &idAllocator{used: map[string]bool{"system": true}, byKd: map[string]map[string]string{}}
}

var idBad = regexp.MustCompile(`[^a-z0-9._-]+`)

// Slug lowers s and replaces runs of characters ids may not hold with '-'.
func slug(s string) string {
	s = idBad.ReplaceAllString(strings.ToLower(strings.TrimSpace(s)), "-")
	s = strings.Trim(s, "-._")
	if s == "" {
		s = "x"
	}
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-._")
	}
	return s
}

// assign gives the foreign id of a kind a new unique id and remembers it.
func (a *idAllocator) assign(kind, foreign string) string {
	return a.assignAs(kind, foreign, foreign)
}

// assignAs is assign with the new id made from name rather than from the
// foreign id (for formats whose ids are opaque, like UUIDs).
func (a *idAllocator) assignAs(kind, foreign, name string) string {
	if m, ok := a.byKd[kind]; ok {
		if id, ok := m[foreign]; ok {
			return id
		}
	}
	base := slug(name)
	id := base
	for i := 2; a.used[id]; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	a.used[id] = true
	if a.byKd[kind] == nil {
		a.byKd[kind] = map[string]string{}
	}
	a.byKd[kind][foreign] = id
	return id
}

// get returns the id assigned to a foreign id of a kind.
func (a *idAllocator) get(kind, foreign string) (string, bool) {
	id, ok := a.byKd[kind][foreign]
	return id, ok
}

// YAML writes the imported model as a commented threatmap.yaml.
func (im *Imported) YAML() ([]byte, error) {
	m := im.Model
	root := &yaml.Node{Kind: yaml.MappingNode}
	head := []string{fmt.Sprintf("Imported from %s by threatmap import.", im.Source)}
	if len(im.Notes) > 0 {
		head = append(head, "", "Not carried over, or carried over by choice (review these):")
		for _, n := range im.Notes {
			head = append(head, "- "+n)
		}
	}
	add := func(key string, v *yaml.Node) {
		if v == nil {
			return
		}
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	}
	add("system", mapping("name", m.System.Name, "description", m.System.Description, "owner", m.System.Owner))
	root.Content[0].HeadComment = wrapComment(strings.Join(head, "\n"))
	lists := []struct {
		key string
		n   int
		get func(i int) (string, any)
	}{
		{"assets", len(m.Assets), func(i int) (string, any) { return m.Assets[i].ID, m.Assets[i] }},
		{"components", len(m.Components), func(i int) (string, any) { return m.Components[i].ID, m.Components[i] }},
		{"surfaces", len(m.Surfaces), func(i int) (string, any) { return m.Surfaces[i].ID, m.Surfaces[i] }},
		{"flows", len(m.Flows), func(i int) (string, any) { return m.Flows[i].ID, m.Flows[i] }},
		{"boundaries", len(m.Boundaries), func(i int) (string, any) { return m.Boundaries[i].ID, m.Boundaries[i] }},
		{"identities", len(m.Identities), func(i int) (string, any) { return m.Identities[i].ID, m.Identities[i] }},
		{"controls", len(m.Controls), func(i int) (string, any) { return m.Controls[i].ID, m.Controls[i] }},
	}
	for _, l := range lists {
		if l.n == 0 {
			continue
		}
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for i := 0; i < l.n; i++ {
			id, v := l.get(i)
			n, err := encodePruned(v)
			if err != nil {
				return nil, err
			}
			n.HeadComment = wrapComment(im.Comments[id])
			seq.Content = append(seq.Content, n)
		}
		add(l.key, seq)
	}
	if len(m.Responses) > 0 {
		rs := &yaml.Node{Kind: yaml.MappingNode}
		for _, r := range m.Responses {
			n := responseNode(r)
			k := &yaml.Node{Kind: yaml.ScalarNode, Value: r.Threat, HeadComment: wrapComment(im.Comments[r.Threat])}
			rs.Content = append(rs.Content, k, n)
		}
		add("responses", rs)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return nil, fmt.Errorf("write model: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("write model: %w", err)
	}
	return buf.Bytes(), nil
}

// wrapComment folds long comment lines at about 76 characters.
func wrapComment(s string) string {
	if s == "" {
		return ""
	}
	var out []string
	for _, line := range strings.Split(s, "\n") {
		indent := ""
		if strings.HasPrefix(line, "- ") {
			indent = "  "
		}
		for len(line) > 76 {
			cut := strings.LastIndex(line[:76], " ")
			if cut <= len(indent) {
				break
			}
			out = append(out, line[:cut])
			line = indent + strings.TrimLeft(line[cut:], " ")
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// keepFalse lists the keys whose explicit false carries meaning (the
// pointer-valued booleans of the model).
var keepFalse = map[string]bool{"encrypted": true, "encrypted_at_rest": true, "access_logging": true, "audit_log": true}

// encodePruned encodes v and drops empty values, so the file holds only
// what was set.
func encodePruned(v any) (*yaml.Node, error) {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return nil, fmt.Errorf("write model: %w", err)
	}
	prune(&n)
	return &n, nil
}

// prune drops empty values; an unset period (identities' expires:) is
// encoded as a mapping and dropped too, since imports never set one.
func prune(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		return
	}
	var kept []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		prune(v)
		if isEmpty(k.Value, v) || (k.Value == "expires" && v.Kind == yaml.MappingNode) {
			continue
		}
		kept = append(kept, k, v)
	}
	n.Content = kept
}

func isEmpty(key string, v *yaml.Node) bool {
	switch v.Kind {
	case yaml.ScalarNode:
		switch v.Tag {
		case "!!null":
			return true
		case "!!bool":
			return v.Value == "false" && !keepFalse[key]
		case "!!int":
			return v.Value == "0"
		case "!!str":
			return v.Value == ""
		}
	case yaml.SequenceNode, yaml.MappingNode:
		return len(v.Content) == 0
	}
	return false
}

// mapping builds a block mapping from key, value pairs, leaving out empty
// values.
func mapping(kv ...string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: kv[i]}, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: kv[i+1]})
	}
	return n
}

// responseNode writes a response; dates are written YYYY-MM-DD.
func responseNode(r model.Response) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	add := func(k string, v *yaml.Node) {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, v)
	}
	switch {
	case r.NotApplicable != "":
		add("not_applicable", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: r.NotApplicable})
	case r.Accept != nil:
		add("accept", mapping("by", r.Accept.By, "on", r.Accept.On.String(), "until", r.Accept.Until.String(), "why", r.Accept.Why))
	case r.Transfer != nil:
		add("transfer", mapping("to", r.Transfer.To, "why", r.Transfer.Why))
	case r.Eliminate != nil:
		add("eliminate", mapping("why", r.Eliminate.Why, "on", r.Eliminate.On.String()))
	case len(r.Mitigate) > 0:
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, c := range r.Mitigate {
			seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: c})
		}
		add("mitigate", seq)
	}
	if r.Note != "" {
		add("note", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: r.Note})
	}
	return n
}
