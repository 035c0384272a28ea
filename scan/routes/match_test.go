package routes

import (
	"slices"
	"testing"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/graph"
	"github.com/threatmap/threatmap/scan/routes/guard"
)

func TestMatch(t *testing.T) {
	route := func(method, path string) evidence.Route { return evidence.Route{Method: method, Path: path} }
	tests := []struct {
		name         string
		method, path string
		r            evidence.Route
		want         bool
	}{
		{"same", "POST", "/webhook/stripe", route("POST", "/webhook/stripe"), true},
		{"method case", "post", "/webhook/stripe", route("POST", "/webhook/stripe"), true},
		{"other method", "GET", "/webhook/stripe", route("POST", "/webhook/stripe"), false},
		{"express param vs braces", "GET", "/api/documents/:id", route("GET", "/api/documents/{id}"), true},
		{"flask converter", "GET", "/api/documents/<int:id>", route("GET", "/api/documents/{doc_id}"), true},
		{"next brackets", "GET", "/api/documents/[id]", route("GET", "/api/documents/{id}"), true},
		{"trailing slash", "GET", "/admin/", route("GET", "/admin"), true},
		{"any route method", "DELETE", "/admin", route("ANY", "/admin"), true},
		{"any model method", "", "/admin", route("GET", "/admin"), true},
		{"model wildcard", "*", "/admin/*", route("GET", "/admin/users/{id}"), true},
		{"wildcard base", "*", "/admin/*", route("GET", "/admin"), true},
		{"wildcard other", "*", "/admin/*", route("GET", "/administrator"), false},
		{"literal differs", "GET", "/api/documents/me", route("GET", "/api/documents/{id}"), false},
		{"longer path", "GET", "/api", route("GET", "/api/v1"), false},
		{"query string ignored", "GET", "/search?q=x", route("GET", "/search"), true},
		{"head matches get route", "HEAD", "/x", route("GET", "/x"), false},
		{"get model matches head route", "GET", "/x", route("HEAD", "/x"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Match(tt.method, tt.path, tt.r); got != tt.want {
				t.Errorf("Match(%q, %q, %s %s) = %v, want %v", tt.method, tt.path, tt.r.Method, tt.r.Path, got, tt.want)
			}
		})
	}
}

