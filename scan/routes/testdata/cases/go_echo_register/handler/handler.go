package handler

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Handler serves the notes API.
type Handler struct{ db any }

// New returns a Handler.
func New(db any) *Handler { return &Handler{db: db} }

// Register puts the API on a group made by the caller.
func (h *Handler) Register(g *echo.Group) {
	g.POST("/session", h.Login) // want: POST /api/session [] #auth-endpoint

	notes := g.Group("/notes", middleware.JWTWithConfig(middleware.JWTConfig{
		Skipper: func(c echo.Context) bool {
			return c.Request().Method == "GET" && c.Path() != "/api/notes/mine"
		},
		SigningKey: []byte("k"),
	}))
	notes.GET("", h.List)        // want: GET /api/notes [auth-optional]
	notes.GET("/mine", h.Mine)   // want: GET /api/notes/mine [auth]
	notes.POST("", h.Create)     // want: POST /api/notes [auth]
	notes.DELETE("/:id", h.Drop) // want: DELETE /api/notes/{id} [auth]

	me := g.Group("/me", AuthMiddleware(false))
	me.GET("", h.Me) // want: GET /api/me [auth-optional]
	admin := g.Group("/admin", AuthMiddleware(true))
	admin.GET("/stats", h.Me) // want: GET /api/admin/stats [auth] #admin
}

// AuthMiddleware checks the bearer token; with required false a request
// without one goes through anonymously.
func AuthMiddleware(required bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
}

func (h *Handler) Login(c echo.Context) error  { return nil }
func (h *Handler) List(c echo.Context) error   { return nil }
func (h *Handler) Mine(c echo.Context) error   { return nil }
func (h *Handler) Create(c echo.Context) error { return nil }
func (h *Handler) Drop(c echo.Context) error   { return nil }
func (h *Handler) Me(c echo.Context) error     { return nil }
