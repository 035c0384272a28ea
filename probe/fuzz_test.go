package probe

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzDetectLeaks: any response body, however hostile, yields at most
// maxLeaks one-line snippets of bounded length and never panics.
func FuzzDetectLeaks(f *testing.F) {
	for _, s := range []string{
		"",
		"panic: runtime error: index out of range\n\ngoroutine 1 [running]:\nmain.main()\n\t/home/dev/app/main.go:12 +0x1d\n",
		"Traceback (most recent call last):\n  File \"/usr/src/app/app.py\", line 10, in <module>\n",
		"You have an error in your SQL syntax; check the manual",
		"\tat com.example.Foo.bar(Foo.java:42)\n",
		"{\"error\":\"not found\"}",
		"ORA-00933: SQL command not properly ended",
		"\xff\xfe\x00panic: \n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		leaks := DetectLeaks(body)
		if len(leaks) > maxLeaks {
			t.Fatalf("%d leaks", len(leaks))
		}
		for _, l := range leaks {
			if utf8.RuneCountInString(l.Snippet) > 120 || strings.ContainsAny(l.Snippet, "\n\r\x00") || l.Kind == "" {
				t.Fatalf("bad leak %+v", l)
			}
		}
	})
}

// FuzzParseRateLimit: arbitrary header values never panic and never give
// negative or overflowing numbers.
func FuzzParseRateLimit(f *testing.F) {
	f.Add("100", "0", "100;w=60", "limit=100, remaining=0, reset=30", "60")
	f.Add("", "", `"default";q=50;w=1`, "", "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add("99999999999999999999", "-1", ";;;w=", "r=", "1e9")
	f.Fuzz(func(t *testing.T, limit, remaining, policy, structured, retry string) {
		h := http.Header{}
		h.Set("X-RateLimit-Limit", limit)
		h.Set("RateLimit-Remaining", remaining)
		h.Set("RateLimit-Policy", policy)
		h.Set("RateLimit", structured)
		h.Set("Retry-After", retry)
		a := ParseRateLimit(h, time.Unix(1700000000, 0))
		if a.Limit < 0 || a.Remaining < 0 || a.Window < 0 || a.RetryAfter < 0 {
			t.Fatalf("negative value: %+v", a)
		}
		if a.Limit > maxHeaderNumber || a.Remaining > maxHeaderNumber {
			t.Fatalf("unbounded value: %+v", a)
		}
		_ = describeAdvertised(a)
	})
}

// FuzzFileMatchers: every content matcher accepts any body without
// panicking, and an HTML page is never taken for a text secret file.
func FuzzFileMatchers(f *testing.F) {
	for _, s := range []string{
		"DB_URL=postgres://x\nAPI_KEY=abc\n",
		"[core]\n\trepositoryformatversion = 0\n",
		"ref: refs/heads/main\n",
		"-- MySQL dump 10.13\nCREATE TABLE users (id int);\n",
		"PK\x03\x04rest",
		"<!doctype html><html>DB_URL=x\nAPI_KEY=y\n</html>",
		"admin:$apr1$abc$def\n",
		"-----BEGIN OPENSSH PRIVATE KEY-----\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, w := range wellKnownPaths {
			_ = w.matches(body)
		}
		if htmlStart().Match(body) && (LooksLikeDotEnv(body) || LooksLikeGitConfig(body) || LooksLikeSQLDump(body) || LooksLikeAWSCredentials(body)) {
			t.Fatalf("HTML page taken for a secret file: %q", body)
		}
	})
}

