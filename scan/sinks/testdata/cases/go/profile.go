package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"github.com/google/uuid"
)

type profile struct{}

func profileHandler(w http.ResponseWriter, r *http.Request) {
	p := profile{}
	p.load(r.URL.Query().Get("uid"))
}

func (p *profile) load(uid string) {
	db.Query(fmt.Sprintf("SELECT * FROM profiles WHERE uid = %s", uid)) // want "sql-string-built"
}

func deleteModel(w http.ResponseWriter, r *http.Request) {
	folder, ok := modelFolder(r.PathValue("id"))
	if ok {
		os.RemoveAll(folder)
	}
	os.RemoveAll(rawFolder(r.PathValue("id"))) // want "path-traversal"
}

// modelFolder accepts only a UUID, so its result carries no request text.
func modelFolder(id string) (folder string, ok bool) {
	u, err := uuid.Parse(id)
	if err != nil {
		return "", false
	}
	folder = filepath.Join("/srv/models", u.String())
	return folder, true
}

func rawFolder(id string) string {
	return filepath.Join("/srv/models", id)
}
