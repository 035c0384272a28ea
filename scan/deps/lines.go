package deps

import (
	"fmt"
	"sort"
)

// lineIndex maps byte offsets of a file to 1-based line and column numbers.
type lineIndex []int

func newLineIndex(data []byte) lineIndex {
	idx := lineIndex{0}
	for i, b := range data {
		if b == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

// pos returns the line and column of a byte offset.
func (idx lineIndex) pos(off int) (line, col int) {
	i := sort.Search(len(idx), func(i int) bool { return idx[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, off - idx[i] + 1
}

// ParseError is a lockfile or manifest that could not be read, with the
// position of the problem where the format tells it.
type ParseError struct {
	File string
	Line int
	Col  int
	Err  error
}

func (e *ParseError) Error() string {
	switch {
	case e.File == "" && e.Line > 0:
		return fmt.Sprintf("line %d, column %d: %v", e.Line, e.Col, e.Err)
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Col, e.Err)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	default:
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
}

func (e *ParseError) Unwrap() error { return e.Err }

func errAt(file string, line, col int, format string, args ...any) error {
	return &ParseError{File: file, Line: line, Col: col, Err: fmt.Errorf(format, args...)}
}
