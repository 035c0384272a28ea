package main

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
)

func main() {
	app := fiber.New()
	app.Get("/", index) // want: GET / []
	app.Use(limiter.New())

	api := app.Group("/api", protected)
	v1 := api.Group("/v1")
	v1.Get("/list", index)       // want: GET /api/v1/list [auth,rate-limit]
	v1.Post("/user/:id?", index) // want: POST /api/v1/user/{id} [auth,rate-limit]
	app.Route("/test", func(r fiber.Router) {
		r.Get("/foo", index) // want: GET /test/foo [rate-limit] #test
	})
	app.Listen(":3000")
}

func protected(c *fiber.Ctx) error {
	if !validToken(c.Get("Authorization")) {
		return fiber.ErrUnauthorized
	}
	return c.Next()
}

func validToken(s string) bool { return s != "" }

func index(c *fiber.Ctx) error { return nil }
