package goapi

import (
	"log"
	"net/http"
)

func Login(w http.ResponseWriter, r *http.Request) {
	username, password := r.FormValue("username"), r.FormValue("password")
	log.Printf("login %s %s", username, password) // want "sensitive-data-logged"
	log.Printf("login %s (%d chars)", username, len(password))
	apiToken := issue(username)
	log.Println("issued", apiToken) // want "sensitive-data-logged"
	w.Write([]byte(apiToken))
}

func issue(user string) string { return user }

func main() {
	secret := "x"
	log.Println(secret)
}
