package main

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"
	"github.com/go-chi/jwtauth/v5"
)

var tokenAuth = jwtauth.New("HS256", []byte("secret"), nil)

func main() {
	r := chi.NewRouter()
	r.Use(middleware.Logger)
	r.Use(httprate.LimitByIP(100, time.Minute))

	r.Get("/", index)                        // want: GET / [rate-limit]
	r.Post("/login", login)                  // want: POST /login [rate-limit] #auth-endpoint
	r.Mount("/debug", middleware.Profiler()) // want: ANY /debug/* [rate-limit] #debug

	r.Route("/api/v1", func(r chi.Router) {
		r.Get("/articles/{articleID:[0-9]+}", getArticle) // want: GET /api/v1/articles/{articleID} [rate-limit]
		r.Group(func(r chi.Router) {
			r.Use(jwtauth.Verifier(tokenAuth))
			r.Use(jwtauth.Authenticator(tokenAuth))
			r.Post("/articles", createArticle)           // want: POST /api/v1/articles [auth,rate-limit]
			r.Delete("/articles/{articleID}", deleteArt) // want: DELETE /api/v1/articles/{articleID} [auth,rate-limit]
		})
		r.With(requireAdmin).Put("/settings", putSettings) // want: PUT /api/v1/settings [auth,permission,rate-limit]
	})
	r.Mount("/admin", adminRouter())
	r.Mount("/v2", v2Router())
	r.Method(http.MethodPatch, "/profile", http.HandlerFunc(index)) // want: PATCH /profile [rate-limit]
	http.ListenAndServe(":3333", r)
}

func adminRouter() chi.Router {
	r := chi.NewRouter()
	r.Use(AdminOnly)
	r.Get("/", index)         // want: GET /admin/ [auth,permission,rate-limit] #admin
	r.Get("/accounts", index) // want: GET /admin/accounts [auth,permission,rate-limit] #admin
	return r
}

// v2Router is declared as an http.Handler but builds a chi router.
func v2Router() http.Handler {
	r := chi.NewRouter()
	r.Get("/items", index) // want: GET /v2/items [rate-limit]
	return r
}

func requireAdmin(next http.Handler) http.Handler { return requireAuth(next) }
func requireAuth(next http.Handler) http.Handler  { return next }

// AdminOnly checks the session's role; its body calls the auth helper.
func AdminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isAuthenticated(r) {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isAuthenticated(r *http.Request) bool { return r.Header.Get("Authorization") != "" }

func index(w http.ResponseWriter, r *http.Request)         {}
func login(w http.ResponseWriter, r *http.Request)         {}
func getArticle(w http.ResponseWriter, r *http.Request)    {}
func createArticle(w http.ResponseWriter, r *http.Request) {}
func deleteArt(w http.ResponseWriter, r *http.Request)     {}
func putSettings(w http.ResponseWriter, r *http.Request)   {}
