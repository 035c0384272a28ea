package web

import (
	"os"

	"github.com/labstack/echo/v4"
)

// Routes serves pages under a base path chosen at deploy time.
func Routes(e *echo.Echo) {
	base := os.Getenv("BASE_PATH")
	e.GET(base+"/about", about) // want: GET /{base}/about []
	e.GET(pagePath(), about)    // unresolved: path built by a function call
}

func pagePath() string { return "/p" }

func about(c echo.Context) error { return nil }
