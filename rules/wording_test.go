package rules

import (
	"strings"
	"testing"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

// TestWordingFollowsTheModel checks that rows speak of what the model and
// evidence hold: the secret kinds found, what a sender's webhook grants,
// a person rather than a cloud account.
func TestWordingFollowsTheModel(t *testing.T) {
	src := `system: {name: x}
components:
  - {id: bot, kind: service, path: .}
surfaces:
  - {id: env, kind: secret, name: .env}
  - {id: tg, kind: webhook, component: bot, path: /telegram, sender: telegram}
  - {id: pay, kind: webhook, component: bot, path: /stripe, sender: stripe}
identities:
  - {id: alice, kind: user, scope: admin}
  - {id: deployer, kind: iam-role, scope: admin}
`
	m, diags := model.Parse("m.yaml", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	set := evidence.Set{Findings: []evidence.Finding{
		{Scanner: "secrets", Rule: "telegram-bot-token", Severity: threatmap.Critical, File: "config.py", Line: 3},
		{Scanner: "secrets", Rule: "env-file-committed", Severity: threatmap.High, File: ".env", Line: 1},
	}}
	rs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	engine, diags := NewEngine(rs)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	threats, diags := engine.Run(m, link.Build(m, set, ""), Options{Now: fixtureNow})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	byID := map[string]Threat{}
	for _, th := range threats {
		byID[th.ID] = th
	}
	tests := []struct {
		id, want, notWant string
	}{
		{"secrets-in-repo@env", "telegram bot token and the values in the committed .env file", "env file committed"},
		{"webhook-forgery@tg", "messages and commands", "paid plans"},
		{"webhook-forgery@pay", "paid plans", "messages"},
		{"overprivileged-identity@alice", "person", "cloud account"},
		{"overprivileged-identity@deployer", "cloud account", "person"},
	}
	for _, tt := range tests {
		th, ok := byID[tt.id]
		if !ok {
			t.Errorf("%s not raised", tt.id)
			continue
		}
		if !strings.Contains(th.Summary(), tt.want) || strings.Contains(th.Summary(), tt.notWant) {
			t.Errorf("%s: summary %q should mention %q and not %q", tt.id, th.Summary(), tt.want, tt.notWant)
		}
	}
}
