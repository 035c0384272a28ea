package secrets

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
)

// Sample templates write «N:class» for N random characters of a class, and
// «discord» / «jwt» for a whole token of that shape, so that the sources
// hold no token-shaped literal and each test run sees fresh values from a
// fixed seed.
var sampleClasses = map[string]string{
	"alnum":      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	"alpha":      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
	"lower":      "abcdefghijklmnopqrstuvwxyz0123456789",
	"hex":        "0123456789abcdef",
	"HEX":        "0123456789ABCDEF",
	"digit":      "0123456789",
	"upperdigit": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
	"b32":        "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
	"b64":        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
	"url":        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
	"bech":       "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
}

var sampleToken = regexp.MustCompile(`«([^»]*)»`)

// expander fills sample templates from a seeded generator.
type expander struct{ r *rand.Rand }

func newExpander(seed uint64) *expander {
	return &expander{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (x *expander) chars(n int, class string) string {
	set := sampleClasses[class]
	for {
		var b strings.Builder
		for range n {
			b.WriteByte(set[x.r.IntN(len(set))])
		}
		s := b.String()
		// Redraw the rare value that looks like a placeholder by chance, so
		// that samples are deterministic true positives.
		if n < 8 || !isPlaceholder(s) {
			return s
		}
	}
}

func (x *expander) expand(t string) string {
	return sampleToken.ReplaceAllStringFunc(t, func(m string) string {
		spec := m[len("«") : len(m)-len("»")]
		switch spec {
		case "discord":
			id := strconv.FormatUint(100000000000000000+x.r.Uint64N(900000000000000000), 10)
			return base64.RawStdEncoding.EncodeToString([]byte(id)) + "." + x.chars(6, "url") + "." + x.chars(38, "url")
		case "jwt":
			head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
			body := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"sub":"%d","name":"%s"}`, x.r.IntN(1e6), x.chars(8, "alpha"))))
			return head + "." + body + "." + x.chars(43, "url")
		}
		n, class, _ := strings.Cut(spec, ":")
		count, err := strconv.Atoi(n)
		if err != nil {
			panic("bad sample template " + m)
		}
		return x.chars(count, class)
	})
}
