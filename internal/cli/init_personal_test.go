package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitDraftsPersonalRecords checks the loop from code to row for an
// anonymous read of people's records: the route scanner sees that the
// handler serves a user model, init drafts the surface with the user-data
// asset, and the object-reference rule ranks the anonymous read of a user
// by id at P1 or P2 while a public catalogue read by id gets no such row.
func TestInitDraftsPersonalRecords(t *testing.T) {
	dir := t.TempDir()
	app := `from fastapi import FastAPI, Depends
from . import models, schemas

app = FastAPI()

@app.get("/users/{id}", response_model=schemas.UserOut)
def get_user(id: int, db=Depends(get_db)):
    return db.query(models.User).filter(models.User.id == id).first()

@app.get("/products/{id}")
def get_product(id: int, db=Depends(get_db)):
    return db.query(models.Product).get(id)

def get_db():
    yield None
`
	if err := os.WriteFile(filepath.Join(dir, "main.py"), []byte(app), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runIn(t, dir, nil, "init"); code != ExitOK {
		t.Fatalf("init: %s", errOut)
	}
	data, err := os.ReadFile(filepath.Join(dir, "threatmap.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.Contains(l, "id: get-users-id,") && !strings.Contains(l, "assets: [user-data]"):
			t.Errorf("the user read is not drafted with the user-data asset: %s", l)
		case strings.Contains(l, "id: get-products-id,") && strings.Contains(l, "assets:"):
			t.Errorf("the catalogue read is drafted with an asset: %s", l)
		}
	}
	js, errOut, _ := runIn(t, dir, nil, "report", "--format", "json")
	var doc struct {
		Threats []struct {
			ID       string
			Priority int
			Abuse    string
		}
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatalf("%v: %s %s", err, js, errOut)
	}
	found := false
	for _, th := range doc.Threats {
		switch th.ID {
		case "idor-object-access@get-users-id":
			found = true
			if th.Priority > 2 {
				t.Errorf("anonymous user read by id at P%d, want P1 or P2", th.Priority)
			}
			if !strings.Contains(th.Abuse, "without an account") {
				t.Errorf("the row does not say no account is needed: %q", th.Abuse)
			}
		case "idor-object-access@get-products-id":
			t.Errorf("object-reference row on a public catalogue read: %+v", th)
		}
	}
	if !found {
		t.Errorf("no object-reference row on the anonymous user read:\n%s\n%s", text, js)
	}
}
