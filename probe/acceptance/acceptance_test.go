// Package acceptance runs the probes against the stripe-webhook-bot
// example, started on loopback in its vulnerable and hardened modes, and
// checks that each probe the two builds differ on fails against the first
// and passes against the second.
package acceptance

import (
	"bytes"
	"context"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/examples/stripe-webhook-bot/server"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/probe"
)

const signingSecret = "whsec_acceptance_SECRET_value"

// start runs the example bot on loopback. Loopback is added to the
// webhook allowlist, as the example's own tests do, so the probes reach
// the signature check rather than the address check.
func start(t *testing.T, mode server.Mode) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(server.New(server.Config{
		Mode:          mode,
		SigningSecret: signingSecret,
		Allow:         []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")},
		Tokens:        []server.Token{{Value: "admin-token-acceptance-0001", Expires: time.Now().Add(time.Hour)}},
	}))
	t.Cleanup(srv.Close)
	return srv
}

func run(t *testing.T, modelDir string, mode server.Mode) *probe.Report {
	t.Helper()
	m, _, err := model.Load(modelDir)
	if err != nil {
		t.Fatal(err)
	}
	srv := start(t, mode)
	target, err := probe.ValidateTarget(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{probe.EnvSecretPrefix + "STRIPE_WEBHOOK": signingSecret}
	plan, err := probe.NewPlan(m, target, nil, probe.Options{
		AllowWrites: true,
		Getenv:      func(k string) string { return env[k] },
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := probe.Execute(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_ = rep.WriteText(&buf)
	if bytes.Contains(buf.Bytes(), []byte(signingSecret)) {
		t.Fatal("output shows the signing secret")
	}
	t.Logf("%s mode:\n%s", mode, buf.String())
	return rep
}

func verdict(rep *probe.Report, check, subject string) (probe.Status, string) {
	for _, r := range rep.Results {
		if r.Probe.Check == check && r.Probe.Subject == subject {
			return r.Outcome.Status, r.Outcome.Detail
		}
	}
	return "", "no such probe"
}

func TestStripeWebhookBot(t *testing.T) {
	vulnerable := run(t, "testdata", server.Vulnerable)
	hardened := run(t, "testdata", server.Hardened)
	tests := []struct {
		check, subject       string
		vulnerable, hardened probe.Status
	}{
		{probe.CheckWebhookSig, "POST /webhook/stripe", probe.Fail, probe.Pass},
		{probe.CheckWebhookStale, "POST /webhook/stripe", probe.Fail, probe.Pass},
		{probe.CheckRateLimit, "POST /webhook/stripe", probe.Fail, probe.Pass},
		{probe.CheckUnreachable, "GET /dev/reset", probe.Fail, probe.Pass},
		// The hardened build does not serve the forgotten endpoint at all,
		// so its burst only meets 404s: nothing to limit, nothing to judge.
		{probe.CheckRateLimit, "POST /api/legacy/sync", probe.Fail, probe.Inconclusive},
		// Both builds keep the admin route behind a token.
		{probe.CheckUnreachable, "GET /admin/status", probe.Pass, probe.Pass},
		{probe.CheckVerboseError, "POST /webhook/stripe", probe.Pass, probe.Pass},
		{probe.CheckExposedFile, "GET /.env", probe.Pass, probe.Pass},
		{probe.CheckCORS, "", probe.Pass, probe.Pass},
		{probe.CheckHeaders, "", probe.Fail, probe.Pass},
	}
	for _, tt := range tests {
		if got, d := verdict(vulnerable, tt.check, tt.subject); got != tt.vulnerable {
			t.Errorf("vulnerable %s %s = %s, want %s (%s)", tt.check, tt.subject, got, tt.vulnerable, d)
		}
		if got, d := verdict(hardened, tt.check, tt.subject); got != tt.hardened {
			t.Errorf("hardened %s %s = %s, want %s (%s)", tt.check, tt.subject, got, tt.hardened, d)
		}
	}
	// Nothing fails against the hardened build.
	for _, r := range hardened.Results {
		if r.Outcome.Status == probe.Fail {
			t.Errorf("hardened build failed %s %s: %s", r.Probe.Check, r.Probe.Subject, r.Outcome.Detail)
		}
	}
	if _, d := verdict(hardened, probe.CheckRateLimit, "POST /webhook/stripe"); !bytes.Contains([]byte(d), []byte("observed limit")) {
		t.Errorf("hardened rate-limit detail lacks the observed limit: %s", d)
	}
}

// TestEvidenceVerifiesControls feeds the probe evidence through linking
// and assessment, the way report and check use it: the model's controls
// fail against the vulnerable build and are verified against the hardened
// one.
func TestEvidenceVerifiesControls(t *testing.T) {
	m, _, err := model.Load("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		mode server.Mode
		want string
	}{{server.Vulnerable, assess.ControlFailing}, {server.Hardened, assess.ControlVerified}} {
		set := run(t, "testdata", tc.mode).Evidence()
		a := assess.Assess(m, nil, link.Build(m, set, ""), set, time.Now())
		for _, c := range a.Controls {
			if c.Status != tc.want {
				t.Errorf("%s: control %s is %s, want %s (support %v, refute %v)", tc.mode, c.ID, c.Status, tc.want, c.Support, c.Refute)
			}
		}
	}
}

// TestSignerAgreesWithTheBot checks the probe's Stripe signer against the
// example's own implementation of Stripe's scheme.
func TestSignerAgreesWithTheBot(t *testing.T) {
	body := []byte(`{"id":"evt_1","type":"checkout.session.completed"}`)
	at := time.Unix(1760000000, 0)
	if got, want := probe.StripeSignature(signingSecret, at, body), server.SignatureHeader(body, signingSecret, at); got != want {
		t.Fatalf("probe %s, bot %s", got, want)
	}
}

// TestExampleModel runs the plan built from the example's own
// threatmap.yaml, when it has one, and checks the webhook verdicts flip.
func TestExampleModel(t *testing.T) {
	dir := filepath.Join("..", "..", "examples", "stripe-webhook-bot")
	if _, err := os.Stat(filepath.Join(dir, model.FileName)); err != nil {
		t.Skip("the example has no threatmap.yaml yet")
	}
	m, _, err := model.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var hook string
	for _, s := range m.Surfaces {
		if s.Kind == "webhook" && s.Path == "/webhook/stripe" {
			hook = s.Method + " " + s.Path
		}
	}
	if hook == "" {
		t.Skip("the example's model has no /webhook/stripe surface")
	}
	vulnerable := runEnv(t, m, server.Vulnerable)
	hardened := runEnv(t, m, server.Hardened)
	for _, check := range []string{probe.CheckWebhookSig, probe.CheckWebhookStale} {
		if got, d := verdict(vulnerable, check, hook); got != probe.Fail {
			t.Errorf("vulnerable %s = %s (%s)", check, got, d)
		}
		if got, d := verdict(hardened, check, hook); got != probe.Pass {
			t.Errorf("hardened %s = %s (%s)", check, got, d)
		}
	}
}

func runEnv(t *testing.T, m *model.Model, mode server.Mode) *probe.Report {
	t.Helper()
	srv := start(t, mode)
	target, _ := probe.ValidateTarget(srv.URL)
	plan, err := probe.NewPlan(m, target, nil, probe.Options{Getenv: func(k string) string {
		if k == probe.EnvWebhookSecret {
			return signingSecret
		}
		return ""
	}})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := probe.Execute(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
