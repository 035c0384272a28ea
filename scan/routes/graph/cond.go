package graph

import (
	"slices"
	"strings"
)

// condPrefix marks a conditional guard kind, one that depends on the
// request: echo's JWT middleware with a Skipper that lets GET requests
// through is optional authentication for GET and required authentication
// for the rest. Extractors build one with Conditional; Flatten resolves it
// per route, once the method and full path are known.
const condPrefix = "\x1fcond\x1f"

// Cond describes a conditional guard: Kind applies to a route unless the
// route's method is in Methods (all methods when empty) and its path is in
// Paths (all paths when empty) and not in Keep; there Alt applies instead
// (empty for no guard).
type Cond struct {
	Kind, Alt   string
	Methods     []string
	Paths, Keep []string
}

// Conditional encodes c as a guard kind that can travel wherever a kind
// does (route, mount and router guards).
func Conditional(c Cond) string {
	return condPrefix + strings.Join([]string{c.Kind, c.Alt, strings.Join(c.Methods, ","), strings.Join(c.Paths, ","), strings.Join(c.Keep, ",")}, "\x1f")
}

// resolveCond turns a conditional kind into the kind that applies to a
// route with this method and full path; other kinds pass unchanged.
func resolveCond(kind, method, path string) string {
	rest, ok := strings.CutPrefix(kind, condPrefix)
	if !ok {
		return kind
	}
	f := strings.Split(rest, "\x1f")
	if len(f) != 5 {
		return ""
	}
	list := func(s string) []string {
		if s == "" {
			return nil
		}
		out := strings.Split(s, ",")
		for i := range out {
			out[i] = strings.TrimSuffix(Params(out[i]), "/")
		}
		return out
	}
	methods, paths, keep := strings.Split(f[2], ","), list(f[3]), list(f[4])
	p := strings.TrimSuffix(path, "/")
	skipped := (f[2] == "" || slices.Contains(methods, strings.ToUpper(method))) &&
		(len(paths) == 0 || slices.Contains(paths, p)) && !slices.Contains(keep, p)
	if skipped {
		return f[1]
	}
	return f[0]
}
