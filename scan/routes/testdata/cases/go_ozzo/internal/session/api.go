package session

import (
	routing "github.com/go-ozzo/ozzo-routing/v2"
)

type Service interface {
	Login(name, password string) (string, error)
	List(offset, limit int) []string
}

type pages struct{ offset, limit int }

func (p pages) Offset() int { return p.offset }
func (p pages) Limit() int  { return p.limit }

// RegisterHandlers serves sign-in through a handler factory whose name is
// not a guard, and a list whose page size is not a rate limit.
func RegisterHandlers(rg *routing.RouteGroup, service Service) {
	rg.Post("/login", login(service))  // want: POST /session/login [] #auth-endpoint
	rg.Get("/active", active(service)) // want: GET /session/active []
}

func login(service Service) routing.Handler {
	return func(c *routing.Context) error {
		_, err := service.Login("", "")
		return err
	}
}

func active(service Service) routing.Handler {
	return func(c *routing.Context) error {
		p := pages{0, 100}
		return c.Write(service.List(p.Offset(), p.Limit()))
	}
}
