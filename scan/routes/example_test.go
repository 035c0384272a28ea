package routes

import (
	"context"
	"slices"
	"testing"

	"github.com/threatmap/threatmap/evidence"
)

// TestStripeWebhookBotExample checks the routes the scanner finds in
// examples/stripe-webhook-bot, Go server and Flask twin alike: the guarded
// webhook, the token-protected admin route, and the seed's two traps with
// nothing guarding them.
func TestStripeWebhookBotExample(t *testing.T) {
	set, err := New().Scan(context.Background(), "../../examples/stripe-webhook-bot")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		file, method, path string
		guards, tags       []string
	}{
		{"server/server.go", "POST", "/webhook/stripe", []string{"rate-limit", "signature", "ip-allowlist"}, nil},
		{"server/server.go", "GET", "/admin/status", []string{"auth", "rate-limit"}, []string{"admin"}},
		{"server/server.go", "GET", "/healthz", []string{}, nil},
		{"server/server.go", "POST", "/api/legacy/sync", []string{}, nil},
		{"server/server.go", "GET", "/dev/reset", []string{}, []string{"dev"}},
		{"flask/bot/webhooks.py", "POST", "/webhook/stripe", []string{"rate-limit", "signature", "ip-allowlist"}, nil},
		{"flask/bot/admin.py", "GET", "/admin/status", []string{"auth", "rate-limit"}, []string{"admin"}},
		{"flask/bot/__init__.py", "GET", "/healthz", []string{}, nil},
		{"flask/bot/legacy.py", "POST", "/api/legacy/sync", []string{}, nil},
		{"flask/bot/legacy.py", "GET", "/dev/reset", []string{}, []string{"dev"}},
	}
	if len(set.Routes) != len(want) {
		t.Errorf("found %d routes, want %d", len(set.Routes), len(want))
	}
	for _, w := range want {
		i := slices.IndexFunc(set.Routes, func(r evidence.Route) bool {
			return r.File == w.file && r.Method == w.method && r.Path == w.path
		})
		if i < 0 {
			t.Errorf("%s: %s %s not found", w.file, w.method, w.path)
			continue
		}
		r := set.Routes[i]
		if !slices.Equal(r.Guards, w.guards) || !slices.Equal(r.Tags, w.tags) {
			t.Errorf("%s: %s %s guards %v tags %v, want %v %v", w.file, w.method, w.path, r.Guards, r.Tags, w.guards, w.tags)
		}
	}
	// The webhook's signature check is a positive observation the model's
	// control can be verified by.
	if !slices.ContainsFunc(set.Observations, func(o evidence.Observation) bool {
		return o.Property == evidence.SignatureVerified && o.Subject == "POST /webhook/stripe" && o.Holds && o.File == "server/server.go"
	}) {
		t.Error("no signature-verified observation for POST /webhook/stripe")
	}
	rules := map[string]int{}
	for _, f := range set.Findings {
		rules[f.Rule]++
	}
	if rules[RuleDevRoute] != 2 || rules[RuleUnguardedMutation] != 2 {
		t.Errorf("findings by rule %v, want 2 dev-route and 2 unguarded-state-changing-route", rules)
	}
}
