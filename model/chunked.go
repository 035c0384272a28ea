package model

import (
	"bytes"
	"runtime"

	"go.yaml.in/yaml/v3"
)

// A large model is parsed in pieces on every core. The model's shape
// makes that safe to try and easy to check: a mapping of top-level keys at
// column 0, the large ones holding block sequences whose items start with
// "- " at one indentation. Each long sequence is cut between items into
// pieces of about chunkBytes; the rest of the file (the top-level keys and
// the short sections) is parsed as it is, with the cut lines blanked so
// that its line numbers do not move. The pieces' nodes are shifted to
// their lines in the file and spliced back, giving the node tree the whole
// file gives (TestChunkedParseMatchesWholeParse compares them).
//
// Anything outside that shape (another document, a top-level key that is
// not a plain word, a repeated top-level key, an item at an unexpected
// indentation) makes parseChunked decline, and the file is parsed whole.
// A cut that lands inside a construct spanning lines (a quoted scalar or a
// flow collection continued at the item's indentation, an alias to an
// anchor in another piece) leaves a piece that does not parse, and the
// file is then parsed whole as well, so errors are always the whole
// file's errors.

const (
	// chunkedMinSize is the smallest file parsed in pieces.
	chunkedMinSize = 1 << 20
	// chunkBytes is about how much of a sequence one piece holds.
	chunkBytes = 256 << 10
)

// piece is a run of lines parsed on its own.
type piece struct {
	// first is the 0-based line the piece starts at in the file.
	first int
	text  []byte
	// src is text as a string, or "" (see fastParseFrom).
	src string
	// slabs are the blocks of nodes node is in (fast parser only), given
	// back to the pool once its items are decoded.
	slabs [][]yaml.Node
	// seq is the index of the sequence the piece belongs to; count is
	// how many of its items the piece holds.
	seq   int
	count int
	node  *yaml.Node
	err   error
	done  chan struct{}
}

// chunked is a file cut into pieces: the head (the top-level mapping with
// each long sequence left empty) parsed, and the pieces parsed on every
// core a few ahead of the decoder, which takes them in file order and lets
// each go once its items are decoded. So no node tree of the whole file
// is ever alive at once.
type chunked struct {
	root *yaml.Node
	// seqs maps each empty sequence node of the head to its index;
	// counts holds each sequence's number of items.
	seqs   map[*yaml.Node]int
	counts []int
	pieces []*piece
	next   int
	failed bool
	slots  chan struct{}
	stop   chan struct{}
	// pool keeps the pieces' blocks of nodes for the pieces parsed
	// after them.
	pool *nodePool
}

// parseChunked returns data cut into pieces, or false when the file is
// small or not of the expected shape. Its pieces must be taken and the
// whole ended with finish.
// src is data as a string (or ""): the pieces' scalar values are then
// substrings of it.
func parseChunked(data []byte, src string) (*chunked, bool) {
	if len(data) < chunkedMinSize || runtime.GOMAXPROCS(0) < 2 {
		return nil, false
	}
	return cutPieces(data, src, chunkBytes)
}

