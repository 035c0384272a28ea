package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type exampleThreat struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Priority int    `json:"priority"`
	Evidence []struct {
		Rule    string `json:"rule"`
		File    string `json:"file"`
		Package string `json:"package"`
		Message string `json:"message"`
	} `json:"evidence"`
}

func exampleThreats(t *testing.T, name string) map[string]exampleThreat {
	t.Helper()
	out, errOut, code := runIn(t, filepath.Join(repoRoot(t), "examples", name), nil, "report", "--format", "json", ".")
	if code != ExitOK {
		t.Fatalf("report %s: exit %d: %s", name, code, errOut)
	}
	var doc struct {
		Threats []exampleThreat `json:"threats"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	m := map[string]exampleThreat{}
	for _, th := range doc.Threats {
		m[th.ID] = th
	}
	return m
}

// TestRSSBotFleetBefore checks that each problem the seed tells of shows as
// a threat on the right element, backed by the scanner's evidence.
func TestRSSBotFleetBefore(t *testing.T) {
	threats := exampleThreats(t, "rss-bot-fleet")
	want := []struct {
		id       string
		evidence string // a word some linked finding must carry, "" for a model-only threat
	}{
		{"shared-identity@super-bot-admin", "iam-shared-identity"},
		{"overprivileged-identity@super-bot-admin", "iam-wildcard-action"},
		{"privilege-escalation-path@super-bot-admin", "iam-privilege-escalation"},
		{"vulnerable-dependency@rss-ingest", "python-json-logger"},
		{"plaintext-internal-flow@rss-ingest-to-summarizer", ""},
		{"plaintext-internal-flow@rss-ingest-to-dedup-cache", ""},
		{"unencrypted-storage@items", "iac-unencrypted-storage"},
		{"unencrypted-storage@archive-db", "iac-unencrypted-storage"},
		{"unencrypted-storage@dedup-cache", "iac-unencrypted-storage"},
		{"ci-unpinned-action@ci", "trivy-action@master"},
		{"ci-script-injection@ci", "script-injection"},
	}
	for _, w := range want {
		th, ok := threats[w.id]
		if !ok {
			t.Errorf("no threat %s", w.id)
			continue
		}
		if th.Status != "open" && th.Status != "failing" {
			t.Errorf("%s is %s in the before state", w.id, th.Status)
		}
		if w.evidence == "" {
			continue
		}
		found := false
		for _, e := range th.Evidence {
			found = found || strings.Contains(e.Rule+" "+e.Package+" "+e.Message, w.evidence)
		}
		if !found {
			t.Errorf("%s is not backed by evidence mentioning %q: %+v", w.id, w.evidence, th.Evidence)
		}
	}
	doc, code := checkProblems(t, filepath.Join(repoRoot(t), "examples", "rss-bot-fleet"), nil)
	if code != ExitFindings {
		t.Fatalf("check passed on the before fleet")
	}
	for _, id := range []string{"vulnerable-dependency@rss-ingest", "ci-untrusted-checkout@ci", "shared-identity@super-bot-admin"} {
		if !doc.has("open-threat", id) {
			t.Errorf("check does not fail on %s", id)
		}
	}
}

// TestRSSBotFleetHardened checks the fixed fleet: the gate passes, and the
// threats the before state had are gone or answered by verified controls.
func TestRSSBotFleetHardened(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "examples", "rss-bot-fleet-hardened")
	if doc, code := checkProblems(t, dir, nil); code != ExitOK {
		t.Fatalf("check fails on the hardened fleet: %+v", doc)
	}
	threats := exampleThreats(t, "rss-bot-fleet-hardened")
	for _, id := range []string{"plaintext-internal-flow@rss-ingest-to-summarizer", "unencrypted-storage@items", "ci-unpinned-action@ci"} {
		if _, ok := threats[id]; ok {
			t.Errorf("%s is still raised in the hardened fleet", id)
		}
	}
	for id, th := range threats {
		if strings.HasPrefix(id, "shared-identity@") || strings.HasPrefix(id, "vulnerable-dependency@") {
			t.Errorf("%s raised in the hardened fleet (%s)", id, th.Status)
		}
	}
}

// TestSeedScopedPolicyPassesClean checks the seed's good example: the policy
// that reads one table, sends to one queue and writes one log group.
func TestSeedScopedPolicyPassesClean(t *testing.T) {
	for _, dir := range []string{"rss-bot-fleet", "rss-bot-fleet-hardened"} {
		out, errOut, code := run(t, "scan", "iam", "--format", "json", filepath.Join("examples", dir, "iam", "rss-ingest-scoped-policy.json"))
		if code != ExitOK || !strings.Contains(out, `"findings": []`) {
			t.Errorf("%s: the scoped policy is not clean (exit %d): %s %s", dir, code, out, errOut)
		}
	}
	out, _, code := run(t, "scan", "iam", "--format", "json", filepath.Join("examples", "rss-bot-fleet", "infra"))
	if code != ExitFindings || !strings.Contains(out, "super_bot_admin") {
		t.Errorf("the shared admin role passes the IAM scan (exit %d)", code)
	}
}

// TestStripeWebhookBotBefore checks that the forgotten endpoint and the dev
// route show as unmodeled surfaces, the hard-coded key as a secret, and the
// guarded webhook route as verified.
func TestStripeWebhookBotBefore(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "examples", "stripe-webhook-bot")
	doc, code := checkProblems(t, dir, nil)
	if code != ExitFindings {
		t.Fatal("check passed on the bot with its traps")
	}
	for _, want := range []struct{ kind, id string }{
		{"unmodeled-surface", "POST /api/legacy/sync"},
		{"unmodeled-surface", "GET /dev/reset"},
		{"secret", ""},
		{"open-threat", "dev-route-in-code@route:bot:GET:/dev/reset"},
		{"open-threat", "unthrottled-route-in-code@route:bot:POST:/api/legacy/sync"},
	} {
		if !doc.has(want.kind, want.id) {
			t.Errorf("check does not report %s %s", want.kind, want.id)
		}
	}
	out, _, _ := runIn(t, dir, nil, "report", "--format", "json", ".")
	var rep struct {
		Controls []struct {
			ID, Status string
			On         []string
		} `json:"controls"`
		Threats []exampleThreat `json:"threats"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Controls {
		switch c.ID {
		case "stripe-signature", "rate-limit", "stripe-ip-allowlist", "status-token-auth":
			if c.Status != "verified" {
				t.Errorf("control %s on the webhook route is %s, want verified from the code", c.ID, c.Status)
			}
		case "no-committed-keys":
			if c.Status != "failing" {
				t.Errorf("no-committed-keys is %s while the hard-coded key is there", c.Status)
			}
		}
	}
	for _, th := range rep.Threats {
		if th.ID == "webhook-forgery@stripe-webhook" && th.Status != "mitigated" && th.Status != "verified" {
			t.Errorf("webhook-forgery@stripe-webhook is %s", th.Status)
		}
	}
}

// TestStripeWebhookBotFixed applies the fixes the report asks for to a copy
// of the bot (remove the forgotten endpoint, the dev route and the
// hard-coded key) and checks that the gate then passes.
func TestStripeWebhookBotFixed(t *testing.T) {
	src := filepath.Join(repoRoot(t), "examples", "stripe-webhook-bot")
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"server/legacy.go", "flask/bot/legacy.py"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	edit := func(file, old, new string) {
		t.Helper()
		p := filepath.Join(dir, file)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), old) {
			t.Fatalf("%s no longer holds %q; update the fix in this test", file, old)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("server/server.go", "s.mux.HandleFunc(\"POST /api/legacy/sync\", s.legacySync)", "")
	edit("server/server.go", "s.mux.HandleFunc(\"GET /dev/reset\", s.devReset)", "")
	edit("flask/bot/__init__.py", "app.register_blueprint(legacy_bp, url_prefix=\"/api/legacy\")", "")
	edit("flask/bot/__init__.py", "app.register_blueprint(dev_bp)", "")
	if doc, code := checkProblems(t, dir, nil); code != ExitOK {
		t.Fatalf("check fails on the fixed bot: %+v", doc)
	}
}
