// Package assess answers "what are we going to do about it?" and "did we do
// a good job?": it joins the threats the rules found with the responses in
// the model and the evidence the scanners gathered, computing the status of
// every control (planned, implemented, verified, failing) and of every
// threat (open, planned, mitigated, verified, failing, accepted, expired,
// transferred, eliminated, not-applicable).
package assess

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/internal/pages"
	"github.com/threatmap/threatmap/internal/workers"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/rules"
)

// Threat statuses.
const (
	StatusOpen          = "open"
	StatusPlanned       = "planned"
	StatusMitigated     = "mitigated"
	StatusVerified      = "verified"
	StatusFailing       = "failing"
	StatusAccepted      = "accepted"
	StatusExpired       = "expired"
	StatusTransferred   = "transferred"
	StatusEliminated    = "eliminated"
	StatusNotApplicable = "not-applicable"
)

// Control statuses.
const (
	ControlPlanned     = "planned"
	ControlImplemented = "implemented"
	ControlVerified    = "verified"
	ControlFailing     = "failing"
)

// Responses.
const (
	ResponseNone          = "none"
	ResponseMitigate      = "mitigate"
	ResponseEliminate     = "eliminate"
	ResponseAccept        = "accept"
	ResponseTransfer      = "transfer"
	ResponseNotApplicable = "not-applicable"
)

// IsOpen reports whether a threat status leaves the threat unaddressed:
// no response, a mitigation that is only planned or is failing, or an
// acceptance past its revisit date.
func IsOpen(status string) bool {
	switch status {
	case StatusOpen, StatusPlanned, StatusFailing, StatusExpired:
		return true
	}
	return false
}

// Threat is a rule's threat with what the team does about it. The rule's
// threat is held by pointer: the assessment points into the engine's
// chunks instead of copying every threat (on a large model, the copy and
// the chunks were the largest thing alive).
type Threat struct {
	*rules.Threat
	Response string `json:"response"`
	// Implicit is true when the response was inferred from controls
	// declared on the element rather than written under responses:.
	Implicit bool   `json:"implicit_response,omitempty"`
	Status   string `json:"status"`
	// MitigatedBy lists the control ids that answer the threat.
	MitigatedBy []string `json:"mitigated_by,omitempty"`
	// Secondary is true for an open threat whose attack a verified defence
	// already answers (rule secondary_to): defence in depth, which check
	// does not fail on and the page lists after the primary rows.
	Secondary bool `json:"secondary,omitempty"`
	// Group lists the ids of the elements whose threats the threat map
	// shows as one row with this one (the same rule reading the same way,
	// or overlapping rules on one element); empty for a row of its own.
	// A row of more than MaxGroup elements lists its first MaxGroup in
	// Group, and GroupSize gives how many it has (so that the threats of
	// a row of thousands do not each list thousands: the document would
	// grow with the square of the model).
	Group     []string `json:"group,omitempty"`
	GroupSize int      `json:"group_size,omitempty"`
	// Note explains the status: who accepted it and until when, where a
	// failing control's evidence is, why it does not apply.
	Note string `json:"note,omitempty"`
}

// Control is a model control with its computed status.
type Control struct {
	ID      string             `json:"id"`
	Name    string             `json:"name"`
	Kind    string             `json:"kind"`
	On      []string           `json:"on"`
	Claimed string             `json:"claimed"`
	Status  string             `json:"status"`
	Support []string           `json:"support,omitempty"`
	Refute  []string           `json:"refute,omitempty"`
	Pos     threatmap.Position `json:"location"`
}

// Assessment is everything the report and the gate need.
type Assessment struct {
	Model     *model.Model
	Now       time.Time
	Threats   []Threat
	Controls  []Control
	Unmodeled []evidence.Route
	Stale     []string
	// UnmodeledResources are infrastructure resources the scanners saw
	// that no model element names.
	UnmodeledResources []link.Resource
	Evidence           evidence.Set
	// Unanswered lists response keys that name no threat the rules raised.
	Unanswered []model.Response
	// Unclaimed lists scanner findings of high or critical severity that
	// no threat holds as evidence: the page shows them and check fails on
	// them (policy.unclaimed_findings).
	Unclaimed []evidence.Finding
}

