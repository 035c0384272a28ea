package rules

import (
	"bytes"
	"flag"
	"os"
	"reflect"
	"testing"

	"github.com/threatmap/threatmap/link"
)

var update = flag.Bool("update", false, "rewrite checked.bin")

// TestCheckedBuiltinIsCurrent compiles every expression of the built-in
// rules and requires checked.bin to hold exactly those, in their checked
// form; -update rewrites it.
func TestCheckedBuiltinIsCurrent(t *testing.T) {
	env, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for _, r := range builtinRules(t) {
		exprs = append(exprs, r.expressions()...)
	}
	want, err := writeChecked(env, exprs)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("checked.bin", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(checkedBin, want) {
		t.Fatal("checked.bin is not the built-in rules' expressions as they compile now; run go test ./rules -run TestCheckedBuiltinIsCurrent -update")
	}
	c, err := readChecked(checkedBin)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range exprs {
		if _, ok := c.ast(x); !ok {
			t.Errorf("checked.bin lacks %q", x)
		}
	}
}

// TestReadCheckedRejectsTruncatedEntries: a file cut short is an error,
// never an entry made of what is left.
func TestReadCheckedRejectsTruncatedEntries(t *testing.T) {
	for _, n := range []int{1, len(checkedBin) / 2, len(checkedBin) - 1} {
		if _, err := readChecked(checkedBin[:n]); err == nil {
			t.Errorf("%d of %d bytes read without an error", n, len(checkedBin))
		}
	}
	if c, err := readChecked(nil); err != nil || len(c) != 0 {
		t.Errorf("an empty file gives %v, %v", c, err)
	}
}

// TestCheckedRulesRunAsCompiled runs the built-in rules on the fixtures,
// the examples and the dense model, from checked.bin (with the verdicts
// decided in Go, and by CEL alone) and compiled from their text, and
// requires the same threats.
func TestCheckedRulesRunAsCompiled(t *testing.T) {
	builtin := builtinRules(t)
	var fresh []*Rule
	for _, r := range builtin {
		c := *r
		c.builtin = false
		fresh = append(fresh, &c)
	}
	a, diags := NewEngine(builtin)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	b, diags := NewEngine(fresh)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	// Every expression evaluated by CEL from checked.bin, none decided
	// in Go (the cost tracker on turns the verdicts off).
	c, diags := newEngine(builtin, true, nil)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	for _, in := range celInputs(t) {
		ix := link.Build(in.m, in.ev, "")
		got, _ := a.Run(in.m, ix, Options{Now: fixtureNow})
		want, _ := b.Run(in.m, ix, Options{Now: fixtureNow})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d threats from checked.bin, %d compiled from text, or they differ", in.name, len(got), len(want))
		}
		if byCEL, _ := c.Run(in.m, ix, Options{Now: fixtureNow}); !reflect.DeepEqual(byCEL, want) {
			t.Errorf("%s: %d threats evaluated by CEL from checked.bin, %d compiled from text, or they differ", in.name, len(byCEL), len(want))
		}
	}
}

// FuzzReadChecked: whatever the bytes, reading them as checked
// expressions gives entries that lie within them, or an error; never a
// panic.
func FuzzReadChecked(f *testing.F) {
	f.Add(checkedBin[:min(len(checkedBin), 300)])
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := readChecked(data)
		if err != nil {
			return
		}
		n := 0
		for k, v := range c {
			n += len(k) + len(v)
		}
		if n > len(data) {
			t.Fatalf("%d bytes of entries from %d bytes", n, len(data))
		}
	})
}
