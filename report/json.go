package report

import (
	"encoding/json"
	"io"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
)

// ThreatMapDoc is the JSON shape of `threatmap report --format json`. The
// threats array is the output contract other tools rely on.
type ThreatMapDoc struct {
	Version  string           `json:"version"`
	System   SystemDoc        `json:"system"`
	Summary  SummaryDoc       `json:"summary"`
	Assets   []AssetDoc       `json:"assets"`
	Threats  []assess.Threat  `json:"threats"`
	Controls []assess.Control `json:"controls"`
	// Unmodeled lists routes found in code that the model lacks; Stale
	// lists surfaces the code no longer serves.
	Unmodeled []evidence.Route `json:"unmodeled"`
	Stale     []string         `json:"stale"`
	// UnmodeledResources lists infrastructure resources no element names.
	UnmodeledResources []link.Resource `json:"unmodeled_resources"`
	// Unresolved lists registrations a scanner saw but could not turn
	// into a route: routes the model may lack that nothing else shows.
	Unresolved []evidence.Unresolved `json:"unresolved"`
	// UnclaimedFindings lists high and critical scanner findings no
	// threat takes as evidence (check fails on them by default).
	UnclaimedFindings []evidence.Finding `json:"unclaimed_findings,omitempty"`
}

// SystemDoc describes the system in JSON output.
type SystemDoc struct {
	Name          string `json:"name"`
	Owner         string `json:"owner,omitempty"`
	Reviewed      string `json:"reviewed,omitempty"`
	ReviewEvery   string `json:"review_every,omitempty"`
	ReviewOverdue bool   `json:"review_overdue"`
	Model         string `json:"model"`
}

// SummaryDoc counts what matters at a glance.
type SummaryDoc struct {
	Threats         int `json:"threats"`
	Open            int `json:"open"`
	OpenPriority1   int `json:"open_priority_1"`
	FailingControls int `json:"failing_controls"`
	Unmodeled       int `json:"unmodeled_routes"`
}

// AssetDoc is an asset in JSON output.
type AssetDoc struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Sensitivity string `json:"sensitivity"`
}

// NewThreatMapDoc builds the JSON document for an assessment. modelPath is
// the model file as the user should see it.
func NewThreatMapDoc(a *assess.Assessment, version, modelPath string) ThreatMapDoc {
	m := a.Model
	doc := ThreatMapDoc{
		Version: version,
		System: SystemDoc{
			Name: m.System.Name, Owner: m.System.Owner, Reviewed: m.System.Reviewed.String(),
			ReviewEvery: m.System.ReviewEvery.String(), ReviewOverdue: a.ReviewOverdue(), Model: modelPath,
		},
		Threats: a.Threats, Controls: a.Controls, Unmodeled: a.Unmodeled, Stale: a.Stale, UnmodeledResources: a.UnmodeledResources,
	}
	for _, as := range m.Assets {
		doc.Assets = append(doc.Assets, AssetDoc{ID: as.ID, Name: as.Name, Kind: as.Kind, Sensitivity: as.Sensitivity})
	}
	doc.Summary.Threats = len(a.Threats)
	for _, t := range a.Threats {
		if assess.IsOpen(t.Status) {
			doc.Summary.Open++
			if t.Priority == 1 {
				doc.Summary.OpenPriority1++
			}
		}
	}
	for _, c := range a.Controls {
		if c.Status == assess.ControlFailing {
			doc.Summary.FailingControls++
		}
	}
	doc.Summary.Unmodeled = len(a.Unmodeled)
	if doc.Assets == nil {
		doc.Assets = []AssetDoc{}
	}
	if doc.Threats == nil {
		doc.Threats = []assess.Threat{}
	}
	if doc.Controls == nil {
		doc.Controls = []assess.Control{}
	}
	if doc.Unmodeled == nil {
		doc.Unmodeled = []evidence.Route{}
	}
	if doc.UnmodeledResources == nil {
		doc.UnmodeledResources = []link.Resource{}
	}
	doc.Unresolved = a.Evidence.Unresolved
	doc.UnclaimedFindings = a.Unclaimed
	if doc.Unresolved == nil {
		doc.Unresolved = []evidence.Unresolved{}
	}
	if doc.Stale == nil {
		doc.Stale = []string{}
	}
	return doc
}

// WriteJSON writes any document as indented JSON.
func WriteJSON(w io.Writer, doc any) error {
	if d, ok := doc.(ThreatMapDoc); ok {
		return WriteThreatMap(w, d)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
