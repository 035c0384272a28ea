package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

type checkJSON struct {
	Passed   bool `json:"passed"`
	Problems []struct {
		Kind string `json:"kind"`
		ID   string `json:"id"`
	} `json:"problems"`
}

func checkProblems(t *testing.T, dir string, env map[string]string) (checkJSON, int) {
	t.Helper()
	out, errOut, code := runIn(t, dir, env, "check", "--format", "json", ".")
	if code == ExitUsage {
		t.Fatalf("check exited 2: %s", errOut)
	}
	var doc checkJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("check JSON: %v\n%s", err, out)
	}
	return doc, code
}

func runIn(t *testing.T, dir string, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb strings.Builder
	c := &Command{Stdout: &out, Stderr: &errb, Dir: dir, Now: fixedNow, Getenv: func(k string) string { return env[k] }}
	code := c.Main(args)
	return out.String(), errb.String(), code
}

func (d checkJSON) has(kind, id string) bool {
	for _, p := range d.Problems {
		if p.Kind == kind && (id == "" || p.ID == id) {
			return true
		}
	}
	return false
}

// TestCheckDocqaBeforeFailsForTheRightReasons runs the gate on the docqa
// example's before state.
func TestCheckDocqaBeforeFailsForTheRightReasons(t *testing.T) {
	doc, code := checkProblems(t, filepath.Join(repoRoot(t), "examples", "docqa"), nil)
	if code != ExitFindings || doc.Passed {
		t.Fatalf("check passed on docqa's before state (exit %d)", code)
	}
	for _, want := range []struct{ kind, id string }{
		{"secret", ""},
		{"open-threat", "webhook-forgery@stripe-webhook"},
		{"open-threat", "public-bucket@uploads"},
		{"open-threat", "idor-object-access@document"},
		{"open-threat", "exposed-admin-panel@admin-panel"},
		{"unmodeled-surface", "POST /admin/users/{user_id}/delete"},
	} {
		if !doc.has(want.kind, want.id) {
			t.Errorf("check does not report %s %s", want.kind, want.id)
		}
	}
}

const gateModel = `system:
  name: gate
  reviewed: %s
  review_every: 90d
assets:
  - {id: billing, kind: integrity}
components:
  - {id: api, kind: service}
surfaces:
  - {id: hook, kind: webhook, component: api, path: /webhook, sender: stripe, assets: [billing]}
%s`

