package cli

import (
	"strings"
	"testing"
)

func TestScanIaC(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		code  int
		want  map[string]string // rule -> resource that must carry it
		clean []string          // properties that must have no failing finding
	}{
		{name: "fleet before", args: []string{"scan", "iac", "--format", "json", "examples/rss-bot-fleet"}, code: 1,
			want: map[string]string{
				"iac-unencrypted-storage": "aws_db_instance.archive",
				"iac-plain-http":          "aws_lb_listener.internal_http",
			}},
		{name: "fleet hardened", args: []string{"scan", "iac", "--format", "json", "examples/rss-bot-fleet-hardened"}, code: 0},
		{name: "docqa before", args: []string{"scan", "iac", "--format", "json", "examples/docqa/infra"}, code: 1,
			want: map[string]string{
				"iac-s3-public-access-block": "aws_s3_bucket.uploads",
				"iac-internet-exposed":       "aws_security_group.admin",
			}},
		{name: "docqa hardened", args: []string{"scan", "iac", "--format", "json", "examples/docqa-hardened/infra"}, code: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %.2000s\nstderr: %s", code, tt.code, out, errOut)
			}
			doc := decodeScan(t, out)
			for rule, resource := range tt.want {
				found := false
				for _, f := range doc.Findings {
					if f.Rule == rule && f.Resource == resource && f.Line > 0 {
						found = true
					}
				}
				if !found {
					t.Errorf("no %s finding on %s", rule, resource)
				}
			}
		})
	}
}

func TestScanIaCMasksSecrets(t *testing.T) {
	out, _, _ := run(t, "scan", "iac", "--format", "json", "examples/rss-bot-fleet")
	if strings.Contains(out, "bot-fleet-archive-2024") {
		t.Fatal("secret shown without --reveal-secrets")
	}
	out, _, _ = run(t, "scan", "iac", "--format", "json", "--reveal-secrets", "examples/rss-bot-fleet")
	if !strings.Contains(out, "bot-fleet-archive-2024") {
		t.Fatal("--reveal-secrets did not reveal")
	}
}

func TestScanIaCGolden(t *testing.T) {
	out, _, code := run(t, "scan", "iac", "scan/iac/testdata/fixtures")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	golden(t, "scan_iac_fixtures.golden.txt", out)
}

func TestScanIaCFailOn(t *testing.T) {
	tests := []struct {
		failOn string
		code   int
	}{
		{"low", 1},
		{"critical", 1}, // the uploads bucket policy is public
		{"none", 0},
		{"bogus", 2},
	}
	for _, tt := range tests {
		_, _, code := run(t, "scan", "iac", "--fail-on", tt.failOn, "examples/docqa/infra")
		if code != tt.code {
			t.Errorf("--fail-on %s: exit %d, want %d", tt.failOn, code, tt.code)
		}
	}
	// The fleet's worst infrastructure finding is high, so a critical gate passes.
	if _, _, code := run(t, "scan", "iac", "--fail-on", "critical", "examples/rss-bot-fleet"); code != 0 {
		t.Errorf("fleet --fail-on critical: exit %d, want 0", code)
	}
}
