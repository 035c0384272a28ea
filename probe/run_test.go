package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/threatmap/threatmap/evidence"
)

func runAgainst(t *testing.T, h http.Handler, opts Options) (*Report, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	m := loadModel(t, "testdata/run")
	if opts.Getenv == nil {
		opts.Getenv = envOf(testSecrets)
	}
	if opts.Burst == 0 {
		opts.Burst = 30
	}
	plan, err := NewPlan(m, mustTarget(t, srv.URL), nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Execute(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	return rep, srv
}

func verdicts(rep *Report) map[string]Status {
	out := map[string]Status{}
	for _, r := range rep.Results {
		out[r.Probe.Check+" "+r.Probe.Subject] = r.Outcome.Status
	}
	return out
}

// TestSecureAndInsecureService runs the full plan against the same
// service with its defences on and off and checks every verdict.
func TestSecureAndInsecureService(t *testing.T) {
	type want struct{ secure, insecure Status }
	expect := map[string]want{
		CheckAuth + " GET /api/documents/:id":         {Pass, Fail},
		CheckObjectAuthz + " GET /api/documents/:id":  {Pass, Fail},
		CheckVerboseError + " GET /api/documents/:id": {Pass, Fail},
		CheckVerboseError + " GET /healthz":           {Pass, Fail},
		CheckWebhookSig + " POST /webhook/stripe":     {Pass, Fail},
		CheckWebhookStale + " POST /webhook/stripe":   {Pass, Fail},
		CheckWebhookSig + " POST /webhook/github":     {Pass, Fail},
		CheckWebhookStale + " POST /webhook/github":   {Skipped, Skipped},
		CheckWebhookSig + " POST /slack/events":       {Pass, Fail},
		CheckWebhookStale + " POST /slack/events":     {Pass, Fail},
		CheckWebhookSig + " POST /hooks/partner":      {Pass, Fail},
		CheckUnreachable + " GET /admin":              {Pass, Fail},
		CheckExposedFile + " GET /.env":               {Pass, Fail},
		CheckExposedFile + " GET /.git/config":        {Pass, Fail},
		CheckExposedFile + " GET /.git/HEAD":          {Pass, Pass},
		CheckUnreachable + " GET /debug/pprof/":       {Pass, Pass},
		CheckHeaders + " ":                            {Pass, Fail},
		CheckCORS + " ":                               {Pass, Fail},
		CheckTLS + " ":                                {Skipped, Skipped},
		CheckRateLimit + " GET /healthz":              {Pass, Fail},
		CheckRateLimit + " GET /api/documents/:id":    {Pass, Fail},
		CheckRateLimit + " POST /webhook/stripe":      {Pass, Fail},
		CheckVerboseError + " POST /webhook/stripe":   {Pass, Pass},
	}
	for _, secure := range []bool{true, false} {
		t.Run(fmt.Sprintf("secure=%v", secure), func(t *testing.T) {
			svc := newService(secure)
			rep, _ := runAgainst(t, svc, Options{})
			got := verdicts(rep)
			for key, w := range expect {
				st := w.insecure
				if secure {
					st = w.secure
				}
				if got[key] != st {
					detail := ""
					for _, r := range rep.Results {
						if r.Probe.Check+" "+r.Probe.Subject == key {
							detail = r.Outcome.Detail
						}
					}
					t.Errorf("%s: %s, want %s (%s)", key, got[key], st, detail)
				}
			}
			if secure && rep.Failed() {
				var buf bytes.Buffer
				_ = rep.WriteText(&buf)
				t.Errorf("secure service failed a probe:\n%s", buf.String())
			}
			var out bytes.Buffer
			_ = rep.WriteText(&out)
			js, _ := json.Marshal(rep.Evidence())
			assertNoSecrets(t, out.String()+string(js))
		})
	}
}

// TestEvidenceShape checks what the threat engine reads: observations for
// every verdict on the surface's own "METHOD /path" and on the extra
// subjects, findings with property, resource and severity for failures.
func TestEvidenceShape(t *testing.T) {
	rep, _ := runAgainst(t, newService(false), Options{})
	set := rep.Evidence()
	find := func(prop evidence.Property, subject string) *evidence.Observation {
		for i, o := range set.Observations {
			if o.Property == prop && o.Subject == subject {
				return &set.Observations[i]
			}
		}
		return nil
	}
	for _, c := range []struct {
		prop    evidence.Property
		subject string
		holds   bool
	}{
		{evidence.SignatureVerified, "POST /webhook/stripe", false},
		{evidence.ReplayProtected, "POST /webhook/stripe", false},
		{evidence.Authentication, "GET /api/documents/:id", false},
		{evidence.ObjectAuthorization, "GET /api/documents/:id", false},
		{evidence.NoVerboseErrors, "errors", false},
		{evidence.NoExposedFiles, "env", false},
		{evidence.NoExposedFiles, "", false},
		{evidence.StrictCORS, "", false},
		{evidence.RateLimited, "POST /webhook/stripe", false},
		{evidence.NotPubliclyReachable, "GET /admin", false},
	} {
		o := find(c.prop, c.subject)
		if o == nil {
			t.Errorf("no %s observation for %q", c.prop, c.subject)
			continue
		}
		if o.Scanner != ScannerName || o.Detail == "" {
			t.Errorf("observation %+v lacks scanner or detail", *o)
		}
	}
	var sig *evidence.Finding
	for i, f := range set.Findings {
		if f.Rule == CheckWebhookSig && f.Resource == "/webhook/stripe" {
			sig = &set.Findings[i]
		}
		if f.Property == "" || f.Resource == "" || f.Fingerprint == "" || f.Scanner != ScannerName {
			t.Errorf("finding missing fields: %+v", f)
		}
	}
	if sig == nil || sig.Severity.String() != "critical" || !strings.Contains(sig.Message, "unsigned") {
		t.Errorf("stripe signature finding = %+v", sig)
	}
	// A second run gives the same evidence, byte for byte, apart from
	// timings in details.
	rep2, _ := runAgainst(t, newService(false), Options{})
	if a, b := len(rep2.Evidence().Findings), len(set.Findings); a != b {
		t.Errorf("finding count changed between runs: %d vs %d", a, b)
	}
}

// TestCatchAllIsNotExposure: a single-page app that answers 200 with its
// index for every path must not be reported for .env or /admin.
func TestCatchAllIsNotExposure(t *testing.T) {
	svc := newService(true)
	svc.catchAll = true
	rep, _ := runAgainst(t, svc, Options{})
	got := verdicts(rep)
	for _, k := range []string{CheckExposedFile + " GET /.env", CheckExposedFile + " GET /backup.zip", CheckUnreachable + " GET /debug/vars"} {
		if got[k] != Pass {
			t.Errorf("%s = %s on a catch-all app", k, got[k])
		}
	}
}

func TestRateLimitObservedLimit(t *testing.T) {
	svc := newService(true)
	svc.limit = 7
	rep, _ := runAgainst(t, svc, Options{})
	for _, r := range rep.Results {
		if r.Probe.Check == CheckRateLimit && r.Probe.Subject == "GET /healthz" {
			// The verbose-error probe and the CORS preflight spent two of
			// /healthz's seven requests before the burst.
			if r.Outcome.Status != Pass || !strings.Contains(r.Outcome.Detail, "observed limit: 5") || !strings.Contains(r.Outcome.Detail, "Retry-After 1m0s") {
				t.Fatalf("rate limit outcome = %+v", r.Outcome)
			}
			return
		}
	}
	t.Fatal("no rate-limit probe for /healthz")
}

func TestRateLimitAdvertisedAboveBurst(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("X-RateLimit-Limit", "5000")
		fmt.Fprintln(w, "ok")
	})
	rep, _ := runAgainst(t, h, Options{Burst: 5})
	for _, r := range rep.Results {
		if r.Probe.Check == CheckRateLimit && r.Probe.Subject == "GET /healthz" {
			if r.Outcome.Status != Inconclusive || !strings.Contains(r.Outcome.Detail, "raise --burst") {
				t.Fatalf("outcome = %+v", r.Outcome)
			}
			return
		}
	}
	t.Fatal("no rate-limit probe")
}

