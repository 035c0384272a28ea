package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

type scanJSON struct {
	Findings []struct {
		Rule     string `json:"rule"`
		File     string `json:"file"`
		Line     int    `json:"line"`
		Severity string `json:"severity"`
		Message  string `json:"message"`
		Resource string `json:"resource"`
		Property string `json:"property"`
		Secret   string `json:"secret"`
	} `json:"findings"`
	Observations []struct {
		Property string `json:"property"`
		Subject  string `json:"subject"`
		Holds    bool   `json:"holds"`
	} `json:"observations"`
}

func decodeScan(t *testing.T, out string) scanJSON {
	t.Helper()
	var doc scanJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	return doc
}

func TestScanIAM(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		rules    []string // rules that must be present, on resource (if set)
		resource string
		stderr   string
	}{
		{name: "shared admin identity fails", args: []string{"scan", "iam", "--format", "json", "examples/rss-bot-fleet"}, code: 1,
			rules: []string{"iam-shared-identity", "iam-wildcard-action", "iam-privilege-escalation"}, resource: "aws_iam_role.super_bot_admin"},
		{name: "seed scoped policy passes", args: []string{"scan", "iam", "--format", "json", "examples/rss-bot-fleet/iam/rss-ingest-scoped-policy.json"}, code: 0},
		{name: "hardened fleet passes", args: []string{"scan", "iam", "--format", "json", "examples/rss-bot-fleet-hardened"}, code: 0},
		{name: "fail-on above the worst", args: []string{"scan", "iam", "--format", "json", "--fail-on", "none", "examples/rss-bot-fleet"}, code: 0},
		{name: "bad format", args: []string{"scan", "iam", "--format", "xml", "examples"}, code: 2, stderr: "--format"},
		{name: "missing path", args: []string{"scan", "iam", "does/not/exist"}, code: 2, stderr: "does/not/exist"},
		{name: "broken single file", args: []string{"scan", "iam", "scan/iam/testdata/broken.json"}, code: 2, stderr: "broken.json:3:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			if tt.stderr != "" && !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.stderr)
			}
			if len(tt.rules) == 0 {
				return
			}
			doc := decodeScan(t, out)
			for _, rule := range tt.rules {
				found := false
				for _, f := range doc.Findings {
					if f.Rule == rule && f.Resource == tt.resource && f.File != "" && f.Line > 0 && f.Severity != "" && f.Message != "" {
						found = true
					}
				}
				if !found {
					t.Errorf("no %s finding on %s", rule, tt.resource)
				}
			}
		})
	}
}

func TestScanIAMGolden(t *testing.T) {
	out, _, code := run(t, "scan", "iam", "--format", "json", "scan/iam/testdata/fixtures/terraform")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	golden(t, "scan_iam_terraform.golden.json", out)
	sarif, _, _ := run(t, "scan", "iam", "--format", "sarif", "examples/rss-bot-fleet")
	var doc struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(sarif), &doc); err != nil || len(doc.Runs) != 1 || len(doc.Runs[0].Results) == 0 || len(doc.Runs[0].Tool.Driver.Rules) == 0 {
		t.Fatalf("SARIF output not as expected (%v): %.400s", err, sarif)
	}
}
