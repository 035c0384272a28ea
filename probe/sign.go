package probe

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// hmacHex returns hex(HMAC-SHA256(secret, msg)).
func hmacHex(secret string, msg ...[]byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	for _, b := range msg {
		m.Write(b)
	}
	return hex.EncodeToString(m.Sum(nil))
}

// StripeSignature returns the Stripe-Signature header value Stripe sends:
// t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> keyed with the
// endpoint's signing secret.
func StripeSignature(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return fmt.Sprintf("t=%s,v1=%s", ts, hmacHex(secret, []byte(ts), []byte("."), body))
}

// GitHubSignature returns the X-Hub-Signature-256 header value GitHub
// sends: sha256=<hex HMAC-SHA256 of the raw body>.
func GitHubSignature(secret string, body []byte) string {
	return "sha256=" + hmacHex(secret, body)
}

// SlackSignature returns the X-Slack-Signature header value Slack sends:
// v0=<hex HMAC-SHA256 of "v0:<timestamp>:<raw body>">; the timestamp goes in
// X-Slack-Request-Timestamp.
func SlackSignature(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "v0=" + hmacHex(secret, []byte("v0:"+ts+":"), body)
}

// HMACSignature returns prefix + hex(HMAC-SHA256(secret, body)), the shape
// most home-made webhook schemes use.
func HMACSignature(secret, prefix string, body []byte) string {
	return prefix + hmacHex(secret, body)
}

// scheme is how one sender signs and what its events look like.
type scheme struct {
	name string
	// timestamped schemes sign the time, so a stale payload can be
	// recognised and refused.
	timestamped bool
	// sign sets the signature headers for body signed at t.
	sign func(h http.Header, secret string, t time.Time, body []byte)
	// event returns an inert event body with the given id (a type no
	// handler acts on, or GitHub's ping), its content type and any headers
	// the sender always adds.
	event func(id string, t time.Time) ([]byte, string, http.Header)
}

// schemeFor returns the signing scheme named in the model.
func schemeFor(name string, opts Options) (scheme, bool) {
	switch name {
	case "stripe":
		return scheme{
			name:        "stripe",
			timestamped: true,
			sign: func(h http.Header, secret string, t time.Time, body []byte) {
				h.Set("Stripe-Signature", StripeSignature(secret, t, body))
			},
			event: func(id string, t time.Time) ([]byte, string, http.Header) {
				// An event type no handler acts on: accepting a forgery
				// already proves the hole, and a real handler must not
				// credit anyone because of a probe.
				body := fmt.Sprintf(`{"id":%q,"object":"event","api_version":"2024-06-20","created":%d,"livemode":false,"type":"threatmap.probe","data":{"object":{"id":"threatmap_probe","object":"threatmap_probe","metadata":{"threatmap_probe":"true"}}}}`, id, t.Unix())
				return []byte(body), "application/json", nil
			},
		}, true
	case "github":
		return scheme{
			name: "github",
			sign: func(h http.Header, secret string, _ time.Time, body []byte) {
				h.Set("X-Hub-Signature-256", GitHubSignature(secret, body))
			},
			event: func(id string, _ time.Time) ([]byte, string, http.Header) {
				body := fmt.Sprintf(`{"zen":"threatmap probe","hook_id":0,"hook":{"type":"Repository","id":0,"events":["push"]},"delivery":%q}`, id)
				return []byte(body), "application/json", http.Header{"X-Github-Event": {"ping"}, "X-Github-Delivery": {id}}
			},
		}, true
	case "slack":
		return scheme{
			name:        "slack",
			timestamped: true,
			sign: func(h http.Header, secret string, t time.Time, body []byte) {
				h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(t.Unix(), 10))
				h.Set("X-Slack-Signature", SlackSignature(secret, t, body))
			},
			event: func(id string, t time.Time) ([]byte, string, http.Header) {
				body := fmt.Sprintf(`{"token":"threatmap-probe","type":"event_callback","event_id":%q,"event_time":%d,"event":{"type":"threatmap_probe"}}`, id, t.Unix())
				return []byte(body), "application/json", nil
			},
		}, true
	case "hmac":
		header, prefix := opts.HMACHeader, opts.HMACPrefix
		return scheme{
			name: "hmac",
			sign: func(h http.Header, secret string, _ time.Time, body []byte) {
				h.Set(header, HMACSignature(secret, prefix, body))
			},
			event: func(id string, t time.Time) ([]byte, string, http.Header) {
				body := fmt.Sprintf(`{"id":%q,"type":"threatmap.probe","created":%d}`, id, t.Unix())
				return []byte(body), "application/json", nil
			},
		}, true
	}
	return scheme{}, false
}
