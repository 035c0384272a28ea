package iam

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// SyntaxError is a document that does not parse, at file:line:col.
type SyntaxError struct {
	File   string
	Line   int
	Column int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// maxDepth bounds nesting so that a hostile document cannot exhaust the
// stack.
const maxDepth = 512

// parseJSON reads a JSON document into a yaml.Node tree, so that JSON and
// YAML documents (policies, CloudFormation templates) share one walker and
// keep line and column numbers on every value.
func parseJSON(file string, src []byte) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	p := &jsonParser{dec: dec, src: src, file: file, lines: []int64{0}}
	for i, c := range src {
		if c == '\n' {
			p.lines = append(p.lines, int64(i+1))
		}
	}
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, p.errAt(dec.InputOffset(), "unexpected data after the top-level value")
	}
	return n, nil
}

type jsonParser struct {
	dec  *json.Decoder
	src  []byte
	file string
	// lines holds the byte offset at which each line starts.
	lines []int64
}

// pos converts a byte offset to a 1-based line and column.
func (p *jsonParser) pos(off int64) (line, col int) {
	i := sort.Search(len(p.lines), func(i int) bool { return p.lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, int(off-p.lines[i]) + 1
}

func (p *jsonParser) errAt(off int64, msg string) error {
	line, col := p.pos(off)
	return &SyntaxError{File: p.file, Line: line, Column: col, Msg: msg}
}

// tokenStart skips the whitespace and separators between the decoder's
// position and the next token.
func (p *jsonParser) tokenStart() int64 {
	off := p.dec.InputOffset()
	for off < int64(len(p.src)) {
		switch p.src[off] {
		case ' ', '\t', '\r', '\n', ':', ',':
			off++
			continue
		}
		break
	}
	return off
}

func (p *jsonParser) token() (json.Token, int64, error) {
	start := p.tokenStart()
	tok, err := p.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, start, p.errAt(se.Offset, se.Error())
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, start, p.errAt(int64(len(p.src)), "unexpected end of JSON input")
		}
		return nil, start, p.errAt(start, err.Error())
	}
	return tok, start, nil
}

func (p *jsonParser) value(depth int) (*yaml.Node, error) {
	tok, start, err := p.token()
	if err != nil {
		return nil, err
	}
	return p.build(tok, start, depth)
}

func (p *jsonParser) build(tok json.Token, start int64, depth int) (*yaml.Node, error) {
	if depth > maxDepth {
		return nil, p.errAt(start, "document nested too deeply")
	}
	line, col := p.pos(start)
	n := &yaml.Node{Line: line, Column: col}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n.Kind, n.Tag = yaml.MappingNode, "!!map"
			for p.dec.More() {
				ktok, kstart, err := p.token()
				if err != nil {
					return nil, err
				}
				key, ok := ktok.(string)
				if !ok {
					return nil, p.errAt(kstart, "object key is not a string")
				}
				kl, kc := p.pos(kstart)
				v, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: kl, Column: kc}, v)
			}
		case '[':
			n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
			for p.dec.More() {
				v, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, v)
			}
		default:
			return nil, p.errAt(start, fmt.Sprintf("unexpected %q", rune(t)))
		}
		// The closing delimiter.
		if _, _, err := p.token(); err != nil {
			return nil, err
		}
	case string:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!str", t
	case json.Number:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!int", t.String()
	case bool:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!bool", strconv.FormatBool(t)
	case nil:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!null", "null"
	}
	return n, nil
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// parseYAML reads a YAML document into a node tree. CloudFormation's short
// intrinsic tags (!Ref, !Sub, !GetAtt) are kept on the nodes.
func parseYAML(file string, src []byte) (n *yaml.Node, err error) {
	// The YAML library has panicked on hostile input in the past; a file that
	// does that is reported as unreadable, not allowed to end the scan.
	defer func() {
		if r := recover(); r != nil {
			n, err = nil, &SyntaxError{File: file, Line: 1, Column: 1, Msg: fmt.Sprintf("YAML parser failed: %v", r)}
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		line := 1
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		return nil, &SyntaxError{File: file, Line: line, Column: 1, Msg: err.Error()}
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		return doc.Content[0], nil
	}
	return &doc, nil
}

// lookup returns the value of a key in a mapping node.
func lookup(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// lookupFold is lookup ignoring case, as policy keys are case-insensitive.
func lookupFold(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if equalFold(n.Content[i].Value, key) {
			return n.Content[i+1]
		}
	}
	return nil
}

func equalFold(a, b string) bool {
	return len(a) == len(b) && bytes.EqualFold([]byte(a), []byte(b))
}

// deref follows YAML aliases, bounded so that alias cycles end.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}