// TestWrongSecretIsInconclusive: when the signing secret given is not the
// endpoint's, a verifying endpoint refuses everything and the probe must
// not claim the signature is verified.
func TestWrongSecretIsInconclusive(t *testing.T) {
	env := map[string]string{EnvWebhookSecret: "not-the-secret", EnvSecretPrefix + "STRIPE_WEBHOOK": "not-the-secret-either"}
	rep, _ := runAgainst(t, newService(true), Options{Getenv: envOf(env)})
	got := verdicts(rep)
	for _, k := range []string{CheckWebhookSig + " POST /webhook/stripe", CheckWebhookStale + " POST /slack/events", CheckWebhookSig + " POST /webhook/github"} {
		if got[k] != Inconclusive {
			t.Errorf("%s = %s, want inconclusive", k, got[k])
		}
	}
}

// TestNoSecretStillChecksRefusals: without secrets, unsigned and wrongly
// signed payloads are still sent, and replay is skipped with the variable
// to set.
func TestNoSecretStillChecksRefusals(t *testing.T) {
	rep, _ := runAgainst(t, newService(true), Options{Getenv: envOf(nil)})
	for _, r := range rep.Results {
		switch r.Probe.Check + " " + r.Probe.Subject {
		case CheckWebhookSig + " POST /webhook/stripe":
			if r.Outcome.Status != Pass || !strings.Contains(r.Outcome.Detail, "THREATMAP_SECRET_STRIPE_WEBHOOK") {
				t.Errorf("signature = %+v", r.Outcome)
			}
		case CheckWebhookStale + " POST /webhook/stripe":
			if r.Outcome.Status != Skipped || !strings.Contains(r.Outcome.Detail, EnvWebhookSecret) {
				t.Errorf("replay = %+v", r.Outcome)
			}
		case CheckObjectAuthz + " GET /api/documents/:id":
			if r.Outcome.Status != Skipped || !strings.Contains(r.Outcome.Detail, EnvUserAAuth) {
				t.Errorf("idor = %+v", r.Outcome)
			}
		}
	}
}

