package model

import (
	"testing"
	"unsafe"
)

// TestReferencesShareTheirIDs: after loading, every reference holds the
// very string of the id it names (the same bytes, not a copy), so a
// lookup of a large model's references compares pointers; and the
// references read as they were written.
func TestReferencesShareTheirIDs(t *testing.T) {
	m, diags, err := Load("testdata/ok/docqa.yaml")
	if err != nil || diags.HasErrors() {
		t.Fatalf("load: %v %v", err, diags)
	}
	defined := map[string]*byte{}
	def := func(id string) { defined[id] = unsafe.StringData(id) }
	for _, a := range m.Assets {
		def(a.ID)
	}
	for _, c := range m.Components {
		def(c.ID)
	}
	for _, s := range m.Surfaces {
		def(s.ID)
	}
	for _, f := range m.Flows {
		def(f.ID)
	}
	for _, c := range m.Controls {
		def(c.ID)
	}
	for _, id := range m.Identities {
		def(id.ID)
	}
	n := 0
	check := func(what, ref string) {
		if ref == "" {
			return
		}
		n++
		p, ok := defined[ref]
		if !ok {
			t.Errorf("%s %q names no element", what, ref)
			return
		}
		if unsafe.StringData(ref) != p {
			t.Errorf("%s %q is a copy of the id, not the id", what, ref)
		}
	}
	for _, c := range m.Components {
		check("runs_as", c.RunsAs)
		for _, a := range c.Stores {
			check("stores", a)
		}
	}
	for _, s := range m.Surfaces {
		check("component", s.Component)
		for _, a := range s.Assets {
			check("assets", a)
		}
	}
	for _, f := range m.Flows {
		check("from", f.From)
		check("to", f.To)
		check("credential", f.Credential)
		for _, a := range f.Data {
			check("data", a)
		}
	}
	for _, c := range m.Controls {
		for _, on := range c.On {
			check("on", on)
		}
	}
	if n < 20 {
		t.Fatalf("only %d references checked", n)
	}
}
