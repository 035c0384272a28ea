package client

import (
	"fmt"
	"log"
	"net/http"
	"strings"

	"github.com/go-resty/resty/v2"
)

// Routes documented in comments are not routes: r.Get("/users", h), mux.HandleFunc("POST /webhook", h).
const docs = `mux.HandleFunc("POST /webhook", handler)`

func Fetch(client *resty.Client, cache map[string]string) {
	_, _ = http.Get("http://example.com/api/v1/users")
	_, _ = client.R().Get("/api/v1/orders")
	resp, _ := http.Post("http://example.com/webhook/stripe", "application/json", strings.NewReader("{}"))
	log.Printf("GET /admin/%s returned %v", "x", resp)
	fmt.Println("POST /debug/pprof")
	_ = cache["/internal/reset"]
	req, _ := http.NewRequest("DELETE", "/api/v1/documents/1", nil)
	_ = req
}
