package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threatmap/threatmap/examples/stripe-webhook-bot/server"
)

const secret = "whsec_test_0123456789abcdef"

// clock is a settable time source, so tests move time instead of sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}

type harness struct {
	t      *testing.T
	srv    *server.Server
	ts     *httptest.Server
	clock  *clock
	logs   *syncBuffer
	alerts chan server.Alert
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start serves the bot on a loopback listener (httptest binds 127.0.0.1:0).
func start(t *testing.T, cfg server.Config) *harness {
	t.Helper()
	h := &harness{t: t, clock: &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}, logs: &syncBuffer{}, alerts: make(chan server.Alert, 16)}
	if cfg.SigningSecret == "" {
		cfg.SigningSecret = secret
	}
	cfg.Now = h.clock.Now
	cfg.Logger = slog.New(slog.NewTextHandler(h.logs, nil))
	cfg.Alert = func(a server.Alert) { h.alerts <- a }
	h.srv = server.New(cfg)
	h.ts = httptest.NewServer(h.srv)
	t.Cleanup(h.ts.Close)
	return h
}

func (h *harness) do(method, path string, body []byte, header map[string]string) (int, string) {
	h.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, h.ts.URL+path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func event(id string) []byte {
	return []byte(fmt.Sprintf(`{"id":%q,"type":"checkout.session.completed"}`, id))
}

func (h *harness) signed(payload []byte, at time.Time, key string) map[string]string {
	return map[string]string{"Stripe-Signature": server.SignatureHeader(payload, key, at), "Content-Type": "application/json"}
}

func TestWebhookSignature(t *testing.T) {
	tests := []struct {
		name   string
		mode   server.Mode
		header func(h *harness, p []byte) map[string]string
		want   int
	}{
		{"hardened rejects unsigned", server.Hardened, func(*harness, []byte) map[string]string { return nil }, 400},
		{"hardened accepts signed", server.Hardened, func(h *harness, p []byte) map[string]string { return h.signed(p, h.clock.Now(), secret) }, 200},
		{"hardened rejects wrong secret", server.Hardened, func(h *harness, p []byte) map[string]string { return h.signed(p, h.clock.Now(), "whsec_wrong") }, 400},
		{"hardened rejects stale timestamp", server.Hardened, func(h *harness, p []byte) map[string]string {
			return h.signed(p, h.clock.Now().Add(-301*time.Second), secret)
		}, 400},
		{"hardened accepts timestamp inside tolerance", server.Hardened, func(h *harness, p []byte) map[string]string {
			return h.signed(p, h.clock.Now().Add(-299*time.Second), secret)
		}, 200},
		{"hardened rejects garbage header", server.Hardened, func(*harness, []byte) map[string]string {
			return map[string]string{"Stripe-Signature": "t=abc,v1=zz"}
		}, 400},
		{"vulnerable accepts unsigned", server.Vulnerable, func(*harness, []byte) map[string]string { return nil }, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, server.Config{Mode: tt.mode, Allow: loopback})
			p := event("evt_1")
			if got, body := h.do("POST", "/webhook/stripe", p, tt.header(h, p)); got != tt.want {
				t.Fatalf("status %d (%s), want %d", got, body, tt.want)
			}
		})
	}
}

func TestWebhookIdempotency(t *testing.T) {
	h := start(t, server.Config{Mode: server.Hardened, Allow: loopback})
	p := event("evt_dup")
	for i, want := range []string{"processed", "duplicate", "duplicate"} {
		code, body := h.do("POST", "/webhook/stripe", p, h.signed(p, h.clock.Now(), secret))
		var got map[string]string
		if err := json.Unmarshal([]byte(body), &got); err != nil || code != 200 || got["status"] != want {
			t.Fatalf("delivery %d: %d %s, want status %s", i, code, body, want)
		}
	}
	if st := h.srv.Stats(); st.Events != 1 || st.Duplicates != 2 {
		t.Fatalf("stats %+v, want 1 event and 2 duplicates", st)
	}
}

func TestRateLimit(t *testing.T) {
	for _, mode := range []server.Mode{server.Hardened, server.Vulnerable} {
		t.Run(string(mode), func(t *testing.T) {
			h := start(t, server.Config{Mode: mode, Allow: loopback})
			for i := 1; i <= 100; i++ {
				if code, _ := h.do("POST", "/webhook/stripe", []byte("{}"), nil); code == http.StatusTooManyRequests {
					t.Fatalf("request %d was limited", i)
				}
			}
			code, _ := h.do("POST", "/webhook/stripe", []byte("{}"), nil)
			if mode == server.Hardened && code != http.StatusTooManyRequests {
				t.Fatalf("101st request: %d, want 429", code)
			}
			if mode == server.Vulnerable && code == http.StatusTooManyRequests {
				t.Fatalf("vulnerable mode limited the 101st request")
			}
			// A new minute gives the address a fresh budget.
			h.clock.Advance(time.Minute)
			if code, _ := h.do("POST", "/webhook/stripe", []byte("{}"), nil); code == http.StatusTooManyRequests {
				t.Fatalf("request after the window turned was limited")
			}
		})
	}
}

func TestAllowlist(t *testing.T) {
	tests := []struct {
		name  string
		mode  server.Mode
		allow []netip.Prefix
		want  int
	}{
		{"hardened refuses loopback outside Stripe's ranges", server.Hardened, nil, 403},
		{"hardened admits allowlisted loopback", server.Hardened, loopback, 200},
		{"vulnerable admits anyone", server.Vulnerable, nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, server.Config{Mode: tt.mode, Allow: tt.allow})
			p := event("evt_ip")
			if code, body := h.do("POST", "/webhook/stripe", p, h.signed(p, h.clock.Now(), secret)); code != tt.want {
				t.Fatalf("status %d (%s), want %d", code, body, tt.want)
			}
		})
	}
}

