package model

import (
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap/internal/pages"
)

// fastParse parses the plainest YAML a large model is written in (block
// sequences and mappings, flow mappings and sequences on one line, plain
// scalars) into the node tree yaml.v3 gives for it, several times faster.
// It declines (false) anything else, and the caller then hands the text
// to yaml.v3: comments, quotes, anchors, aliases, tags, block scalars,
// document markers, control characters and tabs, non-ASCII text (whose
// columns count characters), a plain scalar yaml.v3 would resolve to something other
// than a string, a plain integer, a boolean or null, a scalar continued
// on the next line, an empty value, and any indentation it does not
// expect. FuzzFastParse checks that whatever it accepts, yaml.v3 parses
// to the same tree.
func fastParse(text []byte) (*yaml.Node, bool) {
	n, _, ok := fastParseFrom(text, "", nil)
	return n, ok
}

// fastParseFrom is fastParse with src, when not empty, holding the same
// bytes as text (the scalars' values are then substrings of src rather
// than strings of their own: a large model has millions of them, and its
// text is held anyway for its messages' excerpts), and its blocks of
// nodes taken from pool (nil: new ones). It returns the blocks the tree
// is in, for the caller to give back (nodePool.put) once nothing reads
// the tree; when it declines, it gives them back itself.
func fastParseFrom(text []byte, src string, pool *nodePool) (*yaml.Node, [][]yaml.Node, bool) {
	if len(src) != len(text) {
		src = ""
	}
	p := &fastParser{text: text, src: src, pool: pool}
	n, ok := p.document()
	if !ok {
		pool.put(p.slabs)
		return nil, nil, false
	}
	return n, p.slabs, true
}

// document parses the text as fastParse does.
func (p *fastParser) document() (*yaml.Node, bool) {
	text := p.text
	for _, c := range text {
		switch {
		case c >= 0x7f, c < 0x20 && c != '\n', c == '#', c == '&', c == '*', c == '!', c == '|', c == '>',
			c == '%', c == '@', c == '`', c == '\\':
			return nil, false
		}
	}
	p.skipBlankLines()
	if p.at >= len(text) {
		return nil, false
	}
	col := p.indent()
	if !p.itemStart(col) {
		return nil, false
	}
	seq, ok := p.blockSequence(col)
	if !ok {
		return nil, false
	}
	p.skipBlankLines()
	if p.at != len(text) {
		return nil, false
	}
	doc := p.node()
	*doc = yaml.Node{Kind: yaml.DocumentNode, Line: seq.Line, Column: seq.Column, Content: []*yaml.Node{seq}}
	return doc, true
}

// nodePool keeps blocks of nodes given back once the tree they held has
// been decoded, for the pieces parsed after: the node tree of a large
// model is its largest passing allocation, and fresh memory costs a
// page fault a page.
type nodePool struct {
	mu   sync.Mutex
	free [][]yaml.Node
	// gets counts the blocks handed out, made those made new.
	gets, made int
}

// slabSize is the number of nodes in a block; maxFreeSlabs bounds the
// blocks a pool keeps.
const (
	slabSize     = 256
	maxFreeSlabs = 1024
)

// get returns a block of zero nodes: a kept one, or a new one (always
// new from a nil pool).
func (np *nodePool) get() []yaml.Node {
	if np != nil {
		np.mu.Lock()
		np.gets++
		if n := len(np.free); n > 0 {
			s := np.free[n-1]
			np.free = np.free[:n-1]
			np.mu.Unlock()
			return s
		}
		np.made++
		np.mu.Unlock()
	}
	s := make([]yaml.Node, slabSize)
	pages.Touch(s)
	return s
}

// put clears the blocks and keeps them (up to maxFreeSlabs). The caller
// must hold no node of them any more.
func (np *nodePool) put(slabs [][]yaml.Node) {
	if np == nil {
		return
	}
	for _, s := range slabs {
		s = s[:cap(s)]
		clear(s)
		np.mu.Lock()
		if len(np.free) < maxFreeSlabs {
			np.free = append(np.free, s)
		}
		np.mu.Unlock()
	}
}

// maxKey is the longest key fastParse takes (YAML allows 1024
// characters to an implicit key).
const maxKey = 1000