// cutPieces is parseChunked with the size of a piece as a parameter.
func cutPieces(data []byte, src string, chunkBytes int) (*chunked, bool) {
	if len(src) != len(data) {
		src = ""
	}
	if otherLineBreaks(data) {
		return nil, false
	}
	// off[i] is where line i starts in data, off[len(off)-1] the end: a
	// line is data[off[i]:off[i+1]], with its line break (the lines
	// bytes.SplitAfter gives, without a slice of them).
	off := lineOffsets(data)
	nLines := len(off) - 1
	line := func(i int) []byte { return data[off[i]:off[i+1]] }
	type section struct {
		key        string
		start, end int // lines of the value, after the key line
		// bare is a key line with nothing after the colon but a
		// comment: only such a value (no anchor, tag or inline value)
		// is cut.
		bare bool
	}
	var sections []section
	seen := map[string]bool{}
	for i := range nLines {
		l := line(i)
		if len(l) == 0 || l[0] == ' ' || l[0] == '\n' || l[0] == '\r' || l[0] == '#' {
			continue
		}
		key, ok := topLevelKey(l)
		if !ok || seen[key] {
			return nil, false
		}
		seen[key] = true
		if len(sections) > 0 {
			sections[len(sections)-1].end = i
		}
		rest := bytes.TrimSpace(l[len(key)+1:])
		sections = append(sections, section{key: key, start: i + 1, end: nLines, bare: len(rest) == 0 || rest[0] == '#'})
	}
	// Cut each block sequence of more than an eighth of a piece into
	// pieces between items: what stays in the head is parsed by yaml.v3
	// on one core before any piece is decoded, and a mid-sized section
	// (a model's assets, identities, boundaries or controls) left there
	// made that the longest serial step of loading a large model.
	c := &chunked{seqs: map[*yaml.Node]int{}, pool: &nodePool{}}
	type cutSeq struct {
		key       string
		line, col int // of the first item, 1-based
		// from and to are the lines blanked in the head.
		from, to int
	}
	var cuts []cutSeq
	for _, s := range sections {
		if off[s.end]-off[s.start] < chunkBytes/8 || !s.bare {
			continue
		}
		items, indent, ok := itemStartsOf(s.end-s.start, func(i int) []byte { return line(s.start + i) })
		if !ok || len(items) < 2 {
			continue
		}
		// Everything from the first item to the end of the section is
		// parsed in pieces and blanked in the head.
		first := s.start + items[0]
		si := len(cuts)
		var cur *piece
		for _, it := range items {
			at := s.start + it
			if cur == nil || off[at]-off[cur.first] >= chunkBytes {
				if cur != nil {
					cur.text, cur.src = data[off[cur.first]:off[at]], sub(src, off[cur.first], off[at])
				}
				cur = &piece{first: at, seq: si, done: make(chan struct{})}
				c.pieces = append(c.pieces, cur)
			}
			cur.count++
		}
		cur.text, cur.src = data[off[cur.first]:off[s.end]], sub(src, off[cur.first], off[s.end])
		cuts = append(cuts, cutSeq{key: s.key, line: first + 1, col: indent + 1, from: first, to: s.end})
		c.counts = append(c.counts, len(items))
	}
	if len(cuts) == 0 {
		return nil, false
	}
	// The head is the file with the cut lines blank, their line breaks
	// kept so that line numbers do not move.
	headText := make([]byte, 0, off[cuts[0].from]+64)
	at := 0
	for _, cut := range cuts {
		headText = append(headText, data[at:off[cut.from]]...)
		headText = appendLineBreaks(headText, data[off[cut.from]:off[cut.to]])
		at = off[cut.to]
	}
	headText = append(headText, data[at:]...)
	off = nil
	c.start()
	root, err := parseOne(headText)
	if err != nil || root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		c.failed = true
		c.finish()
		return nil, false
	}
	top := root.Content[0]
	for si, cut := range cuts {
		// The head has the key with an empty value where the sequence
		// was; it becomes an empty sequence whose items are the pieces'.
		var val *yaml.Node
		for i := 0; i+1 < len(top.Content); i += 2 {
			if top.Content[i].Value == cut.key && top.Content[i].Kind == yaml.ScalarNode {
				val = top.Content[i+1]
			}
		}
		if val == nil || val.Kind != yaml.ScalarNode || val.Tag != "!!null" || val.Value != "" {
			c.failed = true
			c.finish()
			return nil, false
		}
		*val = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: cut.line, Column: cut.col}
		c.seqs[val] = si
	}
	c.root = root
	return c, true
}

// lookahead is how many pieces are parsed ahead of the decoder.
func lookahead() int { return 2 * runtime.GOMAXPROCS(0) }