func TestParams(t *testing.T) {
	tests := map[string]string{
		"/users/:id":                  "/users/{id}",
		"/users/:id(\\d+)":            "/users/{id}",
		"/users/:id?":                 "/users/{id}",
		"/files/*filepath":            "/files/{filepath}",
		"/files/*":                    "/files/*",
		"/docs/<int:doc_id>":          "/docs/{doc_id}",
		"/docs/<slug>":                "/docs/{slug}",
		"/a/{id:[0-9]{3}}/b":          "/a/{id}/b",
		"/static/{path...}":           "/static/{path}",
		"/{$}":                        "/",
		"/blog/[slug]":                "/blog/{slug}",
		"/blog/[...slug]":             "/blog/{slug}",
		"/blog/[[...slug]]":           "/blog/{slug}",
		"/plain/path":                 "/plain/path",
		"/flights/:from-:to":          "/flights/{from}-{to}",
		"/unclosed/{id":               "/unclosed/{id}",
		"/unclosed/<id":               "/unclosed/<id",
		"/email@host":                 "/email@host",
		"/time/12:30":                 "/time/12{30}",
		"":                            "",
		"/api/v1/documents/{id}.json": "/api/v1/documents/{id}.json",
	}
	for in, want := range tests {
		if got := graph.Params(in); got != want {
			t.Errorf("Params(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGuardKinds(t *testing.T) {
	tests := []struct {
		name          string
		adds, cancels []string
	}{
		{"login_required", []string{"auth"}, nil},
		{"JwtAuthGuard", []string{"auth"}, nil},
		{"passport.authenticate", []string{"auth"}, nil},
		{"Depends(get_current_user)", []string{"auth"}, nil},
		{"requireAuth", []string{"auth"}, nil},
		{"limiter.limit", []string{"rate-limit"}, nil},
		{"httprate.LimitByIP", []string{"rate-limit"}, nil},
		{"rate.NewLimiter", []string{"rate-limit"}, nil},
		{"tollbooth.LimitHandler", []string{"rate-limit"}, nil},
		{"ThrottlerGuard", []string{"rate-limit"}, nil},
		{"stripe.Webhook.construct_event", []string{"signature"}, nil},
		{"webhook.ConstructEvent", []string{"signature"}, nil},
		{"stripe.webhooks.constructEvent", []string{"signature"}, nil},
		{"hmac.compare_digest", []string{"signature"}, nil},
		{"hmac.Equal", []string{"signature"}, nil},
		{"crypto.timingSafeEqual", []string{"signature"}, nil},
		{"verifier.is_valid_request", []string{"signature"}, nil},
		{"ipAllowlist", []string{"ip-allowlist"}, nil},
		{"ALLOWED_IPS", []string{"ip-allowlist"}, nil},
		{"csrf.Protect", []string{"csrf"}, nil},
		{"CSRFProtect", []string{"csrf"}, nil},
		{"csrf_exempt", nil, []string{"csrf"}},
		{"SkipThrottle", nil, []string{"rate-limit"}},
		{"Public", nil, []string{"auth"}},
		{"AllowAny", nil, []string{"auth"}},
		{"getAuthor", nil, nil},
		{"io.LimitReader", nil, nil},
		{"http.MaxBytesReader", nil, nil},
		{"json.NewDecoder", nil, nil},
		{"loggingMiddleware", nil, nil},
		{"sessionStore.Get", nil, nil},
		{"RolesGuard", []string{"auth"}, nil},
		{"userModel.checkPassword", nil, nil},
		{"auth.optional", []string{"auth-optional"}, nil},
		{"server.authenticate_optional", []string{"auth-optional"}, nil},
		{"optionalAuthenticator", []string{"auth-optional"}, nil},
		{"authLimiter", []string{"rate-limit"}, nil},
		{"loginLimiter", []string{"rate-limit"}, nil},
		{"passport.session", nil, nil},
		{"passport.initialize", nil, nil},
		{"protect", []string{"auth"}, nil},
		{"s.requireNoAuth", nil, nil},
		{"guestOnly", nil, nil},
		{"verifySignUp.checkRolesExisted", nil, nil},
		{"verifySignUp.checkDuplicateUsernameOrEmail", nil, nil},
		{"authJwt.verifyToken", []string{"auth"}, nil},
		{"AdminOnly", []string{"auth", "permission"}, nil},
		{"permission_required", []string{"auth", "permission"}, nil},
		{"admin_required", []string{"auth", "permission"}, nil},
		{"staff_member_required", []string{"auth", "permission"}, nil},
		{"login_required", []string{"auth"}, nil},
		{"organiser_only", []string{"auth"}, nil},
		{"readOnly", nil, nil},
		{"auth.required", []string{"auth"}, nil},
		{"NewLoginValidator", []string{"auth"}, nil},
	}
	for _, tt := range tests {
		adds, cancels := guard.Kinds(tt.name)
		if !slices.Equal(adds, tt.adds) || !slices.Equal(cancels, tt.cancels) {
			t.Errorf("Kinds(%q) = %v, %v; want %v, %v", tt.name, adds, cancels, tt.adds, tt.cancels)
		}
	}
}

func TestBodyKinds(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"NewLoginValidator", nil},
		{"csrf.Token", nil},
		{"isAuthenticated", []string{"auth"}},
		{"jwt.Parse", []string{"auth"}},
		{"getServerSession", []string{"auth"}},
		{"auth", []string{"auth"}},
		{"s.limiter.Allow", []string{"rate-limit"}},
		{"webhook.ConstructEvent", []string{"signature"}},
	}
	for _, tt := range tests {
		if got := guard.BodyKinds(tt.name); !slices.Equal(got, tt.want) {
			t.Errorf("BodyKinds(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestTags(t *testing.T) {
	tests := []struct {
		path, handler string
		want          []string
	}{
		{"/debug/pprof/", "", []string{"debug"}},
		{"/admin/debug", "", []string{"debug", "admin"}},
		{"/devices", "", nil},
		{"/latest", "", nil},
		{"/dev/reset", "", []string{"dev"}},
		{"/api/internal/sync", "", []string{"internal"}},
		{"/_test/seed", "", []string{"test"}},
		{"/users/{admin}", "", nil},
		{"/profile", "pprof.Index", []string{"debug"}},
	}
	for _, tt := range tests {
		got := Tags(evidence.Route{Path: tt.path, Handler: tt.handler})
		if !slices.Equal(got, tt.want) {
			t.Errorf("Tags(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}
