package routes

import (
	"slices"
	"strings"

	"github.com/threatmap/threatmap/evidence"
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
	for _, t := range r.Tags {
		if !slices.Contains(found, t) {
			found = append(found, t)
		}
	}
	order := []string{TagDebug, TagAdmin, TagInternal, TagTest, TagDev}
	slices.SortFunc(found, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
	if len(found) == 0 {
		return nil
	}
	return found
}
