package users

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Handlers builds the account handlers; each method returns the handler
// (the handler's name, Login, is no guard).
type Handlers struct{}

// Login checks the caller's password and starts a session.
func (h *Handlers) Login() echo.HandlerFunc {
	return func(c echo.Context) error { return nil }
}

// MapRoutes registers the account routes: sign-up, sign-in and the public
// directory first, then the group's session check, then what needs it.
func MapRoutes(g *echo.Group) {
	h := &Handlers{}
	g.POST("/register", register) // want: POST /api/v1/users/register [rate-limit] #auth-endpoint
	g.POST("/login", h.Login())   // want: POST /api/v1/users/login [rate-limit] #auth-endpoint
	g.GET("/all", list)           // want: GET /api/v1/users/all [rate-limit]
	g.GET("/:user_id", list)      // want: GET /api/v1/users/{user_id} [rate-limit]
	g.Use(middleware.KeyAuth(check))
	g.GET("/me", list)          // want: GET /api/v1/users/me [auth,rate-limit]
	g.DELETE("/:user_id", list) // want: DELETE /api/v1/users/{user_id} [auth,rate-limit]
}

func register(c echo.Context) error                  { return nil }
func list(c echo.Context) error                      { return nil }
func check(key string, c echo.Context) (bool, error) { return true, nil }