// TestRedirectToAnotherHostIsNotFollowed: the target redirects every
// request to a second server, which fails the test if it is ever hit.
func TestRedirectToAnotherHostIsNotFollowed(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request reached another host: %s %s", r.Method, r.URL)
	}))
	defer other.Close()
	redirector := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	})
	rep, _ := runAgainst(t, redirector, Options{Burst: 3})
	if rep.Requests == 0 {
		t.Fatal("nothing was sent to the target")
	}
}

func TestDialOnlyTheTarget(t *testing.T) {
	plan := &Plan{Target: mustTarget(t, "http://127.0.0.1:1"), Options: Options{}.withDefaults()}
	x := newExecutor(plan)
	for _, addr := range []string{"127.0.0.1:2", "10.0.0.1:1", "example.com:80", "[::1]:1"} {
		if _, err := x.dial(context.Background(), "tcp", addr); err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("dial %s: %v", addr, err)
		}
	}
	if hostPort(mustTarget(t, "https://Example.COM")) != "example.com:443" {
		t.Error("default https port")
	}
}

// TestRequestBudget: no more requests than --max-requests reach the
// service, bursts included.
func TestRequestBudget(t *testing.T) {
	svc := newService(false)
	rep, _ := runAgainst(t, svc, Options{MaxRequests: 7, Burst: 100})
	if svc.Hits() != 7 || rep.Requests != 7 {
		t.Fatalf("service saw %d requests, report says %d; budget 7", svc.Hits(), rep.Requests)
	}
	inconclusive := 0
	for _, r := range rep.Results {
		if r.Outcome.Status == Inconclusive && strings.Contains(r.Outcome.Detail, "budget") {
			inconclusive++
		}
	}
	if inconclusive == 0 {
		t.Error("no probe reported the exhausted budget")
	}
}

