package model

import (
	"fmt"
	"strings"

	"github.com/threatmap/threatmap"
)

// ElementKind names the kinds of element an id can refer to.
type ElementKind string

// Element kinds.
const (
	KindAsset     ElementKind = "asset"
	KindComponent ElementKind = "component"
	KindSurface   ElementKind = "surface"
	KindFlow      ElementKind = "flow"
	KindBoundary  ElementKind = "boundary"
	KindIdentity  ElementKind = "identity"
	KindControl   ElementKind = "control"
)

type idEntry struct {
	kind ElementKind
	pos  threatmap.Position
}

// validate checks what the decoder cannot: ids are unique across the
// model, every reference resolves to an element of the right kind, dates
// make sense and each response says exactly one thing.
func (m *Model) validate() Diagnostics {
	v := &validator{m: m, ids: map[string]idEntry{}}
	v.collectIDs()
	v.checkReferences()
	v.checkSurfaces()
	v.checkResponses()
	v.checkSystem()
	return v.diags
}

type validator struct {
	m     *Model
	ids   map[string]idEntry
	diags Diagnostics
}

func (v *validator) errorf(pos threatmap.Position, format string, args ...any) {
	v.diags = append(v.diags, Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) warnf(pos threatmap.Position, format string, args ...any) {
	v.diags = append(v.diags, Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...), Warning: true})
}

func (v *validator) define(kind ElementKind, id string, at threatmap.Position) {
	if id == "" {
		return
	}
	if id == SystemElement {
		v.errorf(at, "id %q is reserved for threats about the whole system; choose another", id)
		return
	}
	if prev, ok := v.ids[id]; ok {
		v.errorf(at, "duplicate id %q: already used by the %s at %s (ids are shared by every kind of element, so threat ids stay unambiguous)", id, prev.kind, prev.pos)
		return
	}
	v.ids[id] = idEntry{kind: kind, pos: at}
}

func (v *validator) collectIDs() {
	m := v.m
	for _, a := range m.Assets {
		v.define(KindAsset, a.ID, a.Loc.At("id"))
	}
	for _, c := range m.Components {
		v.define(KindComponent, c.ID, c.Loc.At("id"))
	}
	for _, s := range m.Surfaces {
		v.define(KindSurface, s.ID, s.Loc.At("id"))
	}
	for _, f := range m.Flows {
		// A flow's default id (FROM-to-TO) is pointed at through from.
		idField := "id"
		if !f.Loc.Has("id") {
			idField = "from"
		}
		v.define(KindFlow, f.ID, f.Loc.At(idField))
	}
	for _, b := range m.Boundaries {
		v.define(KindBoundary, b.ID, b.Loc.At("id"))
	}
	for _, id := range m.Identities {
		v.define(KindIdentity, id.ID, id.Loc.At("id"))
	}
	for _, c := range m.Controls {
		v.define(KindControl, c.ID, c.Loc.At("id"))
	}
}

// ref checks that id names an element of one of the wanted kinds.
func (v *validator) ref(loc Locations, field, id string, kinds ...ElementKind) {
	if id == "" {
		return
	}
	e, ok := v.ids[id]
	if !ok {
		v.errorf(loc.At(field), "%s: no %s with id %q%s", baseField(field), kindList(kinds), id, v.closest(id, kinds))
		return
	}
	for _, k := range kinds {
		if e.kind == k {
			return
		}
	}
	v.errorf(loc.At(field), "%s: %q is %s %s, want %s %s", baseField(field), id, article(string(e.kind)), e.kind, article(string(kinds[0])), kindList(kinds))
}

func (v *validator) refs(loc Locations, field string, ids []string, kinds ...ElementKind) {
	for i, id := range ids {
		v.ref(loc, fmt.Sprintf("%s[%d]", field, i), id, kinds...)
	}
}

func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

func baseField(f string) string {
	name, _, _ := strings.Cut(f, "[")
	return name
}

func kindList(kinds []ElementKind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names, " or ")
}

