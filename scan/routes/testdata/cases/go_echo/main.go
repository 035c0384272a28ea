package main

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

func main() {
	e := echo.New()
	e.Use(middleware.Logger())
	e.Use(middleware.RateLimiter(middleware.NewRateLimiterMemoryStore(20)))

	e.GET("/", hello)                                           // want: GET / [rate-limit]
	e.POST("/users", createUser)                                // want: POST /users [rate-limit]
	e.GET("/users/:id", getUser, middleware.KeyAuth(validator)) // want: GET /users/{id} [auth,rate-limit]

	g := e.Group("/admin", middleware.BasicAuth(validator2))
	g.GET("/dashboard", hello) // want: GET /admin/dashboard [auth,rate-limit] #admin

	csrf := e.Group("/forms")
	csrf.Use(middleware.CSRF())
	csrf.POST("/submit", hello)                          // want: POST /forms/submit [rate-limit,csrf]
	csrf.Match([]string{"PUT", "PATCH"}, "/edit", hello) // want: PUT /forms/edit [rate-limit,csrf] ; PATCH /forms/edit [rate-limit,csrf]
	e.Logger.Fatal(e.Start(":1323"))
}

func hello(c echo.Context) error      { return nil }
func createUser(c echo.Context) error { return nil }
func getUser(c echo.Context) error    { return nil }

func validator(key string, c echo.Context) (bool, error)   { return true, nil }
func validator2(u, p string, c echo.Context) (bool, error) { return true, nil }
