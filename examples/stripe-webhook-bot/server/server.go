// Package server is the stripe-webhook-bot: an HTTP service that takes
// Stripe's payment webhooks (about 10,000 POSTs a day) and credits
// accounts. It runs in two modes so that threatmap's examples and probes
// can compare them:
//
//   - hardened: every webhook must carry a valid Stripe-Signature within a
//     300 s tolerance, duplicate event ids are ignored, each client IP gets
//     100 requests a minute, only Stripe's published webhook addresses may
//     call the webhook, failed requests are logged, spikes raise an alert,
//     and the admin status route needs an unexpired, rotatable token;
//   - vulnerable: the same code with those checks switched off, plus the
//     traps from the bot-security seed: a forgotten unthrottled endpoint
//     (POST /api/legacy/sync), a dev route left live (GET /dev/reset) and a
//     hard-coded key (see legacy.go).
//
// It uses the standard library only, so tests can start it on loopback with
// nothing but the Go toolchain.
package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// Mode selects hardened or vulnerable behaviour.
type Mode string

// Modes.
const (
	Hardened   Mode = "hardened"
	Vulnerable Mode = "vulnerable"
)

// ParseMode reads a mode name.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case Hardened, Vulnerable:
		return Mode(s), nil
	}
	return "", fmt.Errorf("unknown mode %q (want hardened or vulnerable)", s)
}

// Token is an admin API token and when it stops being accepted.
type Token struct {
	Value   string
	Expires time.Time
}

// Alert is raised when traffic spikes.
type Alert struct {
	Kind   string // "requests" or "failures"
	Count  int
	Window time.Duration
	At     time.Time
}

