package assess

import (
	"testing"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

// A CSRF guard found on a GET route (CSRFProtect applies to the whole
// app) does not verify CSRF protection there: the middleware checks unsafe
// methods only.
func TestCSRFGuardCountsOnUnsafeMethodsOnly(t *testing.T) {
	m, diags := model.Parse("m.yaml", []byte(`system: {name: a}
components:
  - {id: app, kind: service}
surfaces:
  - {id: get-delete-tag, kind: endpoint, component: app, method: GET, path: "/admin/delete/tag/{id}", auth: session}
  - {id: post-delete-tag, kind: endpoint, component: app, method: POST, path: "/admin/delete/tag/{id}", auth: session}
controls:
  - {id: csrf-get, kind: csrf-protected, on: [get-delete-tag]}
  - {id: csrf-post, kind: csrf-protected, on: [post-delete-tag]}
`))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	set := evidence.Set{Routes: []evidence.Route{
		{Method: "GET", Path: "/admin/delete/tag/{id}", File: "admin.py", Line: 118, Guards: []string{"auth", "csrf"}},
		{Method: "POST", Path: "/admin/delete/tag/{id}", File: "admin.py", Line: 118, Guards: []string{"auth", "csrf"}},
	}}
	a := Assess(m, nil, link.Build(m, set, ""), set, now)
	status := map[string]string{}
	for _, c := range a.Controls {
		status[c.ID] = c.Status
	}
	if status["csrf-post"] != ControlVerified {
		t.Errorf("csrf guard on POST: control %s, want verified", status["csrf-post"])
	}
	if status["csrf-get"] == ControlVerified || status["csrf-get"] == ControlFailing {
		t.Errorf("csrf guard on GET: control %s, want neither verified nor failing", status["csrf-get"])
	}
	ix := link.Build(m, set, "")
	if _, ok := proveKind(ix, "get-delete-tag", "csrf-protected"); ok {
		t.Error("a csrf guard on a GET route proves CSRF protection")
	}
	if _, ok := proveKind(ix, "post-delete-tag", "csrf-protected"); !ok {
		t.Error("a csrf guard on a POST route does not prove CSRF protection")
	}
}
