// Package tsparse parses many files with tree-sitter on several cores. A
// tree-sitter parser is not safe for concurrent use, so each worker owns one
// parser per grammar; the trees it returns may be read from any goroutine.
package tsparse

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"
)

// Input is one file to parse with a grammar.
type Input struct {
	Src  []byte
	Lang *sitter.Language
}

// Result is the tree for the input at the same index, or the error.
type Result struct {
	Tree *sitter.Tree
	Err  error
}

// All parses every input, using up to GOMAXPROCS workers (at most 8), and
// returns results in input order. The caller closes the trees.
func All(ctx context.Context, inputs []Input) []Result {
	out := make([]Result, len(inputs))
	workers := min(runtime.GOMAXPROCS(0), 8, len(inputs))
	if workers == 0 {
		return out
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parsers := map[*sitter.Language]*sitter.Parser{}
			defer func() {
				for _, p := range parsers {
					p.Close()
				}
			}()
			for i := range next {
				in := inputs[i]
				p := parsers[in.Lang]
				if p == nil {
					p = sitter.NewParser()
					p.SetLanguage(in.Lang)
					parsers[in.Lang] = p
				}
				out[i].Tree, out[i].Err = p.ParseCtx(ctx, nil, in.Src)
			}
		}()
	}
	for i := range inputs {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	for i := range out {
		if out[i].Tree == nil && out[i].Err == nil {
			out[i].Err = ctx.Err()
		}
	}
	return out
}

// Source is one file handed to a tree-sitter extractor: its path relative
// to the scanned root and its bytes.
type Source struct {
	Rel string
	Src []byte
}

// ParseError is a file whose syntax tree has errors; routes in the broken
// part may be missing.
type ParseError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e ParseError) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg) }

// SyntaxError returns the first syntax error in a parsed file, if the tree
// has one: the error or missing node met first in a depth-first walk.
func SyntaxError(rel string, root *sitter.Node) (ParseError, bool) {
	if !root.HasError() {
		return ParseError{}, false
	}
	e := firstError(root)
	if e == nil {
		return ParseError{}, false
	}
	pt := e.StartPoint()
	return ParseError{File: rel, Line: int(pt.Row) + 1, Col: int(pt.Column) + 1, Msg: "syntax error"}, true
}

func firstError(n *sitter.Node) *sitter.Node {
	if n.IsError() || n.IsMissing() {
		return n
	}
	for i := 0; i < int(n.ChildCount()); i++ {
		c := n.Child(i)
		if c.HasError() || c.IsMissing() {
			if e := firstError(c); e != nil {
				return e
			}
		}
	}
	return nil
}
