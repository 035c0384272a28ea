package secrets

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestMaskerHidesEveryProviderSample puts each rule's true-positive
// samples into the shapes threatmap prints them in (as written, under a
// diagnostic's gutter, inside a JSON string) and checks that the secret
// the scanner finds in the sample never survives the masker.
func TestMaskerHidesEveryProviderSample(t *testing.T) {
	m, err := NewMasker()
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{Reveal: true})
	x := newExpander(7)
	checked := 0
	for _, r := range s.det.rules {
		if r.files != nil {
			continue // file-specific rules: the generic ones stand in for them
		}
		for _, tmpl := range r.tp {
			text := x.expand(tmpl)
			found := scanText(t, s, samplePath(r.rule), text)
			for _, f := range found {
				if len(f.Secret) < 8 {
					continue
				}
				quoted, _ := json.Marshal(text)
				for _, shape := range []string{text, "  12 | " + text, `  "message": ` + string(quoted) + ","} {
					for _, line := range strings.Split(shape, "\n") {
						if got := m.MaskLine(line); strings.Contains(got, f.Secret) {
							t.Errorf("%s: secret survives masking:\n%s", r.id, got)
						}
					}
				}
				checked++
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d samples checked", checked)
	}
}

func TestMaskerLeavesOrdinaryOutputAlone(t *testing.T) {
	m, err := NewMasker()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		`      "fingerprint": "f2365e5d8f99aa0b2c3d4e5f60718293a4b5c6d7:app/config.py:stripe-secret-key:9f86d081884c7d65",`,
		`      "secret": "sk_live_****",`,
		`app/config.py:2:15: critical: Stripe live secret key in app/config.py [stripe-secret-key] commit f2365e5d8f99`,
		`| POST /api/chat | credits (model tokens) | high-volume calls from free accounts drain the budget | low |`,
		`threatmap.yaml:12:5: error: unknown key "tokn" (did you mean token?)`,
		`      "partialFingerprints": {"threatmap/v1": "abc:def:0123456789abcdef"}`,
		`            "threatmap/v1": "secret:infra/storage.tf:generic-secret:5eaf2d878dcc2be4"`,
		`        "secrets: Stripe live secret key in flask/bot/legacy.py (flask/bot/legacy.py:9:15)",`,
		`- Unmodeled: ` + "`POST /admin/users/{user_id}/delete`" + ` at backend/admin.py:17 (auth)`,
	} {
		if got := m.MaskLine(line); got != line {
			t.Errorf("masked ordinary output:\n%s\n%s", line, got)
		}
	}
	// A token typed into a model and echoed under a diagnostic is masked.
	line := "  12 |     token: Zq8wXr2mKp9LtY4vN3bQ"
	if got := m.MaskLine(line); strings.Contains(got, "Zq8wXr2mKp9LtY4vN3bQ") || !strings.HasPrefix(got, "  12 |     token: ") {
		t.Errorf("diagnostic line: %q", got)
	}
}

func TestMaskShownKeepsOnlyWordCharacters(t *testing.T) {
	for _, s := range []string{`\nABCDEFGHIJKLMNOPQRSTUVWX`, `"abcdefghijklmnop`, `ab\cdefghijklmnopqrstuvwxyz`} {
		got := maskShown(s)
		if strings.ContainsAny(got, `\"`) || !strings.HasSuffix(got, "****") {
			t.Errorf("maskShown(%q) = %q", s, got)
		}
	}
}

// FuzzMaskLine: any line, however hostile, is masked without a panic, the
// masker never lengthens a line by more than its masks, and a second pass
// changes nothing a first pass left.
func FuzzMaskLine(f *testing.F) {
	for _, s := range []string{
		"  12 |     token: Zq8wXr2mKp9LtY4vN3bQ",
		`  "message": "client_secret = \"KntvUFnJChQ437UigiGb8sRHapJHmENL\""`,
		`\\\"\\`, "API_TOKEN=", "key = \"\"", "a:b:c:d", "\xff\xfe token=\x00abc",
	} {
		f.Add(s)
	}
	m, err := NewMasker()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, line string) {
		once := m.MaskLine(line)
		if len(once) > len(line)+64*strings.Count(once, "****") {
			t.Errorf("masking grew the line: %q -> %q", line, once)
		}
		if twice := m.MaskLine(once); twice != once {
			t.Errorf("masking is not stable:\n%q\n%q", once, twice)
		}
	})
}

// BenchmarkMaskLine measures the output masker on the lines threatmap
// prints most: report table rows, JSON finding fields, diagnostics.
func BenchmarkMaskLine(b *testing.B) {
	m, err := NewMasker()
	if err != nil {
		b.Fatal(err)
	}
	lines := []string{
		"| P1 | POST /api/chat | credits (model tokens) | high-volume calls from free accounts drain the budget | Low: requires only a free account | Rate limits per user; budget alerts | **open** (no response) |",
		`      "message": "Stripe live secret key in server/legacy.go",`,
		`      "fingerprint": "server/legacy.go:stripe-secret-key:5eaf2d878dcc2be4",`,
		"  12 |     token: Zq8wXr2mKp9LtY4vN3bQ",
		"threatmap.yaml:12:5: error: surfaces[3]: unknown key \"tokn\" (known keys: id, kind, method, path)",
	}
	n := 0
	for _, l := range lines {
		n += len(l) + 1
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, l := range lines {
			m.MaskLine(l)
		}
	}
}

// FuzzKeywordLines: a line KeywordLines does not name, holding no
// backslash, is one MaskLine leaves as it is; and a block names the same
// lines as each line scanned on its own.
func FuzzKeywordLines(f *testing.F) {
	tok := "ghp_" + "R7aQ9xLm2VbN4cT8yZ1kW3pE6sD0fH5jG2uI"
	for _, s := range []string{
		"      \"id\": \"excessive-agency@s10043\",\n      \"detail\": \"key " + tok + "\",\n      \"line\": 22701,\n",
		"  12 |     token: Zq8wXr2mKp9LtY4vN3bQ\nplain\n",
		`  "message": "client_secret = \"KntvUFnJChQ437UigiGb8sRHapJHmENL\""` + "\n",
		"AWS_ACCESS_KEY_ID=AKIA" + "IOSFODNN7EXAMPLE\nxoxb-" + "1234567890-1234567890123-abcdefghijABCDEFGHIJklmn\n",
		"-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n",
		"If POST /hook is abused, an attacker could steal the session token\n",
		"no newline at the end password=hunter2hunter2", "\n\n\n", "",
	} {
		f.Add(s)
	}
	m, err := NewMasker()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		hits := m.KeywordLines(nil, []byte(text))
		named := map[int]bool{}
		for i, h := range hits {
			if i > 0 && hits[i-1] >= h {
				t.Fatalf("offsets not ascending: %v", hits)
			}
			named[h] = true
		}
		for off := 0; off <= len(text); {
			end := strings.IndexByte(text[off:], '\n')
			if end < 0 {
				end = len(text) - off
			}
			line := text[off : off+end]
			alone := len(m.KeywordLines(nil, []byte(line))) > 0
			if alone != named[off] {
				t.Fatalf("line %q at %d: named in the block %v, on its own %v", line, off, named[off], alone)
			}
			if !named[off] && !strings.Contains(line, `\`) {
				if masked := m.MaskLine(line); masked != line {
					t.Fatalf("a line with no keyword was masked: %q -> %q", line, masked)
				}
			}
			off += end + 1
		}
	})
}
