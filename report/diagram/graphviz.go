package diagram

import (
	"bytes"
	"context"
	"fmt"
	"regexp"

	"github.com/goccy/go-graphviz"
)

// Graphviz lays graphs out with Graphviz's dot engine, run in process (the
// library embeds Graphviz compiled to WebAssembly), so no dot binary is
// needed on the machine.
type Graphviz struct{}

// prolog matches what precedes the <svg> element in Graphviz's output (XML
// declaration, doctype, comments), which an SVG inlined in HTML must not
// carry.
var prolog = regexp.MustCompile(`(?s)\A.*?(<svg\b)`)

// comment matches XML comments, which carry the Graphviz version and would
// make the output depend on the library's build.
var comment = regexp.MustCompile(`(?s)<!--.*?-->\n?`)

// SVG implements Layout.
func (Graphviz) SVG(ctx context.Context, dot []byte) ([]byte, error) {
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("start graphviz: %w", err)
	}
	defer gv.Close()
	g, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, fmt.Errorf("diagram: %w", err)
	}
	defer g.Close()
	var buf bytes.Buffer
	if err := gv.Render(ctx, g, graphviz.SVG, &buf); err != nil {
		return nil, fmt.Errorf("lay out the diagram: %w", err)
	}
	out := prolog.ReplaceAll(buf.Bytes(), []byte("$1"))
	out = comment.ReplaceAll(out, nil)
	return bytes.TrimSpace(out), nil
}
