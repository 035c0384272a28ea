package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/internal/cli"
)

const probeModel = `system:
  name: probe-cli
components:
  - {id: api, kind: service}
surfaces:
  - {id: documents, kind: endpoint, component: api, method: GET, path: "/api/documents/:id", exposure: authenticated, auth: token}
  - {id: hook, kind: webhook, component: api, path: /webhook/stripe, sender: stripe}
  - {id: admin, kind: admin, component: api, path: /admin}
controls:
  - {id: hook-sig, kind: signature-verified, on: [hook]}
`

const probeSecret = "whsec_cli_SECRET_do_not_print"

func probeDir(t *testing.T, model string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "threatmap.yaml"), []byte(model), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func probeRun(t *testing.T, dir string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	c := &cli.Command{Stdout: &out, Stderr: &errOut, Dir: dir, Getenv: func(k string) string { return env[k] }}
	code := c.Main(append([]string{"probe"}, args...))
	return code, out.String(), errOut.String()
}

// probeService is secure or not; when not, its error page leaks the
// webhook secret, which the output must never show.
func probeService(secure bool) http.Handler {
	var mu sync.Mutex
	perPath := map[string]int{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("X-Frame-Options", "DENY")
		mu.Lock()
		perPath[r.URL.Path]++
		n := perPath[r.URL.Path]
		mu.Unlock()
		if secure && n > 3 {
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		switch {
		case strings.HasPrefix(r.URL.Path, "/api/documents/"):
			if !secure {
				w.WriteHeader(http.StatusInternalServerError)
				fmt.Fprintf(w, "panic: bad id with key %s\n\ngoroutine 1 [running]:\n", probeSecret)
				return
			}
			http.Error(w, "unauthorized", http.StatusUnauthorized)
		case r.URL.Path == "/webhook/stripe":
			if secure && r.Header.Get("Stripe-Signature") == "" {
				http.Error(w, "no signature", http.StatusBadRequest)
				return
			}
			if secure {
				// Any signature the probe could make without the secret is
				// wrong; this service has no secret configured in the test.
				http.Error(w, "bad signature", http.StatusBadRequest)
				return
			}
			fmt.Fprintln(w, `{"ok":true}`)
		default:
			http.NotFound(w, r)
		}
	})
}

func TestProbeDryRunSendsNothing(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		t.Errorf("dry run sent %s %s", r.Method, r.URL)
	}))
	defer srv.Close()
	dir := probeDir(t, probeModel)
	code, out, errOut := probeRun(t, dir, map[string]string{"THREATMAP_WEBHOOK_SECRET": probeSecret, "THREATMAP_USER_A_AUTH": "Bearer cli-user-a-SECRET"}, "--target", srv.URL, "--dry-run", "--burst", "3", ".")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if hits.Load() != 0 {
		t.Fatalf("%d requests reached the server", hits.Load())
	}
	for _, want := range []string{"POST " + srv.URL + "/webhook/stripe", "Stripe-Signature: t=", "GET " + srv.URL + "/.env", "up to 3 times", "nothing was sent"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q", want)
		}
	}
	if strings.Contains(out, probeSecret) || strings.Contains(out, "cli-user-a-SECRET") {
		t.Error("dry run output shows a secret")
	}
}

func TestProbeExitCodesAndFormats(t *testing.T) {
	secure := httptest.NewServer(probeService(true))
	defer secure.Close()
	insecure := httptest.NewServer(probeService(false))
	defer insecure.Close()
	dir := probeDir(t, probeModel)
	env := map[string]string{"THREATMAP_WEBHOOK_SECRET": probeSecret}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"secure passes", []string{"--target", secure.URL, "--burst", "5", "--no-routes", "."}, 0, "0 failed"},
		{"insecure fails", []string{"--target", insecure.URL, "--burst", "2", "--no-routes", "."}, 1, "FAIL"},
		{"json", []string{"--target", insecure.URL, "--burst", "2", "--format", "json", "."}, 1, `"observations"`},
		{"sarif", []string{"--target", insecure.URL, "--burst", "2", "--format", "sarif", "."}, 1, `"probe-webhook-signature"`},
		{"no target", []string{"."}, 2, ""},
		{"bad target", []string{"--target", "ftp://x", "."}, 2, ""},
		{"target with password", []string{"--target", "http://u:p@127.0.0.1:1", "."}, 2, ""},
		{"bad format", []string{"--target", secure.URL, "--format", "xml", "."}, 2, ""},
		{"bad burst", []string{"--target", secure.URL, "--burst", "0", "."}, 2, ""},
		{"missing model", []string{"--target", secure.URL, "does-not-exist"}, 2, ""},
		{"unknown flag", []string{"--target", secure.URL, "--bogus"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := probeRun(t, dir, env, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out)
			}
			if strings.Contains(out+errOut, probeSecret) {
				t.Errorf("output shows the secret:\n%s%s", out, errOut)
			}
		})
	}
}