func TestFileMatchers(t *testing.T) {
	tests := []struct {
		name  string
		match func([]byte) bool
		body  string
		want  bool
	}{
		{"dotenv", LooksLikeDotEnv, "DATABASE_URL=postgres://x\nexport API_KEY=abc\n", true},
		{"dotenv one line", LooksLikeDotEnv, "KEY=value\n", false},
		{"dotenv html", LooksLikeDotEnv, "<!DOCTYPE html>\nA_B=1\nC_D=2\n", false},
		{"git config", LooksLikeGitConfig, "[core]\n\tbare = false\n", true},
		{"git config prose", LooksLikeGitConfig, "the [core] section", false},
		{"git HEAD ref", LooksLikeGitHEAD, "ref: refs/heads/main\n", true},
		{"git HEAD sha", LooksLikeGitHEAD, strings.Repeat("a", 40), true},
		{"git HEAD html", LooksLikeGitHEAD, "<html>ref: refs/heads/main</html>", false},
		{"aws", LooksLikeAWSCredentials, "[default]\naws_access_key_id = AKIA\n", true},
		{"sql", LooksLikeSQLDump, "INSERT INTO users VALUES (1);", true},
		{"sql json", LooksLikeSQLDump, `{"ok":true}`, false},
		{"zip", LooksLikeArchive, "PK\x03\x04", true},
		{"gzip", LooksLikeArchive, "\x1f\x8b\x08", true},
		{"not archive", LooksLikeArchive, "<html>", false},
		{"key", LooksLikePrivateKey, "-----BEGIN RSA PRIVATE KEY-----", true},
		{"public key", LooksLikePrivateKey, "-----BEGIN PUBLIC KEY-----", false},
		{"htpasswd", LooksLikeHtpasswd, "admin:$2y$10$abcdefghijk\n", true},
		{"pprof", LooksLikePprof, "<p>Types of profiles available:</p>", true},
		{"expvar", LooksLikeExpvar, `{"cmdline":["x"],"memstats":{}}`, true},
		{"actuator", LooksLikeActuatorEnv, `{"activeProfiles":[],"propertySources":[]}`, true},
		{"server-status", LooksLikeServerStatus, "<h1>Apache Server Status for x</h1>", true},
	}
	for _, tt := range tests {
		if got := tt.match([]byte(tt.body)); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDetectLeaks(t *testing.T) {
	tests := []struct {
		body string
		kind string
	}{
		{"panic: boom\n\ngoroutine 1 [running]:\n", "stack trace"},
		{"Traceback (most recent call last):\n", "stack trace"},
		{"  File \"/app/x.py\", line 3, in handler\n", "stack trace"},
		{"Exception in thread \"main\" java.lang.NullPointerException", "stack trace"},
		{"    at handler (/usr/src/app/server.js:10:5)", "stack trace"},
		{"Fatal error: Uncaught Error in /var/www/html/index.php on line 3", "stack trace"},
		{"app/models/user.rb:12:in `find'", "stack trace"},
		{"You have an error in your SQL syntax near ''1''", "database error"},
		{"pq: syntax error at or near \"'\"", "database error"},
		{"sqlite3.OperationalError: unrecognized token", "database error"},
		{"SQLSTATE[42000]: Syntax error", "database error"},
		{"error in /home/deploy/svc/handlers/doc.go:88", "internal path"},
		{"C:\\inetpub\\app\\Controllers\\Home.cs:line 17", "internal path"},
		{"", ""},
		{`{"error":"bad request","request_id":"abc"}`, ""},
		{"Bad Request\n", ""},
		{"See https://example.com/docs/app/main.go for help", ""},
	}
	for _, tt := range tests {
		leaks := DetectLeaks([]byte(tt.body))
		switch {
		case tt.kind == "" && len(leaks) > 0:
			t.Errorf("%q: unexpected %+v", tt.body, leaks)
		case tt.kind != "" && (len(leaks) == 0 || leaks[0].Kind != tt.kind):
			t.Errorf("%q: got %+v, want %s", tt.body, leaks, tt.kind)
		}
	}
}

func TestParseRateLimit(t *testing.T) {
	now := time.Unix(1700000000, 0)
	tests := []struct {
		h    map[string]string
		want Advertised
	}{
		{map[string]string{"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "Retry-After": "30"}, Advertised{Limit: 100, HasRemaining: true, RetryAfter: 30 * time.Second}},
		{map[string]string{"RateLimit-Policy": "100;w=60"}, Advertised{Limit: 100, Window: time.Minute}},
		{map[string]string{"RateLimit-Policy": `"burst";q=20;w=1, "day";q=1000;w=86400`}, Advertised{Limit: 20, Window: time.Second}},
		{map[string]string{"RateLimit": "limit=50, remaining=3, reset=10"}, Advertised{Limit: 50, Remaining: 3, HasRemaining: true}},
		{map[string]string{"Retry-After": now.Add(2 * time.Minute).UTC().Format(http.TimeFormat)}, Advertised{RetryAfter: 2 * time.Minute}},
		{map[string]string{"X-RateLimit-Limit": "lots", "Retry-After": "-5"}, Advertised{}},
	}
	for i, tt := range tests {
		h := http.Header{}
		for k, v := range tt.h {
			h.Set(k, v)
		}
		if got := ParseRateLimit(h, now); got != tt.want {
			t.Errorf("%d: got %+v, want %+v", i, got, tt.want)
		}
	}
}
