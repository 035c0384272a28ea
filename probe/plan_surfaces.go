package probe

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/model"
)

// hiddenTags mark surfaces and routes that must not answer outsiders.
var hiddenTags = []string{"admin", "debug", "dev", "internal", "test"}

// isHidden reports whether a surface must not be reachable from outside:
// an admin panel, anything the model calls internal or private, anything
// tagged debug, dev, internal, test or admin.
func isHidden(s model.Surface) bool {
	if s.Kind == "admin" || s.Exposure == "internal" || s.Exposure == "private" {
		return true
	}
	return slices.ContainsFunc(s.Tags, func(t string) bool { return slices.Contains(hiddenTags, strings.ToLower(t)) })
}

// needsAuth reports whether the model says callers must prove who they
// are.
func needsAuth(s model.Surface) bool {
	switch s.Auth {
	case "", "none", "signature":
		return s.Exposure == "authenticated"
	}
	return true
}

// surface plans the probes for one modeled surface; bursts are planned
// later, after every quiet probe.
func (b *planner) surface(s model.Surface) {
	switch s.Kind {
	case "storage", "secret", "exit", "queue":
		return
	}
	method := probeMethod(s)
	if isHidden(s) {
		b.unreachable(s, method)
		return
	}
	if b.preflight == nil && !isWriteLikePath(s.Path) {
		r := &Request{Method: http.MethodOptions, Path: fillParams(s.Path, "1"), Header: probeHeader()}
		r.Header.Set("Origin", probeOrigin)
		r.Header.Set("Access-Control-Request-Method", method)
		r.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		b.preflight = r
	}
	if s.Kind == "webhook" {
		b.webhook(s)
		b.verboseErrors(s)
		return
	}
	if needsAuth(s) {
		b.auth(s, method)
		if hasParam(s.Path) && isSafeMethod(method) {
			b.objectAuthz(s, method)
		}
	}
	b.verboseErrors(s)
}

// route plans probes for a discovered route the model does not list: a
// reachability probe for debug, admin, internal, dev and test routes, and
// an authentication probe for routes the code guards with auth. Only safe
// methods are ever sent to routes the model does not declare.
func (b *planner) route(r evidence.Route) {
	method := strings.ToUpper(r.Method)
	if method == "" || method == "ANY" {
		method = http.MethodGet
	}
	hidden := slices.ContainsFunc(r.Tags, func(t string) bool { return slices.Contains(hiddenTags, strings.ToLower(t)) })
	where := fmt.Sprintf("%s:%d", r.File, r.Line)
	if (hidden || slices.Contains(r.Guards, evidence.GuardAuth)) && (!isSafeMethod(method) || isWriteLikePath(r.Path)) {
		// Only the model can declare a write; a route it does not list is
		// sent its own safe method or nothing.
		b.note("%s %s (%s) is not in the model and changes state; state-changing routes the model does not declare are never probed", r.Method, r.Path, where)
		return
	}
	switch {
	case hidden:
		// The method the code declares, never another one.
		b.unreachable(model.Surface{Path: r.Path, Method: method}, method)
	case slices.Contains(r.Guards, evidence.GuardAuth):
		b.auth(model.Surface{Path: r.Path, Method: method}, method)
	}
}

// request builds the request for a surface, or says why it may not be
// sent: state-changing requests (a method other than GET, HEAD and
// OPTIONS, or a path whose words say it changes state) need the model or
// the code to declare them (they come from the surface or route) and
// --allow-writes, except POST to a webhook, which is what the sender itself
// does.
func (b *planner) request(s model.Surface, method, path string) (*Request, string) {
	r := &Request{Method: method, Path: path, Header: probeHeader()}
	tmpl := s.Path
	if tmpl == "" {
		tmpl = path
	}
	writeLike := isWriteLikePath(tmpl)
	switch {
	case isSafeMethod(method) && !writeLike:
	case s.Kind == "webhook" && method == http.MethodPost:
		r.webhook = true
	case b.opts.AllowWrites:
		r.Write = true
		if !isSafeMethod(method) {
			r.Header.Set("Content-Type", "application/json")
			r.Body = []byte("{}")
		}
	case !isSafeMethod(method):
		return nil, fmt.Sprintf("%s %s changes state; pass --allow-writes to send it", method, tmpl)
	default:
		return nil, fmt.Sprintf("%s %s: the path says it changes state; pass --allow-writes to send it", method, tmpl)
	}
	return r, ""
}

// objectFor returns user B's object id for a surface: the per-surface
// variable, else the shared one.
func (b *planner) objectFor(id string) string {
	if id != "" {
		if v := strings.TrimSpace(b.opts.Getenv(EnvUserBObject + "_" + envSuffix(id))); v != "" {
			return v
		}
	}
	return b.objectB
}

// sampleID is the value put in a path parameter when any object will do:
// user B's object when one is given (a real object gets past "not found"
// to the check under test), otherwise 1.
func (b *planner) sampleID(surfaceID string) string {
	if v := b.objectFor(surfaceID); v != "" {
		return v
	}
	return "1"
}

// markReachable records a path as covered by a reachability probe so that
// the well-known list does not probe it twice.
func (b *planner) markReachable(p string) {
	if b.reachable == nil {
		b.reachable = map[string]bool{}
	}
	b.reachable[strings.TrimSuffix(p, "/")] = true
}