// TestTimeBounds: a service that never answers cannot hold the run past
// its limits; every request times out and later probes are skipped.
func TestTimeBounds(t *testing.T) {
	release := make(chan struct{})
	var started atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer close(release)
	plan, err := NewPlan(nil, mustTarget(t, srv.URL), nil, Options{Timeout: 50 * time.Millisecond, ProbeTime: 200 * time.Millisecond, MaxTime: 400 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rep, err := Execute(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("run took %s despite a 400ms limit", el)
	}
	skipped := 0
	for _, r := range rep.Results {
		switch r.Outcome.Status {
		case Pass, Fail:
			t.Errorf("%s %s judged %s from no answer", r.Probe.Check, r.Probe.Subject, r.Outcome.Status)
		case Skipped:
			if strings.Contains(r.Outcome.Detail, "time limit") {
				skipped++
			}
		}
	}
	if skipped == 0 {
		t.Error("no probe was skipped for the time limit")
	}
}

// TestWritesNeverSentWithoutAllow records every method the service sees.
func TestWritesNeverSentWithoutAllow(t *testing.T) {
	for _, allow := range []bool{false, true} {
		svc := newService(false)
		srv := httptest.NewServer(svc)
		m := loadModel(t, "testdata/plan")
		plan, err := NewPlan(m, mustTarget(t, srv.URL), nil, Options{AllowWrites: allow, Burst: 2, Getenv: envOf(testSecrets)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Execute(context.Background(), plan); err != nil {
			t.Fatal(err)
		}
		srv.Close()
		sawWrite := false
		for _, mp := range svc.methods {
			method, path, _ := strings.Cut(mp, " ")
			if isSafeMethod(method) {
				continue
			}
			webhook := strings.HasPrefix(path, "/webhook/") || path == "/slack/events" || path == "/hooks/partner"
			if method == http.MethodPost && webhook {
				continue
			}
			sawWrite = true
			if !allow {
				t.Errorf("without --allow-writes the service saw %s", mp)
			}
		}
		if allow && !sawWrite {
			t.Error("with --allow-writes no declared write was sent")
		}
	}
}

// TestExecutorRefusesUnplannedWrites: even a hand-built plan cannot make
// the runner send a write that is not marked as allowed.
func TestExecutorRefusesUnplannedWrites(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unplanned write reached the service: %s", r.Method)
	}))
	defer srv.Close()
	for _, r := range []*Request{
		{Method: http.MethodDelete, Path: "/x", Header: http.Header{}},
		{Method: http.MethodPost, Path: "/x", Header: http.Header{}},
		{Method: http.MethodPut, Path: "/x", Header: http.Header{}, Write: true},
	} {
		plan := &Plan{Target: mustTarget(t, srv.URL), Options: Options{}.withDefaults()}
		plan.Probes = []*Probe{{Check: CheckAuth, Steps: []Step{{Request: r}}, eval: evalAuth}}
		if _, err := Execute(context.Background(), plan); err == nil {
			t.Errorf("%s was not refused", r.Method)
		}
	}
}

func TestTLS(t *testing.T) {
	ok := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'")
		w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		fmt.Fprintln(w, "ok")
	}
	quiet := log.New(io.Discard, "", 0)
	modern := httptest.NewUnstartedServer(http.HandlerFunc(ok))
	modern.Config.ErrorLog = quiet
	modern.StartTLS()
	defer modern.Close()
	legacy := httptest.NewUnstartedServer(http.HandlerFunc(ok))
	legacy.Config.ErrorLog = quiet
	legacy.TLS = &tls.Config{MinVersion: tls.VersionTLS10}
	legacy.StartTLS()
	defer legacy.Close()

	tests := []struct {
		name    string
		srv     *httptest.Server
		trusted bool
		want    Status
		detail  string
	}{
		{"modern trusted", modern, true, Pass, "TLS 1.3"},
		{"untrusted certificate", modern, false, Fail, "verification"},
		{"accepts TLS 1.0", legacy, true, Fail, "TLS 1.0 and 1.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{}
			if tt.trusted {
				opts.RootCAs = tt.srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
			} else {
				opts.Insecure = true
			}
			u, _ := url.Parse(tt.srv.URL)
			plan, err := NewPlan(nil, mustTarget(t, "https://"+u.Host), nil, opts)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Execute(context.Background(), plan)
			if err != nil {
				t.Fatal(err)
			}
			got := verdicts(rep)
			var detail string
			for _, r := range rep.Results {
				if r.Probe.Check == CheckTLS {
					detail = r.Outcome.Detail
				}
			}
			if got[CheckTLS+" "] != tt.want || !strings.Contains(detail, tt.detail) {
				t.Errorf("tls = %s (%s), want %s mentioning %q", got[CheckTLS+" "], detail, tt.want, tt.detail)
			}
			if tt.trusted && got[CheckHeaders+" "] != Pass {
				t.Errorf("headers over https = %s", got[CheckHeaders+" "])
			}
		})
	}
}

