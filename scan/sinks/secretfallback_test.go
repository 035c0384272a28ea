package sinks

import (
	"context"
	"strings"
	"testing"
)

// TestSecretFallbackMasked checks that the fallback literal is in the
// finding's secret field only, masked unless the scan reveals secrets.
func TestSecretFallbackMasked(t *testing.T) {
	for _, reveal := range []bool{false, true} {
		set, err := Scanner{Reveal: reveal}.Scan(context.Background(), "testdata/cases/fallback")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range set.Findings {
			if f.Rule != RuleSecretDefaultFallback || f.File != "pyapp/settings.py" || f.Line != 9 {
				continue
			}
			found = true
			if strings.Contains(f.Message, "secret string") || strings.Contains(f.Sink, "secret string") {
				t.Errorf("reveal=%v: literal in message or sink: %q / %q", reveal, f.Message, f.Sink)
			}
			if got := f.Secret == "secret string"; got != reveal {
				t.Errorf("reveal=%v: secret field %q", reveal, f.Secret)
			}
			if f.Secret == "" {
				t.Errorf("reveal=%v: secret field empty", reveal)
			}
		}
		if !found {
			t.Fatalf("reveal=%v: no secret-default-fallback finding at pyapp/settings.py:9", reveal)
		}
	}
}

// TestNamesSigningSecret pins the name rule: the application's own
// signing or encryption secret, not a third party's, a URL or a flag.
func TestNamesSigningSecret(t *testing.T) {
	for _, c := range []struct {
		name string
		want bool
	}{
		{"SECRET_KEY", true}, {"SECRET", true}, {"JWT_SECRET", true}, {"jwtSecret", true}, {"SESSION_SECRET", true},
		{"COOKIE_SECRET", true}, {"APP_KEY", true}, {"SIGNING_KEY", true}, {"ENCRYPTION_KEY", true}, {"TOKEN_SECRET", true},
		{"DJANGO_SECRET_KEY", true}, {"JWT_SECRET_KEY", true},
		{"API_KEY", false}, {"STRIPE_SECRET_KEY", false}, {"GITHUB_CLIENT_SECRET", false}, {"AWS_SECRET_ACCESS_KEY", false},
		{"WEBHOOK_SECRET", false}, {"DATABASE_URL", false}, {"DEBUG", false}, {"SECRET_KEY_FILE", false}, {"PUBLIC_KEY", false},
	} {
		if got := namesSigningSecret(c.name); got != c.want {
			t.Errorf("namesSigningSecret(%q) = %v, want %v", c.name, got, c.want)
		}
	}
}
