package main

import (
	"net/http"

	"github.com/go-ozzo/ozzo-routing/v2"
	"github.com/go-ozzo/ozzo-routing/v2/auth"
	"github.com/go-ozzo/ozzo-routing/v2/content"

	"example.com/records/internal/album"
	"example.com/records/internal/session"
)

func main() {
	http.ListenAndServe(":8080", buildHandler("key"))
}

func buildHandler(key string) http.Handler {
	router := routing.New()
	router.Use(content.TypeNegotiator(content.JSON))

	router.To("GET,HEAD", "/healthcheck", health) // want: GET /healthcheck []; HEAD /healthcheck []
	router.Get("/static/*", files)                // want: GET /static/* []

	session.RegisterHandlers(router.Group("/session"), nil)

	router.Use(RateLimiter())
	router.Any("/ws", socket) // want: ANY /ws [rate-limit]

	// A group with handlers of its own runs only those.
	admin := router.Group("/admin", RequireAdmin)
	admin.Delete("/users/<id>", removeUser) // want: DELETE /admin/users/{id} [auth,permission] #admin

	rg := router.Group("/v1")
	rg.Get(`/reports/<id:\d+>`, report)                     // want: GET /v1/reports/{id} [rate-limit]
	rg.Get("/users", listUsers).Post(auth.JWT(key), signUp) // want: GET /v1/users [rate-limit]; POST /v1/users [auth,rate-limit]

	album.RegisterHandlers(rg.Group(""), auth.JWT(key))

	rg.Use(auth.JWT(key))
	rg.Put("/users/<id>", updateUser).Delete(removeUser) // want: PUT /v1/users/{id} [auth,rate-limit]; DELETE /v1/users/{id} [auth,rate-limit]
	rg.To("PUT,PATCH", "/me", updateUser)                // want: PUT /v1/me [auth,rate-limit]; PATCH /v1/me [auth,rate-limit]
	return router
}

func RateLimiter() routing.Handler          { return func(c *routing.Context) error { return nil } }
func RequireAdmin(c *routing.Context) error { return nil }

func health(c *routing.Context) error     { return nil }
func files(c *routing.Context) error      { return nil }
func socket(c *routing.Context) error     { return nil }
func report(c *routing.Context) error     { return nil }
func listUsers(c *routing.Context) error  { return nil }
func signUp(c *routing.Context) error     { return nil }
func updateUser(c *routing.Context) error { return nil }
func removeUser(c *routing.Context) error { return nil }
