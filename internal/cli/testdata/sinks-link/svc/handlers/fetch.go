package handlers

import "net/http"

func Fetch(w http.ResponseWriter, r *http.Request) {
	http.Get(r.URL.Query().Get("url"))
}
