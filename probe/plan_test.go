package probe

import (
	"bytes"
	"flag"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixedNow dates every signature in plan tests, so dry-run output is
// stable.
var fixedNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// testSecrets are the environment the plan tests run with; none of these
// values may ever appear in output.
var testSecrets = map[string]string{
	EnvWebhookSecret:                   "whsec_shared_SECRET_VALUE_1",
	EnvSecretPrefix + "STRIPE_WEBHOOK": "whsec_stripe_SECRET_VALUE_2",
	EnvUserAAuth:                       "Bearer user-a-SECRET-TOKEN-3",
	EnvUserBAuth:                       "Cookie: session=user-b-SECRET-COOKIE-4",
	EnvUserBObject:                     "42",
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func loadModel(t testing.TB, dir string) *model.Model {
	t.Helper()
	m, _, err := model.Load(dir)
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	return m
}

func mustTarget(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := ValidateTarget(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n%s", path, got)
	}
}

func TestDryRunGolden(t *testing.T) {
	m := loadModel(t, "testdata/plan")
	routes := []evidence.Route{
		{Method: "GET", Path: "/debug/config", File: "api/app.go", Line: 40, Tags: []string{"debug"}},
		{Method: "GET", Path: "/api/me", File: "api/app.go", Line: 41, Guards: []string{"auth"}},
		{Method: "POST", Path: "/api/settings", File: "api/app.go", Line: 42, Guards: []string{"auth"}},
		{Method: "GET", Path: "/api/documents/{doc_id}", File: "api/app.go", Line: 43},
	}
	for _, tc := range []struct {
		name   string
		writes bool
		env    map[string]string
	}{
		{"dryrun.golden", false, testSecrets},
		{"dryrun-writes.golden", true, testSecrets},
		{"dryrun-noenv.golden", false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := NewPlan(m, mustTarget(t, "http://127.0.0.1:9/base"), routes, Options{
				AllowWrites: tc.writes, Burst: 5, Getenv: envOf(tc.env), Now: func() time.Time { return fixedNow },
			})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := plan.WriteDryRun(&buf); err != nil {
				t.Fatal(err)
			}
			assertNoSecrets(t, buf.String())
			golden(t, tc.name, buf.Bytes())
		})
	}
}

func assertNoSecrets(t *testing.T, out string) {
	t.Helper()
	for k, v := range testSecrets {
		if k == EnvUserBObject {
			continue
		}
		for _, piece := range []string{v, strings.TrimPrefix(v, "Bearer "), strings.TrimPrefix(v, "Cookie: ")} {
			if strings.Contains(out, piece) {
				t.Errorf("output shows the value of %s", k)
			}
		}
	}
}

// TestPlanWrites checks the write rule: a state-changing method is planned
// only for a surface declared with it and only with AllowWrites; a POST to
// a webhook is always planned; undeclared routes get safe methods only.
func TestPlanWrites(t *testing.T) {
	m := loadModel(t, "testdata/plan")
	routes := []evidence.Route{{Method: "DELETE", Path: "/api/purge", Guards: []string{"auth"}}, {Method: "POST", Path: "/api/import", Tags: []string{"internal"}}}
	for _, allow := range []bool{false, true} {
		plan, err := NewPlan(m, mustTarget(t, "http://127.0.0.1:9"), routes, Options{AllowWrites: allow, Getenv: envOf(testSecrets), Now: func() time.Time { return fixedNow }})
		if err != nil {
			t.Fatal(err)
		}
		sent := map[string]bool{}
		for _, p := range plan.Probes {
			if p.Skip != "" {
				continue
			}
			for _, st := range p.Steps {
				if st.Request == nil {
					continue
				}
				r := st.Request
				sent[r.Method+" "+r.Path] = true
				if isSafeMethod(r.Method) {
					continue
				}
				if !r.webhook && !r.Write {
					t.Errorf("allow=%v: %s %s planned without the write or webhook mark", allow, r.Method, r.Path)
				}
				if r.Write && !allow {
					t.Errorf("allow=false: write %s %s planned", r.Method, r.Path)
				}
			}
		}
		for _, want := range []string{"PUT /api/profile", "DELETE /api/documents/42", "POST /api/chat"} {
			if sent[want] != allow {
				t.Errorf("allow=%v: %s planned = %v", allow, want, sent[want])
			}
		}
		for _, never := range []string{"DELETE /api/purge", "POST /api/import"} {
			if sent[never] {
				t.Errorf("allow=%v: undeclared %s was planned", allow, never)
			}
		}
		if !sent["POST /webhook/stripe"] {
			t.Errorf("allow=%v: webhook POST not planned", allow)
		}
	}
}

func TestValidateTarget(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{in: "https://API.example.com/v1/", want: "https://api.example.com/v1"},
		{in: "ftp://example.com", err: "scheme"},
		{in: "example.com", err: "scheme"},
		{in: "http://", err: "no host"},
		{in: "http://user:pw@example.com", err: "credentials"},
		{in: "http://example.com/?a=1", err: "query"},
		{in: "http://example.com:99999", err: "port"},
		{in: "http://exa mple.com", err: "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := ValidateTarget(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want it to mention %q", err, tt.err)
				}
				if strings.Contains(err.Error(), "pw@") {
					t.Errorf("error shows the URL's password: %v", err)
				}
				return
			}
			if err != nil || u.String() != tt.want {
				t.Fatalf("got %v, %v; want %s", u, err, tt.want)
			}
		})
	}
}

func TestFillParams(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/api/documents/:id", "/api/documents/X"},
		{"/api/documents/{id}", "/api/documents/X"},
		{"/users/<int:uid>/files/{fid}", "/users/1/files/X"},
		{"/static", "/static"},
		{"/blog/[slug]", "/blog/X"},
	}
	for _, tt := range tests {
		if got := fillParams(tt.in, "X"); got != tt.want {
			t.Errorf("fillParams(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if hasParam("/plain/path") || !hasParam("/a/:b") {
		t.Error("hasParam is wrong")
	}
}

func TestCredentialHeader(t *testing.T) {
	r := &Request{Header: http.Header{}}
	withCredential(r, "Cookie: session=abc", "$X")
	withCredential(r, "Bearer t0k", "$Y")
	if r.secret["Cookie"] != "session=abc" || r.secret["Authorization"] != "Bearer t0k" {
		t.Fatalf("secret headers = %v", r.secret)
	}
}