func TestProbeModelErrors(t *testing.T) {
	dir := probeDir(t, "system:\n  name: x\nsurfaces:\n  - {id: a, kind: nonsense, path: /a}\n")
	code, _, errOut := probeRun(t, dir, nil, "--target", "http://127.0.0.1:1", ".")
	if code != 2 || !strings.Contains(errOut, "threatmap.yaml:4") {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
}

// TestProbeJSONIsEvidence: the JSON output reads back as an evidence.Set,
// which is how report and check take probe results.
func TestProbeJSONIsEvidence(t *testing.T) {
	srv := httptest.NewServer(probeService(false))
	defer srv.Close()
	dir := probeDir(t, probeModel)
	code, out, errOut := probeRun(t, dir, nil, "--target", srv.URL, "--burst", "2", "--format", "json", "--max-time", "20s", ".")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var set evidence.Set
	if err := json.Unmarshal([]byte(out), &set); err != nil {
		t.Fatal(err)
	}
	var sig *evidence.Observation
	for i, o := range set.Observations {
		if o.Property == evidence.SignatureVerified && o.Subject == "POST /webhook/stripe" {
			sig = &set.Observations[i]
		}
	}
	if sig == nil || sig.Holds || sig.Scanner != "probe" {
		t.Fatalf("signature observation = %+v", sig)
	}
	var doc struct {
		Probes []struct{ Check, Status string } `json:"probes"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Probes) == 0 {
		t.Fatalf("probes list: %v %d", err, len(doc.Probes))
	}
}

// TestProbeWithoutModel runs the whole-service probes only.
func TestProbeWithoutModel(t *testing.T) {
	srv := httptest.NewServer(probeService(true))
	defer srv.Close()
	code, out, errOut := probeRun(t, t.TempDir(), nil, "--target", srv.URL, "--timeout", time.Second.String())
	if code != 0 || !strings.Contains(errOut, "no threatmap.yaml") || !strings.Contains(out, "probe-exposed-file") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestProbeDryRunJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("dry run sent %s %s", r.Method, r.URL)
	}))
	defer srv.Close()
	dir := probeDir(t, probeModel)
	code, out, errOut := probeRun(t, dir, map[string]string{"THREATMAP_USER_A_AUTH": "Bearer cli-user-a-SECRET"}, "--target", srv.URL, "--dry-run", "--format", "json", "--burst", "4", ".")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Target   string `json:"target"`
		Requests []struct {
			Check, Subject, Step, Method, URL, Skipped string
			Repeat                                     int
		} `json:"requests"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var burst, skipped bool
	for _, r := range doc.Requests {
		if r.Check == "probe-rate-limit" && r.Repeat == 4 && r.Method == "POST" {
			burst = true
		}
		if r.Check == "probe-webhook-replay" && r.Skipped != "" {
			skipped = true
		}
	}
	if doc.Target != srv.URL || !burst || !skipped || strings.Contains(out, "cli-user-a-SECRET") {
		t.Fatalf("plan JSON = %s", out)
	}
}

// TestProbeAddsDiscoveredRoutes: routes found in the code but not in the
// model join the plan (debug and internal ones as reachability probes),
// unless --no-routes.
func TestProbeAddsDiscoveredRoutes(t *testing.T) {
	dir := probeDir(t, probeModel)
	src := "package main\n\nimport \"net/http\"\n\nfunc main() {\n\tmux := http.NewServeMux()\n\tmux.HandleFunc(\"GET /debug/dump\", func(w http.ResponseWriter, r *http.Request) {})\n\thttp.ListenAndServe(\":8080\", mux)\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.test/bot\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const want = "## probe-not-reachable GET /debug/dump"
	_, out, _ := probeRun(t, dir, nil, "--target", "http://127.0.0.1:9", "--dry-run", ".")
	if !strings.Contains(out, want) {
		t.Errorf("discovered debug route not planned:\n%s", out)
	}
	_, out, _ = probeRun(t, dir, nil, "--target", "http://127.0.0.1:9", "--dry-run", "--no-routes", ".")
	if strings.Contains(out, want) {
		t.Error("--no-routes still planned the discovered route")
	}
}