// TestCheckPolicy walks the gate through its states on a small model:
// unanswered threats fail; answering them passes; an acceptance past its
// date fails again; an overdue review fails; the policy can turn each off.
func TestCheckPolicy(t *testing.T) {
	dir := t.TempDir()
	write := func(reviewed, rest string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "threatmap.yaml"), []byte(fmt.Sprintf(gateModel, reviewed, rest)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("2026-10-01", "")
	doc, code := checkProblems(t, dir, nil)
	if code != ExitFindings || !doc.has("open-threat", "webhook-forgery@hook") {
		t.Fatalf("unanswered webhook threat did not fail the gate: %+v", doc)
	}
	var ids []string
	for _, p := range doc.Problems {
		if p.Kind == "open-threat" {
			ids = append(ids, p.ID)
		}
	}
	accept := func(until string) string {
		var b strings.Builder
		b.WriteString("responses:\n")
		for _, id := range ids {
			fmt.Fprintf(&b, "  %s: {accept: {by: ana, on: 2026-10-01, until: %s, why: beta with three users}}\n", id, until)
		}
		return b.String()
	}
	write("2026-10-01", accept("2027-01-01"))
	if doc, code := checkProblems(t, dir, nil); code != ExitOK || !doc.Passed {
		t.Fatalf("accepted threats still fail the gate: %+v", doc)
	}
	write("2026-10-01", accept("2026-10-15"))
	if doc, code := checkProblems(t, dir, nil); code != ExitFindings || !doc.has("expired-acceptance", "webhook-forgery@hook") {
		t.Fatalf("expired acceptance passed the gate: %+v", doc)
	}
	write("2026-05-01", accept("2027-01-01"))
	if doc, code := checkProblems(t, dir, nil); code != ExitFindings || !doc.has("review-overdue", "") {
		t.Fatalf("overdue review passed the gate: %+v", doc)
	}
	write("2026-05-01", accept("2027-01-01")+"policy: {review_overdue: false}\n")
	if doc, code := checkProblems(t, dir, nil); code != ExitOK {
		t.Fatalf("policy review_overdue: false still failed: %+v", doc)
	}
	write("2026-10-01", "policy: {fail_priority: 0}\n")
	if doc, code := checkProblems(t, dir, nil); code != ExitOK {
		t.Fatalf("fail_priority: 0 still failed on open threats: %+v", doc)
	}
}

func TestCheckWritesGitHubAnnotations(t *testing.T) {
	out, _, code := runIn(t, filepath.Join(repoRoot(t), "examples", "docqa"), map[string]string{"GITHUB_ACTIONS": "true"}, "check", ".")
	if code != ExitFindings {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, "::error file=threatmap.yaml,line=") || !strings.Contains(out, "title=threatmap open-threat%3A") {
		t.Errorf("no GitHub annotations in:\n%s", out)
	}
	if !strings.Contains(out, "check failed:") {
		t.Error("the terminal summary is missing")
	}
}

// TestSARIFValidatesAgainstSchema checks report and check SARIF against the
// SARIF 2.1.0 JSON schema.
func TestSARIFValidatesAgainstSchema(t *testing.T) {
	for _, args := range [][]string{
		{"report", "--format", "sarif", "examples/docqa"},
		{"check", "--format", "sarif", "examples/docqa"},
		{"scan", "secrets", "--format", "sarif", "examples/docqa"},
	} {
		out, errOut, code := run(t, args...)
		if code == ExitUsage {
			t.Fatalf("%v: exit 2: %s", args, errOut)
		}
		rep, err := sarif.FromString(out)
		if err != nil {
			t.Fatalf("%v: not SARIF: %v", args, err)
		}
		if err := rep.Validate(); err != nil {
			t.Errorf("%v: invalid SARIF: %v", args, err)
		}
		if len(rep.Runs) != 1 || len(rep.Runs[0].Results) == 0 {
			t.Errorf("%v: no results", args)
		}
		for _, r := range rep.Runs[0].Results {
			if len(r.PartialFingerprints) == 0 {
				t.Errorf("%v: result without a fingerprint", args)
				break
			}
		}
	}
}

func gitRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestDiffReportsAddedRows builds a repository with a base commit, a commit
// adding an unthrottled metered endpoint and one adding a webhook without a
// signature check, and checks the rows diff reports for each step.
func TestDiffReportsAddedRows(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	gitRun(t, dir, "init", "-q")
	base := "system: {name: bot}\nassets:\n  - {id: credits, kind: credits}\n  - {id: billing, kind: integrity}\ncomponents:\n  - {id: api, kind: service}\nsurfaces:\n"
	commit := func(model, msg string) string {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "threatmap.yaml"), []byte(model), 0o644); err != nil {
			t.Fatal(err)
		}
		gitRun(t, dir, "add", "-A")
		gitRun(t, dir, "commit", "-q", "-m", msg)
		return gitRun(t, dir, "rev-parse", "HEAD")
	}
	c1 := commit(base+"  - {id: health, kind: endpoint, component: api, method: GET, path: /health}\n", "base")
	withGen := base + "  - {id: health, kind: endpoint, component: api, method: GET, path: /health}\n" +
		"  - {id: generate, kind: endpoint, component: api, method: POST, path: /api/generate, costly: true, assets: [credits]}\n"
	c2 := commit(withGen, "add an unthrottled generate endpoint")
	c3 := commit(withGen+"  - {id: stripe-hook, kind: webhook, component: api, path: /webhook/stripe, sender: stripe, assets: [billing]}\n", "add the Stripe webhook")

	rows := func(a, b string) map[string]string {
		t.Helper()
		out, errOut, code := runIn(t, dir, nil, "diff", "--format", "json", a, b)
		if code != ExitOK {
			t.Fatalf("diff exit %d: %s", code, errOut)
		}
		var doc struct {
			Rows []struct{ Change, ID string } `json:"rows"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, r := range doc.Rows {
			got[r.ID] = r.Change
		}
		return got
	}
	step1 := rows(c1, c2)
	if step1["unthrottled-metered-endpoint@generate"] != "added" {
		t.Errorf("c1→c2 does not add the unthrottled endpoint: %v", step1)
	}
	for id, change := range step1 {
		if change == "added" && !strings.HasSuffix(id, "@generate") {
			t.Errorf("c1→c2 adds a row about another element: %s", id)
		}
	}
	step2 := rows(c2, c3)
	if step2["webhook-forgery@stripe-hook"] != "added" {
		t.Errorf("c2→c3 does not add the forged-webhook threat: %v", step2)
	}
	if _, ok := step2["unthrottled-metered-endpoint@generate"]; ok {
		t.Errorf("c2→c3 repeats a row c2 already had: %v", step2)
	}
	back := rows(c3, c1)
	if back["webhook-forgery@stripe-hook"] != "removed" || back["unthrottled-metered-endpoint@generate"] != "removed" {
		t.Errorf("c3→c1 does not remove the rows: %v", back)
	}
	md, _, _ := runIn(t, dir, nil, "diff", c1, c3)
	if !strings.Contains(md, "| added | ") || !strings.Contains(md, "`webhook-forgery@stripe-hook`") {
		t.Errorf("markdown diff lacks the rows:\n%s", md)
	}
	if _, _, code := runIn(t, dir, nil, "diff", "no-such-rev"); code != ExitUsage {
		t.Errorf("unknown revision: exit %d, want 2", code)
	}
}

func TestReviewKeepsCommentsAndLayout(t *testing.T) {
	dir := t.TempDir()
	src := "# our model\nsystem:\n  name: bot   # the bot\n  reviewed: 2026-01-01  # last time\n  review_every: 90d\n\n# assets below\nassets: []\n"
	file := filepath.Join(dir, "threatmap.yaml")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runIn(t, dir, nil, "review", "--by", "Ana Lima", "--date", "2026-11-01"); code != ExitOK {
		t.Fatalf("review exit %d: %s", code, errOut)
	}
	got, _ := os.ReadFile(file)
	want := "# our model\nsystem:\n  name: bot   # the bot\n  reviewed_by: Ana Lima\n  reviewed: 2026-11-01  # last time\n  review_every: 90d\n\n# assets below\nassets: []\n"
	if string(got) != want {
		t.Errorf("review rewrote more than the review fields:\n%s", got)
	}
	if _, _, code := runIn(t, dir, nil, "review"); code != ExitUsage {
		t.Error("review without --by succeeded")
	}
}

// TestDocqaHardenedPassesWithVerifiedControls checks the fixed state: the
// gate passes, and the controls evidence can check are verified by it, not
// merely claimed.
func TestDocqaHardenedPassesWithVerifiedControls(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "examples", "docqa-hardened")
	if doc, code := checkProblems(t, dir, nil); code != ExitOK || !doc.Passed {
		t.Fatalf("check fails on docqa-hardened: %+v", doc)
	}
	out, _, code := runIn(t, dir, nil, "report", "--format", "json", ".")
	if code != ExitOK {
		t.Fatalf("report exit %d", code)
	}
	var doc struct {
		Controls []struct{ ID, Status string } `json:"controls"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, c := range doc.Controls {
		status[c.ID] = c.Status
	}
	for _, id := range []string{"session-auth", "rate-limits", "stripe-signature", "csrf-tokens", "bucket-private",
		"storage-encrypted", "admin-internal", "no-committed-secrets", "env-ignored", "ci-secret-scan", "ci-vuln-scan", "ci-sbom", "actions-pinned"} {
		if status[id] != "verified" {
			t.Errorf("control %s is %q, want verified by evidence", id, status[id])
		}
	}
	if status["budget-alerts"] != "implemented" {
		t.Errorf("a control no scanner can see should stay implemented, got %q", status["budget-alerts"])
	}
}