// Config configures a Server. Zero values get the defaults noted.
type Config struct {
	Mode Mode
	// SigningSecret is the webhook endpoint's signing secret (whsec_...).
	SigningSecret string
	// Allow lists the addresses allowed to call the webhook; nil means
	// Stripe's published webhook addresses. Tests on loopback add
	// 127.0.0.1/32.
	Allow []netip.Prefix
	// RatePerMinute is the per-IP request budget; default 100.
	RatePerMinute int
	// Tolerance is how old a signed timestamp may be; default 300 s.
	Tolerance time.Duration
	// Tokens are the admin API tokens accepted at start.
	Tokens []Token
	// SpikeRequests and SpikeFailures are per-minute thresholds above which
	// an alert is raised; defaults 300 and 20.
	SpikeRequests int
	SpikeFailures int
	// Alert receives spike alerts; nil logs them at error level.
	Alert func(Alert)
	// Logger receives request failures; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Stats are the counters the admin status route reports.
type Stats struct {
	Events      int            `json:"events"`
	Duplicates  int            `json:"duplicates"`
	Failures    int            `json:"failures"`
	ByType      map[string]int `json:"by_type"`
	LegacySyncs int            `json:"legacy_syncs"`
	Alerts      int            `json:"alerts"`
}

// Server is the bot's HTTP handler.
type Server struct {
	cfg     Config
	mux     *http.ServeMux
	limiter *ipLimiter
	spikes  *spikeDetector

	mu        sync.Mutex
	tokens    []Token
	seen      map[string]bool
	seenOrder []string
	stats     Stats
}

// maxSeen bounds the idempotency store; Stripe retries for three days, far
// fewer than this many events at 10,000 a day.
const maxSeen = 100_000

// maxBody bounds a webhook payload; Stripe events are a few kilobytes.
const maxBody = 64 << 10

// New builds the server. The traps are registered only in vulnerable mode.
func New(cfg Config) *Server {
	if cfg.Mode == "" {
		cfg.Mode = Hardened
	}
	if cfg.RatePerMinute <= 0 {
		cfg.RatePerMinute = 100
	}
	if cfg.Tolerance <= 0 {
		cfg.Tolerance = 300 * time.Second
	}
	if cfg.Allow == nil {
		cfg.Allow = StripeWebhookPrefixes()
	}
	if cfg.SpikeRequests <= 0 {
		cfg.SpikeRequests = 300
	}
	if cfg.SpikeFailures <= 0 {
		cfg.SpikeFailures = 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{
		cfg:     cfg,
		mux:     http.NewServeMux(),
		limiter: newIPLimiter(cfg.RatePerMinute, time.Minute, cfg.Now),
		tokens:  append([]Token(nil), cfg.Tokens...),
		seen:    map[string]bool{},
		stats:   Stats{ByType: map[string]int{}},
	}
	s.spikes = newSpikeDetector(time.Minute, cfg.Now, cfg.SpikeRequests, cfg.SpikeFailures, s.raise)
	s.routes()
	return s
}

func (s *Server) routes() {
	s.mux.Handle("POST /webhook/stripe", s.allowlist(s.rateLimit(http.HandlerFunc(s.handleStripeWebhook))))
	s.mux.Handle("GET /admin/status", s.rateLimit(s.requireToken(http.HandlerFunc(s.handleStatus))))
	s.mux.HandleFunc("GET /healthz", s.handleHealth)
	if s.cfg.Mode == Vulnerable {
		s.mux.HandleFunc("POST /api/legacy/sync", s.legacySync)
		s.mux.HandleFunc("GET /dev/reset", s.devReset)
	}
}

// ServeHTTP records every response for failure logging and spike alerts.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Mode == Hardened {
		// The bot serves JSON to machines: nothing may sniff it into HTML
		// or frame it.
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	s.mux.ServeHTTP(rec, r)
	s.spikes.request()
	if rec.status >= 400 {
		s.mu.Lock()
		s.stats.Failures++
		s.mu.Unlock()
		s.spikes.failure()
		s.cfg.Logger.Warn("request failed",
			"method", r.Method, "path", r.URL.Path, "status", rec.status,
			"ip", clientIP(r).String(), "reason", rec.reason)
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	reason string
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// fail writes an error response and notes why for the failure log.
func fail(w http.ResponseWriter, code int, reason string) {
	if rec, ok := w.(*statusRecorder); ok {
		rec.reason = reason
	}
	http.Error(w, http.StatusText(code), code)
}

func clientIP(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// allowlist rejects callers outside the configured sender ranges with 403.
func (s *Server) allowlist(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Mode == Hardened && !s.ipAllowed(clientIP(r)) {
			fail(w, http.StatusForbidden, "address not in allowlist")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) ipAllowed(a netip.Addr) bool {
	for _, p := range s.cfg.Allow {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// rateLimit gives each client IP RatePerMinute requests a minute.
func (s *Server) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Mode == Hardened && !s.limiter.Allow(clientIP(r)) {
			w.Header().Set("Retry-After", "60")
			fail(w, http.StatusTooManyRequests, "rate limit exceeded")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireToken checks the admin bearer token. Hardened mode refuses
// expired tokens; vulnerable mode accepts any token ever issued, the
// skeleton key the seed warns about.
func (s *Server) requireToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const prefix = "Bearer "
		h := r.Header.Get("Authorization")
		if len(h) <= len(prefix) || h[:len(prefix)] != prefix || !s.tokenValid(h[len(prefix):]) {
			fail(w, http.StatusUnauthorized, "missing, unknown or expired token")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) tokenValid(v string) bool {
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		if !constantTimeEqual(t.Value, v) {
			continue
		}
		return s.cfg.Mode == Vulnerable || now.Before(t.Expires)
	}
	return false
}

// RotateToken issues a new admin token valid for ttl and cuts every older
// token's life to at most grace from now, so clients can switch over
// without downtime and a leaked old token dies soon.
func (s *Server) RotateToken(value string, ttl, grace time.Duration) error {
	if len(value) < 16 {
		return errors.New("rotate token: a token needs at least 16 characters")
	}
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.tokens {
		if limit := now.Add(grace); s.tokens[i].Expires.After(limit) {
			s.tokens[i].Expires = limit
		}
	}
	s.tokens = append(s.tokens, Token{Value: value, Expires: now.Add(ttl)})
	return nil
}

// handleStripeWebhook verifies, de-duplicates and applies one event.
func (s *Server) handleStripeWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		fail(w, http.StatusRequestEntityTooLarge, "payload too large")
		return
	}
	if s.cfg.Mode == Hardened {
		if err := verifyStripeSignature(body, r.Header.Get("Stripe-Signature"), s.cfg.SigningSecret, s.cfg.Tolerance, s.cfg.Now()); err != nil {
			fail(w, http.StatusBadRequest, "signature: "+err.Error())
			return
		}
	}
	var ev struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	if err := json.Unmarshal(body, &ev); err != nil || ev.ID == "" {
		fail(w, http.StatusBadRequest, "malformed event")
		return
	}
	s.mu.Lock()
	duplicate := s.cfg.Mode == Hardened && s.seen[ev.ID]
	if duplicate {
		s.stats.Duplicates++
	} else {
		s.remember(ev.ID)
		s.stats.Events++
		s.stats.ByType[ev.Type]++
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	status := "processed"
	if duplicate {
		status = "duplicate"
	}
	_ = json.NewEncoder(w).Encode(map[string]string{"id": ev.ID, "status": status})
}

// remember records an event id, forgetting the oldest past maxSeen.
// The caller holds s.mu.
func (s *Server) remember(id string) {
	s.seen[id] = true
	s.seenOrder = append(s.seenOrder, id)
	if len(s.seenOrder) > maxSeen {
		delete(s.seen, s.seenOrder[0])
		s.seenOrder = s.seenOrder[1:]
	}
}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	st := s.stats
	st.ByType = make(map[string]int, len(s.stats.ByType))
	for k, v := range s.stats.ByType {
		st.ByType[k] = v
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"mode": s.cfg.Mode, "stats": st})
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	_, _ = w.Write([]byte("ok\n"))
}

// raise counts and delivers an alert.
func (s *Server) raise(a Alert) {
	s.mu.Lock()
	s.stats.Alerts++
	s.mu.Unlock()
	if s.cfg.Alert != nil {
		s.cfg.Alert(a)
		return
	}
	s.cfg.Logger.Error("ALERT traffic spike", "kind", a.Kind, "count", a.Count, "window", a.Window.String())
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.ByType = make(map[string]int, len(s.stats.ByType))
	for k, v := range s.stats.ByType {
		st.ByType[k] = v
	}
	return st
}
