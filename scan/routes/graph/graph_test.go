package graph

import (
	"fmt"
	"testing"
)

// TestFlattenBounded builds routers that each mount the next twice, which
// would yield 2^40 routes, and checks Flatten stops early.
func TestFlattenBounded(t *testing.T) {
	g := New()
	for i := 0; i < 40; i++ {
		r := g.Router(fmt.Sprint(i))
		r.Routes = append(r.Routes, Route{Method: "GET", Path: "/x"})
		r.Mounts = append(r.Mounts, Mount{Child: fmt.Sprint(i + 1), Prefix: "/a"}, Mount{Child: fmt.Sprint(i + 1), Prefix: "/b"})
	}
	if n := len(g.Flatten()); n == 0 || n > 2*maxVisits {
		t.Fatalf("%d routes", n)
	}
}

func TestFlattenPrefixesAndGuards(t *testing.T) {
	g := New()
	app := g.Router("app")
	app.Guards = []Guard{{Kind: "rate-limit"}, {Kind: "auth", Prefix: "/admin"}}
	app.Routes = []Route{{Method: "GET", Path: "/"}}
	app.Mounts = []Mount{{Child: "bp", Prefix: "/admin", Replace: true}}
	bp := g.Router("bp")
	bp.Prefix = "/ignored"
	bp.Routes = []Route{{Method: "post", Path: "/users", Without: []string{"rate-limit"}}}
	got := g.Flatten()
	if len(got) != 2 {
		t.Fatalf("%+v", got)
	}
	if got[0].Path != "/" || fmt.Sprint(got[0].Guards) != "[rate-limit]" {
		t.Errorf("root route %+v", got[0])
	}
	if got[1].Path != "/admin/users" || got[1].Method != "POST" || fmt.Sprint(got[1].Guards) != "[auth]" {
		t.Errorf("blueprint route %+v", got[1])
	}
}
