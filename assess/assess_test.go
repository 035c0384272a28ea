package assess

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/rules"
)

var now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

const base = `system: {name: a}
components:
  - {id: api, kind: service}
surfaces:
  - {id: hook, kind: webhook, component: api, path: /webhook, sender: stripe}
`

// threat is the one threat every case assesses: the rule's controls say
// signature-verified mitigates it.
var threat = rules.Threat{ID: "webhook-forgery@hook", Heading: &rules.Heading{Rule: "webhook-forgery"}, Element: "hook", ElementKind: "surface",
	Guidance: &rules.Guidance{Controls: []string{"signature-verified", "replay-protected"}}, Priority: 1}

func TestThreatStatus(t *testing.T) {
	tests := []struct {
		name       string
		extra      string
		set        evidence.Set
		wantStatus string
		wantResp   string
		wantNote   string
	}{
		{"no response is a gap", "", evidence.Set{}, StatusOpen, ResponseNone, "gap"},
		{"implicit mitigation by control kind", "controls:\n  - {id: sig, kind: signature-verified, on: [hook]}\n", evidence.Set{}, StatusMitigated, ResponseMitigate, ""},
		{"control on the component covers its surfaces", "controls:\n  - {id: sig, kind: signature-verified, on: [api]}\n", evidence.Set{}, StatusMitigated, ResponseMitigate, ""},
		{"control of another kind does not", "controls:\n  - {id: rl, kind: rate-limited, on: [hook]}\n", evidence.Set{}, StatusOpen, ResponseNone, ""},
		{"planned control does not mitigate", "controls:\n  - {id: sig, kind: signature-verified, on: [hook], status: planned}\n", evidence.Set{}, StatusPlanned, ResponseMitigate, "only planned"},
		{"evidence verifies", "controls:\n  - {id: sig, kind: signature-verified, on: [hook]}\n",
			evidence.Set{Routes: []evidence.Route{{Method: "POST", Path: "/webhook", File: "app.go", Line: 4, Guards: []string{"signature"}}}}, StatusVerified, ResponseMitigate, ""},
		{"evidence contradicts", "controls:\n  - {id: sig, kind: signature-verified, on: [hook]}\n",
			evidence.Set{Routes: []evidence.Route{{Method: "POST", Path: "/webhook", File: "app.go", Line: 4}}}, StatusFailing, ResponseMitigate, "no signature guard"},
		{"claimed verified with no evidence is only implemented", "controls:\n  - {id: sig, kind: signature-verified, on: [hook], status: verified}\n", evidence.Set{}, StatusMitigated, ResponseMitigate, ""},
		{"explicit mitigation", "controls:\n  - {id: sig, kind: hmac-check, on: [hook]}\nresponses:\n  webhook-forgery@hook: {mitigate: [sig]}\n", evidence.Set{}, StatusMitigated, ResponseMitigate, ""},
		{"accepted", "responses:\n  webhook-forgery@hook: {accept: {by: ana, on: 2026-10-01, until: 2027-01-01, why: beta}}\n", evidence.Set{}, StatusAccepted, ResponseAccept, "accepted by ana"},
		{"acceptance expired", "responses:\n  webhook-forgery@hook: {accept: {by: ana, on: 2026-01-01, until: 2026-06-01, why: beta}}\n", evidence.Set{}, StatusExpired, ResponseAccept, "expired on 2026-06-01"},
		{"transferred", "responses:\n  webhook-forgery@hook: {transfer: {to: insurer}}\n", evidence.Set{}, StatusTransferred, ResponseTransfer, "insurer"},
		{"eliminated", "responses:\n  webhook-forgery@hook: {eliminate: {why: removed}}\n", evidence.Set{}, StatusEliminated, ResponseEliminate, "removed"},
		{"eliminated but still served", "responses:\n  webhook-forgery@hook: {eliminate: {why: removed}}\n",
			evidence.Set{Routes: []evidence.Route{{Method: "POST", Path: "/webhook", File: "app.go", Line: 4}}}, StatusFailing, ResponseEliminate, "still serves it at app.go:4"},
		{"a guard verifies with no control declared", "",
			evidence.Set{Routes: []evidence.Route{{Method: "POST", Path: "/webhook", File: "app.go", Line: 4, Guards: []string{"signature"}}}}, StatusVerified, ResponseMitigate, "signature guard on POST /webhook at app.go:4"},
		{"a guard on some registrations only does not", "",
			evidence.Set{Routes: []evidence.Route{{Method: "POST", Path: "/webhook", File: "app.go", Line: 4, Guards: []string{"signature"}}, {Method: "POST", Path: "/webhook", File: "old.go", Line: 9}}}, StatusOpen, ResponseNone, "gap"},
		{"an observation that holds verifies", "",
			evidence.Set{Observations: []evidence.Observation{{Scanner: "probe", Property: evidence.SignatureVerified, Subject: "POST /webhook", Holds: true, Detail: "unsigned POST refused with 400"}}}, StatusVerified, ResponseMitigate, "unsigned POST refused"},
		{"not applicable", "responses:\n  webhook-forgery@hook: {not_applicable: the sender is our own service}\n", evidence.Set{}, StatusNotApplicable, ResponseNotApplicable, "our own service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, diags := model.Parse("m.yaml", []byte(base+tt.extra))
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			ix := link.Build(m, tt.set, "")
			th := threat
			a := Assess(m, []rules.Threat{th}, ix, tt.set, now)
			got := a.Threats[0]
			if got.Status != tt.wantStatus || got.Response != tt.wantResp {
				t.Errorf("status %s response %s (note %q), want %s %s", got.Status, got.Response, got.Note, tt.wantStatus, tt.wantResp)
			}
			if !strings.Contains(got.Note, tt.wantNote) {
				t.Errorf("note %q lacks %q", got.Note, tt.wantNote)
			}
		})
	}
}

