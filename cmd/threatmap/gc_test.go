package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestTuneGC: the run's collector settings apply unless the environment
// names its own.
func TestTuneGC(t *testing.T) {
	keepGCSettings(t)
	for _, tt := range []struct {
		name    string
		env     map[string]string
		percent int
		limit   int64
	}{
		{"defaults", nil, gcPercent, memoryBudget},
		{"GOGC set", map[string]string{"GOGC": "50"}, 100, memoryBudget},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "4GiB"}, gcPercent, math.MaxInt64},
		{"both set", map[string]string{"GOGC": "off", "GOMEMLIMIT": "1GiB"}, 100, math.MaxInt64},
	} {
		t.Run(tt.name, func(t *testing.T) {
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(math.MaxInt64)
			tuneGC(func(k string) string { return tt.env[k] })
			if got := debug.SetGCPercent(100); got != tt.percent {
				t.Errorf("GC percent %d, want %d", got, tt.percent)
			}
			if got := debug.SetMemoryLimit(math.MaxInt64); got != tt.limit {
				t.Errorf("memory limit %d, want %d", got, tt.limit)
			}
		})
	}
}

// TestStreamingGC: a command analyzing a model turns the pace off for
// the phases that build what it keeps and back to gcPercent for the
// scanners, only when the environment names neither setting (with
// GOMEMLIMIT set, the budget may be off).
func TestStreamingGC(t *testing.T) {
	keepGCSettings(t)
	for _, tt := range []struct {
		name             string
		env              map[string]string
		building, stream int
	}{
		{"defaults", nil, -1, gcPercent},
		{"GOGC set", map[string]string{"GOGC": "50"}, 100, 100},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "off"}, gcPercent, gcPercent},
	} {
		t.Run(tt.name, func(t *testing.T) {
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(math.MaxInt64)
			getenv := func(k string) string { return tt.env[k] }
			tuneGC(getenv)
			phase := streamingGC(getenv)
			for _, p := range []struct {
				streaming bool
				want      int
			}{{false, tt.building}, {true, tt.stream}, {false, tt.building}} {
				phase(p.streaming)
				got := debug.SetGCPercent(100)
				debug.SetGCPercent(got)
				if got != p.want {
					t.Errorf("streaming %v: GC percent %d, want %d", p.streaming, got, p.want)
				}
			}
		})
	}
}

// keepGCSettings restores the collector's settings when the test ends.
func keepGCSettings(t *testing.T) {
	prevPercent := debug.SetGCPercent(100)
	prevLimit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	})
}

// TestBudgetLeavesRoom: the budget (which counts all the memory the Go
// runtime maps, not only the heap) stays under the 2 GiB a run on a
// 100,000-component model may take, with room for the binary's own
// pages and the parsers' C memory.
func TestBudgetLeavesRoom(t *testing.T) {
	const target, room = 2 << 30, 64 << 20
	if memoryBudget+room > target {
		t.Errorf("memory budget %d MiB leaves less than %d MiB under %d MiB", memoryBudget>>20, room>>20, target>>20)
	}
}
