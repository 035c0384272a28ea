// Package workers spreads the items of a loop over the cores: each
// goroutine takes the next item when it is done with one, so items of
// uneven cost keep every core busy.
package workers

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For returns the number of goroutines Each uses for n items: one per
// core, no more than there are items, at least one.
func For(n int) int {
	return max(1, min(runtime.GOMAXPROCS(0), n))
}

// Each calls fn(w, i) once for every i in [0, n), on For(n) goroutines
// (on the caller's alone when that is one), and returns when every call
// has. w is the index of the goroutine making the call, below For(n),
// for state a goroutine keeps of its own.
func Each(n int, fn func(w, i int)) {
	if n <= 0 {
		return
	}
	workers := For(n)
	if workers == 1 {
		for i := range n {
			fn(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(w, i)
			}
		})
	}
	wg.Wait()
}
