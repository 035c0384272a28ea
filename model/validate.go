package model

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unsafe"

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

// idEntry is what the validator knows of an id: the element that defines
// it (its kind and its index among the elements of that kind) and the
// copy of the id every reference to it is made to share.
type idEntry struct {
	id   string
	elem int32
	kind uint8
}

// elementKinds are the kinds an idEntry's kind indexes.
var elementKinds = [...]ElementKind{KindAsset, KindComponent, KindSurface, KindFlow, KindBoundary, KindIdentity, KindControl}

func kindIndex(k ElementKind) uint8 {
	for i, e := range elementKinds {
		if e == k {
			return uint8(i)
		}
	}
	panic("model: unknown element kind " + string(k))
}

// validate checks what the decoder cannot: ids are unique across the
// model, every reference resolves to an element of the right kind, dates
// make sense and each response says exactly one thing.
func (m *Model) validate() Diagnostics {
	v := &validator{m: m}
	v.collectIDs()
	v.checkReferences()
	v.checkSurfaces()
	v.checkResponses()
	v.checkSystem()
	return v.diags
}

type validator struct {
	m   *Model
	ids map[string]idEntry
	// arena holds the ids (see define and intern).
	arena []byte
	diags Diagnostics
}

func (v *validator) errorf(pos threatmap.Position, format string, args ...any) {
	v.diags = append(v.diags, Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) warnf(pos threatmap.Position, format string, args ...any) {
	v.diags = append(v.diags, Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...), Warning: true})
}

// define records *id as the id of element i of the kind. The ids are
// copied, in the model's order, into an arena that the elements and
// (through ref) every reference then share: a lookup by a reference
// later compares pointers rather than bytes, and the ids of a large
// model sit together in memory rather than across the heap.
func (v *validator) define(kind ElementKind, i int, id *string) {
	if *id == "" {
		return
	}
	e := idEntry{elem: int32(i), kind: kindIndex(kind)}
	if *id == SystemElement {
		v.errorf(v.idPosition(e), "id %q is reserved for threats about the whole system; choose another", *id)
		return
	}
	if prev, ok := v.ids[*id]; ok {
		v.errorf(v.idPosition(e), "duplicate id %q: already used by the %s at %s (ids are shared by every kind of element, so threat ids stay unambiguous)", *id, elementKinds[prev.kind], v.idPosition(prev))
		return
	}
	e.id = v.intern(*id)
	*id = e.id
	v.ids[e.id] = e
}

// intern returns id's copy in the arena of ids, which grows a block at a
// time (a block is only appended to, so a copy handed out never changes).
func (v *validator) intern(id string) string {
	if len(v.arena)+len(id) > cap(v.arena) {
		v.arena = make([]byte, 0, max(len(id), 1<<16))
	}
	at := len(v.arena)
	v.arena = append(v.arena, id...)
	return unsafe.String(&v.arena[at], len(id))
}

// idPosition is where the element that defines e's id names it.
func (v *validator) idPosition(e idEntry) threatmap.Position {
	m, i := v.m, int(e.elem)
	switch elementKinds[e.kind] {
	case KindAsset:
		return m.Assets[i].Loc.At("id")
	case KindComponent:
		return m.Components[i].Loc.At("id")
	case KindSurface:
		return m.Surfaces[i].Loc.At("id")
	case KindFlow:
		return flowIDPosition(m.Flows[i])
	case KindBoundary:
		return m.Boundaries[i].Loc.At("id")
	case KindIdentity:
		return m.Identities[i].Loc.At("id")
	default:
		return m.Controls[i].Loc.At("id")
	}
}

// flowIDPosition is where a flow's id is: its default id (FROM-to-TO)
// is pointed at through from.
func flowIDPosition(f Flow) threatmap.Position {
	if !f.Loc.Has("id") {
		return f.Loc.At("from")
	}
	return f.Loc.At("id")
}

