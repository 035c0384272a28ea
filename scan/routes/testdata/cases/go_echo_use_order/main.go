package main

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"example.com/shop/internal/users"
)

// Echo.Use on the root runs around the router, so it applies to every
// route, also those registered before it. Group.Use applies to the routes
// and groups added to the group after it: Group.Add and Group.Group copy
// the group's middleware when they are called.
func main() {
	e := echo.New()
	e.GET("/health", health) // want: GET /health [rate-limit]
	e.Use(middleware.RateLimiter(middleware.NewRateLimiterMemoryStore(20)))

	v1 := e.Group("/api/v1")
	users.MapRoutes(v1.Group("/users"))

	shop := e.Group("/shop")
	catalogue := shop.Group("/catalogue")
	shop.GET("/items", health) // want: GET /shop/items [rate-limit]
	shop.Use(middleware.KeyAuth(validator))
	orders := shop.Group("/orders")
	shop.POST("/cart", health)    // want: POST /shop/cart [auth,rate-limit]
	catalogue.GET("/:id", health) // want: GET /shop/catalogue/{id} [rate-limit]
	orders.POST("", health)       // want: POST /shop/orders [auth,rate-limit]
	e.Logger.Fatal(e.Start(":1323"))
}

func health(c echo.Context) error                        { return nil }
func validator(key string, c echo.Context) (bool, error) { return true, nil }