type fastParser struct {
	text []byte
	// src, when not empty, is text as a string (see fastParseFrom).
	src string
	// at is the offset of the next byte; line and lineStart the 1-based
	// line it is on and where that line starts.
	at, line, lineStart int
	// slab hands out nodes a block at a time; slabs are the blocks
	// handed out, taken from pool when there is one.
	slab  []yaml.Node
	slabs [][]yaml.Node
	pool  *nodePool
	// children holds the items of the flow collections being parsed
	// (an inner one's above its parent's), and kids the block their
	// Content is carved from once its length is known: a collection
	// grown item by item took three or four allocations, and was the
	// parser's largest.
	children []*yaml.Node
	kids     []*yaml.Node
}

// kidsBlock is the number of child pointers a block of kids holds.
const kidsBlock = 4096

// content returns the children from the stack's offset base on as a
// slice of their own (its capacity its length, so that an append to it
// cannot reach a neighbour's), and pops them.
func (p *fastParser) content(base int) []*yaml.Node {
	items := p.children[base:]
	k := len(items)
	var c []*yaml.Node
	switch {
	case k == 0:
	case k > kidsBlock/4:
		c = append([]*yaml.Node(nil), items...)
	default:
		if len(p.kids) < k {
			p.kids = make([]*yaml.Node, kidsBlock)
		}
		c = p.kids[:k:k]
		p.kids = p.kids[k:]
		copy(c, items)
	}
	clear(items)
	p.children = p.children[:base]
	return c
}

func (p *fastParser) node() *yaml.Node {
	if len(p.slab) == 0 {
		p.slab = p.pool.get()
		p.slabs = append(p.slabs, p.slab)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	return n
}

// value is the text from byte i to byte j as a string: a substring of
// src when there is one.
func (p *fastParser) value(i, j int) string {
	if p.src != "" {
		return p.src[i:j]
	}
	return string(p.text[i:j])
}

// column is the 1-based column of the next byte.
func (p *fastParser) column() int { return p.at - p.lineStart + 1 }

// skipBlankLines moves past lines holding only spaces, to the start of
// the next line with text (or the end).
func (p *fastParser) skipBlankLines() {
	if p.line == 0 {
		p.line = 1
	}
	for {
		i := p.at
		for i < len(p.text) && p.text[i] == ' ' {
			i++
		}
		if i < len(p.text) && p.text[i] == '\n' {
			p.at = i + 1
			p.line++
			p.lineStart = p.at
			continue
		}
		if i >= len(p.text) {
			p.at = len(p.text)
		}
		return
	}
}

// indent returns the indentation of the line at p.at (at its start) and
// moves past it.
func (p *fastParser) indent() int {
	n := 0
	for p.at < len(p.text) && p.text[p.at] == ' ' {
		p.at++
		n++
	}
	return n
}

// itemStart reports whether a sequence item ("- ") starts at p.at, on a
// line indented by col.
func (p *fastParser) itemStart(col int) bool {
	return p.column() == col+1 && p.at+1 < len(p.text) && p.text[p.at] == '-' && p.text[p.at+1] == ' '
}

// endOfLine moves past trailing spaces and the newline; false when
// something else follows.
func (p *fastParser) endOfLine() bool {
	for p.at < len(p.text) && p.text[p.at] == ' ' {
		p.at++
	}
	if p.at == len(p.text) {
		return true
	}
	if p.text[p.at] != '\n' {
		return false
	}
	p.at++
	p.line++
	p.lineStart = p.at
	return true
}

// nextLine moves to the next line with text and returns its indentation
// (-1 at the end), leaving p.at after the indentation.
func (p *fastParser) nextLine() int {
	p.skipBlankLines()
	if p.at >= len(p.text) {
		return -1
	}
	return p.indent()
}

// blockSequence parses the items of a block sequence whose dashes are at
// indentation col, the first at p.at.
func (p *fastParser) blockSequence(col int) (*yaml.Node, bool) {
	seq := p.node()
	*seq = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: p.line, Column: p.column()}
	for {
		p.at += 2 // "- "
		for p.at < len(p.text) && p.text[p.at] == ' ' {
			p.at++
		}
		item, ok := p.itemValue()
		if !ok {
			return nil, false
		}
		seq.Content = append(seq.Content, item)
		save := *p
		ind := p.nextLine()
		if ind == col && p.itemStart(col) {
			continue
		}
		// The sequence ends: the caller reads the line again.
		*p = save
		if ind > col {
			return nil, false
		}
		return seq, true
	}
}

// itemValue parses what follows "- ": a flow collection, a block mapping
// starting on the line, or a plain scalar, to the end of its line (and of
// the mapping's further lines).
func (p *fastParser) itemValue() (*yaml.Node, bool) {
	if p.at < len(p.text) && p.text[p.at] != '{' && p.text[p.at] != '[' && p.keyAhead() {
		return p.blockMapping(p.column() - 1)
	}
	n, ok := p.inlineValue(false)
	return n, ok && p.endOfLine()
}

