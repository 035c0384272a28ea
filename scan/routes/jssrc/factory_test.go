package jssrc

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// factoryFanout writes a chain of depth functions, each returning the next
// from branches return statements, the last one building a router (or,
// without router, returning a number), and an app mounting the chain's
// head. Without a router at the end it is the worst case for following
// factories call by call: every branch is tried, (branches)^depth calls.
func factoryFanout(branches, depth int, router bool) string {
	var b strings.Builder
	b.WriteString("const express = require('express');\nconst app = express();\n")
	for i := 0; i < depth; i++ {
		next := fmt.Sprintf("f%d()", i+1)
		if i+1 == depth {
			next = "api()"
			if !router {
				next = "leaf()"
			}
		}
		fmt.Fprintf(&b, "function f%d() {\n", i)
		for j := 0; j < branches; j++ {
			fmt.Fprintf(&b, "  if (x%d) return %s;\n", j, next)
		}
		b.WriteString("  return null;\n}\n")
	}
	b.WriteString("function api() { const r = express.Router(); r.get('/items', (q, s) => s.end()); return r; }\n")
	b.WriteString("function leaf() { return 1; }\n")
	b.WriteString("app.use('/api', f0());\napp.use('/v2', f0());\n")
	return b.String()
}

// TestFactoryFanoutIsLinear follows a wide, deep factory chain and bounds
// the number of factory calls by the number of return statements, not by
// their product.
func TestFactoryFanoutIsLinear(t *testing.T) {
	for _, tc := range []struct {
		branches, depth int
		router          bool
		want            string
	}{
		{4, 6, false, "GET /items"},
		{16, 12, false, "GET /items"},
		{16, 12, true, "GET /api/items,GET /v2/items"},
	} {
		t.Run(fmt.Sprintf("%dx%d-%v", tc.branches, tc.depth, tc.router), func(t *testing.T) {
			x := newExtractor(context.Background())
			routes, unres, errs := x.extract([]Source{{Rel: "server.js", Src: []byte(factoryFanout(tc.branches, tc.depth, tc.router))}})
			if len(errs) > 0 || len(unres) > 0 {
				t.Fatalf("errors %v, unresolved %v", errs, unres)
			}
			var got []string
			for _, r := range routes {
				got = append(got, r.Method+" "+r.Path)
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("routes %q, want %s", got, tc.want)
			}
			// Every return statement is evaluated once, plus each call
			// site's look-up; the eval and factory paths of factoryValue
			// ask twice.
			if limit := 4 * (tc.branches*tc.depth + 4); x.factorySteps > limit {
				t.Errorf("%d factory calls followed, want at most %d", x.factorySteps, limit)
			}
		})
	}
}

// TestFactoryBudgetReported spends the per-file budget and expects the
// calls left unfollowed to be reported, not dropped.
func TestFactoryBudgetReported(t *testing.T) {
	x := newExtractor(context.Background())
	x.factoryBudget = 5
	routes, unres, _ := x.extract([]Source{{Rel: "server.js", Src: []byte(factoryFanout(3, 8, true))}})
	if len(unres) != 1 || unres[0].File != "server.js" || !strings.Contains(unres[0].Reason, "not followed") {
		t.Fatalf("unresolved %+v, want one report of the spent budget in server.js", unres)
	}
	for _, r := range routes {
		if r.Path == "/api/items" {
			t.Errorf("route %s %s mounted through a factory past the budget", r.Method, r.Path)
		}
	}
}
