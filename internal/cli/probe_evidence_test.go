package cli

import (
	"encoding/json"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/threatmap/threatmap/examples/stripe-webhook-bot/server"
)

// TestProbeResultsAreEvidence runs the live probes against the example bot
// on loopback in both modes, feeds their JSON to report --evidence, and
// checks that the webhook's signature control fails against the vulnerable
// bot and is verified against the hardened one.
func TestProbeResultsAreEvidence(t *testing.T) {
	const secret = "whsec_probe_evidence_test_secret"
	model := filepath.Join(repoRoot(t), "examples", "stripe-webhook-bot")
	for _, tc := range []struct {
		mode server.Mode
		want string
	}{{server.Vulnerable, "failing"}, {server.Hardened, "verified"}} {
		t.Run(string(tc.mode), func(t *testing.T) {
			srv := httptest.NewServer(server.New(server.Config{
				Mode: tc.mode, SigningSecret: secret,
				Allow:  []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")},
				Tokens: []server.Token{{Value: "probe-evidence-token", Expires: time.Now().Add(time.Hour)}},
			}))
			defer srv.Close()
			env := map[string]string{"THREATMAP_WEBHOOK_SECRET": secret}
			out, errOut, code := runIn(t, model, env, "probe", "--target", srv.URL, "--format", "json", "--no-routes", ".")
			if code == ExitUsage {
				t.Fatalf("probe exit 2: %s", errOut)
			}
			results := filepath.Join(t.TempDir(), "probe.json")
			if err := os.WriteFile(results, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
			rep, errOut, code := runIn(t, model, nil, "report", "--format", "json", "--no-scan", "--evidence", results, ".")
			if code != ExitOK {
				t.Fatalf("report with probe evidence: exit %d: %s", code, errOut)
			}
			var doc struct {
				Controls []struct{ ID, Status string } `json:"controls"`
			}
			if err := json.Unmarshal([]byte(rep), &doc); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, c := range doc.Controls {
				if c.ID == "stripe-signature" {
					found = true
					if c.Status != tc.want {
						t.Errorf("stripe-signature is %s against the %s bot, want %s", c.Status, tc.mode, tc.want)
					}
				}
			}
			if !found {
				t.Fatal("no stripe-signature control in the report")
			}
			if t.Failed() {
				t.Logf("probe output:\n%s", out)
			}
		})
	}
}
