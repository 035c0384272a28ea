package probe

import (
	"strings"
	"unicode"
)

// The probe safety contract (docs/safety.md):
//
//  1. Only the target host is contacted; redirects elsewhere are not
//     followed, and every loop is bounded by --max-requests, --burst and
//     the time limits.
//  2. A request to a surface or route uses a method the surface or route
//     declares (GET when it declares ANY). The only other requests are
//     GETs of well-known files and debug endpoints that no route declares,
//     the GET of a path that cannot exist (the catch-all baseline), and
//     one CORS preflight (OPTIONS), which every browser sends.
//  3. A state-changing request (a method other than GET, HEAD or OPTIONS,
//     or any method to a path whose words say it changes state: delete,
//     reset, update...) is sent only with --allow-writes, and only to a
//     surface the model declares; a POST to a modeled webhook is what the
//     sender itself does and needs no flag.
//  4. Whenever the answer cannot be classified, the verdict is
//     inconclusive, never pass, and an inconclusive verdict never verifies
//     a control.
//  5. A rate-limit burst on an object route carries the credential of the
//     object's owner, so that a correct ownership check is not mistaken for
//     a missing limit.

// writeWords are path words that say a request changes state, whatever
// its method.
var writeWords = map[string]bool{
	"delete": true, "remove": true, "destroy": true, "drop": true, "purge": true, "truncate": true, "wipe": true,
	"erase": true, "clear": true, "flush": true, "reset": true, "update": true, "edit": true, "modify": true,
	"create": true, "new": true, "add": true, "insert": true, "write": true, "save": true, "set": true, "put": true,
	"upload": true, "import": true, "restore": true, "archive": true, "unarchive": true, "move": true, "rename": true,
	"copy": true, "merge": true, "sync": true, "revoke": true, "grant": true, "promote": true, "demote": true,
	"ban": true, "unban": true, "kick": true, "block": true, "unblock": true, "mute": true, "suspend": true,
	"enable": true, "disable": true, "activate": true, "deactivate": true, "approve": true, "reject": true,
	"deny": true, "accept": true, "confirm": true, "cancel": true, "refund": true, "charge": true, "pay": true,
	"transfer": true, "withdraw": true, "send": true, "publish": true, "unpublish": true, "deploy": true,
	"release": true, "restart": true, "reboot": true, "shutdown": true, "kill": true, "stop": true, "start": true,
	"trigger": true, "exec": true, "execute": true, "invite": true, "join": true, "leave": true, "subscribe": true,
	"unsubscribe": true, "logout": true, "signout": true, "impersonate": true, "rotate": true, "regenerate": true,
	"migrate": true, "seed": true, "install": true, "uninstall": true, "toggle": true,
}

// isWriteLikePath reports whether a path's words say a request to it
// changes state: /admin/users/{id}/delete, /api/cache/flush, /resetPassword.
// Parameter segments are ignored.
func isWriteLikePath(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || paramSegment.MatchString(seg) {
			continue
		}
		for _, w := range pathWords(seg) {
			if writeWords[w] {
				return true
			}
		}
	}
	return false
}

// pathWords splits a path segment into lower-case words at punctuation and
// at lower-to-upper case changes (resetPassword: reset, password).
func pathWords(seg string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range seg {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return words
}