// start parses the pieces in order, at most lookahead at a time beyond
// those the decoder has let go.
func (c *chunked) start() {
	c.slots = make(chan struct{}, lookahead())
	c.stop = make(chan struct{})
	go func() {
		for _, p := range c.pieces {
			select {
			case c.slots <- struct{}{}:
			case <-c.stop:
				return
			}
			go func() {
				p.node, p.slabs, p.err = parseOneFrom(p.text, p.src, c.pool)
				p.text, p.src = nil, ""
				close(p.done)
			}()
		}
	}()
}

// take returns the next piece of sequence si once it is parsed, or false
// when that sequence has no more or the cut has failed (the decoding is
// then thrown away). Pieces of earlier sequences that the
// decoder did not ask for are waited for and let go.
func (c *chunked) take(si int) (*piece, bool) {
	for !c.failed && c.next < len(c.pieces) {
		p := c.pieces[c.next]
		if p.seq > si {
			return nil, false
		}
		c.next++
		<-p.done
		if p.err != nil || p.node == nil {
			c.failed = true
		}
		if p.seq == si {
			return p, true
		}
		c.release(p)
	}
	return nil, false
}

// items returns a taken piece's items moved to their lines in the file,
// or false (and the whole cut fails) when the piece is not the run of
// items it was cut as.
func (c *chunked) items(p *piece, seq *yaml.Node) ([]*yaml.Node, bool) {
	if p.err != nil || p.node == nil || len(p.node.Content) != 1 || p.node.Content[0].Kind != yaml.SequenceNode {
		c.failed = true
		return nil, false
	}
	s := p.node.Content[0]
	shiftLines(s, p.first)
	if len(s.Content) != p.count || s.Line != p.first+1 || (p.first+1 == seq.Line && s.Column != seq.Column) {
		c.failed = true
		return nil, false
	}
	return s.Content, true
}

// release lets a piece's nodes go and frees its slot.
func (c *chunked) release(p *piece) {
	p.node = nil
	<-c.slots
}

// finish waits for the pieces nobody took, checking that they parsed, and
// reports whether every piece did. Once one has failed it waits for no
// more: the pieces still being parsed end on their own and are dropped.
func (c *chunked) finish() bool {
	for !c.failed && c.next < len(c.pieces) {
		p := c.pieces[c.next]
		c.next++
		<-p.done
		if p.err != nil || p.node == nil {
			c.failed = true
		}
		c.release(p)
	}
	close(c.stop)
	return !c.failed
}

// parsePieces parses data in pieces of about chunkBytes and splices them
// into one tree, as the decoder sees it; false when the file is not cut
// or a piece fails.
func parsePieces(data []byte, chunkBytes int) (*yaml.Node, bool) {
	c, ok := cutPieces(data, string(data), chunkBytes)
	if !ok {
		return nil, false
	}
	seqNodes := make([]*yaml.Node, len(c.counts))
	for n, si := range c.seqs {
		seqNodes[si] = n
	}
	for si, seq := range seqNodes {
		for {
			p, ok := c.take(si)
			if !ok {
				break
			}
			items, ok := c.items(p, seq)
			if ok {
				seq.Content = append(seq.Content, items...)
			}
			c.release(p)
		}
	}
	if !c.finish() {
		return nil, false
	}
	return c.root, true
}

// parseOne parses one document; a second one is an error. The plainest
// text (what a large model's pieces are) goes to fastParse, the rest to
// yaml.v3.
func parseOne(text []byte) (*yaml.Node, error) {
	n, _, err := parseOneFrom(text, "", nil)
	return n, err
}

// parseOneFrom is parseOne with the fast parser's src and blocks of nodes
// (see fastParseFrom); it returns the blocks (nil when yaml.v3 parsed the
// text).
func parseOneFrom(text []byte, src string, pool *nodePool) (*yaml.Node, [][]yaml.Node, error) {
	if n, slabs, ok := fastParseFrom(text, src, pool); ok {
		return n, slabs, nil
	}
	n, err := parseYAML(text)
	return n, nil, err
}

