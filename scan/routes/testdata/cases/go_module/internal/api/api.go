package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// Register adds the catalogue routes.
func Register(r chi.Router) {
	r.Get("/products", list)                     // want: GET /api/products []
	r.With(Authenticate).Post("/products", list) // want: POST /api/products [auth]
}

type Handler struct{}

func NewHandler() *Handler { return &Handler{} }

// Routes returns the order routes; every one needs a login.
func (h *Handler) Routes() chi.Router {
	r := chi.NewRouter()
	r.Use(Authenticate)
	r.Get("/", list)             // want: GET /orders/ [auth]
	r.Post("/{id}/refund", list) // want: POST /orders/{id}/refund [auth]
	return r
}

func Authenticate(next http.Handler) http.Handler { return next }

func list(w http.ResponseWriter, r *http.Request) {}