// Assess joins threats, responses and evidence.
func Assess(m *model.Model, threats []rules.Threat, ix *link.Index, set evidence.Set, now time.Time) *Assessment {
	// The assessment points into and adjusts its threats: the caller's
	// stay as they were.
	return AssessChunks(m, [][]rules.Threat{slices.Clone(threats)}, ix, set, now)
}

// AssessChunks is Assess on threats in chunks, in any order (as
// rules.Engine.RunChunks gives them); the result is the same. The
// assessed threats point into the chunks and adjust them (a verified
// defence's findings, a secondary threat's priority): each chunk becomes
// the assessment's, and its slot in chunks is cleared.
func AssessChunks(m *model.Model, chunks [][]rules.Threat, ix *link.Index, set evidence.Set, now time.Time) *Assessment {
	if ix == nil {
		ix = link.Build(m, set, "")
	}
	a := &Assessment{Model: m, Now: now, Unmodeled: ix.Unmodeled, Stale: ix.Stale, UnmodeledResources: ix.UnmodeledResources, Evidence: set}
	byID := map[string]*Control{}
	for _, c := range m.Controls {
		ctl := assessControl(m, c, ix)
		a.Controls = append(a.Controls, ctl)
	}
	for i := range a.Controls {
		byID[a.Controls[i].ID] = &a.Controls[i]
	}
	componentOf := make(map[string]string, len(m.Surfaces))
	for _, s := range m.Surfaces {
		componentOf[s.ID] = s.Component
	}
	// Responses and controls by key, so each threat costs a lookup, not a
	// scan of the model.
	responses := make(map[string]model.Response, len(m.Responses))
	for _, r := range slices.Backward(m.Responses) {
		responses[r.Threat] = r
	}
	// A control answers a threat when it has one of the rule's control
	// kinds and is system-wide or on the element or its component.
	// controlled holds the elements some control is on, so a threat on
	// an element without one costs a lookup, not one per control kind.
	controlsOn := make(map[kindOn][]int, 2*len(m.Controls))
	controlled := make(map[string]bool, 2*len(m.Controls))
	for i, c := range m.Controls {
		if len(c.On) == 0 {
			controlsOn[kindOn{c.Kind, ""}] = append(controlsOn[kindOn{c.Kind, ""}], i)
		}
		for _, on := range c.On {
			controlsOn[kindOn{c.Kind, on}] = append(controlsOn[kindOn{c.Kind, on}], i)
			controlled[on] = true
		}
	}
	tabs := &tables{responses: responses, controlsOn: controlsOn, controlled: controlled, byID: byID, componentOf: componentOf}
	total := 0
	for _, c := range chunks {
		total += len(c)
	}
	// The engine's order (priority, impact, difficulty, id: a total
	// order), whatever the chunks' order, is worked out first, and the
	// threats are assessed straight into their places in it: the sorted
	// threats are not moved afterwards (putting them in order in place
	// was one core's work, as long as the sort on a large model). They
	// are read in the chunks' order, where an element's threats are side
	// by side, so the tables' entries for an element are looked up while
	// they are still in the processor's cache (in the engine's order,
	// each lookup went to memory on a large model).
	all := make([]*rules.Threat, 0, total)
	for _, c := range chunks {
		for i := range c {
			all = append(all, &c[i])
		}
	}
	clear(chunks)
	order := rules.OrderOfThreats(total, func(i int) *rules.Threat { return all[i] })
	// place[i] is where the i-th threat read goes (nil: where it is).
	var place []int32
	if order != nil {
		place = make([]int32, total)
		for at, i := range order {
			place[i] = int32(at)
		}
	}
	// Blocks of places are assessed on whichever core is free (each
	// threat is read and written by one goroutine; the model, index and
	// tables are only read). seen records, per worker, the threats that
	// have a response, for the responses left unanswered; moved, that
	// a threat's place in the order changed as it was assessed.
	a.Threats = make([]Threat, total)
	pages.Touch(a.Threats)
	const block = 1024
	blocks := (total + block - 1) / block
	seens := make([]map[string]bool, workers.For(blocks))
	moved := make([]bool, len(seens))
	for w := range seens {
		seens[w] = map[string]bool{}
	}
	workers.Each(blocks, func(w, b int) {
		for i := b * block; i < min(total, (b+1)*block); i++ {
			at := i
			if place != nil {
				at = int(place[i])
			}
			t := all[i]
			before := rules.OrderOf(t)
			a.Threats[at] = assessThreat(m, t, seens[w], tabs, ix, now)
			if rules.OrderOf(t) != before {
				moved[w] = true
			}
		}
	})
	seen := seens[0]
	for _, s := range seens[1:] {
		maps.Copy(seen, s)
	}
	if slices.Contains(moved, true) {
		// A secondary row moved down: the order again.
		rules.SortByOrder(a.Threats, func(t *Threat) *rules.Threat { return t.Threat })
	}
	setGroups(a.Threats)
	a.Unclaimed = unclaimedFindings(a.Threats, set)
	for _, r := range m.Responses {
		if !seen[r.Threat] {
			a.Unanswered = append(a.Unanswered, r)
		}
	}
	return a
}

