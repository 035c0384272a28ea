package pages

import (
	"runtime"
	"testing"
)

type node struct {
	p    *int
	s    string
	next []*node
}

// TestTouchChangesNothing: touching fresh slices of any size (less than a
// page, pages and a tail, capacity beyond length) leaves every value as
// it was, while the collector runs.
func TestTouchChangesNothing(t *testing.T) {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
			}
		}
	}()
	defer func() { close(stop); <-done }()
	for _, n := range []int{0, 1, 100, 4095, 4096, 3*4096 + 17, 1 << 20} {
		b := make([]byte, n, n+n/3)
		Touch(b)
		for i, c := range b[:cap(b)] {
			if c != 0 {
				t.Fatalf("bytes, n=%d: byte %d is %d", n, i, c)
			}
		}
		ns := make([]node, n/8)
		Touch(ns)
		for i := range ns {
			if ns[i].p != nil || ns[i].s != "" || ns[i].next != nil {
				t.Fatalf("nodes, n=%d: node %d changed", n/8, i)
			}
		}
		// Filled after the touch, the values hold.
		x := 7
		for i := range ns {
			ns[i] = node{p: &x, s: "s", next: []*node{&ns[0]}}
		}
		runtime.GC()
		for i := range ns {
			if *ns[i].p != 7 || ns[i].s != "s" || ns[i].next[0] != &ns[0] {
				t.Fatalf("nodes, n=%d: node %d lost its values", n/8, i)
			}
		}
	}
	TouchRange(nil, 1<<20)
	var empty []int
	Touch(empty)
}
