package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestScanRoutesJSON(t *testing.T) {
	out, errOut, code := run(t, "scan", "routes", "--format", "json", "examples/stripe-webhook-bot")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	var doc struct {
		Findings []struct {
			Rule     string `json:"rule"`
			Resource string `json:"resource"`
			Property string `json:"property"`
		} `json:"findings"`
		Routes []struct {
			Method    string   `json:"method"`
			Path      string   `json:"path"`
			File      string   `json:"file"`
			Line      int      `json:"line"`
			Framework string   `json:"framework"`
			Guards    []string `json:"guards"`
			Tags      []string `json:"tags"`
		} `json:"routes"`
		Observations []struct {
			Property string `json:"property"`
			Subject  string `json:"subject"`
			Holds    bool   `json:"holds"`
		} `json:"observations"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Routes) != 10 {
		t.Errorf("%d routes, want 10", len(doc.Routes))
	}
	for _, r := range doc.Routes {
		if r.Guards == nil {
			t.Errorf("%s %s: guards is null, want an array", r.Method, r.Path)
		}
	}
	golden(t, "scan_routes_stripe_webhook_bot.golden.json", out)
}

func TestScanRoutesText(t *testing.T) {
	out, _, code := run(t, "scan", "routes", "scan/routes/testdata/cases/go_chi")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	golden(t, "scan_routes_go_chi.golden.txt", out)
}

func TestScanRoutesExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"lists without failing", []string{"scan", "routes", "examples/stripe-webhook-bot"}, ExitOK},
		{"fail-on medium trips on the dev route", []string{"scan", "routes", "--fail-on", "medium", "examples/stripe-webhook-bot"}, ExitFindings},
		{"fail-on high passes", []string{"scan", "routes", "--fail-on", "high", "examples/stripe-webhook-bot"}, ExitOK},
		{"sarif", []string{"scan", "routes", "--format", "sarif", "examples/stripe-webhook-bot"}, ExitOK},
		{"missing path", []string{"scan", "routes", "does/not/exist"}, ExitUsage},
		{"bad format", []string{"scan", "routes", "--format", "xml", "examples/stripe-webhook-bot"}, ExitUsage},
		{"bad severity", []string{"scan", "routes", "--fail-on", "severe", "examples/stripe-webhook-bot"}, ExitUsage},
		{"two paths", []string{"scan", "routes", "a", "b"}, ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, tt.args...)
			if code != tt.want {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, tt.want, out, errOut)
			}
			if strings.Contains(strings.Join(tt.args, " "), "sarif") && !strings.Contains(out, "dev-route") {
				t.Errorf("SARIF output lacks the dev-route rule:\n%s", out)
			}
		})
	}
}