// parseYAML parses one document with yaml.v3.
func parseYAML(text []byte) (*yaml.Node, error) {
	var n yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(text))
	if err := dec.Decode(&n); err != nil {
		return nil, err
	}
	var extra yaml.Node
	if dec.Decode(&extra) == nil {
		return nil, errSecondDocument
	}
	return &n, nil
}

// otherLineBreaks reports whether data breaks lines other than with "\n"
// or "\r\n": yaml.v3 also breaks them at a lone carriage return and at
// NEL, LS and PS, where the cut (which counts "\n") would see one line.
func otherLineBreaks(data []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\r')
		if j < 0 {
			break
		}
		i += j + 1
		if i == len(data) || data[i] != '\n' {
			return true
		}
	}
	return bytes.Contains(data, []byte("\u0085")) || bytes.Contains(data, []byte("\u2028")) || bytes.Contains(data, []byte("\u2029"))
}

type chunkError string

func (e chunkError) Error() string { return string(e) }

const errSecondDocument = chunkError("more than one document")

// topLevelKey reads "key:" followed by the end of the line, a space or a
// comment, for a key of letters, digits, '_' and '-'.
func topLevelKey(l []byte) (string, bool) {
	i := 0
	for i < len(l) && (l[i] >= 'a' && l[i] <= 'z' || l[i] >= 'A' && l[i] <= 'Z' || l[i] == '_' || i > 0 && (l[i] >= '0' && l[i] <= '9' || l[i] == '-')) {
		i++
	}
	if i == 0 || i >= len(l) || l[i] != ':' {
		return "", false
	}
	if i+1 < len(l) && l[i+1] != ' ' && l[i+1] != '\n' && l[i+1] != '\r' {
		return "", false
	}
	return string(l[:i]), true
}

// itemStartsOf returns the lines (of the section's n lines, which line
// gives) where the items of the section's block sequence start, or false
// when the section is not a block sequence with every other line blank,
// a comment or indented deeper than its items.
func itemStartsOf(n int, line func(i int) []byte) ([]int, int, bool) {
	indent := -1
	var starts []int
	for i := range n {
		l := line(i)
		n := 0
		for n < len(l) && l[n] == ' ' {
			n++
		}
		if n == len(l) || l[n] == '\n' || l[n] == '\r' {
			continue // blank
		}
		if l[n] == '#' && (indent < 0 || n <= indent) {
			continue // a comment outside an item's text
		}
		if l[n] == '\t' {
			return nil, 0, false
		}
		isItem := l[n] == '-' && (n+1 == len(l) || l[n+1] == ' ' || l[n+1] == '\n' || l[n+1] == '\r')
		if indent < 0 {
			if !isItem {
				return nil, 0, false
			}
			indent = n
		}
		switch {
		case n == indent && isItem:
			starts = append(starts, i)
		case n > indent:
		default:
			return nil, 0, false
		}
	}
	return starts, indent, true
}

// lineOffsets returns where each line of data starts (as bytes.SplitAfter
// cuts it at each newline: a text ending in a newline has an empty last
// line), followed by len(data).
func lineOffsets(data []byte) []int {
	off := make([]int, 1, bytes.Count(data, []byte("\n"))+2)
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		off = append(off, i)
	}
	return append(off, len(data))
}

// appendLineBreaks appends the line breaks of text ("\n" or "\r\n"), one
// for each of its lines that ends in one: the lines blank, their line
// numbers kept.
func appendLineBreaks(dst, text []byte) []byte {
	for {
		j := bytes.IndexByte(text, '\n')
		if j < 0 {
			return dst
		}
		if j > 0 && text[j-1] == '\r' {
			dst = append(dst, '\r', '\n')
		} else {
			dst = append(dst, '\n')
		}
		text = text[j+1:]
	}
}

// shiftLines moves a piece's nodes to their lines in the file. Every node
// is in the tree once (an alias is a node of its own pointing at its
// anchor), so following Content visits each once.
func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

// sub is src[i:j], or "" when there is no src.
func sub(src string, i, j int) string {
	if src == "" {
		return ""
	}
	return src[i:j]
}
