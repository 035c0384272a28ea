package pysrc

import (
	"regexp"
	"strconv"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/graph"
)

// django reads a urlpatterns list (or a += of one) into the URLconf
// router id.
func (x *extractor) django(m *module, id string, list *sitter.Node) {
	if list == nil {
		return
	}
	r := x.g.Router(id)
	if list.Type() == "binary_operator" {
		x.django(m, id, list.ChildByFieldName("left"))
		x.django(m, id, list.ChildByFieldName("right"))
		return
	}
	elems := list
	switch list.Type() {
	case "attribute", "identifier":
		// urlpatterns += router.urls
		if child, ok := x.routerURLs(m, list); ok {
			r.Mounts = append(r.Mounts, graph.Mount{Child: child, File: m.rel, Line: line(list)})
		} else if list.Type() == "attribute" {
			x.unresolve(m, list, "urlpatterns extended with "+clip(m.text(list))+", which the scanner cannot trace")
		}
		return
	case "list", "tuple":
	case "call":
		// i18n_patterns(path(...), ...) and similar wrappers take the
		// patterns as arguments.
		elems = list.ChildByFieldName("arguments")
		if elems == nil {
			return
		}
	default:
		return
	}
	for i := 0; i < int(elems.NamedChildCount()); i++ {
		call := elems.NamedChild(i)
		if call.Type() == "list_splat" && call.NamedChildCount() > 0 {
			// [*router.urls, path(...)]
			if child, ok := x.routerURLs(m, call.NamedChild(0)); ok {
				r.Mounts = append(r.Mounts, graph.Mount{Child: child, File: m.rel, Line: line(call)})
			}
			continue
		}
		if call.Type() != "call" {
			continue
		}
		fn := m.text(call.ChildByFieldName("function"))
		fn = fn[strings.LastIndexByte(fn, '.')+1:]
		if fn != "path" && fn != "re_path" && fn != "url" {
			continue
		}
		patArg := posarg(call, 0)
		for _, kw := range []string{"route", "regex"} {
			if v := m.kwarg(call, kw); patArg == nil && v != nil {
				patArg = v
			}
		}
		pat, ok := m.pathValue(patArg, x.consts, false)
		if !ok {
			x.unresolve(m, call, fn+" pattern "+clip(m.text(patArg))+" is not known before run time")
			continue
		}
		if fn != "path" {
			pat = djangoRegex(pat)
		}
		view := posarg(call, 1)
		if v := m.kwarg(call, "view"); view == nil && v != nil {
			view = v
		}
		if view == nil {
			x.unresolve(m, call, fn+" without a view")
			continue
		}
		// include('app.urls'), include(module), include([...]) and
		// admin.site.urls mount further patterns under this prefix.
		if view.Type() == "call" && strings.HasSuffix(m.text(view.ChildByFieldName("function")), "include") {
			arg := posarg(view, 0)
			if arg != nil && arg.Type() == "tuple" && arg.NamedChildCount() > 0 {
				arg = arg.NamedChild(0)
			}
			child := ""
			switch {
			case arg == nil:
			case arg.Type() == "string":
				if s, ok := m.stringValue(arg, x.consts); ok {
					if mod := x.resolveModule(s); mod != "" {
						child = routerDjango(mod)
					}
				}
			case arg.Type() == "list":
				child = id + "@" + m.rel + ":" + strconv.Itoa(line(arg))
				x.nested = append(x.nested, child)
				x.django(m, child, arg)
			case arg.Type() == "identifier" || arg.Type() == "attribute":
				if c, ok := x.routerURLs(m, arg); ok {
					child = c
				} else if l := m.lists[m.text(arg)]; l != nil {
					// include(login_urlpatterns): a list in this module.
					child = id + "@" + m.rel + ":" + strconv.Itoa(line(l))
					if _, done := x.g.Lookup(child); !done {
						x.nested = append(x.nested, child)
						x.django(m, child, l)
					}
				} else if ref, ok := m.imports[m.text(arg)]; ok && ref.module != "" {
					child = routerDjango(ref.module)
				}
			}
			if child == "" {
				x.unresolve(m, call, "include("+clip(m.text(arg))+") names URL patterns outside the scanned code")
				if arg == nil || arg.Type() != "string" {
					x.mountDoubt = true
				}
			}
			if child != "" {
				x.g.Router(child)
				r.Mounts = append(r.Mounts, graph.Mount{Child: child, Prefix: pat, File: m.rel, Line: line(call)})
			}
			continue
		}
		if t := m.text(view); strings.HasSuffix(t, "site.urls") {
			// Django's admin site requires a staff login.
			r.Routes = append(r.Routes, graph.Route{Method: "ANY", Path: graph.Join(pat, "*"), File: m.rel, Line: line(call), Handler: t, Framework: Django, Guards: []string{evidence.GuardAuth}, Tags: []string{"admin"}})
			continue
		}
		if methods, gm, wm, ok := x.drfViewRef(m, view); ok {
			handler := m.text(view)
			for _, meth := range methods {
				r.Routes = append(r.Routes, graph.Route{Method: meth, Path: graph.Params(pat), File: m.rel, Line: line(call), Handler: handler, Framework: DRF, Guards: gm[meth], Without: wm[meth]})
			}
			continue
		}
		guards, without, methods := x.viewGuards(m, view)
		if len(methods) == 0 {
			methods = []string{"ANY"}
		}
		handler := m.text(view)
		for _, meth := range methods {
			r.Routes = append(r.Routes, graph.Route{Method: meth, Path: graph.Params(pat), File: m.rel, Line: line(call), Handler: handler, Framework: Django, Guards: guards, Without: without})
		}
	}
}

