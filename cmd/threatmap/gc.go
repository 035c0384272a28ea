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
//
// The budget is 1.875 GiB. A 100,000-component model allocates about
// 1.75 GB in all, of which about a quarter (the model's parse) is freed by
// the one collection that starts the scanners, so under this budget the
// collector never runs again and the process peaks near 1.7 GiB; under
// 1.5 GiB it marked the gigabyte the run keeps three times, for an
// eighth more time (docs/performance.md).
const (
	gcPercent    = 400
	memoryBudget = 1920 << 20
)

// streamingGC sets the pace for each phase of a command that analyzes a
// model (report, check, export; cli.Command.Streaming). Reading the model
// and building the threat map make what the run keeps to its end, and
// the process then exits: the collector runs only when the heap reaches
// the budget (on a 10,000-component model it never does, and the run
// takes about an eighth less time than at gcPercent; at 100,000
// components the budget paces the collector either way). The scanners
// stream a tree's files, so while they run the pace is gcPercent, and a
// large repository's scan stays small. It applies only when the
// environment sets neither GOGC nor GOMEMLIMIT: without the budget,
// nothing would bound the heap.
func streamingGC(getenv func(string) string) func(streaming bool) {
	return func(streaming bool) {
		if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
			return
		}
		if streaming {
			debug.SetGCPercent(gcPercent)
		} else {
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
