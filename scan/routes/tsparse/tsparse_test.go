package tsparse

import (
	"context"
	"fmt"
	"testing"

	"github.com/smacker/go-tree-sitter/javascript"
	"github.com/smacker/go-tree-sitter/python"
)

func TestAllKeepsOrder(t *testing.T) {
	var in []Input
	for i := 0; i < 50; i++ {
		if i%2 == 0 {
			in = append(in, Input{Src: []byte(fmt.Sprintf("x%d = %d\n", i, i)), Lang: python.GetLanguage()})
		} else {
			in = append(in, Input{Src: []byte(fmt.Sprintf("const x%d = %d;\n", i, i)), Lang: javascript.GetLanguage()})
		}
	}
	out := All(context.Background(), in)
	for i, r := range out {
		if r.Err != nil || r.Tree == nil {
			t.Fatalf("%d: %v", i, r.Err)
		}
		want := "module"
		if i%2 == 1 {
			want = "program"
		}
		if got := r.Tree.RootNode().Type(); got != want {
			t.Errorf("%d: root %s, want %s", i, got, want)
		}
		if got := r.Tree.RootNode().Content(in[i].Src); got != string(in[i].Src) {
			t.Errorf("%d: tree of %q holds %q", i, in[i].Src, got)
		}
		r.Tree.Close()
	}
}

func TestAllCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, r := range All(ctx, []Input{{Src: []byte("x = 1\n"), Lang: python.GetLanguage()}}) {
		if r.Err == nil && r.Tree != nil {
			r.Tree.Close()
		}
	}
	if len(All(context.Background(), nil)) != 0 {
		t.Fatal("results for no input")
	}
}
