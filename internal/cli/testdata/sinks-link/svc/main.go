package main

import (
	"net/http"

	"example.com/svc/handlers"
)

func main() {
	http.HandleFunc("GET /fetch", handlers.Fetch)
	http.ListenAndServe(":8080", nil)
}
