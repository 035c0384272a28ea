package main

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"example.com/shop/internal/api"
)

func main() {
	r := chi.NewRouter()
	r.Route("/api", func(r chi.Router) {
		api.Register(r)
	})
	h := api.NewHandler()
	r.Mount("/orders", h.Routes())
	r.Mount("/todos", api.Todos{}.Routes())
	http.ListenAndServe(":8080", r)
}
