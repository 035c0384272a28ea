package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// TestInitDraftsSurfacesFromRoutes runs init on a small Flask app and checks
// that the starter model validates and lists its routes as surfaces.
func TestInitDraftsSurfacesFromRoutes(t *testing.T) {
	dir := t.TempDir()
	app := `from flask import Flask
app = Flask(__name__)

@app.post("/api/chat")
@login_required
def chat():
    return "ok"

@app.get("/admin/users/<int:user_id>")
def admin_user(user_id):
    return "ok"

@app.post("/webhook/stripe")
def stripe_hook():
    event = stripe.Webhook.construct_event(request.data, request.headers["Stripe-Signature"], secret)
    return "ok"
`
	out := initApp(t, dir, app)
	if !strings.Contains(out, "3 surfaces drafted from 3 entry points") {
		t.Errorf("init output: %s", out)
	}
	model, err := os.ReadFile(filepath.Join(dir, "threatmap.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"id: post-api-chat", "path: /api/chat, auth: session", "kind: admin", "app.py:9", "kind: webhook, component: app, method: POST, path: /webhook/stripe, auth: none, sender: stripe",
		"kind: no-secrets-in-repo, on: [env]", "reviewed: 2026-11-01",
		"{id: authentication, kind: authentication, on: [post-api-chat]}", "{id: signature-verified, kind: signature-verified, on: [post-webhook-stripe]}"} {
		if !strings.Contains(string(model), want) {
			t.Errorf("starter model lacks %q:\n%s", want, model)
		}
	}
	if _, errOut, code := runIn(t, dir, nil, "validate"); code != ExitOK {
		t.Fatalf("the starter model does not validate: %s", errOut)
	}
	// The drafted control closes the loop: the route scan verifies the
	// signature check, so the forgery row is not open.
	js, errOut, _ := runIn(t, dir, nil, "report", "--format", "json")
	if !strings.Contains(js, `"id": "webhook-forgery@post-webhook-stripe"`) {
		t.Fatalf("no forgery threat in %s %s", js, errOut)
	}
	var doc struct {
		Threats []struct{ ID, Status string }
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	for _, th := range doc.Threats {
		if th.ID == "webhook-forgery@post-webhook-stripe" && th.Status != "verified" {
			t.Errorf("webhook forgery is %s, want verified by the signature guard", th.Status)
		}
	}
	if _, _, code := runIn(t, dir, nil, "init"); code != ExitUsage {
		t.Error("init overwrote an existing model without --force")
	}
	if _, _, code := runIn(t, dir, nil, "init", "--force", "--no-scan"); code != ExitOK {
		t.Error("init --force failed")
	}
}

func TestValidateReportsAllProblemsWithContext(t *testing.T) {
	dir := t.TempDir()
	src := "system:\n  name: x\n  ownr: me\nsurfaces:\n  - {id: a, kind: endpoint, component: nope, path: /a}\nresponses:\n  webhok-forgery@a: {not_applicable: typo}\n"
	if err := os.WriteFile(filepath.Join(dir, "threatmap.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runIn(t, dir, nil, "validate")
	if code != ExitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	for _, want := range []string{
		`threatmap.yaml:3:3: error: system: unknown key "ownr" (did you mean "owner"?)`,
		"   3 |   ownr: me",
		`threatmap.yaml:5:40: error: component: no component with id "nope"`,
		"2 problems",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("validate output lacks %q:\n%s", want, errOut)
		}
	}
	fixed := strings.Replace(strings.Replace(src, "ownr", "owner", 1), "component: nope, ", "", 1)
	if err := os.WriteFile(filepath.Join(dir, "threatmap.yaml"), []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runIn(t, dir, nil, "validate")
	if code != ExitOK || !strings.Contains(out, "ok") || !strings.Contains(errOut, `names rule "webhok-forgery", which does not exist`) {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestSchemaDescribesTheModel(t *testing.T) {
	out, _, code := run(t, "schema")
	if code != ExitOK {
		t.Fatal(code)
	}
	for _, want := range []string{`"$schema": "https://json-schema.org/draft/2020-12/schema"`, `"surfaces"`, `"enum": [`, `"additionalProperties": false`, `"review_every"`} {
		if !strings.Contains(out, want) {
			t.Errorf("schema lacks %s", want)
		}
	}
}

func TestRulesAndExplain(t *testing.T) {
	out, _, code := run(t, "rules")
	if code != ExitOK || !strings.Contains(out, "webhook-forgery") {
		t.Fatalf("rules: %d %s", code, out)
	}
	out, _, code = run(t, "explain", "webhook-forgery@stripe-hook")
	if code != ExitOK || !strings.Contains(out, "Mitigations:") || !strings.Contains(out, "CWE-345") {
		t.Errorf("explain: %d %s", code, out)
	}
	if _, _, code := run(t, "explain", "no-such-rule"); code != ExitUsage {
		t.Errorf("explain of an unknown rule: exit %d", code)
	}
}

// TestSchemaFileIsCurrent keeps docs/threatmap.schema.json, which the
// examples point editors at, equal to what `threatmap schema` prints.
func TestSchemaFileIsCurrent(t *testing.T) {
	out, _, _ := run(t, "schema")
	path := filepath.Join(repoRoot(t), "docs", "threatmap.schema.json")
	if *update {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != out {
		t.Error("docs/threatmap.schema.json is stale: run go test ./internal/cli -run TestSchemaFileIsCurrent -update")
	}
}

// TestExamplesValidateAgainstSchema checks every example model against the
// JSON Schema, so editors and the loader agree.
func TestExamplesValidateAgainstSchema(t *testing.T) {
	out, _, _ := run(t, "schema")
	schemaDoc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("threatmap.schema.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("threatmap.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	models, _ := filepath.Glob(filepath.Join(repoRoot(t), "examples", "*", "threatmap.yaml"))
	if len(models) < 4 {
		t.Fatalf("found %d example models", len(models))
	}
	for _, m := range models {
		data, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(jsonCompatible(doc)); err != nil {
			t.Errorf("%s does not validate against the schema: %v", m, err)
		}
	}
}

// jsonCompatible turns YAML-decoded values (timestamps, int keys) into the
// shapes a JSON Schema validator expects.
func jsonCompatible(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			out[k] = jsonCompatible(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = jsonCompatible(val)
		}
		return out
	case time.Time:
		return x.Format(time.DateOnly)
	case int:
		return float64(x)
	default:
		return v
	}
}

// TestModelDocCoversEveryKey fails when a key of threatmap.yaml is missing
// from docs/model.md, so the reference cannot fall behind the schema.
func TestModelDocCoversEveryKey(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "model.md"))
	if err != nil {
		t.Fatal(err)
	}
	out, _, _ := run(t, "schema")
	var schema map[string]any
	if err := yaml.Unmarshal([]byte(out), &schema); err != nil {
		t.Fatal(err)
	}
	var keys []string
	var collect func(v any)
	collect = func(v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if props, ok := m["properties"].(map[string]any); ok {
			for k, sub := range props {
				keys = append(keys, k)
				collect(sub)
			}
		}
		for _, k := range []string{"items", "additionalProperties"} {
			collect(m[k])
		}
	}
	collect(schema)
	if len(keys) < 50 {
		t.Fatalf("found only %d keys in the schema", len(keys))
	}
	for _, k := range keys {
		if !strings.Contains(string(doc), "`"+k+"`") && !strings.Contains(string(doc), k+":") {
			t.Errorf("docs/model.md does not mention %q", k)
		}
	}
}

// TestInitDraftsBearerAuth checks that an API whose code authenticates with
// bearer tokens is drafted with auth: token, so no CSRF row is raised on
// it, while a cookie-session app keeps auth: session.
func TestInitDraftsBearerAuth(t *testing.T) {
	for _, tc := range []struct {
		name, extra, want string
		file, fileText    string
	}{
		{name: "bearer", extra: "from flask_httpauth import HTTPTokenAuth\ntoken_auth = HTTPTokenAuth()\n", want: "auth: token"},
		{name: "session", extra: "from flask_login import login_user\n", want: "auth: session"},
		// express-jwt reading "Authorization: Token <jwt>" (the RealWorld API style)
		{name: "express-jwt", want: "auth: token", file: "auth.ts", fileText: `import { expressjwt as jwt } from 'express-jwt';
const fromHeader = (req) => {
  const [scheme, token] = (req.headers.authorization || '').split(' ');
  return scheme === 'Token' || scheme === 'Bearer' ? token : null;
};
export const required = jwt({ secret: process.env.JWT_SECRET, getToken: fromHeader, algorithms: ['HS256'] });
`},
		// ozzo-routing's auth package reads the Authorization header or the query
		{name: "ozzo-auth", want: "auth: token", file: "auth.go", fileText: "package main\n\nimport \"github.com/go-ozzo/ozzo-routing/v2/auth\"\n\nvar jwtCheck = auth.JWT(\"key\")\n"},
	} {
		dir := t.TempDir()
		if tc.file != "" {
			if err := os.WriteFile(filepath.Join(dir, tc.file), []byte(tc.fileText), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		app := tc.extra + `from flask import Flask
app = Flask(__name__)

@app.delete("/api/posts/<int:id>")
@login_required
def delete_post(id):
    return "ok"
`
		if err := os.WriteFile(filepath.Join(dir, "app.py"), []byte(app), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, errOut, code := runIn(t, dir, nil, "init"); code != ExitOK {
			t.Fatalf("init: %s", errOut)
		}
		data, err := os.ReadFile(filepath.Join(dir, "threatmap.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), `path: "/api/posts/{id}", `+tc.want) {
			t.Errorf("%s: want %q in\n%s", tc.name, tc.want, data)
		}
		js, _, _ := runIn(t, dir, nil, "report", "--format", "json", "--no-scan")
		if csrf := strings.Contains(js, `"rule": "cross-site-request-forgery"`); csrf != (tc.name == "session") {
			t.Errorf("%s: CSRF row present = %v", tc.name, csrf)
		}
	}
}

// TestInitCountsSurfacesWritten checks that init reports the surfaces it
// wrote, not the registrations it read: two registrations of one route
// make one surface.
func TestInitCountsSurfacesWritten(t *testing.T) {
	dir := t.TempDir()
	app := `from flask import Flask
app = Flask(__name__)

@app.get("/api/items")
def items():
    return "ok"

@app.get("/api/items")
def items_again():
    return "ok"
`
	out := initApp(t, dir, app)
	if !strings.Contains(out, "(1 surface drafted from 2 entry points found in the code)") {
		t.Errorf("init output: %s", out)
	}
}

// initApp writes app as dir/app.py, runs init there and returns what it
// printed.
func initApp(t *testing.T, dir, app string) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "app.py"), []byte(app), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runIn(t, dir, nil, "init", "--name", "demo")
	if code != ExitOK {
		t.Fatalf("init exit %d: %s", code, errOut)
	}
	return out
}
