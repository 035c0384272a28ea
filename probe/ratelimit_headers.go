package probe

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Advertised is the rate limit a service announces in its response
// headers.
type Advertised struct {
	// Limit is the number of requests allowed per Window; 0 means not
	// announced.
	Limit     int
	Remaining int
	// HasRemaining tells a zero Remaining from a missing one.
	HasRemaining bool
	Window       time.Duration
	// RetryAfter is how long the service asks the client to wait.
	RetryAfter time.Duration
}

// maxHeaderNumber bounds parsed numbers so that no header can overflow a
// duration.
const maxHeaderNumber = 1 << 31

// ParseRateLimit reads the rate-limit headers in common use: the IETF
// draft's RateLimit-Limit/-Remaining/-Reset, RateLimit-Policy ("100;w=60")
// and the structured RateLimit ("limit=100, remaining=3, reset=30"), the
// X-RateLimit-* and X-Rate-Limit-* variants, and Retry-After in seconds or
// as an HTTP date (relative to now). It reads untrusted input and is fuzzed.
func ParseRateLimit(h http.Header, now time.Time) Advertised {
	var a Advertised
	first := func(names ...string) string {
		for _, n := range names {
			if v := strings.TrimSpace(h.Get(n)); v != "" {
				return v
			}
		}
		return ""
	}
	if n, ok := leadingNumber(first("RateLimit-Limit", "X-RateLimit-Limit", "X-Rate-Limit-Limit")); ok {
		a.Limit = n
	}
	if n, ok := leadingNumber(first("RateLimit-Remaining", "X-RateLimit-Remaining", "X-Rate-Limit-Remaining")); ok {
		a.Remaining, a.HasRemaining = n, true
	}
	if pol := first("RateLimit-Policy", "X-RateLimit-Policy"); pol != "" {
		limit, window := parsePolicy(pol)
		if a.Limit == 0 {
			a.Limit = limit
		}
		if window > 0 {
			a.Window = window
		}
	}
	if rl := first("RateLimit"); rl != "" {
		params := parseParams(rl)
		if n, ok := leadingNumber(params["limit"]); ok && a.Limit == 0 {
			a.Limit = n
		}
		if n, ok := leadingNumber(params["r"]); ok && !a.HasRemaining {
			a.Remaining, a.HasRemaining = n, true
		}
		if n, ok := leadingNumber(params["remaining"]); ok && !a.HasRemaining {
			a.Remaining, a.HasRemaining = n, true
		}
	}
	if ra := first("Retry-After"); ra != "" {
		if n, ok := leadingNumber(ra); ok && isDigits(ra) {
			a.RetryAfter = time.Duration(n) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil && t.After(now) {
			if d := t.Sub(now); d < maxHeaderNumber*time.Second {
				a.RetryAfter = d
			}
		}
	}
	return a
}

// parsePolicy reads the first policy of a RateLimit-Policy header: either
// the draft-06 form `100;w=60` or the draft-08 form `"name";q=100;w=60`.
func parsePolicy(v string) (int, time.Duration) {
	item, _, _ := strings.Cut(v, ",")
	parts := strings.Split(item, ";")
	limit := 0
	if n, ok := leadingNumber(parts[0]); ok && isDigits(strings.TrimSpace(parts[0])) {
		limit = n
	}
	var window time.Duration
	for _, p := range parts[1:] {
		k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
		n, ok := leadingNumber(val)
		if !ok {
			continue
		}
		switch strings.ToLower(k) {
		case "w":
			window = time.Duration(n) * time.Second
		case "q":
			if limit == 0 {
				limit = n
			}
		}
	}
	return limit, window
}

// parseParams reads "k=v, k=v" or "k=v;k=v" into a map with lower-case
// keys; later duplicates are ignored.
func parseParams(v string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' }) {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if _, dup := out[k]; !dup {
			out[k] = strings.Trim(strings.TrimSpace(val), `"`)
		}
	}
	return out
}

// leadingNumber reads the non-negative integer at the start of s, bounded
// by maxHeaderNumber.
func leadingNumber(s string) (int, bool) {
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == 0 || end > 10 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:end])
	if err != nil || n > maxHeaderNumber {
		return 0, false
	}
	return n, true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
