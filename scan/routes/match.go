package routes

import (
	"strings"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/graph"
)

// Match reports whether a surface the model names (method and path as an
// author writes them) is the discovered route r. Parameters match whatever
// their name and syntax: /docs/:id, /docs/<int:id>, /docs/{id} and
// /docs/[id] are one path. A trailing slash is ignored. The method matches
// case-insensitively; an empty, "*" or "ANY" method on either side matches
// every method. A model path ending in /* matches the routes under it.
func Match(modelMethod, modelPath string, r evidence.Route) bool {
	if !methodMatch(modelMethod, r.Method) {
		return false
	}
	mp, rp := Shape(modelPath), Shape(r.Path)
	if mp == rp {
		return true
	}
	if strings.HasSuffix(mp, "/*") {
		base := strings.TrimSuffix(mp, "/*")
		return rp == base || strings.HasPrefix(rp, base+"/")
	}
	return false
}

func methodMatch(a, b string) bool {
	a, b = strings.ToUpper(strings.TrimSpace(a)), strings.ToUpper(strings.TrimSpace(b))
	if a == "" || a == "*" || a == "ANY" || b == "" || b == "*" || b == "ANY" {
		return true
	}
	return a == b || a == "GET" && b == "HEAD"
}

// Shape is a path reduced for comparison: parameters of any syntax become
// {}, a trailing slash and a query string are dropped, and repeated slashes
// are collapsed.
func Shape(p string) string {
	p = strings.TrimSpace(p)
	if i := strings.IndexByte(p, '?'); i >= 0 && !strings.Contains(p[i:], "}") && !strings.Contains(p[i:], ">") {
		p = p[:i]
	}
	p = graph.Params(p)
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for _, s := range segs {
		if s == "" {
			continue
		}
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			s = "{}"
		}
		out = append(out, s)
	}
	return "/" + strings.Join(out, "/")
}
