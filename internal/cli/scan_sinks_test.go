package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/evidence"
)

// TestScanSinksJSONLinksRoutes checks the scan sinks contract and the join
// to routes: a Flask decorator, an inline Express callback registered over
// several lines, an Express handler in another file named through its
// module, and a Go handler in another package.
func TestScanSinksJSONLinksRoutes(t *testing.T) {
	out, errOut, code := run(t, "scan", "sinks", "--format", "json", "internal/cli/testdata/sinks-link")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	var doc struct {
		Findings []struct {
			Rule     string `json:"rule"`
			File     string `json:"file"`
			Line     int    `json:"line"`
			Column   int    `json:"column"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
			Sink     string `json:"sink"`
			Source   string `json:"source"`
			Route    string `json:"route"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"py/app.py:9":             "POST /ping",
		"py/app.py:14":            "",
		"app/server.js:8":         "POST /run",
		"app/routes/users.js:3":   "GET /users/{id}",
		"svc/handlers/fetch.go:6": "GET /fetch",
	}
	got := map[string]string{}
	for _, f := range doc.Findings {
		if f.Rule == "" || f.Column == 0 || f.Severity == "" || f.Message == "" || f.Sink == "" {
			t.Errorf("incomplete finding %+v", f)
		}
		got[f.File+":"+itoa(f.Line)] = f.Route
	}
	for k, route := range want {
		r, ok := got[k]
		if !ok {
			t.Errorf("no finding at %s; got %v", k, got)
			continue
		}
		if r != route {
			t.Errorf("%s: route %q, want %q", k, r, route)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d findings, want %d: %v", len(got), len(want), got)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestJoinSinkRoutes(t *testing.T) {
	rs := []evidence.Route{
		{Method: "GET", Path: "/a", File: "views.py", Line: 5, Handler: "a"},
		{Method: "POST", Path: "/a", File: "views.py", Line: 5, Handler: "a"},
		{Method: "GET", Path: "/b", File: "urls.py", Line: 3, Handler: "views.b"},
		{Method: "GET", Path: "/c", File: "urls.py", Line: 4, Handler: "other.c"},
		{Method: "GET", Path: "/main", File: "main.py", Line: 40, Handler: ""},
		{Method: "POST", Path: "/orders", File: "routes/orders.js", Line: 6, Handler: "controller.create", HandlerFile: "controllers/orders.js", HandlerFunc: "create", HandlerLine: 3},
		{Method: "GET", Path: "/list", File: "routes/orders.js", Line: 7, Handler: "ctl.list", HandlerFile: "controllers/unread.js", HandlerFunc: "list"},
	}
	sink := func(file, fn string, line, head, end int) evidence.Finding {
		return evidence.Finding{Scanner: "sinks", File: file, CodeFlow: evidence.CodeFlow{Function: fn, FunctionLine: line, FunctionHead: head, FunctionEnd: end}}
	}
	cases := []struct {
		name string
		f    evidence.Finding
		want string
	}{
		{"decorators above the def", sink("views.py", "a", 5, 7, 12), "GET /a, POST /a"},
		{"handler named through its module", sink("app/views.py", "b", 20, 20, 30), "GET /b"},
		{"qualifier names another file", sink("app/views.py", "c", 40, 40, 50), ""},
		{"route registered inside the body is not the function's", sink("main.py", "main", 30, 30, 60), ""},
		{"handler followed into its controller file", sink("controllers/orders.js", "create", 3, 3, 9), "POST /orders"},
		{"another function of the controller file", sink("controllers/orders.js", "remove", 11, 11, 15), ""},
		{"controller file not read: matched by name", sink("controllers/unread.js", "list", 1, 1, 5), "GET /list"},
		{"other scanners untouched", evidence.Finding{Scanner: "secrets", File: "views.py", CodeFlow: evidence.CodeFlow{FunctionLine: 5, FunctionHead: 7}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := []evidence.Finding{c.f}
			joinSinkRoutes(fs, rs)
			if fs[0].Route != c.want {
				t.Errorf("route %q, want %q", fs[0].Route, c.want)
			}
			if c.want != "" && fs[0].Resource == "" {
				t.Error("resource not set, so the finding would not link to a surface")
			}
		})
	}
}

// TestScanSinksSARIFHelp checks that SARIF output carries each reported
// rule's help from the scanner's RuleInfo.
func TestScanSinksSARIFHelp(t *testing.T) {
	out, errOut, code := run(t, "scan", "sinks", "--format", "sarif", "internal/cli/testdata/sinks-link")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	var doc struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID   string `json:"id"`
						Help struct {
							Text string `json:"text"`
						} `json:"help"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 1 || len(doc.Runs[0].Results) == 0 {
		t.Fatalf("no results: %s", out)
	}
	help := map[string]string{}
	for _, r := range doc.Runs[0].Tool.Driver.Rules {
		help[r.ID] = r.Help.Text
	}
	for _, res := range doc.Runs[0].Results {
		if !strings.Contains(help[res.RuleID], " ") {
			t.Errorf("rule %s has no help text", res.RuleID)
		}
	}
	if !strings.Contains(help["sinks/command-injection"], "shlex.quote") {
		t.Errorf("command-injection help = %q, want the rule description", help["sinks/command-injection"])
	}
}
