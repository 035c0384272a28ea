package main

import (
	"net/http"

	"github.com/gorilla/csrf"
	"github.com/gorilla/mux"
)

type server struct {
	router *mux.Router
}

func main() {
	s := &server{router: mux.NewRouter()}
	s.routes()
	http.ListenAndServe(":8000", csrf.Protect([]byte("32-byte-long-auth-key"))(s.router))
}

func (s *server) routes() {
	s.router.HandleFunc("/", s.home)                                                   // want: ANY / [csrf]
	s.router.HandleFunc("/products/{key}", s.product).Methods("GET")                   // want: GET /products/{key} [csrf]
	s.router.Path("/articles/{id:[0-9]+}").Methods("PUT", "PATCH").HandlerFunc(s.home) // want: PUT /articles/{id} [csrf] ; PATCH /articles/{id} [csrf]

	api := s.router.PathPrefix("/api").Subrouter()
	api.Use(s.authMiddleware)
	api.HandleFunc("/orders", s.orders).Methods(http.MethodPost) // want: POST /api/orders [auth,csrf]

	dev := s.router.PathPrefix("/dev").Subrouter()
	dev.HandleFunc("/reset", s.home).Methods("POST")                        // want: POST /dev/reset [csrf] #dev
	s.router.PathPrefix("/static/").Handler(http.FileServer(http.Dir("."))) // want: ANY /static/* [csrf]
}

func (s *server) authMiddleware(next http.Handler) http.Handler  { return next }
func (s *server) home(w http.ResponseWriter, r *http.Request)    {}
func (s *server) product(w http.ResponseWriter, r *http.Request) {}
func (s *server) orders(w http.ResponseWriter, r *http.Request)  {}