func TestStripeIPsParse(t *testing.T) {
	ps := server.StripeWebhookPrefixes()
	if len(ps) != len(server.StripeWebhookIPs) || len(ps) == 0 {
		t.Fatalf("got %d prefixes", len(ps))
	}
	if _, err := server.ParseAllow([]string{"10.0.0.0/8", "127.0.0.1", "::1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := server.ParseAllow([]string{"not-an-ip"}); err == nil {
		t.Fatal("bad address accepted")
	}
}

func TestTraps(t *testing.T) {
	tests := []struct {
		mode         server.Mode
		method, path string
		want         int
	}{
		{server.Vulnerable, "POST", "/api/legacy/sync", 200},
		{server.Vulnerable, "GET", "/dev/reset", 200},
		{server.Hardened, "POST", "/api/legacy/sync", 404},
		{server.Hardened, "GET", "/dev/reset", 404},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode)+" "+tt.method+" "+tt.path, func(t *testing.T) {
			h := start(t, server.Config{Mode: tt.mode, Allow: loopback})
			if code, body := h.do(tt.method, tt.path, nil, nil); code != tt.want {
				t.Fatalf("status %d (%s), want %d", code, body, tt.want)
			}
		})
	}
	// The forgotten endpoint has no rate limit even in a burst.
	h := start(t, server.Config{Mode: server.Vulnerable})
	for i := 0; i < 150; i++ {
		if code, _ := h.do("POST", "/api/legacy/sync", nil, nil); code != 200 {
			t.Fatalf("legacy call %d: %d", i, code)
		}
	}
}

func TestAdminTokens(t *testing.T) {
	tests := []struct {
		name    string
		mode    server.Mode
		expires time.Duration
		token   string
		want    int
	}{
		{"valid token", server.Hardened, time.Hour, "admin-token-aaaaaaaaaaaa", 200},
		{"no token", server.Hardened, time.Hour, "", 401},
		{"unknown token", server.Hardened, time.Hour, "admin-token-bbbbbbbbbbbb", 401},
		{"expired token refused", server.Hardened, -time.Minute, "admin-token-aaaaaaaaaaaa", 401},
		{"expired token accepted when vulnerable", server.Vulnerable, -time.Minute, "admin-token-aaaaaaaaaaaa", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, server.Config{Mode: tt.mode, Allow: loopback})
			h2 := start(t, server.Config{Mode: tt.mode, Allow: loopback, Tokens: []server.Token{{Value: "admin-token-aaaaaaaaaaaa", Expires: h.clock.Now().Add(tt.expires)}}})
			hdr := map[string]string{}
			if tt.token != "" {
				hdr["Authorization"] = "Bearer " + tt.token
			}
			if code, body := h2.do("GET", "/admin/status", nil, hdr); code != tt.want {
				t.Fatalf("status %d (%s), want %d", code, body, tt.want)
			}
		})
	}
}

func TestTokenRotation(t *testing.T) {
	h := start(t, server.Config{Mode: server.Hardened, Allow: loopback})
	h = start(t, server.Config{Mode: server.Hardened, Allow: loopback, Tokens: []server.Token{{Value: "old-token-0123456789", Expires: h.clock.Now().Add(30 * 24 * time.Hour)}}})
	bearer := func(v string) map[string]string { return map[string]string{"Authorization": "Bearer " + v} }
	if err := h.srv.RotateToken("short", time.Hour, time.Minute); err == nil {
		t.Fatal("a short token was accepted")
	}
	if err := h.srv.RotateToken("new-token-0123456789", 24*time.Hour, 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{"old-token-0123456789", "new-token-0123456789"} {
		if code, _ := h.do("GET", "/admin/status", nil, bearer(tok)); code != 200 {
			t.Fatalf("%s inside the grace period: %d", tok, code)
		}
	}
	h.clock.Advance(6 * time.Minute)
	if code, _ := h.do("GET", "/admin/status", nil, bearer("old-token-0123456789")); code != 401 {
		t.Fatalf("old token after the grace period: %d, want 401", code)
	}
	if code, _ := h.do("GET", "/admin/status", nil, bearer("new-token-0123456789")); code != 200 {
		t.Fatalf("new token: %d, want 200", code)
	}
}

func TestFailuresLoggedAndSpikesAlert(t *testing.T) {
	h := start(t, server.Config{Mode: server.Hardened, Allow: loopback, SpikeFailures: 3})
	for i := 0; i < 5; i++ {
		h.do("POST", "/webhook/stripe", []byte("{}"), nil)
	}
	logs := h.logs.String()
	if n := strings.Count(logs, "request failed"); n != 5 {
		t.Fatalf("%d failures logged, want 5:\n%s", n, logs)
	}
	if !strings.Contains(logs, "path=/webhook/stripe") || !strings.Contains(logs, "reason=") {
		t.Fatalf("failure log lacks path or reason:\n%s", logs)
	}
	select {
	case a := <-h.alerts:
		if a.Kind != "failures" || a.Count != 4 {
			t.Fatalf("alert %+v, want failures at 4", a)
		}
	default:
		t.Fatal("no alert raised")
	}
	select {
	case a := <-h.alerts:
		t.Fatalf("second alert in one window: %+v", a)
	default:
	}
}

func TestHealth(t *testing.T) {
	h := start(t, server.Config{Mode: server.Hardened})
	if code, body := h.do("GET", "/healthz", nil, nil); code != 200 || body != "ok\n" {
		t.Fatalf("%d %q", code, body)
	}
}
