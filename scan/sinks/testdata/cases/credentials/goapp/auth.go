package goapp

import (
	"crypto/subtle"
	"errors"

	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

type service struct{}

// authenticate is a demo login left in place: anyone gets a token.
func (s service) authenticate(username, password string) bool {
	if username == "demo" && password == "pass" { // want "login-literal-credential"
		return true
	}
	return false
}

func (s service) checkAdmin(user User) bool {
	return subtle.ConstantTimeCompare([]byte(user.Password), []byte("s3cret!")) == 1 // want "login-literal-credential"
}

// Look-alikes: an empty check, a length, a comparison with another
// variable, a username literal, a hash.
func (s service) login(username, password, stored string) error {
	if password == "" {
		return errors.New("empty")
	}
	if len(password) < 8 {
		return errors.New("short")
	}
	if password == stored {
		return nil
	}
	if username == "admin" {
		return errors.New("reserved")
	}
	if hashOf(password) == "5f4dcc3b5aa765d61d8327deb882cf99" {
		return nil
	}
	return errors.New("no")
}

// A settings form is no login: a literal there is a default, not a door.
func saveSettings(password string) bool {
	return password == "changeme"
}

func routes(r *gin.Engine, e *echo.Echo) {
	admin := r.Group("/admin", gin.BasicAuth(gin.Accounts{
		"admin": "hunter2", // want "hardcoded-credential"
		"ops":   opsPassword(),
	}))
	_ = admin
	e.Use(middleware.BasicAuth(func(username, password string, c echo.Context) (bool, error) {
		if username == "joe" && password == "secret" { // want "login-literal-credential"
			return true, nil
		}
		return false, nil
	}))
}

type User struct{ Password string }

func hashOf(s string) string { return s }
func opsPassword() string    { return "" }

// Any function: a literal user name and password in one condition.
func lab(user, pass string) bool {
	return user == "ops" && (pass == "0ps!") // want "login-literal-credential"
}
