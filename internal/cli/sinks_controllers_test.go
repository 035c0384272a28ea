package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestScanSinksLinksImportedControllers checks that a sink in a controller
// function another file registers as a route handler is linked to that
// route: an ES named import under another name and wrapped in
// asyncHandler, a CommonJS controller.create with exports.create, a
// method of a class instance the module exports, and the handler a
// factory returns (searchProducts()) in a module without routes. A function no route
// names stays unlinked. The basic-auth password of a mounted dashboard,
// a literal in a config module, is reported on the dashboard's route and
// masked unless --reveal.
func TestScanSinksLinksImportedControllers(t *testing.T) {
	const dir = "internal/cli/testdata/sinks-controllers"
	out, errOut, code := run(t, "scan", "sinks", "--format", "json", dir)
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	var doc struct {
		Findings []struct {
			Rule   string `json:"rule"`
			File   string `json:"file"`
			Line   int    `json:"line"`
			Route  string `json:"route"`
			Secret string `json:"secret"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"nosql-injection src/controllers/productController.js:6":    "GET /api/products/",
		"command-injection src/controllers/productController.js:11": "POST /api/products/",
		"command-injection src/controllers/productController.js:17": "",
		"sql-string-built src/controllers/orders.js:6":              "POST /api/orders/",
		"sensitive-data-logged src/controllers/orders.js:5":         "POST /api/orders/",
		"sql-string-built src/controllers/users.js:5":               "GET /api/orders/{id}/owner",
		"hardcoded-credential src/server.js:12":                     "ANY /dash",
		"sql-string-built src/controllers/search.ts:6":              "GET /api/products/search",
	}
	got := map[string]string{}
	for _, f := range doc.Findings {
		got[f.Rule+" "+f.File+":"+itoa(f.Line)] = f.Route
		if f.Rule == "hardcoded-credential" && (f.Secret == "" || strings.Contains(f.Secret, "dash-2024")) {
			t.Errorf("secret %q: want it masked", f.Secret)
		}
	}
	for k, route := range want {
		r, ok := got[k]
		if !ok {
			t.Errorf("no finding %s; got %v", k, got)
		} else if r != route {
			t.Errorf("%s: route %q, want %q", k, r, route)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d findings, want %d: %v", len(got), len(want), got)
	}
	if strings.Contains(out, "dash-2024") {
		t.Error("the literal password is in the output without --reveal")
	}
	out, _, _ = run(t, "scan", "sinks", "--format", "json", "--reveal", dir)
	if !strings.Contains(out, `"secret": "dash-2024"`) {
		t.Errorf("--reveal does not show the password:\n%s", out)
	}
}
