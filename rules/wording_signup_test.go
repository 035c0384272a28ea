package rules

import (
	"strings"
	"testing"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

// Sign-up rows speak of credits and trials only in a product that has
// them; a sign-up that mass assignment could make an administrator says so.
func TestSignupWordingFollowsTheModel(t *testing.T) {
	rs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	engine, diags := NewEngine(rs)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	abuse := func(src, id string) string {
		t.Helper()
		m, diags := model.Parse("m.yaml", []byte(src))
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		threats, diags := engine.Run(m, link.Build(m, evidence.Set{}, ""), Options{Now: fixtureNow})
		if len(diags) > 0 {
			t.Fatal(diags)
		}
		for _, th := range threats {
			if th.ID == id {
				return th.Abuse
			}
		}
		t.Fatalf("no threat %s", id)
		return ""
	}
	const base = `system: {name: x}
components:
  - {id: app, kind: service}
surfaces:
  - {id: signup, kind: endpoint, component: app, method: POST, path: /auth/register}
`
	if a := abuse(base, "signup-abuse@signup"); strings.Contains(a, "credits") {
		t.Errorf("a product without credits: %q", a)
	}
	withCredits := base + "assets:\n  - {id: tokens, kind: credits}\n"
	if a := abuse(withCredits, "signup-abuse@signup"); !strings.Contains(a, "credits") {
		t.Errorf("a product with credits: %q", a)
	}
	if a := abuse(base, "mass-assignment@signup"); !strings.Contains(a, "register an account that is an administrator") {
		t.Errorf("sign-up mass assignment: %q", a)
	}
}
