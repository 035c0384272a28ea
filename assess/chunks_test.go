package assess

import (
	"reflect"
	"slices"
	"testing"
	"unsafe"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/internal/modeltest"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/rules"
)

// builtinEngine compiles the built-in rules.
func builtinEngine(t *testing.T) *rules.Engine {
	t.Helper()
	builtin, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	engine, diags := rules.NewEngine(builtin)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return engine
}

// TestAssessChunksMatchesAssess: the assessment of the engine's chunks,
// in whatever order they come, is the assessment of its sorted threats;
// the assessed threats point into the chunks (no copy of the engine's
// threats), and the caller's slots are cleared.
func TestAssessChunksMatchesAssess(t *testing.T) {
	m := modeltest.Dense(t, 150)
	engine := builtinEngine(t)
	ix := link.Build(m, evidence.Set{}, "")
	threats, _ := engine.Run(m, ix, rules.Options{Now: now})
	want := Assess(m, threats, ix, evidence.Set{}, now)
	chunks, _ := engine.RunChunks(m, ix, rules.Options{Now: now})
	if len(chunks) < 3 {
		t.Fatalf("%d chunks: the model is too small to test chunking", len(chunks))
	}
	slices.Reverse(chunks)
	held := slices.Clone(chunks)
	got := AssessChunks(m, chunks, ix, evidence.Set{}, now)
	if len(got.Threats) != len(want.Threats) || len(want.Threats) == 0 {
		t.Fatalf("%d threats from chunks, %d from Assess", len(got.Threats), len(want.Threats))
	}
	if !reflect.DeepEqual(got.Threats, want.Threats) {
		for i := range got.Threats {
			if !reflect.DeepEqual(got.Threats[i], want.Threats[i]) {
				t.Fatalf("threat %d: %s from chunks, %s from Assess", i, got.Threats[i].ID, want.Threats[i].ID)
			}
		}
	}
	for i, c := range chunks {
		if c != nil {
			t.Errorf("chunk %d still held", i)
		}
	}
	for i := range got.Threats {
		p := got.Threats[i].Threat
		if !slices.ContainsFunc(held, func(c []rules.Threat) bool {
			return len(c) > 0 && uintptr(unsafe.Pointer(p)) >= uintptr(unsafe.Pointer(&c[0])) && uintptr(unsafe.Pointer(p)) <= uintptr(unsafe.Pointer(&c[len(c)-1]))
		}) {
			t.Fatalf("threat %d (%s) is a copy, not the engine's", i, p.ID)
		}
	}
}
