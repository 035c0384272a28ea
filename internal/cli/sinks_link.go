package cli

import (
	"context"
	"path"
	"slices"
	"strings"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes"
	"github.com/threatmap/threatmap/scan/sinks"
)

// linkedSinks runs the sinks scanner and the route scanner over the same
// tree and joins them, so that `scan sinks` names the route of each sink.
// Only the sinks scanner's evidence is returned.
type linkedSinks struct {
	// reveal shows literal passwords in full (--reveal).
	reveal bool
}

func (linkedSinks) Name() string { return sinks.ScannerName }

func (l linkedSinks) Scan(ctx context.Context, root string) (evidence.Set, error) {
	set, err := sinks.Scanner{Reveal: l.reveal}.Scan(ctx, root)
	if err != nil {
		return evidence.Set{}, err
	}
	rs, err := routes.New().Scan(ctx, root)
	if err != nil {
		return evidence.Set{}, err
	}
	joinSinkRoutes(set.Findings, rs.Routes)
	set.Sort()
	return set, nil
}

// joinSinkRoutes fills Route (and Resource, so that the finding links to a
// modelled surface) on every sinks finding whose enclosing function serves
// a discovered route. A route matches a function when it is registered
// between the function's first line and its head (a decorator, or the call
// an inline handler is passed to) in the same file, or when the route names
// the function as its handler and the handler's qualifier (views.login,
// sessionHandler.handleLogin) points at the finding's file or package.
func joinSinkRoutes(findings []evidence.Finding, rs []evidence.Route) {
	byFile := map[string][]evidence.Route{}
	byHandler := map[string][]evidence.Route{}
	byHandlerFile := map[string][]evidence.Route{}
	for _, r := range rs {
		byFile[r.File] = append(byFile[r.File], r)
		if h := handlerName(r.Handler); h != "" {
			byHandler[h] = append(byHandler[h], r)
		}
		if r.HandlerFile != "" {
			byHandlerFile[r.HandlerFile] = append(byHandlerFile[r.HandlerFile], r)
		}
	}
	for i := range findings {
		f := &findings[i]
		if f.Scanner != sinks.ScannerName || f.FunctionLine == 0 || f.Route != "" {
			continue
		}
		var hit []evidence.Route
		for _, r := range byFile[f.File] {
			if r.Line >= f.FunctionLine && r.Line <= max(f.FunctionHead, f.FunctionLine) {
				hit = append(hit, r)
			}
		}
		if len(hit) == 0 && f.Function != "" && !strings.HasPrefix(f.Function, "<") {
			hit = byName(byHandler[f.Function], f.File)
		}
		if len(hit) == 0 {
			hit = byDefinition(byHandlerFile[f.File], *f)
		}
		if len(hit) == 0 {
			continue
		}
		subjects := make([]string, 0, len(hit))
		for _, r := range hit {
			subjects = append(subjects, routes.Subject(r))
		}
		slices.Sort(subjects)
		subjects = slices.Compact(subjects)
		f.Route = strings.Join(subjects, ", ")
		if f.Resource == "" {
			f.Resource = subjects[0]
		}
	}
}

// byDefinition keeps the routes whose handler the route scanner followed
// into the finding's file (an imported controller function): the
// handler's first line falls in the finding's function head, or, when the
// scanner did not read that file, the function has the handler's name.
func byDefinition(cands []evidence.Route, f evidence.Finding) []evidence.Route {
	var out []evidence.Route
	for _, r := range cands {
		switch {
		case r.HandlerLine > 0:
			if r.HandlerLine >= f.FunctionLine && r.HandlerLine <= max(f.FunctionHead, f.FunctionLine) {
				out = append(out, r)
			}
		case r.HandlerFunc != "" && r.HandlerFunc == f.Function:
			out = append(out, r)
		}
	}
	return out
}

// handlerName is the last part of a route's handler: views.login -> login.
func handlerName(h string) string {
	h = strings.TrimSpace(h)
	if i := strings.LastIndexAny(h, ".:"); i >= 0 {
		h = h[i+1:]
	}
	return strings.TrimSuffix(h, "()")
}

// byName keeps the routes naming a handler that plausibly is the function
// in file: registered in the same file, in the same directory without a
// qualifier, or with a qualifier that names the file or its directory.
func byName(cands []evidence.Route, file string) []evidence.Route {
	var same, qualified []evidence.Route
	lower := strings.ToLower(file)
	for _, r := range cands {
		qual, _, hasQual := cutLast(r.Handler, ".")
		switch {
		case r.File == file:
			same = append(same, r)
		case !hasQual && path.Dir(r.File) == path.Dir(file):
			qualified = append(qualified, r)
		case hasQual:
			q := strings.ToLower(qual[strings.LastIndexAny(qual, ".")+1:])
			for _, suffix := range []string{"controller", "handlers", "handler", "views", "view", "routes", "router"} {
				if t := strings.TrimSuffix(q, suffix); t != "" && t != q {
					q = t
					break
				}
			}
			if q != "" && (strings.Contains(path.Base(lower), q) || strings.Contains(path.Dir(lower), q) || q == "views" && strings.HasSuffix(lower, "views.py")) {
				qualified = append(qualified, r)
			}
		}
	}
	if len(same) > 0 {
		return same
	}
	return qualified
}

func cutLast(s, sep string) (string, string, bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return "", s, false
}
