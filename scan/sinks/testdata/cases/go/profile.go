package main

import (
	"fmt"
	"net/http"
)

type profile struct{}

func profileHandler(w http.ResponseWriter, r *http.Request) {
	p := profile{}
	p.load(r.URL.Query().Get("uid"))
}

func (p *profile) load(uid string) {
	db.Query(fmt.Sprintf("SELECT * FROM profiles WHERE uid = %s", uid)) // want "sql-string-built"
}