func TestPlainHTTPOffLoopbackFails(t *testing.T) {
	plan, err := NewPlan(nil, mustTarget(t, "http://api.example.test"), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plan.Probes {
		if p.Check == CheckTLS {
			o := p.eval(&evalContext{plan: plan}, nil)
			if o.Status != Fail {
				t.Fatalf("plain http off loopback = %+v", o)
			}
			return
		}
	}
	t.Fatal("no transport probe")
}

// TestLeakSeenByAnotherProbe: a webhook that answers malformed JSON
// politely but dumps a stack trace for an unsigned payload still fails
// the verbose-errors probe.
func TestLeakSeenByAnotherProbe(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/webhook/stripe" {
			http.NotFound(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		switch {
		case !json.Valid(body):
			http.Error(w, "bad request", http.StatusBadRequest)
		case r.Header.Get("Stripe-Signature") == "":
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, "Traceback (most recent call last):\n  File \"/usr/src/app/hooks.py\", line 9, in stripe_hook\n")
		default:
			http.Error(w, "bad signature", http.StatusBadRequest)
		}
	})
	rep, _ := runAgainst(t, h, Options{Burst: 2})
	st, detail := Status(""), ""
	for _, r := range rep.Results {
		if r.Probe.Check == CheckVerboseError && r.Probe.Subject == "POST /webhook/stripe" {
			st, detail = r.Outcome.Status, r.Outcome.Detail
		}
	}
	if st != Fail || !strings.Contains(detail, "probe-webhook-signature, unsigned") || !strings.Contains(detail, "Traceback") {
		t.Fatalf("verbose errors = %s (%s)", st, detail)
	}
}

func TestRedactEncodedSecrets(t *testing.T) {
	plan := &Plan{Target: mustTarget(t, "http://127.0.0.1:1"), Options: Options{}.withDefaults(), secrets: []string{`p@ss/w"rd+1`, "abc"}}
	x := newExecutor(plan)
	for _, in := range []string{`p@ss/w"rd+1`, url.QueryEscape(`p@ss/w"rd+1`), url.PathEscape(`p@ss/w"rd+1`), `p@ss/w\"rd+1`} {
		if got := x.redact("token " + in + " end"); got != "token "+redactedMark+" end" {
			t.Errorf("redact(%q) = %q", in, got)
		}
	}
	if got := x.redact("abc"); got != "abc" {
		t.Errorf("a three-character secret should not blank out ordinary text: %q", got)
	}
}

func TestCancelledRunSendsNothingMore(t *testing.T) {
	svc := newService(true)
	srv := httptest.NewServer(svc)
	defer srv.Close()
	plan, err := NewPlan(loadModel(t, "testdata/run"), mustTarget(t, srv.URL), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := Execute(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	if svc.Hits() != 0 || rep.Requests != 0 {
		t.Errorf("a cancelled run sent %d requests (report says %d)", svc.Hits(), rep.Requests)
	}
	for _, r := range rep.Results {
		if r.Outcome.Status != Skipped {
			t.Errorf("%s %s = %s after cancel", r.Probe.Check, r.Probe.Subject, r.Outcome.Status)
		}
	}
}
