package routes

import (
	"slices"
	"strings"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/guard"
)

// Route tags.
const (
	TagDebug    = "debug"
	TagAdmin    = "admin"
	TagInternal = "internal"
	TagTest     = "test"
	TagDev      = "dev"
)

// tagWords maps a word of a path segment to the tag it implies. Words are
// whole: /devices is not a dev route and /latest is not a test route.
var tagWords = map[string]string{
	"debug": TagDebug, "pprof": TagDebug, "expvar": TagDebug, "vars": "",
	"admin": TagAdmin, "administrator": TagAdmin, "superadmin": TagAdmin, "backoffice": TagAdmin,
	"internal": TagInternal, "private": TagInternal,
	"test": TagTest, "tests": TagTest, "testing": TagTest,
	"dev": TagDev, "devtools": TagDev, "development": TagDev, "sandbox": TagDev,
}

// Tags classifies a route by its path segments and handler: debug (/debug,
// pprof), admin, internal, test and dev surfaces, in a fixed order.
func Tags(r evidence.Route) []string {
	var found []string
	for _, seg := range strings.Split(r.Path, "/") {
		if strings.HasPrefix(seg, "{") {
			continue // a parameter's name says nothing about the surface
		}
		for _, w := range strings.FieldsFunc(strings.ToLower(seg), func(c rune) bool {
			return c == '-' || c == '_' || c == '.' || c == '~' || c == '@'
		}) {
			if t := tagWords[w]; t != "" && !slices.Contains(found, t) {
				found = append(found, t)
			}
		}
	}
	if strings.Contains(r.Handler, "pprof") || strings.Contains(r.Handler, "expvar") {
		if !slices.Contains(found, TagDebug) {
			found = append(found, TagDebug)
		}
	}
	if authEndpoint(r) && !slices.Contains(r.Tags, evidence.TagAuthEndpoint) {
		found = append(found, evidence.TagAuthEndpoint)
	}
	for _, t := range r.Tags {
		if !slices.Contains(found, t) {
			found = append(found, t)
		}
	}
	order := []string{TagDebug, TagAdmin, TagInternal, TagTest, TagDev, evidence.TagAuthEndpoint, evidence.TagPersonalRecord, evidence.TagUnmounted}
	slices.SortFunc(found, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
	if len(found) == 0 {
		return nil
	}
	return found
}

// authPathWords are path words of an authentication endpoint: where a
// caller logs in, signs up, obtains a token or resets a password.
var authPathWords = []string{"login", "signin", "logon", "signup", "register", "registration", "token", "tokens", "forgot", "password", "oauth", "oauth2", "nextauth", "sso", "saml"}

// authEndpoint reports a login, signup, token or password-reset endpoint,
// by a word of its path or of its handler's name. Such an endpoint is a
// surface of its own kind, never a guard.
func authEndpoint(r evidence.Route) bool {
	for _, seg := range strings.Split(strings.ToLower(r.Path), "/") {
		if seg == "{nextauth}" {
			return true
		}
		if strings.HasPrefix(seg, "{") {
			continue
		}
		ws := strings.FieldsFunc(seg, func(c rune) bool { return c == '-' || c == '_' || c == '.' || c == '~' })
		for i, w := range ws {
			if slices.Contains(authPathWords, w) || w == "sign" && i+1 < len(ws) && (ws[i+1] == "in" || ws[i+1] == "up") {
				return true
			}
		}
	}
	h := r.Handler
	if i := strings.LastIndexAny(h, "."); i >= 0 {
		h = h[i+1:]
	}
	ws := guard.Words(h)
	has := func(list ...string) bool {
		for _, w := range ws {
			if slices.Contains(list, w) {
				return true
			}
		}
		return false
	}
	return has("login", "signin", "logon", "signup", "register", "registration") ||
		has("password") && has("reset", "forgot", "forgotten", "recover") ||
		has("token") && has("refresh", "renew", "issue", "obtain", "new", "create")
}
