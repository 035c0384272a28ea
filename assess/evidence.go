package assess

import (
	"fmt"
	"slices"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

// proof is evidence that a defence of one kind holds on an element: every
// route serving it carries the guard, or a scanner or probe observed the
// property hold, and nothing refutes it.
type proof struct {
	kind     string
	findings []evidence.Finding
	text     []string
}

// proveKind looks for evidence that the property kind holds on element id.
func proveKind(ix *link.Index, id, kind string) (proof, bool) {
	p := proof{kind: kind}
	prop := evidence.Property(kind)
	for _, f := range ix.Findings[id] {
		if f.Property == prop {
			return p, false
		}
	}
	if routes := ix.Routes[id]; len(routes) > 0 {
		for guard, gp := range guardProperty {
			if gp != prop {
				continue
			}
			all := true
			for _, r := range routes {
				if !guardCounts(r, guard) || !slices.Contains(r.Guards, guard) {
					all = false
					break
				}
			}
			if !all {
				return p, false
			}
			for _, r := range routes {
				msg := fmt.Sprintf("%s guard on %s %s", guard, r.Method, r.Path)
				p.text = append(p.text, fmt.Sprintf("%s at %s:%d", msg, r.File, r.Line))
				p.findings = append(p.findings, evidence.Finding{Scanner: "routes", Rule: "guard-" + guard, Severity: threatmap.Info,
					Message: msg, File: r.File, Line: r.Line, Resource: r.Method + " " + r.Path})
			}
		}
	}
	for _, o := range ix.Observations[id] {
		if o.Property != prop {
			continue
		}
		if o.Scanner == "routes" && len(ix.Routes[id]) > 0 {
			continue // judged from the routes above
		}
		if !o.Holds {
			return proof{kind: kind}, false
		}
		msg := firstNonEmpty(o.Detail, string(o.Property))
		p.text = append(p.text, fmt.Sprintf("%s: %s", o.Scanner, msg))
		p.findings = append(p.findings, evidence.Finding{Scanner: o.Scanner, Rule: "holds-" + kind, Severity: threatmap.Info,
			Message: msg, File: o.File, Line: o.Line, Resource: o.Subject})
	}
	return p, len(p.text) > 0
}

// proveAny returns the first of kinds that evidence proves on the element
// or, for a surface, on its component.
func proveAny(ix *link.Index, ids []string, kinds []string) (proof, bool) {
	for _, k := range kinds {
		for _, id := range ids {
			if id == "" {
				continue
			}
			if p, ok := proveKind(ix, id, k); ok {
				return p, true
			}
		}
	}
	return proof{}, false
}

// verifiedKinds lists the control kinds that hold on an element: declared
// controls verified by evidence, and properties the evidence proves with no
// control declared.
func verifiedKinds(m *model.Model, controls map[string]*Control, controlsOn map[kindOn][]int, ix *link.Index, ids []string, kinds []string) (string, bool) {
	verified := func(at []int) bool {
		for _, i := range at {
			if ctl := controls[m.Controls[i].ID]; ctl != nil && ctl.Status == ControlVerified {
				return true
			}
		}
		return false
	}
	for _, k := range kinds {
		// A control of kind k answers when it is system-wide or on one
		// of the elements (looked up, not scanned: a large model has
		// thousands of controls and hundreds of thousands of threats).
		if verified(controlsOn[kindOn{k, ""}]) {
			return k, true
		}
		for _, id := range ids {
			if id != "" && verified(controlsOn[kindOn{k, id}]) {
				return k, true
			}
		}
	}
	if p, ok := proveAny(ix, ids, kinds); ok {
		return p.kind, true
	}
	return "", false
}

// proofNote says what evidence verified a threat with no declared control.
func proofNote(p proof) string {
	text := p.text
	if len(text) > 3 {
		text = append(slices.Clone(text[:3]), fmt.Sprintf("and %d more", len(p.text)-3))
	}
	return fmt.Sprintf("verified by evidence (%s, no control declared; threatmap init drafts one): %s", p.kind, strings.Join(text, "; "))
}
