package cli

import (
	"strings"
	"testing"

	"github.com/threatmap/threatmap/evidence"
)

// TestScanWorkflowsRSSBotFleet checks the seed's pipeline: the scanner
// action pinned to @master is flagged, and the trivy step is reported as a
// gating vulnerability scan.
func TestScanWorkflowsRSSBotFleet(t *testing.T) {
	out, errOut, code := run(t, "scan", "workflows", "examples/rss-bot-fleet", "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d; stderr %s", code, errOut)
	}
	set := supplyJSON(t, out)
	var trivy bool
	rules := map[string]bool{}
	for _, f := range set.Findings {
		rules[f.Rule] = true
		if f.Rule == "unpinned-action" && strings.Contains(f.Message, "aquasecurity/trivy-action@master") {
			trivy = f.File == ".github/workflows/build-and-scan.yml" && f.Line == 22 && f.Severity.String() == "high" && f.Property == evidence.ActionsPinned
		}
	}
	if !trivy {
		t.Errorf("trivy-action@master not reported as expected:\n%s", out)
	}
	for _, r := range []string{"missing-permissions", "broad-permissions", "untrusted-checkout", "script-injection", "secret-exposure", "self-hosted-runner-public"} {
		if !rules[r] {
			t.Errorf("no %s finding in the before example", r)
		}
	}
	var gate bool
	for _, o := range set.Observations {
		if o.Property == evidence.CIVulnScanning && o.Subject == ".github/workflows/build-and-scan.yml" {
			gate = o.Holds && strings.Contains(o.Detail, "gates the build")
		}
	}
	if !gate {
		t.Errorf("trivy step not observed as a gating scan: %+v", set.Observations)
	}
}

func TestScanWorkflowsHardenedFleetIsClean(t *testing.T) {
	out, errOut, code := run(t, "scan", "workflows", "examples/rss-bot-fleet-hardened", "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d; stderr %s\n%s", code, errOut, out)
	}
	set := supplyJSON(t, out)
	holds := map[evidence.Property]bool{}
	for _, o := range set.Observations {
		if o.Subject == ".github/workflows/build-and-scan.yml" {
			holds[o.Property] = o.Holds
		}
	}
	for _, p := range []evidence.Property{evidence.ActionsPinned, evidence.WorkflowPermissions, evidence.NoWorkflowInjection, evidence.CISecretScanning, evidence.CIVulnScanning, evidence.CISBOM} {
		if !holds[p] {
			t.Errorf("%s does not hold for the hardened pipeline", p)
		}
	}
}

func TestScanWorkflowsTextAndFailOn(t *testing.T) {
	out, _, code := run(t, "scan", "workflows", "examples/rss-bot-fleet/.github/workflows/build-and-scan.yml")
	if code != ExitFindings || !strings.Contains(out, "build-and-scan.yml:22:15: high: action aquasecurity/trivy-action@master") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if _, _, code := run(t, "scan", "workflows", "examples/rss-bot-fleet/.github/workflows/build-and-scan.yml", "--fail-on", "none"); code != ExitOK {
		t.Errorf("--fail-on none: exit %d", code)
	}
	if _, errOut, code := run(t, "scan", "workflows", "--fail-on", "severe"); code != ExitUsage || !strings.Contains(errOut, "--fail-on") {
		t.Errorf("bad --fail-on: exit %d %q", code, errOut)
	}
}
