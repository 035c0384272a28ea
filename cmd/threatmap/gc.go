package main

import (
	"runtime/debug"
)

// The garbage collector's settings for one run of the command. A run
// builds its whole result once and exits, so collecting at the default
// pace (whenever the heap has doubled) spends, on a large model, as much
// time marking as the analysis takes. The heap may instead grow to five
// times what is live (gcPercent), up to a budget (memoryBudget) past
// which the collector works as hard as it must to stay under it. A
// GOGC or GOMEMLIMIT set in the environment is left as it is.
const (
	gcPercent    = 400
	memoryBudget = 1536 << 20
)

// analyzingGC is the setting for a command that analyzes a model (report,
// check, export): it builds its whole result once and exits, so the
// collector runs only when the heap reaches the budget. On a
// 10,000-component model the heap never does, and the run takes about an
// eighth less time than at gcPercent; at 100,000 components the budget
// paces the collector either way. It applies only when the environment
// sets neither GOGC nor GOMEMLIMIT: without the budget, nothing would
// bound the heap.
func analyzingGC(getenv func(string) string) func() {
	return func() {
		if getenv("GOGC") == "" && getenv("GOMEMLIMIT") == "" {
			debug.SetGCPercent(-1)
		}
	}
}

// tuneGC applies the settings above unless getenv names its own.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryBudget)
	}
}
