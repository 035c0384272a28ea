// Package guard tells from a name what kind of protection a middleware,
// decorator, dependency or call provides: login_required and JwtAuthGuard
// authenticate, limiter.limit and httprate.LimitByIP rate-limit,
// stripe.Webhook.construct_event and hmac.Equal verify a signature, and so
// on. Every language extractor shares it so that the vocabulary is one.
package guard

import (
	"slices"
	"strings"
	"unicode"

	"github.com/threatmap/threatmap/evidence"
)

// Words splits an identifier or dotted expression into lower-case words at
// punctuation, underscores and camel-case boundaries: "JwtAuthGuard" gives
// jwt auth guard, "limiter.limit" gives limiter limit, "HTTPRateLimit" gives
// http rate limit.
func Words(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		// A digit run is its own word: requireAuth2 is require auth 2.
		if len(cur) > 0 && unicode.IsDigit(r) != unicode.IsDigit(cur[len(cur)-1]) {
			flush()
		}
		if unicode.IsUpper(r) && len(cur) > 0 {
			prevLower := unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || (unicode.IsUpper(rs[i-1]) && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

var authWords = []string{
	"auth", "authn", "authz", "authenticate", "authenticated", "authentication",
	"authorize", "authorized", "authorization", "authenticator", "authenticators", "login", "jwt", "bearer",
	"passport", "jwtauth", "expressjwt", "koajwt", "requireauth", "loginrequired", "oauth", "oauth2", "oidc", "apikey", "basicauth", "staff",
	"superuser", "logged", "loggedin", "currentuser", "getserversession",
}

var rateWords = []string{"ratelimit", "ratelimiter", "limiter", "throttle", "throttler", "throttled", "throttling", "slowdown", "tollbooth", "httprate", "slowapi"}

var ipWords = []string{"allowlist", "whitelist", "allowlisted", "whitelisted", "ipfilter", "ipallowlist", "ipwhitelist", "iprestriction", "allowedips", "trustedips"}

// roleWords name a role or a permission that a guard requires.
var roleWords = []string{"role", "roles", "permission", "permissions", "admin", "admins", "administrator", "staff", "superuser", "moderator", "moderators"}

var csrfWords = []string{"csrf", "xsrf", "csurf", "nosurf"}

var negWords = []string{"exempt", "skip", "public", "noauth", "anonymous", "allowany", "allowanonymous", "unauthenticated", "insecure"}

// Kinds returns the guard kinds a name denotes and the kinds it cancels
// (csrf_exempt cancels csrf; SkipThrottle cancels rate-limit; a bare Public
// decorator cancels auth).
func Kinds(name string) (adds, cancels []string) {
	ws := Words(name)
	if len(ws) == 0 {
		return nil, nil
	}
	// NextAuth(options) is the login endpoint itself (pages/api/auth/
	// [...nextauth]), not a guard.
	if len(ws) == 2 && ws[0] == "next" && ws[1] == "auth" {
		return nil, nil
	}
	has := func(list ...string) bool {
		for _, w := range ws {
			if slices.Contains(list, w) {
				return true
			}
		}
		return false
	}
	// Joined neighbours catch split compounds: rate_limit, api_key,
	// allow_list, current_user, login_required.
	pairs := make([]string, 0, len(ws))
	for i := 0; i+1 < len(ws); i++ {
		pairs = append(pairs, ws[i]+ws[i+1])
	}
	hasPair := func(list ...string) bool {
		for _, p := range pairs {
			if slices.Contains(list, p) {
				return true
			}
		}
		return false
	}
	var kinds []string
	add := func(k string) {
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	if has(authWords...) || hasPair("apikey", "currentuser", "loggedin", "basicauth", "requireuser", "userrequired", "tokenrequired", "requiretoken", "verifytoken", "checktoken", "validatetoken", "serversession", "getsession", "gettoken", "withauth", "isloggedin", "requiresession", "sessionrequired", "requirelogin", "ensureauthenticated", "isauthenticated") ||
		(has("session") && has("require", "required", "verify", "check", "middleware", "validate")) ||
		(has("token") && has("require", "required", "verify", "check", "validate", "valid", "middleware")) ||
		has("roles", "role", "permission", "permissions") && has("require", "required", "guard", "check") ||
		has("require", "requires", "ensure", "check", "verify", "must") && has("owner", "admin", "user", "login", "permission", "permissions", "role", "roles", "staff", "superuser", "member", "scope", "scopes") ||
		has("current") && has("user", "account", "principal") ||
		has("only") && has("admin", "admins", "staff", "user", "users", "member", "members", "owner", "owners", "superuser", "organiser", "organizer", "logged", "authenticated") {
		add(evidence.GuardAuth)
	}
	if has(rateWords...) || hasPair("ratelimit", "ratelimiter", "ratelimited", "slowapi", "limitby", "limitbyip", "limithandler", "limitmiddleware") ||
		(has("limit") && len(ws) <= 2 && !has("size", "body", "length", "upload", "max", "page", "pages", "paging", "pager", "pagination", "paginator", "query", "offset", "request", "bytes", "read")) ||
		(has("rate") && has("new", "limit", "limiter", "every")) {
		add(evidence.GuardRateLimit)
	}
	joined := strings.Join(ws, "")
	hasJoined := func(list ...string) bool {
		for _, j := range list {
			if strings.Contains(joined, j) {
				return true
			}
		}
		return false
	}
	if has("signature", "signatures", "hmac", "constructevent", "webhooksignature") ||
		hasJoined("isvalidrequest", "timingsafeequal", "signatureverifier", "secretsverifier", "validatepayload", "verifyslackrequest") || hasPair("constructevent", "comparedigest", "timingsafe", "validatepayload", "isvalidrequest", "secretsverifier", "signatureverifier", "verifywebhook", "webhookverify", "verifyrequest") ||
		(has("verify", "validate", "check") && has("webhook", "stripe", "github", "slack", "signed")) {
		add(evidence.GuardSignature)
	}
	if has(ipWords...) || hasPair("allowlist", "whitelist", "ipfilter", "allowedips", "trustedips", "ipallowed", "ipallow", "allowip", "allowedip", "iprestrict", "restrictip", "checkip", "ipcheck", "trustedproxy") {
		add(evidence.GuardIPAllowlist)
	}
	if has(csrfWords...) {
		add(evidence.GuardCSRF)
	}
	// Checking a password or registering an account is what a login or
	// signup endpoint does for an unauthenticated caller: not a guard. A
	// limiter named after what it limits (authLimiter, loginLimiter) is a
	// rate limit only. Passport's initialize and session middleware load a
	// user if there is one and reject nobody.
	if has("password", "passwd", "register", "registration", "signup", "duplicate", "exists", "existed", "exist") || hasPair("signup") ||
		// authOptions, authConfig: settings handed to a library, while
		// JWTWithConfig and NewAuthMiddleware build a middleware.
		slices.Contains([]string{"options", "option", "config", "configuration", "settings", "opts", "conf", "provider", "providers", "callback", "callbacks"}, ws[len(ws)-1]) && !has("with", "middleware", "new", "handler", "guard") ||
		slices.Contains(kinds, evidence.GuardRateLimit) ||
		has("passport") && has("initialize", "session") && !has("authenticate") {
		kinds = slices.DeleteFunc(kinds, func(k string) bool { return k == evidence.GuardAuth })
	}
	// Optional authentication (authenticate_optional, optionalAuth,
	// auth.optional) lets anonymous callers through.
	if has("optional", "optionally", "maybe", "soft", "try", "attempt") || hasPair("ifpresent", "ifany") {
		if i := slices.Index(kinds, evidence.GuardAuth); i >= 0 {
			kinds[i] = evidence.GuardAuthOptional
		}
	}
	// protect, protectRoute, isProtected: the conventional name of an
	// authentication middleware when nothing else is named.
	if len(kinds) == 0 && has("protect", "protected", "protects") {
		add(evidence.GuardAuth)
	}
	// A NestJS-style guard that is nothing else (ApiKeyGuard, RolesGuard,
	// UserGuard) is an authentication or authorisation guard.
	if len(kinds) == 0 && has("guard", "guarded") {
		add(evidence.GuardAuth)
	}
	// requireNoAuth, guestOnly, redirectIfAuthenticated: pages for callers
	// who are not logged in; no guard.
	if hasPair("noauth", "guestonly", "ifauthenticated", "notauthenticated", "notloggedin", "ifloggedin", "requireguest") || has("guest", "guests") {
		return nil, nil
	}
	// A required role or permission (admin_required, permission_required,
	// roles_required, staff_member_required, AdminOnly, requireRole) checks
	// who the caller is and what they may do: authentication and a
	// permission check.
	if has(roleWords...) && has("required", "require", "requires", "only") && !slices.Contains(kinds, evidence.GuardAuthOptional) {
		add(evidence.GuardAuth)
		add(evidence.GuardPermission)
	}
	if has(negWords...) || hasPair("nologin", "loginnot", "allowall", "allowany", "allowanonymous", "skipauth") {
		switch {
		case len(kinds) > 0:
			return nil, kinds
		case has("public", "anonymous", "allowany", "allowanonymous", "unauthenticated", "noauth") || hasPair("allowany", "allowanonymous", "skipauth"):
			return nil, []string{evidence.GuardAuth}
		}
		return nil, nil
	}
	return kinds, nil
}

// Property maps a guard kind to the evidence property it confirms.
func Property(kind string) evidence.Property {
	switch kind {
	case evidence.GuardAuth:
		return evidence.Authentication
	case evidence.GuardRateLimit:
		return evidence.RateLimited
	case evidence.GuardSignature:
		return evidence.SignatureVerified
	case evidence.GuardIPAllowlist:
		return evidence.IPAllowlisted
	case evidence.GuardCSRF:
		return evidence.CSRFProtected
	}
	return ""
}

// BodyKinds classifies a call made inside a handler or middleware body,
// which is weaker evidence than a middleware's name: a login handler calls
// NewLoginValidator and a form handler calls csrf.Token without either
// being a guard. Authentication and CSRF count in a body only when the
// call checks something (requireUser, verifyToken, isAuthenticated,
// jwt.Parse, getServerSession, auth()).
func BodyKinds(name string) []string {
	adds, _ := Kinds(name)
	if len(adds) == 0 {
		return nil
	}
	ws := Words(name)
	checks := name == "auth" || strings.HasSuffix(name, ".auth")
	for _, w := range ws {
		switch w {
		case "require", "required", "requires", "verify", "verified", "check", "checks", "validate", "valid", "ensure",
			"authenticate", "authenticated", "authorize", "authorized", "is", "current", "parse", "protect", "protected", "guard", "enforce":
			checks = true
		case "session":
			if slices.Contains(ws, "get") {
				checks = true
			}
		}
	}
	// A handler validating a login (validateLogin, checkLogin) is a login
	// endpoint at work, not a check that the caller is logged in.
	if slices.Contains(ws, "login") || slices.Contains(ws, "signin") || slices.Contains(ws, "logon") {
		checks = false
		for _, w := range ws {
			if w == "require" || w == "required" || w == "requires" || w == "ensure" || w == "must" || w == "is" || w == "logged" {
				checks = true
			}
		}
	}
	if checks {
		return adds
	}
	return slices.DeleteFunc(adds, func(k string) bool { return k == evidence.GuardAuth || k == evidence.GuardCSRF })
}
