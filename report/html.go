package report

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/model"
)

//go:embed html.tmpl
var htmlTemplate string

// HTMLOptions configures the HTML page.
type HTMLOptions struct {
	// Diagram is the data-flow diagram as inline SVG (report/diagram);
	// empty leaves the picture out.
	Diagram []byte
	// MaxRows is how many threat-map rows the page shows before the rest
	// are folded under "more rows" (and left off the printout); zero
	// shows every row unfolded.
	MaxRows int
	// Link turns a location into the href of a link to it: a forge URL
	// when the repository has a known remote, else a relative path. Nil
	// shows locations as text.
	Link func(pos threatmap.Position) string
	// Rel rewrites the model's own positions (threats, controls), which
	// name files as the command was given them, relative to the model's
	// folder, as evidence already is. Nil keeps them as they are.
	Rel func(string) string
	// Version is threatmap's version, printed at the foot.
	Version string
}

// WriteHTML renders the one-page threat map as one self-contained HTML
// file: inline CSS, an inline SVG diagram and a small inline script for
// the filters; nothing is fetched from the network, and every part reads
// without the script (rows expand with <details>).
func WriteHTML(w io.Writer, a *assess.Assessment, opts HTMLOptions) error {
	tmpl, err := template.New("page").Parse(htmlTemplate)
	if err != nil {
		return fmt.Errorf("html template: %w", err)
	}
	return tmpl.Execute(w, newHTMLPage(a, opts))
}

type htmlPage struct {
	Title, Owner, Review, Generated, Version string
	Overdue                                  bool
	Counts                                   []htmlCount
	Assets                                   []htmlAsset
	Diagram                                  template.HTML
	Crossings                                []string
	ThirdParties                             []string
	Rows, MoreRows                           []htmlRow
	Controls                                 []htmlControl
	Drift                                    []htmlDrift
	Stride                                   []string
	Statuses                                 []string
	PriorityList                             []int
}

type htmlCount struct {
	Label string
	N     int
	Alert bool
}

type htmlAsset struct {
	Name, Kind, Sensitivity, Stored, Exposed string
	Open, Threats                            int
}

type htmlRow struct {
	Priority                             int
	Surface, Assets, Abuse, Difficulty   string
	Status, StatusClass, Summary, Method string
	Requires, Detail                     string
	Stride, StatusKey                    string
	Mitigations, Also, IDs, References   []string
	Evidence                             []htmlLink
	Locations                            []htmlLink
	Secondary                            bool
	// Folded rows are past the page's MaxRows: shown when the reader
	// unfolds them, never printed.
	Folded bool
}

type htmlLink struct {
	Text, Href string
}

type htmlControl struct {
	ID, Kind, Claimed, Status, StatusClass string
	On                                     string
	Support, Refute                        []string
}

type htmlDrift struct {
	Kind, Text string
	Link       htmlLink
}

