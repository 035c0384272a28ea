package assess

import (
	"strings"

	"github.com/threatmap/threatmap/evidence"
)

// guardCounts tells whether a route's guard bears on a control: a CSRF
// guard (Flask-WTF's CSRFProtect, Django's CsrfViewMiddleware, csurf,
// gorilla/csrf) checks the token on unsafe methods only, so on a GET,
// HEAD or OPTIONS route it neither proves nor refutes CSRF protection. A
// GET that changes state is its own risk (rule state-changing-get).
func guardCounts(r evidence.Route, guard string) bool {
	return guard != evidence.GuardCSRF || !SafeMethod(r.Method)
}

// SafeMethod reports whether an HTTP method is one that CSRF defences
// leave unchecked.
func SafeMethod(method string) bool {
	switch strings.ToUpper(method) {
	case "GET", "HEAD", "OPTIONS":
		return true
	}
	return false
}
