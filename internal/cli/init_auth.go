package cli

import (
	"bytes"
	"context"
	"os"
	"path"
	"regexp"

	"github.com/threatmap/threatmap/repofs"
)

// Signs in source code of how a product's callers authenticate: a bearer
// token in the Authorization header (also the "Authorization: Token ..."
// scheme of express-jwt and Django REST apps, read by comparing the scheme
// word), or a cookie session. They decide what
// init drafts as auth on guarded routes, which matters because cross-site
// request forgery rides on cookies and not on bearer tokens. ozzo-routing's
// auth package reads credentials from the Authorization header (JWT,
// Bearer, Basic) or the query string, never from a cookie.
var (
	bearerSigns   = regexp.MustCompile(`HTTPTokenAuth|HTTPBearer|OAuth2PasswordBearer|passport-jwt|ExtractJwt|TokenAuthentication|JWTAuthentication|JSONWebTokenAuthentication|['"]Bearer |startsWith\(["']Bearer|HasPrefix\([^)]*"Bearer |Authorization: ?Bearer|express-jwt|koa-jwt|go-ozzo/ozzo-routing(/v\d+)?/auth"|['"]Token ['"]|` + "`" + `Token \$\{|f"Token \{|[=!]==? ?['"](Bearer|Token)['"]`)
	sessionSigns  = regexp.MustCompile(`flask_login|login_user\(|SessionMiddleware|express-session|cookie-session|next-auth|@auth/|iron-session|SessionAuthentication|django\.contrib\.sessions|csrf_token|csurf|getServerSession|cookies\(\)\.(get|set)|res\.cookie\(|set_cookie\(|\.cookies\.set\(|sessions\.NewCookieStore|gorilla/sessions|lucia`)
	authSourceExt = map[string]bool{".py": true, ".js": true, ".ts": true, ".tsx": true, ".jsx": true, ".mjs": true, ".go": true, ".rb": true, ".php": true}
)

// draftAuthKind reads the source under dir and says which auth init
// should write for a route the code guards: "token" when only bearer
// tokens show, "session" otherwise (cookies, or nothing to tell them
// apart). It reads at most maxFiles files of up to 256 KiB.
func draftAuthKind(ctx context.Context, dir string) string {
	const maxFiles = 5000
	bearer, session, n := false, false, 0
	_ = repofs.Walk(ctx, dir, repofs.Options{MaxSize: 256 << 10}, func(f repofs.File) error {
		if !authSourceExt[path.Ext(f.Rel)] {
			return nil
		}
		if n++; n > maxFiles {
			return context.Canceled
		}
		data, err := os.ReadFile(f.Path)
		if err != nil || bytes.IndexByte(data, 0) >= 0 {
			return nil
		}
		bearer = bearer || bearerSigns.Match(data)
		session = session || sessionSigns.Match(data)
		return nil
	})
	if bearer && !session {
		return "token"
	}
	return "session"
}
