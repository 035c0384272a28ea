package pysrc

import (
	"context"
	"slices"
	"testing"

	"github.com/threatmap/threatmap/evidence"
)

func TestGuardKindsOfEndpointsAndOptionalAuth(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"login_required", []string{evidence.GuardAuth}},
		{"LoginRequiredMixin", []string{evidence.GuardAuth}},
		{"LoginView", nil},
		{"onLogin", nil},
		{"login", nil},
		{"register_user", nil},
		{"jwt_optional", []string{evidence.GuardAuthOptional}},
		{"jwt_required.optional.True", []string{evidence.GuardAuthOptional}},
		{"get_current_user_optional", []string{evidence.GuardAuthOptional}},
		{"jwt_required", []string{evidence.GuardAuth}},
	}
	for _, tt := range tests {
		got, _ := guardKinds(tt.name)
		if !slices.Equal(got, tt.want) {
			t.Errorf("guardKinds(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestIsAuthEndpoint(t *testing.T) {
	tests := []struct {
		handler, path string
		want          bool
	}{
		{"login", "/x", true},
		{"views.LoginView.as_view()", "/x", true},
		{"CreateTokenView.as_view()", "/api/user/token/", true},
		{"password_reset_request", "/auth/reset", true},
		{"onSignup", "/auth/x", true},
		{"get_user", "/api/user", false},
		{"login_required_page", "/home", false},
		{"list_tokens_used", "/stats", false},
	}
	for _, tt := range tests {
		if got := isAuthEndpoint(tt.handler, tt.path); got != tt.want {
			t.Errorf("isAuthEndpoint(%q, %q) = %v, want %v", tt.handler, tt.path, got, tt.want)
		}
	}
}

// TestPathPlaceholders checks constant folding and placeholders for parts
// known only at run time, and that a wholly unknown route path is reported
// unresolved rather than dropped or invented.
func TestPathPlaceholders(t *testing.T) {
	src := []byte(`import os
from fastapi import FastAPI, APIRouter

BASE = "/api"
app = FastAPI()
r = APIRouter(prefix=os.getenv("PREFIX") + "/v1")


@app.get(BASE + "/a")
def a():
    pass


@app.get(f"{BASE}/b/{os.getenv('X')}")
def b():
    pass


@r.get("/c")
def c():
    pass


@app.get(compute_path())
def d():
    pass


app.include_router(r)
`)
	res := ExtractAll(context.Background(), []Source{{Rel: "main.py", Src: src}})
	var got []string
	for _, rt := range res.Routes {
		got = append(got, rt.Method+" "+rt.Path)
	}
	slices.Sort(got)
	want := []string{"GET /api/a", "GET /api/b/{param}", "GET /{prefix}/v1/c"}
	if !slices.Equal(got, want) {
		t.Errorf("routes = %v, want %v", got, want)
	}
	if len(res.Unresolved) != 1 || res.Unresolved[0].Line != 24 || res.Unresolved[0].File != "main.py" {
		t.Errorf("unresolved = %+v, want one entry at main.py:24", res.Unresolved)
	}
}
