package rules

import (
	"bytes"
	"reflect"
	"runtime"
	"testing"

	"github.com/threatmap/threatmap/internal/modeltest"
)

// TestRunIsDeterministicWhateverTheParallelism runs the built-in rules on
// a dense model on one core and on many, and wants the same threats in
// the same order. The model has more elements of each kind than one
// worker's chunk, so the work really is split.
func TestRunIsDeterministicWhateverTheParallelism(t *testing.T) {
	m := modeltest.Dense(t, 700)
	rs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	engine, diags := NewEngine(rs)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	run := func(procs int) []Threat {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		ts, rdiags := engine.Run(m, nil, Options{Now: fixtureNow})
		if len(rdiags) > 0 {
			t.Fatal(rdiags)
		}
		return ts
	}
	one := run(1)
	if len(one) < 2*chunkSize {
		t.Fatalf("only %d threats: the model is too small to exercise the chunks", len(one))
	}
	for _, procs := range []int{2, 7} {
		many := run(procs)
		if !reflect.DeepEqual(one, many) {
			for i := range min(len(one), len(many)) {
				if !reflect.DeepEqual(one[i], many[i]) {
					t.Fatalf("GOMAXPROCS=%d: threat %d differs:\n%+v\n%+v", procs, i, one[i], many[i])
				}
			}
			t.Fatalf("GOMAXPROCS=%d: %d threats, want %d", procs, len(many), len(one))
		}
	}
}

// TestRuntimeErrorIsReportedOnTheFirstElement checks that a custom rule
// failing on many elements is reported once, on the first element in
// model order, however the elements were shared between workers.
func TestRuntimeErrorIsReportedOnTheFirstElement(t *testing.T) {
	m := modeltest.Dense(t, 1200)
	// Fails on every component but c0 and c1 (no key "missing"), fires
	// on c0 and c1.
	r, ds := ParseRule("fail.yaml", []byte(`id: fails-late
title: fails
stride: [tampering]
applies_to: component
when: 'e.id in ["c0", "c1"] || e.missing == 1'
difficulty: [{level: high, requires: x}]
abuse: x
method: y
mitigations: [z]
explain: w
`))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	engine, ds := NewEngine([]*Rule{r})
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	ts, rdiags := engine.Run(m, nil, Options{Now: fixtureNow})
	if len(ts) != 2 {
		t.Errorf("%d threats, want 2 (the run goes on past the failing elements)", len(ts))
	}
	if len(rdiags) != 1 || !bytes.Contains([]byte(rdiags[0].Message), []byte("rule fails-late on c2:")) {
		t.Errorf("diagnostics %v, want one naming c2", rdiags)
	}
}
