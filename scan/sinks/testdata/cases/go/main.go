package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
)

const usersTable = "users"

var db *sql.DB

func users(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	db.Query("SELECT * FROM users WHERE name = '" + name + "'")          // want "sql-string-built"
	db.Query(fmt.Sprintf("SELECT * FROM users WHERE name = '%s'", name)) // want "sql-string-built"
	q := fmt.Sprintf("DELETE FROM users WHERE id = %s", r.FormValue("id"))
	db.Exec(q) // want "sql-string-built"
	db.Query("SELECT * FROM users WHERE name = $1", name)
	stmt, _ := db.Prepare("SELECT * FROM users WHERE name = ?")
	stmt.QueryRow(name)
	db.Query("SELECT * FROM "+usersTable+" WHERE id = $1", 1)
}

func run(w http.ResponseWriter, r *http.Request) {
	host := r.FormValue("host")
	exec.Command("sh", "-c", "ping -c 1 "+host).Run() // want "command-injection"
	exec.Command("ping", "-c", "1", host).Run()
	exec.Command("sh", "-c", "uptime").Run()
}

func files(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	http.ServeFile(w, r, filepath.Join("/srv/files", name)) // want "path-traversal"
	os.Open(r.URL.Query().Get("p"))                         // want "path-traversal"
	os.Open(filepath.Join("/srv/files", filepath.Base(name)))
}

func proxy(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Query().Get("url")
	http.Get(target)                    // want "ssrf"
	http.NewRequest("GET", target, nil) // want "ssrf"
	http.Get("https://api.example.com/items/" + target)
}

func render(w http.ResponseWriter, r *http.Request) {
	t, _ := template.New("page").Parse(r.FormValue("tpl")) // want "template-injection"
	t.Execute(w, nil)
	template.Must(template.New("x").Parse("<p>{{.}}</p>")).Execute(w, r.FormValue("name"))
}

type fetchReq struct{ URL string }

func fetchJSON(w http.ResponseWriter, r *http.Request) {
	var in fetchReq
	json.NewDecoder(r.Body).Decode(&in)
	http.Get(in.URL) // want "ssrf"
}

func alloc(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.Header.Get("X-Size"))
	buf := make([]byte, n) // want "request-sized-allocation"
	fixed := make([]byte, 4096)
	_, _ = buf, fixed
}

func main() {
	http.HandleFunc("/users", users)
	http.HandleFunc("/inline", func(w http.ResponseWriter, r *http.Request) {
		exec.Command("bash", "-c", r.FormValue("cmd")).Run() // want "command-injection"
	})
	dir := os.Getenv("DIR")
	exec.Command("sh", "-c", "rm -rf "+dir).Run() // want "command-injection"
}

func listUsers(w http.ResponseWriter, r *http.Request) {
	where, args := []string{"1 = 1"}, []any{}
	if v := r.FormValue("name"); v != "" {
		where = append(where, "name = ?")
		args = append(args, v)
	}
	db.Query("SELECT * FROM users WHERE "+strings.Join(where, " AND "), args...)
	db.Query("SELECT * FROM users ORDER BY " + r.FormValue("sort")) // want "sql-string-built"
}
