package workers

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// TestEachCallsEveryItemOnce: every item is handed out once, on a
// goroutine index below For(n), whatever the number of cores; no item
// means no call.
func TestEachCallsEveryItemOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 5} {
		old := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 3, 1000} {
			calls := make([]atomic.Int32, n)
			var bad atomic.Bool
			Each(n, func(w, i int) {
				if w < 0 || w >= For(n) {
					bad.Store(true)
				}
				calls[i].Add(1)
			})
			if bad.Load() {
				t.Errorf("procs %d, n %d: a goroutine index out of [0, %d)", procs, n, For(n))
			}
			for i := range calls {
				if c := calls[i].Load(); c != 1 {
					t.Errorf("procs %d, n %d: item %d called %d times", procs, n, i, c)
				}
			}
		}
		if got, want := For(1000), procs; got != want {
			t.Errorf("For(1000) with %d cores = %d", procs, got)
		}
		if For(0) != 1 || For(1) != 1 {
			t.Errorf("For(0) = %d, For(1) = %d, want 1", For(0), For(1))
		}
		runtime.GOMAXPROCS(old)
	}
}