// inlineValue parses a value that starts at p.at and ends on its line: a
// flow collection or a scalar.
func (p *fastParser) inlineValue(inFlow bool) (*yaml.Node, bool) {
	if p.at >= len(p.text) {
		return nil, false
	}
	switch p.text[p.at] {
	case '{', '[':
		return p.flow()
	case '\n', '-', '?', ':', ',', ']', '}':
		return nil, false
	}
	return p.scalar(inFlow)
}

// colonAt reports whether a mapping value indicator is at i: a colon
// followed by a space, a line end or the end of the text.
func (p *fastParser) colonAt(i int) bool {
	return i < len(p.text) && p.text[i] == ':' && (i+1 == len(p.text) || p.text[i+1] == ' ' || p.text[i+1] == '\n')
}

// closingQuote returns where the quote opening at i closes on its line,
// or -1.
func (p *fastParser) closingQuote(i int) int {
	q := p.text[i]
	for i++; i < len(p.text) && p.text[i] != '\n'; i++ {
		if p.text[i] == q {
			return i
		}
	}
	return -1
}

// scalar parses a quoted or plain scalar.
func (p *fastParser) scalar(inFlow bool) (*yaml.Node, bool) {
	if c := p.text[p.at]; c == '"' || c == '\'' {
		return p.quoted()
	}
	return p.plain(inFlow)
}

// quoted parses a single- or double-quoted scalar that ends on its line
// and holds no escape (a doubled single quote is declined too).
func (p *fastParser) quoted() (*yaml.Node, bool) {
	q := p.text[p.at]
	line, col := p.line, p.column()
	i := p.closingQuote(p.at)
	if i < 0 || q == '\'' && i+1 < len(p.text) && p.text[i+1] == '\'' {
		return nil, false
	}
	style := yaml.DoubleQuotedStyle
	if q == '\'' {
		style = yaml.SingleQuotedStyle
	}
	n := p.node()
	*n = yaml.Node{Kind: yaml.ScalarNode, Style: style, Tag: "!!str", Value: p.value(p.at+1, i), Line: line, Column: col}
	p.at = i + 1
	return n, true
}

// keyAhead reports whether the line from p.at is "key: ..." or "key:".
func (p *fastParser) keyAhead() bool {
	i := p.at
	if i < len(p.text) && (p.text[i] == '"' || p.text[i] == '\'') {
		// A quoted key: what follows its closing quote decides.
		end := p.closingQuote(i)
		return end >= 0 && p.colonAt(end+1)
	}
	for ; i < len(p.text) && p.text[i] != '\n'; i++ {
		if p.colonAt(i) {
			return true
		}
	}
	return false
}

// blockMapping parses a block mapping whose keys are at indentation col,
// the first at p.at.
func (p *fastParser) blockMapping(col int) (*yaml.Node, bool) {
	m := p.node()
	*m = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: p.line, Column: p.column()}
	for {
		keyAt := p.at
		key, ok := p.scalar(false)
		// An implicit key is at most 1024 characters long in YAML.
		if !ok || p.at-keyAt > maxKey || !p.colonAt(p.at) {
			return nil, false
		}
		p.at++
		var val *yaml.Node
		if p.at < len(p.text) && p.text[p.at] == ' ' {
			for p.at < len(p.text) && p.text[p.at] == ' ' {
				p.at++
			}
		}
		if p.at >= len(p.text) || p.text[p.at] == '\n' {
			// The value is a block on the next lines.
			if !p.endOfLine() {
				return nil, false
			}
			ind := p.nextLine()
			switch {
			case ind >= col && p.itemStart(ind):
				val, ok = p.blockSequence(ind)
			case ind > col && p.keyAhead():
				val, ok = p.blockMapping(ind)
			default:
				return nil, false
			}
			if !ok {
				return nil, false
			}
		} else {
			val, ok = p.inlineValue(false)
			if !ok || !p.endOfLine() {
				return nil, false
			}
		}
		m.Content = append(m.Content, key, val)
		save := *p
		ind := p.nextLine()
		if ind == col && !p.itemStart(col) {
			continue
		}
		*p = save
		if ind > col {
			return nil, false
		}
		return m, true
	}
}