func (v *validator) collectIDs() {
	m := v.m
	v.ids = make(map[string]idEntry, len(m.Assets)+len(m.Components)+len(m.Surfaces)+len(m.Flows)+
		len(m.Boundaries)+len(m.Identities)+len(m.Controls))
	for i := range m.Assets {
		v.define(KindAsset, i, &m.Assets[i].ID)
	}
	for i := range m.Components {
		v.define(KindComponent, i, &m.Components[i].ID)
	}
	for i := range m.Surfaces {
		v.define(KindSurface, i, &m.Surfaces[i].ID)
	}
	for i := range m.Flows {
		v.define(KindFlow, i, &m.Flows[i].ID)
	}
	for i := range m.Boundaries {
		v.define(KindBoundary, i, &m.Boundaries[i].ID)
	}
	for i := range m.Identities {
		v.define(KindIdentity, i, &m.Identities[i].ID)
	}
	for i := range m.Controls {
		v.define(KindControl, i, &m.Controls[i].ID)
	}
}

// ref checks that *id names an element of one of the wanted kinds, and
// makes it share the defining id's copy (see define). field names the
// reference in a message; item, when not negative, is the index of id
// in that list field.
func (v *validator) ref(loc Locations, field string, item int, id *string, kinds ...ElementKind) {
	if *id == "" {
		return
	}
	e, ok := v.ids[*id]
	if !ok {
		v.errorf(loc.At(itemField(field, item)), "%s: no %s with id %q%s", field, kindList(kinds), *id, v.closest(*id, kinds))
		return
	}
	for _, k := range kinds {
		if elementKinds[e.kind] == k {
			*id = e.id
			return
		}
	}
	v.errorf(loc.At(itemField(field, item)), "%s: %q is %s %s, want %s %s", field, *id, article(string(elementKinds[e.kind])), elementKinds[e.kind], article(string(kinds[0])), kindList(kinds))
}

func (v *validator) refs(loc Locations, field string, ids []string, kinds ...ElementKind) {
	for i := range ids {
		v.ref(loc, field, i, &ids[i], kinds...)
	}
}

// itemField is field, or its item'th item ("data[2]") when item is not
// negative.
func itemField(field string, item int) string {
	if item < 0 {
		return field
	}
	return fmt.Sprintf("%s[%d]", field, item)
}

func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
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
			ok = ok || elementKinds[e.kind] == k
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

// eachPart calls fn for every i in [0, n), in parts on every core when n
// is large, each part with a validator of its own that shares v's ids
// (which it only reads), and then appends the parts' diagnostics to v's
// in order: the diagnostics are those one loop would have made, in the
// same order. fn must write only to element i.
func (v *validator) eachPart(n int, fn func(v *validator, i int)) {
	parts := 1
	if n >= 1<<12 {
		parts = runtime.GOMAXPROCS(0)
	}
	if parts <= 1 {
		for i := range n {
			fn(v, i)
		}
		return
	}
	subs := make([]validator, parts)
	var wg sync.WaitGroup
	for p := range subs {
		subs[p] = validator{m: v.m, ids: v.ids}
		wg.Go(func() {
			for i := p * n / parts; i < (p+1)*n/parts; i++ {
				fn(&subs[p], i)
			}
		})
	}
	wg.Wait()
	for p := range subs {
		v.diags = append(v.diags, subs[p].diags...)
	}
}

func (v *validator) checkReferences() {
	m := v.m
	inBoundary := make(map[string]string, len(m.Components))
	v.eachPart(len(m.Components), func(v *validator, i int) {
		c := &m.Components[i]
		v.ref(c.Loc, "runs_as", -1, &c.RunsAs, KindIdentity)
		v.refs(c.Loc, "stores", c.Stores, KindAsset)
	})
	v.eachPart(len(m.Surfaces), func(v *validator, i int) {
		s := &m.Surfaces[i]
		v.ref(s.Loc, "component", -1, &s.Component, KindComponent)
		v.refs(s.Loc, "assets", s.Assets, KindAsset)
	})
	v.eachPart(len(m.Flows), func(v *validator, i int) {
		f := &m.Flows[i]
		v.ref(f.Loc, "from", -1, &f.From, KindComponent)
		v.ref(f.Loc, "to", -1, &f.To, KindComponent)
		v.refs(f.Loc, "data", f.Data, KindAsset)
		v.ref(f.Loc, "credential", -1, &f.Credential, KindSurface, KindIdentity)
		if f.From != "" && f.From == f.To {
			v.warnf(f.Loc.At("to"), "flow %q goes from %q to itself", f.ID, f.From)
		}
	})
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