func newHTMLPage(a *assess.Assessment, opts HTMLOptions) htmlPage {
	m := a.Model
	p := htmlPage{
		Title:     cmp.Or(m.System.Name, "threat map"),
		Owner:     m.System.Owner,
		Generated: a.Now.Format("2006-01-02"),
		Version:   opts.Version,
		Diagram:   template.HTML(opts.Diagram), // drawn by report/diagram from escaped labels
	}
	p.Review = "never reviewed"
	if !m.System.Reviewed.IsZero() {
		p.Review = "reviewed " + m.System.Reviewed.String()
		if !m.System.ReviewEvery.IsZero() {
			p.Review += ", every " + m.System.ReviewEvery.String()
		}
		p.Overdue = a.ReviewOverdue()
	}
	link := func(pos threatmap.Position) htmlLink {
		text := pos.String()
		if text == "" {
			return htmlLink{}
		}
		l := htmlLink{Text: text}
		if opts.Link != nil {
			l.Href = opts.Link(pos)
		}
		return l
	}

	open, urgent, mitigated, accepted := 0, 0, 0, 0
	for _, t := range a.Threats {
		switch {
		case assess.IsOpen(t.Status):
			open++
			if t.Priority <= 2 && !t.Secondary {
				urgent++
			}
		case t.Status == assess.StatusMitigated:
			mitigated++
		case t.Status == assess.StatusAccepted:
			accepted++
		}
	}
	failing := 0
	for _, c := range a.Controls {
		if c.Status == assess.ControlFailing {
			failing++
		}
	}
	p.Counts = []htmlCount{
		{"open P1/P2", urgent, urgent > 0},
		{"open", open, false},
		{"mitigated", mitigated, false},
		{"accepted", accepted, false},
		{"threats", len(a.Threats), false},
		{"failing controls", failing, failing > 0},
	}

	names := assetNames(m)
	for _, as := range m.Assets {
		h := htmlAsset{Name: cmp.Or(as.Name, as.ID), Kind: as.Kind, Sensitivity: as.Sensitivity}
		var stored, via []string
		for _, c := range m.Components {
			if slices.Contains(c.Stores, as.ID) {
				stored = append(stored, cmp.Or(c.Name, c.ID))
			}
		}
		for _, s := range m.Surfaces {
			if slices.Contains(s.Assets, as.ID) {
				via = append(via, cmp.Or(s.Name, s.ID))
			}
		}
		h.Stored, h.Exposed = orDash(someOf(stored, 6)), orDash(someOf(via, 6))
		for _, t := range a.Threats {
			if slices.Contains(t.Assets, as.ID) {
				h.Threats++
				if assess.IsOpen(t.Status) {
					h.Open++
				}
			}
		}
		p.Assets = append(p.Assets, h)
	}
	slices.SortStableFunc(p.Assets, func(x, y htmlAsset) int {
		return cmp.Or(cmp.Compare(sensitivityRank[y.Sensitivity], sensitivityRank[x.Sensitivity]), cmp.Compare(y.Open, x.Open), cmp.Compare(x.Name, y.Name))
	})

	p.Crossings = boundaryCrossings(m)
	if n := len(p.Crossings); n > maxListed {
		p.Crossings = append(p.Crossings[:maxListed:maxListed], fmt.Sprintf("and %d more", n-maxListed))
	}
	for _, c := range m.Components {
		if c.Kind == "third-party" || c.Kind == "registry" {
			s := cmp.Or(c.Name, c.ID)
			if c.Provider != "" {
				s += " (" + c.Provider + ")"
			}
			p.ThirdParties = append(p.ThirdParties, s)
		}
	}
	if n := len(p.ThirdParties); n > maxListed {
		p.ThirdParties = append(p.ThirdParties[:maxListed:maxListed], fmt.Sprintf("and %d more", n-maxListed))
	}

	strideSeen := map[string]bool{}
	statusSeen := map[string]bool{}
	for i, r := range assess.Group(a.Threats) {
		t := r.Lead()
		var assets, ids, mitigations, refs, stride []string
		var ev, locs []htmlLink
		for _, rt := range r.Threats {
			for _, id := range rt.Assets {
				if n := names[id]; !slices.Contains(assets, n) {
					assets = append(assets, n)
				}
			}
			ids = append(ids, rt.ID)
			for _, mt := range rt.Mitigations {
				if !slices.Contains(mitigations, mt) {
					mitigations = append(mitigations, mt)
				}
			}
			for _, rf := range rt.References {
				if !slices.Contains(refs, rf) {
					refs = append(refs, rf)
				}
			}
			for _, s := range rt.Stride {
				if !slices.Contains(stride, string(s)) {
					stride = append(stride, string(s))
				}
			}
			pos := rt.Pos
			if opts.Rel != nil && pos.File != "" {
				pos.File = opts.Rel(pos.File)
			}
			if l := link(pos); l.Text != "" && !slices.Contains(locs, l) {
				locs = append(locs, l)
			}
			for _, f := range rt.Evidence {
				l := link(f.Pos())
				switch {
				case l.Text != "":
					l.Text += ": " + f.Message
				case f.Resource != "":
					l.Text = f.Resource + ": " + f.Message
				default:
					l.Text = f.Message
				}
				if !slices.Contains(ev, l) {
					ev = append(ev, l)
				}
			}
		}
		for _, s := range stride {
			strideSeen[s] = true
		}
		statusSeen[t.Status] = true
		row := htmlRow{
			Priority: t.Priority, Surface: r.Label(), Assets: orDash(strings.Join(assets, ", ")),
			Abuse: capitalize(t.Abuse), Method: t.Method, Difficulty: t.Difficulty.String(), Requires: t.Requires,
			Status: strings.ReplaceAll(StatusText(t), "**", ""), StatusKey: t.Status, StatusClass: statusClass(t),
			Summary: t.Summary(), Detail: rowDetail(r), Stride: strings.Join(stride, " "),
			Mitigations: mitigations, Also: r.Also, IDs: ids, References: refs, Evidence: ev, Locations: locs,
			Secondary: t.Secondary,
		}
		if opts.MaxRows > 0 && i >= opts.MaxRows {
			row.Folded = true
			p.MoreRows = append(p.MoreRows, row)
		} else {
			p.Rows = append(p.Rows, row)
		}
	}
	p.PriorityList = []int{1, 2, 3, 4, 5}
	for s := range strideSeen {
		p.Stride = append(p.Stride, s)
	}
	slices.Sort(p.Stride)
	for s := range statusSeen {
		p.Statuses = append(p.Statuses, s)
	}
	slices.Sort(p.Statuses)

	for _, c := range a.Controls {
		p.Controls = append(p.Controls, htmlControl{
			ID: c.ID, Kind: c.Kind, Claimed: c.Claimed, Status: c.Status, StatusClass: "st-" + c.Status,
			On: strings.Join(c.On, ", "), Support: c.Support, Refute: c.Refute,
		})
	}
	for _, r := range a.Unmodeled {
		p.Drift = append(p.Drift, htmlDrift{Kind: "route not in the model",
			Text: strings.TrimSpace(r.Method + " " + r.Path + " (" + r.Framework + ", guards: " + orDash(strings.Join(r.Guards, ", ")) + ")"),
			Link: link(threatmap.Position{File: r.File, Line: r.Line})})
	}
	for _, s := range a.Stale {
		p.Drift = append(p.Drift, htmlDrift{Kind: "surface the code no longer serves", Text: s})
	}
	for _, res := range a.UnmodeledResources {
		p.Drift = append(p.Drift, htmlDrift{Kind: "infrastructure no element names", Text: res.Address,
			Link: link(threatmap.Position{File: res.File, Line: res.Line})})
	}
	for _, u := range a.Evidence.Unresolved {
		p.Drift = append(p.Drift, htmlDrift{Kind: "unresolved (" + u.Scanner + ")", Text: u.Reason,
			Link: link(threatmap.Position{File: u.File, Line: u.Line})})
	}
	return p
}

