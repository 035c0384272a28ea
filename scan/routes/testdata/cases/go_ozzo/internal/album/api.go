package album

import (
	routing "github.com/go-ozzo/ozzo-routing/v2"
)

// RegisterHandlers serves reads to anyone and writes behind authHandler:
// Use guards the routes registered after it only.
func RegisterHandlers(r *routing.RouteGroup, authHandler routing.Handler) {
	r.Get("/albums/<id>", get) // want: GET /v1/albums/{id} [rate-limit]
	r.Get("/albums", query)    // want: GET /v1/albums [rate-limit]

	r.Use(authHandler)

	r.Post("/albums", create)      // want: POST /v1/albums [auth,rate-limit]
	r.Put("/albums/<id>", update)  // want: PUT /v1/albums/{id} [auth,rate-limit]
	r.Delete("/albums/<id>", drop) // want: DELETE /v1/albums/{id} [auth,rate-limit]
}

func get(c *routing.Context) error    { return nil }
func query(c *routing.Context) error  { return nil }
func create(c *routing.Context) error { return nil }
func update(c *routing.Context) error { return nil }
func drop(c *routing.Context) error   { return nil }