func (v *validator) closest(id string, kinds []ElementKind) string {
	best, bestDist := "", 3
	for other, e := range v.ids {
		ok := false
		for _, k := range kinds {
			ok = ok || e.kind == k
		}
		if !ok {
			continue
		}
		if d := editDistance(id, other); d < bestDist || (d == bestDist && other < best) {
			best, bestDist = other, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func (v *validator) checkReferences() {
	m := v.m
	inBoundary := map[string]string{}
	for _, c := range m.Components {
		v.ref(c.Loc, "runs_as", c.RunsAs, KindIdentity)
		v.refs(c.Loc, "stores", c.Stores, KindAsset)
	}
	for _, s := range m.Surfaces {
		v.ref(s.Loc, "component", s.Component, KindComponent)
		v.refs(s.Loc, "assets", s.Assets, KindAsset)
	}
	for _, f := range m.Flows {
		v.ref(f.Loc, "from", f.From, KindComponent)
		v.ref(f.Loc, "to", f.To, KindComponent)
		v.refs(f.Loc, "data", f.Data, KindAsset)
		v.ref(f.Loc, "credential", f.Credential, KindSurface, KindIdentity)
		if f.From != "" && f.From == f.To {
			v.warnf(f.Loc.At("to"), "flow %q goes from %q to itself", f.ID, f.From)
		}
	}
	for _, b := range m.Boundaries {
		v.refs(b.Loc, "components", b.Components, KindComponent)
		for i, c := range b.Components {
			if prev, ok := inBoundary[c]; ok && prev != b.ID {
				v.errorf(b.Loc.At(fmt.Sprintf("components[%d]", i)), "component %q is already in boundary %q; a component sits in one trust zone", c, prev)
				continue
			}
			inBoundary[c] = b.ID
		}
	}
	for _, id := range m.Identities {
		v.refs(id.Loc, "used_by", id.UsedBy, KindComponent)
		if id.Policy != "" && !m.Exists(id.Policy) {
			v.warnf(id.Loc.At("policy"), "policy file %q does not exist", id.Policy)
		}
	}
	for _, c := range m.Controls {
		v.refs(c.Loc, "on", c.On, KindSurface, KindComponent, KindFlow, KindIdentity, KindAsset, KindBoundary)
	}
	for _, c := range m.Components {
		if c.Path != "" && !m.Exists(c.Path) {
			v.warnf(c.Loc.At("path"), "path %q does not exist", c.Path)
		}
	}
}

func (v *validator) checkSurfaces() {
	for _, s := range v.m.Surfaces {
		switch s.Kind {
		case "endpoint", "webhook", "upload":
			if s.Path == "" {
				v.errorf(s.Loc.At("kind"), "surface %q: a %s needs a path", s.ID, s.Kind)
			} else if !strings.HasPrefix(s.Path, "/") {
				v.errorf(s.Loc.At("path"), "surface %q: path %q must start with /", s.ID, s.Path)
			}
		case "exit":
			if s.Exit == "" {
				v.errorf(s.Loc.At("kind"), "surface %q: an exit needs exit: error, log, email, export, third-party-call or response", s.ID)
			}
		}
		if s.Kind == "webhook" && s.Sender == "" {
			v.warnf(s.Loc.At("kind"), "surface %q: a webhook should name its sender (stripe, github, slack, ...)", s.ID)
		}
	}
}

func (v *validator) checkResponses() {
	for _, r := range v.m.Responses {
		rule, elem, ok := strings.Cut(r.Threat, "@")
		if !ok || rule == "" || elem == "" {
			v.errorf(r.Loc.At("threat"), "response key %q is not a threat id: want RULE@ELEMENT, e.g. webhook-forgery@stripe-webhook", r.Threat)
		} else if _, found := v.ids[elem]; !found && elem != SystemElement {
			v.errorf(r.Loc.At("threat"), "response %q names element %q, which the model does not define%s", r.Threat, elem, v.closest(elem, []ElementKind{KindSurface, KindComponent, KindFlow, KindIdentity, KindAsset, KindBoundary}))
		}
		n := 0
		for _, set := range []bool{len(r.Mitigate) > 0, r.Eliminate != nil, r.Accept != nil, r.Transfer != nil, r.NotApplicable != ""} {
			if set {
				n++
			}
		}
		switch {
		case n == 0:
			v.errorf(r.Loc.At(""), "response to %q says nothing: give one of mitigate, eliminate, accept, transfer or not_applicable", r.Threat)
		case n > 1:
			v.errorf(r.Loc.At(""), "response to %q gives %d answers: give exactly one of mitigate, eliminate, accept, transfer or not_applicable", r.Threat, n)
		}
		v.refs(r.Loc, "mitigate", r.Mitigate, KindControl)
		if a := r.Accept; a != nil && !a.On.IsZero() && !a.Until.IsZero() && !a.Until.After(a.On.Time) {
			v.errorf(a.Loc.At("until"), "acceptance of %q: until (%s) must be after on (%s)", r.Threat, a.Until, a.On)
		}
	}
}

func (v *validator) checkSystem() {
	s := v.m.System
	if !s.Reviewed.IsZero() && s.ReviewEvery.IsZero() {
		v.warnf(s.Loc.At("reviewed"), "reviewed is set but review_every is not; say how often the model must be reviewed, e.g. 90d")
	}
	if s.ReviewEvery.Never {
		v.errorf(s.Loc.At("review_every"), "review_every cannot be never: a model nobody revisits drifts from what runs")
	}
}

// SystemElement is the pseudo-element id of threats about the whole
// system or repository rather than one element.
const SystemElement = "system"