// maxListed bounds the lists of section 2 so that a large model's page
// stays a page; the JSON report has every item.
const maxListed = 20

// someOf joins the first n items and counts the rest: "a, b, c and 7 more".
func someOf(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// boundaryCrossings lists the flows that cross from one trust zone to
// another, "from → to: data (protocol)".
func boundaryCrossings(m *model.Model) []string {
	zone := map[string]string{}
	for _, b := range m.Boundaries {
		for _, c := range b.Components {
			if _, ok := zone[c]; !ok {
				zone[c] = cmp.Or(b.Name, b.ID)
			}
		}
	}
	var out []string
	for _, f := range m.Flows {
		if zone[f.From] == zone[f.To] {
			continue
		}
		s := fmt.Sprintf("%s (%s) → %s (%s)", f.From, orDash(zone[f.From]), f.To, orDash(zone[f.To]))
		if len(f.Data) > 0 {
			s += ": " + strings.Join(f.Data, ", ")
		}
		if f.Protocol != "" {
			s += " over " + f.Protocol
		}
		if f.Encrypted != nil && !*f.Encrypted {
			s += ", plaintext"
		}
		out = append(out, s)
	}
	return out
}

func statusClass(t assess.Threat) string {
	switch {
	case t.Secondary:
		return "st-secondary"
	case assess.IsOpen(t.Status):
		return "st-open"
	default:
		return "st-" + t.Status
	}
}
