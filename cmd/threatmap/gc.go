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

// tuneGC applies the settings above unless getenv names its own.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryBudget)
	}
}