// kindOn keys the model's controls by kind and element ("" for
// system-wide ones).
type kindOn struct{ kind, on string }

// tables are the model's responses and controls by key, which the
// assessment of every threat reads.
type tables struct {
	responses map[string]model.Response
	// controlsOn lists the controls of a kind on an element ("" for
	// system-wide ones); controlled holds the elements some control is
	// on.
	controlsOn  map[kindOn][]int
	controlled  map[string]bool
	byID        map[string]*Control
	componentOf map[string]string
}

// assessThreat joins one threat with its response, controls and evidence.
func assessThreat(m *model.Model, t *rules.Threat, seen map[string]bool, tabs *tables, ix *link.Index, now time.Time) Threat {
	controlsOn, byID := tabs.controlsOn, tabs.byID
	comp := tabs.componentOf[t.Element]
	at := Threat{Threat: t}
	var proofFindings []evidence.Finding
	if r, ok := tabs.responses[t.ID]; ok {
		seen[t.ID] = true
		applyResponse(&at, r, byID, ix, now)
	} else {
		var idx []int
		elemOn, compOn := tabs.controlled[t.Element], comp != "" && tabs.controlled[comp]
		for _, k := range t.Controls {
			idx = append(idx, controlsOn[kindOn{k, ""}]...)
			if elemOn {
				idx = append(idx, controlsOn[kindOn{k, t.Element}]...)
			}
			if compOn {
				idx = append(idx, controlsOn[kindOn{k, comp}]...)
			}
		}
		slices.Sort(idx)
		var ids []string
		for _, i := range slices.Compact(idx) {
			ids = append(ids, m.Controls[i].ID)
		}
		var proved *proof
		if len(ids) == 0 {
			if p, ok := proveAny(ix, []string{t.Element, comp}, t.Controls); ok {
				proved = &p
			}
		}
		switch {
		case len(ids) > 0:
			at.Implicit = true
			mitigate(&at, ids, byID)
		case proved != nil:
			// Evidence closes the loop: a guard, setting or probe
			// proves the defence even though the model declares no
			// control for it.
			at.Implicit = true
			at.Response = ResponseMitigate
			at.Status = StatusVerified
			at.Note = proofNote(*proved)
			proofFindings = proved.findings
		default:
			at.Response = ResponseNone
			at.Status = StatusOpen
			at.Note = "no response: a gap in the model"
		}
	}
	if len(at.Evidence) > 0 && !IsOpen(at.Status) && at.Status != StatusNotApplicable && at.Status != StatusAccepted && at.Status != StatusTransferred {
		at.Status = StatusFailing
		at.Note = joinNote(at.Note, "evidence contradicts its defence: "+evidenceSummary(at.Evidence))
	}
	// The findings that verified it go into its evidence after the
	// check above, which looks for contradicting ones only.
	at.Evidence = append(at.Evidence, proofFindings...)
	if IsOpen(at.Status) && len(at.SecondaryTo) > 0 {
		if k, ok := verifiedKinds(m, byID, controlsOn, ix, []string{t.Element, comp}, at.SecondaryTo); ok {
			at.Secondary = true
			// Defence in depth waits behind the rows that have no
			// defence at all.
			at.Priority = min(at.Priority+1, 5)
			at.Note = joinNote(at.Note, "defence in depth: "+k+" already answers the attack, so check does not fail on it")
		}
	}
	return at
}