func TestEvidenceOfALiveThreatFailsAMitigation(t *testing.T) {
	m, _ := model.Parse("m.yaml", []byte(base+"controls:\n  - {id: sig, kind: hmac, on: [hook]}\nresponses:\n  webhook-forgery@hook: {mitigate: [sig]}\n"))
	th := threat
	th.Evidence = []evidence.Finding{{Scanner: "probe", Rule: "unsigned-accepted", Property: evidence.SignatureVerified, Resource: "/webhook"}}
	a := Assess(m, []rules.Threat{th}, nil, evidence.Set{}, now)
	if a.Threats[0].Status != StatusFailing || !strings.Contains(a.Threats[0].Note, "unsigned-accepted") {
		t.Errorf("got %s (%s)", a.Threats[0].Status, a.Threats[0].Note)
	}
}

func TestUnansweredResponses(t *testing.T) {
	m, _ := model.Parse("m.yaml", []byte(base+"responses:\n  old-rule@hook: {not_applicable: gone}\n"))
	a := Assess(m, []rules.Threat{threat}, nil, evidence.Set{}, now)
	if len(a.Unanswered) != 1 || a.Unanswered[0].Threat != "old-rule@hook" {
		t.Errorf("unanswered = %v", a.Unanswered)
	}
}

func TestGateOrdersAndFilters(t *testing.T) {
	m, _ := model.Parse("m.yaml", []byte(base))
	low := threat
	low.ID, low.Priority = "x@hook", 4
	set := evidence.Set{Findings: []evidence.Finding{{Scanner: "secrets", Rule: "aws", File: "a.py", Line: 2, Secret: "AKIA****", Fingerprint: "fp"}}}
	a := Assess(m, []rules.Threat{threat, low}, nil, set, now)
	ps := a.Gate()
	if len(ps) != 2 || ps[0].Kind != ProblemSecret || ps[1].ID != "webhook-forgery@hook" {
		t.Fatalf("problems = %+v", ps)
	}
	if strings.Contains(ps[0].Message, "AKIA1") || !strings.Contains(ps[0].Message, "AKIA****") {
		t.Errorf("secret message %q", ps[0].Message)
	}
}

// TestSecondaryRowsDoNotFailCheck checks that an IP allowlist row on a
// webhook whose signature check is verified stays open but does not fail
// the gate, while the same row on an unsigned webhook does.
func TestSecondaryRowsDoNotFailCheck(t *testing.T) {
	m, diags := model.Parse("m.yaml", []byte(base+"policy: {fail_priority: 2}\n"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	src := rules.Threat{ID: "webhook-source-unrestricted@hook", Heading: &rules.Heading{Rule: "webhook-source-unrestricted"}, Element: "hook", ElementKind: "surface",
		Guidance: &rules.Guidance{Controls: []string{"ip-allowlisted"}, SecondaryTo: []string{"signature-verified"}}, Priority: 2}
	for _, tc := range []struct {
		name          string
		guards        []string
		wantSecondary bool
	}{{"signed", []string{"signature"}, true}, {"unsigned", nil, false}} {
		set := evidence.Set{Routes: []evidence.Route{{Method: "POST", Path: "/webhook", File: "app.go", Line: 4, Guards: tc.guards}}}
		a := Assess(m, []rules.Threat{src}, link.Build(m, set, ""), set, now)
		got := a.Threats[0]
		if !IsOpen(got.Status) || got.Secondary != tc.wantSecondary {
			t.Errorf("%s: status %s secondary %v, want open and %v", tc.name, got.Status, got.Secondary, tc.wantSecondary)
		}
		failed := false
		for _, p := range a.Gate() {
			if p.ID == src.ID {
				failed = true
			}
		}
		if failed == tc.wantSecondary {
			t.Errorf("%s: gate fails on it = %v", tc.name, failed)
		}
	}
}

// TestSecondaryRowsMoveDown: the threats are assessed in the engine's
// order, and one that becomes secondary (its priority one lower) moves
// below the threats of its new priority's better-ranked rows, as a sort
// of the assessed threats puts it.
func TestSecondaryRowsMoveDown(t *testing.T) {
	m, diags := model.Parse("m.yaml", []byte(base))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	src := rules.Threat{ID: "webhook-source-unrestricted@hook", Heading: &rules.Heading{Rule: "webhook-source-unrestricted"}, Element: "hook", ElementKind: "surface",
		Guidance: &rules.Guidance{Controls: []string{"ip-allowlisted"}, SecondaryTo: []string{"signature-verified"}}, Priority: 2}
	other := func(rule string, priority int) rules.Threat {
		return rules.Threat{ID: rule + "@hook", Heading: &rules.Heading{Rule: rule}, Guidance: &rules.Guidance{}, Element: "hook", ElementKind: "surface", Priority: priority}
	}
	in := []rules.Threat{other("a-rule", 3), src, other("z-rule", 3), other("b-rule", 2), other("y-rule", 4)}
	set := evidence.Set{Routes: []evidence.Route{{Method: "POST", Path: "/webhook", File: "app.go", Line: 4, Guards: []string{"signature"}}}}
	a := Assess(m, in, link.Build(m, set, ""), set, now)
	var got []string
	for _, th := range a.Threats {
		got = append(got, th.ID)
	}
	want := []string{"b-rule@hook", "a-rule@hook", "webhook-source-unrestricted@hook", "z-rule@hook", "y-rule@hook"}
	if !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	if !a.Threats[2].Secondary || a.Threats[2].Priority != 3 {
		t.Fatalf("%s: secondary %v priority %d, want secondary at 3", a.Threats[2].ID, a.Threats[2].Secondary, a.Threats[2].Priority)
	}
}
