package pysrc

import (
	"slices"
	"strings"

	"github.com/threatmap/threatmap/evidence"
)

// markUnmounted tags the routes of routers the app never mounts: a Flask
// blueprint nothing registers, a FastAPI APIRouter nothing includes, a
// Django URLconf that ROOT_URLCONF never includes, a DRF router whose urls
// no URLconf uses. It does so only for a framework whose entry point
// (Flask(), FastAPI(), ROOT_URLCONF) is in the scanned code; without one,
// there is nothing to be reached from.
func (x *extractor) markUnmounted() {
	var roots []string
	hasRoot := map[string]bool{}
	for _, n := range x.names {
		m := x.mods[n]
		for name, calls := range m.routerCalls {
			for _, c := range calls {
				ctor := m.text(c.ChildByFieldName("function"))
				if strings.HasSuffix(ctor, "Flask") || strings.HasSuffix(ctor, "FastAPI") {
					roots = append(roots, routerID(m.name, name))
					hasRoot[constructors[ctor]] = true
				}
			}
		}
	}
	if x.rootURLConf != "" {
		if mod := x.rootURLConfModule(); mod != "" {
			roots = append(roots, routerDjango(mod))
			hasRoot[Django] = true
			hasRoot[DRF] = true
		}
	}
	for id := range x.mountedElsewhere {
		roots = append(roots, id)
	}
	if len(roots) == 0 {
		return
	}
	reached := map[string]bool{}
	var visit func(id string, depth int)
	visit = func(id string, depth int) {
		if reached[id] || depth > 64 {
			return
		}
		reached[id] = true
		r, ok := x.g.Lookup(id)
		if !ok {
			return
		}
		for _, mt := range r.Mounts {
			visit(mt.Child, depth+1)
		}
	}
	for _, id := range roots {
		visit(id, 0)
	}
	type cand struct{ id, fw string }
	var cands []cand
	for _, n := range x.names {
		m := x.mods[n]
		for name, fw := range m.routers() {
			if r, ok := x.g.Lookup(routerID(m.name, name)); ok && r.Child {
				cands = append(cands, cand{routerID(m.name, name), fw})
			}
		}
		for name := range m.drfRouters {
			cands = append(cands, cand{drfRouterID(m.name, name), DRF})
		}
		cands = append(cands, cand{routerDjango(m.name), Django})
	}
	for _, id := range x.nested {
		cands = append(cands, cand{id, Django})
	}
	for _, c := range cands {
		id, fw := c.id, c.fw
		if reached[id] {
			continue
		}
		r, ok := x.g.Lookup(id)
		if !ok {
			continue
		}
		if fw == "" || !hasRoot[fw] || x.mountDoubt {
			continue
		}
		for i := range r.Routes {
			if !slices.Contains(r.Routes[i].Tags, evidence.TagUnmounted) {
				r.Routes[i].Tags = append(r.Routes[i].Tags, evidence.TagUnmounted)
			}
		}
	}
}

// rootURLConfModule resolves ROOT_URLCONF. Module names are taken from
// the scan root, which may not be the import root, so a name is first
// looked for next to the settings module and in the packages above it:
// "urls" set in testproject/settings.py is testproject/urls.py, not some
// other package's urls.
func (x *extractor) rootURLConfModule() string {
	base := x.settingsModule
	for {
		i := strings.LastIndexByte(base, '.')
		if i < 0 {
			break
		}
		base = base[:i]
		if x.mods[base+"."+x.rootURLConf] != nil {
			return base + "." + x.rootURLConf
		}
	}
	return x.resolveModule(x.rootURLConf)
}
