package model

import (
	"reflect"
	"sync"
	"testing"
)

// TestDecodeWithSharedTypes: files decoded through one Types, one after
// another or at the same time, give what each gives decoded on its own:
// the same values, the same problems (pattern, enum, unknown key,
// missing key) and positions in their own file.
func TestDecodeWithSharedTypes(t *testing.T) {
	files := map[string]string{
		"a.yaml": "id: c1\nname: One\nkind: authentication\non: [s1, s2]\nstatus: verified\n",
		"b.yaml": "id: Bad Id\nkind: mfa\nstatus: done\n",
		"c.yaml": "name: no id\nkind: audit-log\nowner: ops\ncolour: blue\n",
	}
	type decoded struct {
		c     Control
		diags Diagnostics
	}
	alone := map[string]decoded{}
	for name, text := range files {
		var c Control
		diags := Decode(name, []byte(text), &c)
		alone[name] = decoded{c, diags}
	}
	if len(alone["b.yaml"].diags) < 2 || len(alone["c.yaml"].diags) < 2 {
		t.Fatalf("the files should have problems: %v / %v", alone["b.yaml"].diags, alone["c.yaml"].diags)
	}
	check := func(how, name string, c Control, diags Diagnostics) {
		t.Helper()
		want := alone[name]
		if !reflect.DeepEqual(diags, want.diags) {
			t.Errorf("%s, %s: problems %v, alone %v", how, name, diags, want.diags)
		}
		if c.ID != want.c.ID || c.Kind != want.c.Kind || !reflect.DeepEqual(c.On, want.c.On) || c.Loc.At("kind") != want.c.Loc.At("kind") {
			t.Errorf("%s, %s: %+v at %v, alone %+v at %v", how, name, c, c.Loc.At("kind"), want.c, want.c.Loc.At("kind"))
		}
	}
	types := NewTypes()
	for _, name := range []string{"a.yaml", "b.yaml", "c.yaml", "a.yaml"} {
		var c Control
		diags := DecodeWith(types, name, []byte(files[name]), &c)
		check("in turn", name, c, diags)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range 4 {
		for name, text := range files {
			wg.Go(func() {
				var c Control
				diags := DecodeWith(types, name, []byte(text), &c)
				mu.Lock()
				defer mu.Unlock()
				check("at once", name, c, diags)
			})
		}
	}
	wg.Wait()
}
