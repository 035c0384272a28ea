package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/threatmap/threatmap/evidence"
)

// recorder is a loopback service that records every request it sees and
// guards /api/documents/{id} by ownership: alice owns doc-a, bob owns
// doc-b. It answers /.env with content no matcher recognises.
type recorder struct {
	mu   sync.Mutex
	seen []string // "METHOD /path auth"
}

func (s *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.seen = append(s.seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
	s.mu.Unlock()
	switch {
	case r.URL.Path == "/.env":
		w.Write([]byte("this is not a dotenv file anyone knows\n"))
	case strings.HasPrefix(r.URL.Path, "/api/documents/"):
		owner := map[string]string{"doc-a": "Bearer alice", "doc-b": "Bearer bob"}[strings.TrimPrefix(r.URL.Path, "/api/documents/")]
		if owner == "" || r.Header.Get("Authorization") != owner {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		w.Write([]byte(`{"id":"x"}`))
	default:
		http.NotFound(w, r)
	}
}

func (s *recorder) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.seen)
}

func runSafety(t *testing.T, env map[string]string, routes []evidence.Route, allow bool) (*Report, *recorder, string) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	plan, err := NewPlan(loadModel(t, "testdata/safety"), mustTarget(t, srv.URL), routes, Options{AllowWrites: allow, Burst: 6, Getenv: envOf(env)})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Execute(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	return rep, rec, srv.URL
}

// TestProbeMethodsOnlyAsDeclared: a route declared POST whose path deletes
// is never sent a GET; without --allow-writes nothing reaches it or a GET
// whose path flushes a cache; with it, only the declared method is sent,
// and a route the model does not declare is never sent a write at all.
func TestProbeMethodsOnlyAsDeclared(t *testing.T) {
	undeclared := []evidence.Route{
		{Method: "POST", Path: "/admin/users/{id}/ban", Tags: []string{"admin"}},
		{Method: "GET", Path: "/admin/reset-all", Tags: []string{"admin"}},
	}
	for _, allow := range []bool{false, true} {
		_, rec, _ := runSafety(t, nil, undeclared, allow)
		for _, r := range rec.requests() {
			method, rest, _ := strings.Cut(r, " ")
			path, _, _ := strings.Cut(rest, " ")
			switch {
			case strings.HasPrefix(path, "/admin/users/") && strings.HasSuffix(path, "/delete"):
				if !allow || method != http.MethodPost {
					t.Errorf("allow=%v: %s sent to a route declared POST that deletes", allow, r)
				}
			case path == "/api/cache/flush" && !allow:
				t.Errorf("a GET whose path flushes a cache was sent without --allow-writes: %s", r)
			case strings.HasPrefix(path, "/admin/users/") || path == "/admin/reset-all":
				t.Errorf("allow=%v: an undeclared state-changing route was probed: %s", allow, r)
			}
		}
	}
}

// TestUnclassifiedExposedFileIsInconclusive: /.env served with content no
// matcher recognises is inconclusive, and no-exposed-files is then not
// verified by the other file probes' passes.
func TestUnclassifiedExposedFileIsInconclusive(t *testing.T) {
	rep, _, _ := runSafety(t, nil, nil, false)
	if got := verdicts(rep)[CheckExposedFile+" GET /.env"]; got != Inconclusive {
		t.Fatalf("/.env with unknown content: %s, want inconclusive", got)
	}
	for _, o := range rep.Evidence().Observations {
		if o.Property == evidence.NoExposedFiles && o.Holds {
			t.Errorf("an inconclusive file probe left a verifying observation: %+v", o)
		}
	}
}

// TestRateLimitBurstUsesTheOwnersCredential: the burst on an object route
// asks for bob's object as bob, never as alice; with only alice's
// credential it is skipped rather than sent with another user's object.
func TestRateLimitBurstUsesTheOwnersCredential(t *testing.T) {
	env := map[string]string{EnvUserAAuth: "Bearer alice", EnvUserBAuth: "Bearer bob", EnvUserBObject: "doc-b"}
	rep, rec, _ := runSafety(t, env, nil, false)
	count := 0
	for _, r := range rec.requests() {
		if strings.HasPrefix(r, "GET /api/documents/doc-b Bearer") {
			count++
		}
		if r == "GET /api/documents/doc-b Bearer alice" {
			count-- // alice asking for bob's object belongs to the object-authorization probe, once
		}
	}
	if count < 6 {
		t.Errorf("the burst did not ask for bob's object as bob: %v", rec.requests())
	}
	if got := verdicts(rep)[CheckRateLimit+" GET /api/documents/{id}"]; got != Fail {
		t.Errorf("unlimited object route with the owner's credential: %s, want fail", got)
	}

	rep, rec, _ = runSafety(t, map[string]string{EnvUserAAuth: "Bearer alice"}, nil, false)
	for _, res := range rep.Results {
		if res.Probe.Check == CheckRateLimit && res.Probe.Surface == "documents" && res.Outcome.Status != Skipped {
			t.Errorf("burst without the owner's credential: %s", res.Outcome.Status)
		}
	}
	// Without any credential every answer is a refusal: inconclusive.
	rep, _, _ = runSafety(t, nil, nil, false)
	if got := verdicts(rep)[CheckRateLimit+" GET /api/documents/{id}"]; got != Inconclusive {
		t.Errorf("a burst of refusals: %s, want inconclusive", got)
	}
}

// TestProbeFindingLocationIsTheURL: a probe finding has no file; its
// location is the URL it requested.
func TestProbeFindingLocationIsTheURL(t *testing.T) {
	env := map[string]string{EnvUserAAuth: "Bearer alice", EnvUserBAuth: "Bearer bob", EnvUserBObject: "doc-b"}
	rep, _, base := runSafety(t, env, nil, false)
	set := rep.Evidence()
	if len(set.Findings) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range set.Findings {
		if f.File != "" || !strings.HasPrefix(f.Where(), base+"/") || strings.Contains(f.Where(), ":0") {
			t.Errorf("finding located at %q, want a URL under %s", f.Where(), base)
		}
	}
}

func TestIsWriteLikePath(t *testing.T) {
	for p, want := range map[string]bool{
		"/admin/users/{id}/delete": true, "/api/cache/flush": true, "/resetPassword": true, "/api/v1/user-create": true,
		"/dev/seed": true, "/api/documents/{id}": false, "/news": false, "/api/settings": false, "/healthz": false,
		"/api/{delete}": false, "/addresses": false,
	} {
		if got := isWriteLikePath(p); got != want {
			t.Errorf("isWriteLikePath(%q) = %v, want %v", p, got, want)
		}
	}
}
