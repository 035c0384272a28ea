package main

import (
	"github.com/labstack/echo/v4"

	"example.com/notes/handler"
	"example.com/notes/web"
)

func main() {
	e := echo.New()
	e.GET("/healthz", func(c echo.Context) error { return nil }) // want: GET /healthz []
	api := e.Group("/api")
	h := handler.New(nil)
	h.Register(api)
	web.Routes(e)
	e.Logger.Fatal(e.Start(":8080"))
}
