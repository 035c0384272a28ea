package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/evidence"
)

func supplyJSON(t *testing.T, out string) evidence.Set {
	t.Helper()
	var set evidence.Set
	if err := json.Unmarshal([]byte(out), &set); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	return set
}

// TestScanDepsRSSBotFleet runs the command on the example fleet: the RSS
// bot's logging dependency carries a known vulnerability, reported with
// every contract field.
func TestScanDepsRSSBotFleet(t *testing.T) {
	out, errOut, code := run(t, "scan", "deps", "examples/rss-bot-fleet/bots", "--osv-db", "examples/rss-bot-fleet/osv-db", "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1; stderr %s", code, errOut)
	}
	set := supplyJSON(t, out)
	var logger *evidence.Finding
	rules := map[string]int{}
	for i, f := range set.Findings {
		rules[f.Rule]++
		if f.Package == "python-json-logger" {
			logger = &set.Findings[i]
		}
	}
	if logger == nil {
		t.Fatalf("no finding for the logging dependency: %s", out)
	}
	want := evidence.Finding{
		Scanner: "deps", Rule: "known-vulnerability", File: "rss-ingest/requirements.txt", Line: 27,
		Package: "python-json-logger", Version: "3.2.1", Ecosystem: "PyPI", Advisory: "GHSA-wmxh-pxcx-9w24",
		Fixed: "3.3.0", Property: evidence.NoKnownVulnerabilities,
	}
	if logger.Scanner != want.Scanner || logger.Rule != want.Rule || logger.File != want.File || logger.Line != want.Line ||
		logger.Package != want.Package || logger.Version != want.Version || logger.Ecosystem != want.Ecosystem ||
		logger.Advisory != want.Advisory || logger.Fixed != want.Fixed || logger.Property != want.Property ||
		logger.Severity.String() != "high" || len(logger.Aliases) != 1 || logger.Aliases[0] != "CVE-2025-27607" {
		t.Errorf("logger finding = %+v", *logger)
	}
	if rules["unpinned-requirement"] != 3 || rules["unpinned-source"] != 1 {
		t.Errorf("hygiene findings = %v", rules)
	}
	var sawVuln bool
	for _, o := range set.Observations {
		if o.Property == evidence.NoKnownVulnerabilities && o.Subject == "rss-ingest" && !o.Holds {
			sawVuln = true
		}
	}
	if !sawVuln {
		t.Errorf("no failing no-known-vulnerabilities observation for rss-ingest: %+v", set.Observations)
	}

	// --ignore by alias drops the advisory.
	out, _, _ = run(t, "scan", "deps", "examples/rss-bot-fleet/bots/rss-ingest", "--osv-db", "examples/rss-bot-fleet/osv-db", "--ignore", "cve-2025-27607", "--format", "json")
	if strings.Contains(out, "GHSA-wmxh-pxcx-9w24") || !strings.Contains(out, "GHSA-9wx4-h78v-vm56") {
		t.Errorf("--ignore by alias:\n%s", out)
	}

	// --fail-on critical: nothing in the fleet is critical.
	if _, _, code := run(t, "scan", "deps", "examples/rss-bot-fleet/bots", "--osv-db", "examples/rss-bot-fleet/osv-db", "--fail-on", "critical"); code != ExitOK {
		t.Errorf("--fail-on critical: exit %d, want 0", code)
	}
}

func TestScanDepsHardenedFleetIsClean(t *testing.T) {
	out, errOut, code := run(t, "scan", "deps", "examples/rss-bot-fleet-hardened/bots", "--osv-db", "examples/rss-bot-fleet-hardened/osv-db", "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d, want 0; stderr %s\n%s", code, errOut, out)
	}
	set := supplyJSON(t, out)
	if len(set.Findings) != 0 {
		t.Errorf("findings: %+v", set.Findings)
	}
	held := 0
	for _, o := range set.Observations {
		if !o.Holds {
			t.Errorf("observation does not hold: %+v", o)
		}
		held++
	}
	if held != 9 {
		t.Errorf("%d observations, want 9 (pinned, checked against advisories and no known vulnerabilities for 3 bots)", held)
	}
}