// flow parses a flow mapping or sequence on one line, from its opening
// bracket at p.at.
func (p *fastParser) flow() (*yaml.Node, bool) {
	open := p.text[p.at]
	n := p.node()
	*n = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Line: p.line, Column: p.column()}
	closer := byte(']')
	if open == '{' {
		n.Kind, n.Tag, closer = yaml.MappingNode, "!!map", '}'
	}
	p.at++
	p.spaces()
	if p.at < len(p.text) && p.text[p.at] == closer {
		p.at++
		return n, true
	}
	base := len(p.children)
	for {
		if n.Kind == yaml.MappingNode {
			if p.at >= len(p.text) {
				return nil, false
			}
			keyAt := p.at
			key, ok := p.scalar(true)
			if !ok || p.at-keyAt > maxKey || p.at+1 >= len(p.text) || p.text[p.at] != ':' || p.text[p.at+1] != ' ' {
				return nil, false
			}
			p.at++
			p.spaces()
			val, ok := p.inlineValue(true)
			if !ok {
				return nil, false
			}
			p.children = append(p.children, key, val)
		} else {
			val, ok := p.inlineValue(true)
			if !ok {
				return nil, false
			}
			p.children = append(p.children, val)
		}
		p.spaces()
		if p.at >= len(p.text) {
			return nil, false
		}
		switch p.text[p.at] {
		case closer:
			p.at++
			n.Content = p.content(base)
			return n, true
		case ',':
			p.at++
			p.spaces()
			if p.at < len(p.text) && (p.text[p.at] == closer || p.text[p.at] == ',') {
				return nil, false
			}
		default:
			return nil, false
		}
	}
}

func (p *fastParser) spaces() {
	for p.at < len(p.text) && p.text[p.at] == ' ' {
		p.at++
	}
}

// plain parses a plain scalar from p.at: in flow context it ends before
// ",", "]", "}" or ": "; in block context before ": " or the end of the
// line. Trailing spaces are not part of it.
func (p *fastParser) plain(inFlow bool) (*yaml.Node, bool) {
	start, line, col := p.at, p.line, p.column()
	end := start
	i := start
scan:
	for ; i < len(p.text); i++ {
		switch c := p.text[i]; c {
		case '\n':
			break scan
		case ':':
			if p.colonAt(i) || inFlow && (p.text[i+1] == ',' || p.text[i+1] == ']' || p.text[i+1] == '}') {
				break scan
			}
		case ',', ']', '}', '[', '{':
			if inFlow {
				break scan
			}
		case '?':
			// yaml.v3 may read a question mark before a space or a flow
			// indicator as the complex-key indicator: declined.
			if inFlow || i+1 == len(p.text) || p.text[i+1] == ' ' || p.text[i+1] == '\n' {
				return nil, false
			}
		}
		if p.text[i] != ' ' {
			end = i + 1
		}
	}
	if end == start {
		return nil, false
	}
	p.at = end
	v := p.value(start, end)
	tag, ok := plainTag(v)
	if !ok {
		return nil, false
	}
	n := p.node()
	*n = yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v, Line: line, Column: col}
	return n, true
}

// plainTag is the tag yaml.v3 resolves a plain scalar to, for the plain
// scalars fastParse takes: booleans, null, decimal integers without sign
// or leading zero, strings that start with a letter or a slash, and
// strings that start with a digit but hold a letter no number or
// timestamp can (90d, 1h).
func plainTag(v string) (string, bool) {
	switch v {
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return "!!bool", true
	case "null", "Null", "NULL":
		return "!!null", true
	}
	c := v[0]
	if c >= '0' && c <= '9' {
		digits := true
		for i := 0; i < len(v); i++ {
			if v[i] < '0' || v[i] > '9' {
				digits = false
			}
		}
		if digits {
			if len(v) > 18 || c == '0' && len(v) > 1 {
				return "", false
			}
			return "!!int", true
		}
		// A duration or size such as 90d or 1h: not an integer (no
		// base prefix, so no hex digits), not a float or a timestamp
		// (whose only letters are e, t and z), so a string.
		// (yaml.v3 drops underscores before reading a number, so 0_x1
		// is hexadecimal: declined.)
		if c == '0' && len(v) > 1 && (v[1]|0x20 == 'x' || v[1]|0x20 == 'o' || v[1]|0x20 == 'b') || strings.IndexByte(v, '_') >= 0 {
			return "", false
		}
		for i := 0; i < len(v); i++ {
			switch l := v[i] | 0x20; {
			case l < 'a' || l > 'z':
			case l == 'e' || l == 't' || l == 'z' || l == 'x' || l == 'o' || l == 'b':
			default:
				return "!!str", true
			}
		}
		return "", false
	}
	if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' {
		return "!!str", true
	}
	return "", false
}
