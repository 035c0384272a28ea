package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Signature errors.
var (
	ErrNoSignature      = errors.New("no Stripe-Signature header")
	ErrBadHeader        = errors.New("malformed Stripe-Signature header")
	ErrTimestampExpired = errors.New("timestamp outside the tolerance")
	ErrNoMatch          = errors.New("no v1 signature matches")
)

// verifyStripeSignature checks a Stripe-Signature header
// ("t=<unix>,v1=<hex>[,v1=...][,v0=...]"): some v1 must equal
// HMAC-SHA256(secret, "<t>.<payload>") and t must be within tolerance of
// now, which stops both forged and replayed deliveries.
func verifyStripeSignature(payload []byte, header, secret string, tolerance time.Duration, now time.Time) error {
	if header == "" {
		return ErrNoSignature
	}
	var ts int64 = -1
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return ErrBadHeader
		}
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return ErrBadHeader
			}
			ts = n
		case "v1":
			b, err := hex.DecodeString(v)
			if err != nil {
				continue // an unreadable signature never matches
			}
			sigs = append(sigs, b)
		}
	}
	if ts < 0 || len(sigs) == 0 {
		return ErrBadHeader
	}
	age := now.Sub(time.Unix(ts, 0))
	if age > tolerance || age < -tolerance {
		return ErrTimestampExpired
	}
	want := Sign(payload, secret, time.Unix(ts, 0))
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return ErrNoMatch
}

// Sign computes the v1 signature Stripe sends for payload at time t.
func Sign(payload []byte, secret string, t time.Time) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(t.Unix(), 10)))
	mac.Write([]byte("."))
	mac.Write(payload)
	return mac.Sum(nil)
}

// SignatureHeader builds a Stripe-Signature header value, as Stripe and
// its CLI do; tests and the probe use it to send genuine deliveries.
func SignatureHeader(payload []byte, secret string, t time.Time) string {
	return "t=" + strconv.FormatInt(t.Unix(), 10) + ",v1=" + hex.EncodeToString(Sign(payload, secret, t))
}

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
