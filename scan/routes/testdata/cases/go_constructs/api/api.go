package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/jwtauth/v5"
)

// API holds the resources.
type API struct {
	Cart  *CartResource
	Token *jwtauth.JWTAuth
}

// NewAPI builds the API.
func NewAPI() *API { return &API{Cart: &CartResource{}} }

// Router serves the resources, all behind a verified JWT.
func (a *API) Router() *chi.Mux {
	r := chi.NewRouter()
	r.Use(jwtauth.Verifier(a.Token))
	r.Use(jwtauth.Authenticator(a.Token))
	r.Mount("/cart", a.Cart.router())
	return r
}

// CartResource serves a cart.
type CartResource struct{}

func (c *CartResource) router() *chi.Mux {
	r := chi.NewRouter()
	r.Get("/", c.get) // want: GET /v1/cart/ [auth]
	r.Put("/", c.put) // want: PUT /v1/cart/ [auth]
	return r
}

// unusedRoutes is called by nothing: its routes are not served.
func unusedRoutes(r chi.Router) {
	r.Post("/debug/flush", flush) // want: POST /debug/flush [] #debug,unmounted
}

func (c *CartResource) get(w http.ResponseWriter, r *http.Request) {}
func (c *CartResource) put(w http.ResponseWriter, r *http.Request) {}
func flush(w http.ResponseWriter, r *http.Request)                 {}
