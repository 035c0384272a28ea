package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

// TestPrivilegedKeyDetail checks that the privileged-key row names the
// read that reaches the browser first, at most three reads in all, and
// counts the rest.
func TestPrivilegedKeyDetail(t *testing.T) {
	m, diags := model.Parse("m.yaml", []byte("system: {name: s}\ncomponents:\n  - {id: web, kind: service, path: .}\n"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var set evidence.Set
	for i := 1; i <= 5; i++ {
		set.Observations = append(set.Observations, evidence.Observation{Scanner: "sinks", Property: "privileged-key-server-only", Holds: true,
			Detail: "SUPABASE_SERVICE_ROLE_KEY (a Supabase service-role key) read only in server code", File: fmt.Sprintf("app/api/r%d/route.ts", i), Line: i})
	}
	set.Observations = append(set.Observations, evidence.Observation{Scanner: "sinks", Property: "privileged-key-server-only", Holds: false,
		Detail: "NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY (a Supabase service-role key) read through a variable Next.js inlines", File: "lib/public.ts", Line: 9})
	rs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	engine, diags := NewEngine(rs)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	threats, diags := engine.Run(m, link.Build(m, set, ""), Options{Now: fixtureNow})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	for _, th := range threats {
		if th.ID != "privileged-key-bypasses-authorization@web" {
			continue
		}
		if !strings.HasPrefix(th.Detail, "lib/public.ts:9 NEXT_PUBLIC_") {
			t.Errorf("detail does not start with the browser read: %s", th.Detail)
		}
		if n := strings.Count(th.Detail, "route.ts"); n != 2 || !strings.HasSuffix(th.Detail, "; and 3 more reads") {
			t.Errorf("detail lists %d server reads, want 2 and the count of the rest: %s", n, th.Detail)
		}
		if th.Difficulty.String() != "low" {
			t.Errorf("difficulty %s with a read in the browser build, want low", th.Difficulty)
		}
		return
	}
	t.Fatalf("no privileged-key row: %+v", threats)
}