func applyResponse(at *Threat, r model.Response, controls map[string]*Control, ix *link.Index, now time.Time) {
	switch r.Kind() {
	case "not-applicable":
		at.Response, at.Status, at.Note = ResponseNotApplicable, StatusNotApplicable, r.NotApplicable
	case "eliminate":
		at.Response, at.Status, at.Note = ResponseEliminate, StatusEliminated, r.Eliminate.Why
		if routes := ix.Routes[at.Element]; len(routes) > 0 {
			at.Status = StatusFailing
			at.Note = fmt.Sprintf("marked eliminated, but the code still serves it at %s:%d", routes[0].File, routes[0].Line)
		}
	case "accept":
		acc := r.Accept
		at.Response = ResponseAccept
		at.Note = fmt.Sprintf("accepted by %s on %s until %s: %s", acc.By, acc.On, acc.Until, acc.Why)
		if !acc.Until.IsZero() && now.After(acc.Until.Time) {
			at.Status = StatusExpired
			at.Note = fmt.Sprintf("acceptance by %s expired on %s: revisit it", acc.By, acc.Until)
		} else {
			at.Status = StatusAccepted
		}
	case "transfer":
		at.Response, at.Status = ResponseTransfer, StatusTransferred
		at.Note = "transferred to " + r.Transfer.To
		if r.Transfer.Why != "" {
			at.Note += ": " + r.Transfer.Why
		}
	case "mitigate":
		mitigate(at, r.Mitigate, controls)
	}
	if r.Note != "" {
		at.Note = joinNote(at.Note, r.Note)
	}
}

// mitigate sets the status from the mitigating controls: a failing
// control fails the threat, a planned one leaves it open, and it is
// verified only when every control is.
func mitigate(at *Threat, ids []string, controls map[string]*Control) {
	at.Response = ResponseMitigate
	at.MitigatedBy = ids
	failing, planned, verified := 0, 0, 0
	var notes []string
	for _, id := range ids {
		c := controls[id]
		if c == nil {
			continue
		}
		switch c.Status {
		case ControlFailing:
			failing++
			notes = append(notes, fmt.Sprintf("%s failing (%s)", id, strings.Join(c.Refute, "; ")))
		case ControlPlanned:
			planned++
			notes = append(notes, id+" only planned")
		case ControlVerified:
			verified++
		}
	}
	switch {
	case failing > 0:
		at.Status = StatusFailing
	case planned == len(ids):
		at.Status = StatusPlanned
	case planned > 0:
		at.Status = StatusPlanned
	case verified == len(ids):
		at.Status = StatusVerified
	default:
		at.Status = StatusMitigated
	}
	at.Note = strings.Join(notes, "; ")
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func evidenceSummary(fs []evidence.Finding) string {
	var parts []string
	for i, f := range fs {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(fs)-3))
			break
		}
		where := f.Pos().String()
		if where == "" {
			where = f.Resource
		}
		parts = append(parts, fmt.Sprintf("%s at %s", f.Rule, where))
	}
	return strings.Join(parts, ", ")
}