var (
	namedGroup   = regexp.MustCompile(`\(\?P<(\w+)>[^()]*(?:\([^()]*\)[^()]*)*\)`)
	nonCapturing = regexp.MustCompile(`\(\?:([^()]*)\)[?*]?`)
	unnamedGroup = regexp.MustCompile(`\([^()?]*(?:\([^()]*\)[^()]*)*\)`)
)

// djangoRegex turns a re_path pattern into a path: named groups become
// {name}, unnamed groups {param}, anchors and escapes are dropped.
func djangoRegex(p string) string {
	p = strings.TrimPrefix(p, "^")
	p = strings.TrimSuffix(p, "$")
	p = strings.TrimSuffix(p, "\\Z")
	p = namedGroup.ReplaceAllString(p, "{$1}")
	// Non-capturing groups, often optional, keep their content:
	// (?:(?P<lang>[a-z-]+)/)? reads as {lang}/.
	for i := 0; i < 8 && nonCapturing.MatchString(p); i++ {
		p = nonCapturing.ReplaceAllString(p, "$1")
	}
	p = unnamedGroup.ReplaceAllString(p, "{param}")
	p = strings.NewReplacer(`\.`, ".", `\-`, "-", `\/`, "/", "?", "").Replace(p)
	return p
}

// djangoCSRF applies Django's CSRF middleware, enabled in settings, to
// every URLconf.
func (x *extractor) djangoCSRF() {
	for _, n := range x.names {
		if r, ok := x.g.Lookup(routerDjango(n)); ok {
			r.Guards = append(r.Guards, graph.Guard{Kind: evidence.GuardCSRF})
		}
	}
}

// routerURLs resolves router.urls (or an imported router's urls) to the
// DRF router it names, adding DefaultRouter's root view on first use.
func (x *extractor) routerURLs(m *module, n *sitter.Node) (string, bool) {
	if n == nil || n.Type() != "attribute" || m.text(n.ChildByFieldName("attribute")) != "urls" {
		return "", false
	}
	obj := n.ChildByFieldName("object")
	id, ok := x.lookupDRFRouter(m, obj)
	if !ok {
		return "", false
	}
	if !x.drfRooted[id] {
		if x.drfRooted == nil {
			x.drfRooted = map[string]bool{}
		}
		x.drfRooted[id] = true
		tm, name := m, m.text(obj)
		if ref, ok := m.imports[name]; ok && ref.name != "" && x.mods[ref.module] != nil {
			tm, name = x.mods[ref.module], ref.name
		} else if obj.Type() == "attribute" {
			if ref, ok := m.imports[m.text(obj.ChildByFieldName("object"))]; ok && x.mods[ref.module] != nil {
				tm, name = x.mods[ref.module], m.text(obj.ChildByFieldName("attribute"))
			}
		}
		x.drfRoot(tm, name)
	}
	return id, true
}

// drfViewRef reads a view reference in a URLconf that is a DRF view: an
// API view class's as_view(), a ViewSet's as_view({...}) or an @api_view
// function.
func (x *extractor) drfViewRef(m *module, view *sitter.Node) (methods []string, guards, without map[string][]string, ok bool) {
	if view.Type() == "call" {
		fn := view.ChildByFieldName("function")
		if fn == nil || fn.Type() != "attribute" || m.text(fn.ChildByFieldName("attribute")) != "as_view" {
			return nil, nil, nil, false
		}
		obj := fn.ChildByFieldName("object")
		tm, cls := x.resolveClass(m, obj)
		if cls == nil {
			name := m.text(obj)
			if pk := m.kwarg(view, "permission_classes"); pk != nil {
				// An installed package's view given its permission
				// classes in as_view(permission_classes=[IsAdmin]).
				x.readDRFSettings()
				c := drfClass{name: name, isDRF: true}
				g, w := x.drfGuards(c, pk, m, "ANY", "")
				return []string{"ANY"}, map[string][]string{"ANY": g}, map[string][]string{"ANY": w}, true
			}
			// A ready-made token view of DRF or Simple JWT.
			if !tokenViews[name[strings.LastIndexByte(name, '.')+1:]] {
				return nil, nil, nil, false
			}
			x.readDRFSettings()
			c := drfClass{name: name, isDRF: true, tokenView: true}
			g, w := x.drfGuards(c, nil, nil, "POST", "")
			return []string{"POST"}, map[string][]string{"POST": g}, map[string][]string{"POST": w}, true
		}
		return x.drfView(tm, cls, posarg(view, 0), m)
	}
	if tm, def := x.resolveFunc(m, view); def != nil {
		return x.apiView(tm, def)
	}
	return nil, nil, nil, false
}

// clip shortens an expression for a message.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