func TestScanDepsSARIF(t *testing.T) {
	out, _, code := run(t, "scan", "deps", "examples/rss-bot-fleet/bots", "--osv-db", "examples/rss-bot-fleet/osv-db", "--format", "sarif")
	if code != ExitFindings {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID     string         `json:"ruleId"`
				Properties map[string]any `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range doc.Runs[0].Results {
		if r.RuleID == "deps/known-vulnerability" && r.Properties["advisory"] == "GHSA-wmxh-pxcx-9w24" {
			found = true
		}
	}
	if !found {
		t.Errorf("SARIF lacks the logging advisory:\n%.2000s", out)
	}
}

func TestScanDepsUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"scan", "deps", "examples", "--osv-db", "no/such/dir"}, ExitUsage, "--osv-db"},
		{[]string{"scan", "deps", "examples", "--osv-db", "go.mod"}, ExitUsage, "not a directory"},
		{[]string{"scan", "deps", "no/such/path"}, ExitUsage, "no/such/path"},
		{[]string{"scan", "deps", "examples", "--format", "xml"}, ExitUsage, "--format"},
		{[]string{"scan", "deps", "a", "b"}, ExitUsage, "accepts at most 1 arg"},
	}
	for _, tt := range tests {
		_, errOut, code := run(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.err) {
			t.Errorf("%v: exit %d stderr %q; want exit %d mentioning %q", tt.args, code, errOut, tt.code, tt.err)
		}
	}
	// Without a database the command says what it is not checking.
	_, errOut, _ := run(t, "scan", "deps", "examples/rss-bot-fleet-hardened/bots")
	if !strings.Contains(errOut, "no advisory database") {
		t.Errorf("stderr %q", errOut)
	}
}

// TestScanDepsOSVDBFromEnv reads the database location from
// THREATMAP_OSV_DB.
func TestScanDepsOSVDBFromEnv(t *testing.T) {
	var out, errb strings.Builder
	root := repoRoot(t)
	c := &Command{Stdout: &out, Stderr: &errb, Dir: root, Now: fixedNow, Getenv: func(k string) string {
		if k == "THREATMAP_OSV_DB" {
			return filepath.Join(root, "examples/rss-bot-fleet/osv-db")
		}
		return ""
	}}
	if code := c.Main([]string{"scan", "deps", "examples/rss-bot-fleet/bots/rss-ingest"}); code != ExitFindings || !strings.Contains(out.String(), "GHSA-wmxh-pxcx-9w24") {
		t.Errorf("exit %d:\n%s\n%s", code, out.String(), errb.String())
	}
	if _, err := os.Stat(filepath.Join(root, "examples/rss-bot-fleet/osv-db")); err != nil {
		t.Fatal(err)
	}
}

func TestScanDepsWithoutDatabaseSaysSo(t *testing.T) {
	out, errOut, code := run(t, "scan", "deps", "examples/rss-bot-fleet-hardened/bots", "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d, want 0; stderr %s\n%s", code, errOut, out)
	}
	if !strings.Contains(errOut, "not known vulnerabilities") {
		t.Errorf("stderr does not say vulnerabilities were not checked: %q", errOut)
	}
	set := supplyJSON(t, out)
	unchecked := 0
	for _, o := range set.Observations {
		if o.Property == evidence.AdvisoriesChecked {
			if o.Holds {
				t.Errorf("advisories checked without a database: %+v", o)
			}
			unchecked++
		}
		if o.Property == evidence.NoKnownVulnerabilities {
			t.Errorf("no-known-vulnerabilities observed without a database: %+v", o)
		}
	}
	if unchecked != 3 {
		t.Errorf("%d unchecked observations, want one per bot (3)", unchecked)
	}
	if len(set.Unresolved) != 3 {
		t.Errorf("unresolved = %+v, want one per bot", set.Unresolved)
	}
}
