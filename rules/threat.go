package rules

import (
	"cmp"
	"slices"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// Threat is one rule firing on one element.
type Threat struct {
	// ID is RULE@ELEMENT: stable across edits that do not rename the
	// element, so responses keyed by it survive.
	ID          string             `json:"id"`
	Rule        string             `json:"rule"`
	Title       string             `json:"title"`
	Stride      []threatmap.Stride `json:"stride"`
	Element     string             `json:"element"`
	ElementKind string             `json:"element_kind"`
	// Surface is the label shown in the threat map, e.g. POST /api/chat.
	Surface    string               `json:"surface"`
	Assets     []string             `json:"assets"`
	Difficulty threatmap.Difficulty `json:"difficulty"`
	Requires   string               `json:"requires"`
	Impact     threatmap.Severity   `json:"impact"`
	Priority   int                  `json:"priority"`
	// The summary (see Summary) is made from Surface, Abuse, Method and
	// Requires when it is read, so a large model does not hold a sentence
	// per threat.
	Abuse       string   `json:"abuse"`
	Method      string   `json:"method"`
	Detail      string   `json:"detail,omitempty"`
	Mitigations []string `json:"mitigations"`
	Controls    []string `json:"control_kinds,omitempty"`
	// SecondaryTo lists the control kinds that answer the same attack
	// first (see Rule.SecondaryTo).
	SecondaryTo []string `json:"secondary_to,omitempty"`
	// Family is the rule's family (see Rule.Family).
	Family     string             `json:"family,omitempty"`
	References []string           `json:"references,omitempty"`
	Pos        threatmap.Position `json:"location"`
	// Evidence holds the findings linked to the element that bear on this
	// threat (those whose property matches one of the rule's control
	// kinds, or all of the element's findings for evidence-driven rules).
	Evidence []evidence.Finding `json:"evidence,omitempty"`
}

// Summary is the threat's one-liner: If [surface] is abused, an attacker
// could [abuse] by [method], and this would require [requires].
func (t *Threat) Summary() string {
	return string(t.AppendSummary(nil))
}

// AppendSummary appends the summary to dst, as Summary returns it.
func (t *Threat) AppendSummary(dst []byte) []byte {
	for _, part := range t.SummaryParts() {
		dst = append(dst, part...)
	}
	return dst
}

// SummaryParts returns the pieces the summary is the concatenation of,
// for writers that escape them as they copy.
func (t *Threat) SummaryParts() [9]string {
	return [9]string{"If ", t.Surface, " is abused, an attacker could ", t.Abuse, " by ", t.Method, ", and this would require ", t.Requires, "."}
}

// Priority ranks a threat from 1 (fix this week) to 5: low-difficulty,
// high-impact exposures first, because automated scanners find those in
// minutes.
//
//	impact \ difficulty  low  medium  high
//	critical              1     2      3
//	high                  1     2      3
//	medium                2     3      4
//	low                   3     4      5
func Priority(impact threatmap.Severity, difficulty threatmap.Difficulty) int {
	base := 0
	switch {
	case impact >= threatmap.High:
		base = 0
	case impact == threatmap.Medium:
		base = 1
	default:
		base = 2
	}
	return base + int(difficulty) + 1
}

// SortThreats orders threats by priority, then impact (highest first),
// then difficulty (easiest first), then id, so output is stable. It sorts
// indices and moves each threat once (a threat is a large struct, and a
// run on a large model has hundreds of thousands).
func SortThreats(ts []Threat) {
	SortByIndex(ts, func(a, b *Threat) int {
		return cmp.Or(
			cmp.Compare(a.Priority, b.Priority),
			cmp.Compare(b.Impact, a.Impact),
			cmp.Compare(a.Difficulty, b.Difficulty),
			cmp.Compare(a.ID, b.ID),
		)
	})
}

// SortByIndex sorts ts stably by compare without swapping elements: it
// sorts their indices, then applies the permutation in place, one cycle
// at a time. Already sorted input costs one pass.
func SortByIndex[T any](ts []T, compare func(a, b *T) int) {
	sorted := true
	for i := 1; i < len(ts); i++ {
		if compare(&ts[i-1], &ts[i]) > 0 {
			sorted = false
			break
		}
	}
	if sorted {
		return
	}
	idx := make([]int, len(ts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int { return compare(&ts[i], &ts[j]) })
	// Position j receives ts[idx[j]]; follow each cycle once, marking
	// placed positions with idx[j] = j.
	for s := range ts {
		if idx[s] == s {
			continue
		}
		tmp := ts[s]
		j := s
		for {
			k := idx[j]
			idx[j] = j
			if k == s {
				ts[j] = tmp
				break
			}
			ts[j] = ts[k]
			j = k
		}
	}
}
