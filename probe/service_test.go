package probe

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// service is the httptest server the run tests probe. secure switches
// every defence on; with it off, each defence is missing in the way real
// services get it wrong. The webhook verifiers are written from each
// provider's documentation, independently of the probe's signers.
type service struct {
	secure bool
	// limit is the per-path request budget when secure.
	limit int
	// catchAll answers 200 with the same page for every unknown path, as
	// single-page apps do.
	catchAll bool
	now      func() time.Time

	mu      sync.Mutex
	perPath map[string]int
	hits    int
	methods []string
}

const (
	svcStripeSecret = "whsec_stripe_SECRET_VALUE_2"
	svcSharedSecret = "whsec_shared_SECRET_VALUE_1"
	svcUserA        = "Bearer user-a-SECRET-TOKEN-3"
	svcUserBCookie  = "session=user-b-SECRET-COOKIE-4"
)

func newService(secure bool) *service {
	return &service{secure: secure, limit: 10, now: time.Now, perPath: map[string]int{}}
}

func (s *service) Hits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

func (s *service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits++
	s.methods = append(s.methods, r.Method+" "+r.URL.Path)
	s.perPath[r.URL.Path]++
	n := s.perPath[r.URL.Path]
	s.mu.Unlock()

	if s.secure {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("X-Frame-Options", "DENY")
		if n > s.limit {
			w.Header().Set("Retry-After", "60")
			w.Header().Set("RateLimit-Policy", fmt.Sprintf("%d;w=60", s.limit))
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
	} else if o := r.Header.Get("Origin"); o != "" {
		w.Header().Set("Access-Control-Allow-Origin", o)
		w.Header().Set("Access-Control-Allow-Credentials", "true")
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	switch {
	case r.URL.Path == "/healthz":
		if !s.secure && r.URL.Query().Get("id") != "" {
			s.panicPage(w, r.URL.Query().Get("id"))
			return
		}
		fmt.Fprintln(w, "ok")
	case strings.HasPrefix(r.URL.Path, "/api/documents/"):
		s.document(w, r)
	case r.URL.Path == "/webhook/stripe":
		s.webhook(w, body, s.verifyStripe(r, body))
	case r.URL.Path == "/webhook/github":
		s.webhook(w, body, verifyGitHub(r, body))
	case r.URL.Path == "/slack/events":
		s.webhook(w, body, s.verifySlack(r, body))
	case r.URL.Path == "/hooks/partner":
		s.webhook(w, body, verifyHMAC(r, body))
	case r.URL.Path == "/admin":
		if s.secure {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		fmt.Fprintln(w, "<h1>Admin</h1>")
	case r.URL.Path == "/.env" && !s.secure:
		fmt.Fprint(w, "DATABASE_URL=postgres://app@db/app\nSTRIPE_SECRET_KEY=sk_test_x\n")
	case r.URL.Path == "/.git/config" && !s.secure:
		fmt.Fprint(w, "[core]\n\trepositoryformatversion = 0\n[remote \"origin\"]\n\turl = git@example.test:app.git\n")
	case s.catchAll:
		fmt.Fprint(w, "<!doctype html><html><body><div id=root></div></body></html>")
	default:
		http.NotFound(w, r)
	}
}

// panicPage is the verbose error the insecure service shows; it includes
// a secret, which the probe must redact.
func (s *service) panicPage(w http.ResponseWriter, input string) {
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintf(w, "panic: strconv.Atoi: parsing %q: invalid syntax (secret %s)\n\ngoroutine 7 [running]:\nmain.handler()\n\t/home/dev/app/main.go:42 +0x1d\n", input, svcSharedSecret)
}

func (s *service) document(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/api/documents/")
	owner := map[string]string{"1": "a", "42": "b"}[id]
	user := ""
	if r.Header.Get("Authorization") == svcUserA {
		user = "a"
	}
	if c, err := r.Cookie("session"); err == nil && "session="+c.Value == svcUserBCookie {
		user = "b"
	}
	if _, err := strconv.Atoi(id); err != nil {
		if s.secure {
			http.Error(w, "bad id", http.StatusBadRequest)
		} else {
			s.panicPage(w, id)
		}
		return
	}
	switch {
	case s.secure && user == "":
		http.Error(w, "login required", http.StatusUnauthorized)
	case owner == "":
		http.NotFound(w, r)
	case s.secure && owner != user:
		http.NotFound(w, r)
	default:
		fmt.Fprintf(w, `{"id":%q,"owner":%q,"text":"private"}`, id, owner)
	}
}

func (s *service) webhook(w http.ResponseWriter, body []byte, ok bool) {
	if s.secure && !ok {
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	if !strings.HasPrefix(string(body), "{") || !strings.HasSuffix(strings.TrimSpace(string(body)), "}") {
		http.Error(w, "malformed", http.StatusBadRequest)
		return
	}
	fmt.Fprintln(w, `{"received":true}`)
}

func hexHMAC(secret, msg string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// fresh reports whether a unix timestamp is within five minutes of now.
func (s *service) fresh(ts string) bool {
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	d := s.now().Sub(time.Unix(n, 0))
	return d < 5*time.Minute && d > -5*time.Minute
}

// verifyStripe follows Stripe's manual verification steps: split the
// header into t and v1 elements, HMAC "<t>.<payload>", compare, and check
// the timestamp against a tolerance.
func (s *service) verifyStripe(r *http.Request, body []byte) bool {
	var ts string
	var sigs []string
	for _, part := range strings.Split(r.Header.Get("Stripe-Signature"), ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	want := hexHMAC(svcStripeSecret, ts+"."+string(body))
	for _, sig := range sigs {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return s.fresh(ts)
		}
	}
	return false
}

// verifyGitHub follows GitHub's docs: sha256= + HMAC of the body.
func verifyGitHub(r *http.Request, body []byte) bool {
	want := "sha256=" + hexHMAC(svcSharedSecret, string(body))
	return hmac.Equal([]byte(r.Header.Get("X-Hub-Signature-256")), []byte(want))
}

// verifySlack follows Slack's docs: v0= + HMAC of "v0:<ts>:<body>", and a
// timestamp within five minutes.
func (s *service) verifySlack(r *http.Request, body []byte) bool {
	ts := r.Header.Get("X-Slack-Request-Timestamp")
	want := "v0=" + hexHMAC(svcSharedSecret, "v0:"+ts+":"+string(body))
	return hmac.Equal([]byte(r.Header.Get("X-Slack-Signature")), []byte(want)) && s.fresh(ts)
}

func verifyHMAC(r *http.Request, body []byte) bool {
	want := hexHMAC(svcSharedSecret, string(body))
	return hmac.Equal([]byte(r.Header.Get("X-Signature")), []byte(want))
}
