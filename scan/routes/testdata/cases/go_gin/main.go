package main

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func main() {
	r := gin.Default()
	r.GET("/ping", ping) // want: GET /ping []
	r.Use(RateLimiter())
	r.GET("/status", ping) // want: GET /status [rate-limit]

	v1 := r.Group("/v1")
	{
		v1.POST("/login", login)         // want: POST /v1/login [rate-limit] #auth-endpoint
		v1.GET("/items/:id", getItem)    // want: GET /v1/items/{id} [rate-limit]
		v1.GET("/files/*filepath", ping) // want: GET /v1/files/{filepath} [rate-limit]
	}
	authorized := r.Group("/admin", gin.BasicAuth(gin.Accounts{"foo": "bar"}))
	authorized.POST("/secrets", ping) // want: POST /admin/secrets [auth,rate-limit] #admin
	authorized.Any("/ops", ping)      // want: ANY /admin/ops [auth,rate-limit] #admin

	api := v1.Group("/users")
	api.Use(AuthRequired())
	api.DELETE("/:id", CSRFMiddleware(), deleteUser) // want: DELETE /v1/users/{id} [auth,rate-limit,csrf]
	api.Handle(http.MethodPut, "/:id", ping)         // want: PUT /v1/users/{id} [auth,rate-limit]

	registerInternal(r.Group("/internal"))
	r.Run(":8080")
}

func registerInternal(g *gin.RouterGroup) {
	g.GET("/metrics", ping) // want: GET /internal/metrics [rate-limit] #internal
}

func RateLimiter() gin.HandlerFunc    { return func(c *gin.Context) {} }
func AuthRequired() gin.HandlerFunc   { return func(c *gin.Context) {} }
func CSRFMiddleware() gin.HandlerFunc { return func(c *gin.Context) {} }

func ping(c *gin.Context)       {}
func login(c *gin.Context)      {}
func getItem(c *gin.Context)    {}
func deleteUser(c *gin.Context) {}
