package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"expvar" // want: ANY /debug/vars [] #debug
	"io"
	"net/http"
	_ "net/http/pprof" // want: ANY /debug/pprof/ [] #debug ; ANY /debug/pprof/cmdline [] #debug ; ANY /debug/pprof/profile [] #debug ; ANY /debug/pprof/symbol [] #debug ; ANY /debug/pprof/trace [] #debug

	"github.com/stripe/stripe-go/v76/webhook"
)

const apiPrefix = "/api/v1"

func main() {
	_ = expvar.NewInt("hits")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhook/stripe", stripeWebhook)                                      // want: POST /webhook/stripe [rate-limit,signature]
	mux.HandleFunc("POST /webhook/github", githubWebhook)                                      // want: POST /webhook/github [rate-limit,signature]
	mux.HandleFunc("GET "+apiPrefix+"/documents/{id}", getDocument)                            // want: GET /api/v1/documents/{id} [rate-limit]
	mux.HandleFunc("GET /files/{path...}", serveFile)                                          // want: GET /files/{path} [rate-limit]
	mux.Handle("DELETE /api/v1/documents/{id}", requireAuth(http.HandlerFunc(deleteDocument))) // want: DELETE /api/v1/documents/{id} [auth,rate-limit]
	mux.HandleFunc("example.com/health", health)                                               // want: ANY /health [rate-limit]
	mux.HandleFunc("/{$}", health)                                                             // want: ANY / [rate-limit]

	admin := http.NewServeMux()
	admin.HandleFunc("GET /stats", health) // want: GET /admin/stats [auth,rate-limit,ip-allowlist] #admin
	mux.Handle("/admin/", http.StripPrefix("/admin", ipAllowlist(requireAuth(admin))))

	http.HandleFunc("/legacy/export", exportAll) // want: ANY /legacy/export []

	_ = http.ListenAndServe("127.0.0.1:8080", rateLimit(mux))
}

func stripeWebhook(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if _, err := webhook.ConstructEvent(body, r.Header.Get("Stripe-Signature"), "whsec"); err != nil {
		http.Error(w, "bad signature", http.StatusBadRequest)
	}
}

func githubWebhook(w http.ResponseWriter, r *http.Request) {
	if !validGitHubSignature(r) {
		w.WriteHeader(http.StatusUnauthorized)
	}
}

func validGitHubSignature(r *http.Request) bool {
	body, _ := io.ReadAll(r.Body)
	mac := hmac.New(sha256.New, []byte("secret"))
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(want), []byte(r.Header.Get("X-Hub-Signature-256")))
}

func getDocument(w http.ResponseWriter, r *http.Request)    {}
func deleteDocument(w http.ResponseWriter, r *http.Request) {}
func serveFile(w http.ResponseWriter, r *http.Request)      {}
func health(w http.ResponseWriter, r *http.Request)         {}
func exportAll(w http.ResponseWriter, r *http.Request)      {}

func requireAuth(next http.Handler) http.Handler { return next }
func ipAllowlist(next http.Handler) http.Handler { return next }

// rateLimit wraps the whole mux, so every route on it is rate-limited.
func rateLimit(next http.Handler) http.Handler { return next }
