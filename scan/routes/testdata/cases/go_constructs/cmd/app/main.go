package main

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/mux"

	"example.com/shop/api"
	"example.com/shop/gen"
)

func main() {
	r := chi.NewRouter()
	a := api.NewAPI()
	r.Mount("/v1", a.Router())
	r.Mount("/self", r) // a router mounted on itself serves nothing new

	m := mux.NewRouter()
	sub := m.PathPrefix("/orders").Subrouter()
	sub.HandleFunc("", listOrders).Methods("GET")      // want: GET /orders []
	sub.HandleFunc("/{id}", listOrders).Methods("GET") // want: GET /orders/{id} []

	gw := http.NewServeMux()
	_ = gen.RegisterShopHandlerFromEndpoint(context.Background(), gw, "localhost:9090") // unresolved: generated gateway
	http.Handle("/", r)
	http.ListenAndServe(":8080", m)
}

func listOrders(w http.ResponseWriter, r *http.Request) {}
