package api

import "github.com/go-chi/chi/v5"

// Todos is a resource whose routes are mounted from a composite literal.
type Todos struct{}

// Routes lists the todo routes.
func (Todos) Routes() chi.Router {
	r := chi.NewRouter()
	r.Get("/", list)        // want: GET /todos/ []
	r.Delete("/{id}", list) // want: DELETE /todos/{id} []
	return r
}

// Routes of another type with the same method name must not be confused.
type Users struct{}

// Routes lists the user routes, which nothing mounts.
func (Users) Routes() chi.Router {
	r := chi.NewRouter()
	r.Get("/me", list) // want: GET /me []
	return r
}
