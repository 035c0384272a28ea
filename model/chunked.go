package model

import (
	"bytes"
	"runtime"
	"sync"

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
	// seq is the index of the sequence the piece belongs to, -1 for the
	// rest of the file.
	seq  int
	node *yaml.Node
	err  error
}

// parseChunked returns the document node of data parsed in pieces, or
// false when the file is small, not of the expected shape, or a piece does
// not parse.
func parseChunked(data []byte) (*yaml.Node, bool) {
	if len(data) < chunkedMinSize || runtime.GOMAXPROCS(0) < 2 {
		return nil, false
	}
	return parsePieces(data, chunkBytes)
}

// parsePieces is parseChunked with the size of a piece as a parameter.
func parsePieces(data []byte, chunkBytes int) (*yaml.Node, bool) {
	lines := bytes.SplitAfter(data, []byte("\n"))
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
	for i, l := range lines {
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
		sections = append(sections, section{key: key, start: i + 1, end: len(lines), bare: len(rest) == 0 || rest[0] == '#'})
	}
	// Cut each long block sequence into pieces between items.
	head := make([][]byte, len(lines))
	copy(head, lines)
	var pieces []*piece
	nseq := 0
	var seqKeys []string
	for _, s := range sections {
		size := 0
		for _, l := range lines[s.start:s.end] {
			size += len(l)
		}
		if size < 2*chunkBytes || !s.bare {
			continue
		}
		items, ok := itemStarts(lines[s.start:s.end])
		if !ok || len(items) < 2 {
			continue
		}
		// Everything from the first item to the end of the section is
		// parsed in pieces and blanked in the head.
		first := s.start + items[0]
		var cur *piece
		curSize := 0
		for k, it := range items {
			at := s.start + it
			next := s.end
			if k+1 < len(items) {
				next = s.start + items[k+1]
			}
			if cur == nil || curSize >= chunkBytes {
				cur = &piece{first: at, seq: nseq}
				pieces = append(pieces, cur)
				curSize = 0
			}
			for _, l := range lines[at:next] {
				cur.text = append(cur.text, l...)
				curSize += len(l)
			}
		}
		for i := first; i < s.end; i++ {
			head[i] = blankLine(lines[i])
		}
		seqKeys = append(seqKeys, s.key)
		nseq++
	}
	if nseq == 0 {
		return nil, false
	}
	hp := &piece{seq: -1, text: bytes.Join(head, nil)}
	pieces = append(pieces, hp)
	// Parse the pieces on every core.
	work := make(chan *piece)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(pieces)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				p.node, p.err = parseOne(p.text)
				p.text = nil
			}
		}()
	}
	for _, p := range pieces {
		work <- p
	}
	close(work)
	wg.Wait()
	for _, p := range pieces {
		if p.err != nil || p.node == nil {
			return nil, false
		}
	}
	root := hp.node
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, false
	}
	top := root.Content[0]
	for si, key := range seqKeys {
		// The head has the key with an empty value where the sequence
		// was.
		var val *yaml.Node
		for i := 0; i+1 < len(top.Content); i += 2 {
			if top.Content[i].Value == key && top.Content[i].Kind == yaml.ScalarNode {
				val = top.Content[i+1]
			}
		}
		if val == nil || val.Kind != yaml.ScalarNode || val.Tag != "!!null" || val.Value != "" {
			return nil, false
		}
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, p := range pieces {
			if p.seq != si {
				continue
			}
			doc := p.node
			if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.SequenceNode {
				return nil, false
			}
			shiftLines(doc.Content[0], p.first)
			if len(seq.Content) == 0 {
				seq.Line, seq.Column = doc.Content[0].Line, doc.Content[0].Column
			}
			seq.Content = append(seq.Content, doc.Content[0].Content...)
		}
		*val = *seq
	}
	return root, true
}

// parseOne parses one document; a second one is an error.
func parseOne(text []byte) (*yaml.Node, error) {
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

// itemStarts returns the lines (relative to the section) where the items
// of the section's block sequence start, or false when the section is not
// a block sequence with every other line blank, a comment or indented
// deeper than its items.
func itemStarts(lines [][]byte) ([]int, bool) {
	indent := -1
	var starts []int
	for i, l := range lines {
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
			return nil, false
		}
		isItem := l[n] == '-' && (n+1 == len(l) || l[n+1] == ' ' || l[n+1] == '\n' || l[n+1] == '\r')
		if indent < 0 {
			if !isItem {
				return nil, false
			}
			indent = n
		}
		switch {
		case n == indent && isItem:
			starts = append(starts, i)
		case n > indent:
		default:
			return nil, false
		}
	}
	return starts, true
}

// blankLine keeps a line's end so that line numbers do not move.
func blankLine(l []byte) []byte {
	if bytes.HasSuffix(l, []byte("\r\n")) {
		return []byte("\r\n")
	}
	if bytes.HasSuffix(l, []byte("\n")) {
		return []byte("\n")
	}
	return nil
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
