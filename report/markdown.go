package report

import (
	"cmp"
	"fmt"
	"github.com/threatmap/threatmap/evidence"
	"io"
	"slices"
	"strings"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/model"
)

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\r", "")
	return strings.ReplaceAll(s, "\n", " ")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

var sensitivityRank = map[string]int{"critical": 4, "high": 3, "medium": 2, "low": 1}

// MarkdownOptions tunes the one-page report.
type MarkdownOptions struct {
	// MaxPriority leaves threats of a larger priority number out of the
	// table (they are counted below it); zero shows every threat.
	MaxPriority int
	// MaxRows caps the table at this many rows (after grouping); the rest
	// are counted below it. Zero shows every row.
	MaxRows int
}

// DefaultMaxRows is the size of the one page.
const DefaultMaxRows = 25

// WriteMarkdown renders the one-page threat map with every threat.
func WriteMarkdown(w io.Writer, a *assess.Assessment) error {
	return WriteMarkdownWith(w, a, MarkdownOptions{})
}

// WriteMarkdownWith renders the one-page threat map: what we cannot afford
// to lose, where it is exposed, and which exposures would be found and
// exploited first.
func WriteMarkdownWith(w io.Writer, a *assess.Assessment, opts MarkdownOptions) error {
	var b strings.Builder
	m := a.Model
	fmt.Fprintf(&b, "# Threat map: %s\n\n", m.System.Name)
	if m.System.Description != "" {
		fmt.Fprintf(&b, "%s\n\n", m.System.Description)
	}
	writeSummary(&b, a)

	b.WriteString("\n## 1. What we cannot afford to lose\n\n")
	writeAssets(&b, a)

	b.WriteString("\n## 2. Where it is exposed\n\n")
	writeSurfacesWith(&b, a, opts)
	writeBoundaries(&b, m)
	writeThirdParties(&b, m)
	b.WriteString("\n```mermaid\n")
	var mm strings.Builder
	_ = WriteMermaid(&mm, m)
	b.WriteString(mm.String())
	b.WriteString("```\n")

	b.WriteString("\n## 3. What would be found and exploited first\n\n")
	writeThreatTable(&b, a, opts)
	writeUnclaimed(&b, a)
	writeControls(&b, a)
	writeDrift(&b, a)
	writeUnanswered(&b, a)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeSummary(b *strings.Builder, a *assess.Assessment) {
	open, p1, failing := 0, 0, 0
	for _, t := range a.Threats {
		if assess.IsOpen(t.Status) {
			open++
			if t.Priority == 1 {
				p1++
			}
		}
	}
	for _, c := range a.Controls {
		if c.Status == assess.ControlFailing {
			failing++
		}
	}
	parts := []string{
		fmt.Sprintf("**%d threats**", len(a.Threats)),
		fmt.Sprintf("**%d open** (%d at priority 1)", open, p1),
		fmt.Sprintf("%d %s (%d failing)", len(a.Controls), pluralWord(len(a.Controls), "control", "controls"), failing),
	}
	if n := len(a.Unmodeled); n > 0 {
		parts = append(parts, fmt.Sprintf("%d unmodeled %s", n, pluralWord(n, "route", "routes")))
	}
	if n := len(a.Unclaimed); n > 0 {
		parts = append(parts, fmt.Sprintf("%d high or critical %s no threat covers", n, pluralWord(n, "finding", "findings")))
	}
	s := a.Model.System
	review := "never reviewed"
	if !s.Reviewed.IsZero() {
		review = "reviewed " + s.Reviewed.String()
		if !s.ReviewEvery.IsZero() {
			review += " (every " + s.ReviewEvery.String()
			if a.ReviewOverdue() {
				review += ", **overdue**"
			}
			review += ")"
		}
	}
	parts = append(parts, review)
	if s.Owner != "" {
		parts = append(parts, "owner "+s.Owner)
	}
	b.WriteString(strings.Join(parts, " · "))
	b.WriteString("\n")
}

func writeAssets(b *strings.Builder, a *assess.Assessment) {
	m := a.Model
	type row struct {
		asset         model.Asset
		stored, via   []string
		open, threats int
	}
	var rows []row
	for _, as := range m.Assets {
		r := row{asset: as}
		for _, c := range m.Components {
			if slices.Contains(c.Stores, as.ID) {
				r.stored = append(r.stored, c.Name)
			}
		}
		for _, s := range m.Surfaces {
			if slices.Contains(s.Assets, as.ID) {
				r.via = append(r.via, s.Name)
			}
		}
		for _, t := range a.Threats {
			if slices.Contains(t.Assets, as.ID) {
				r.threats++
				if assess.IsOpen(t.Status) {
					r.open++
				}
			}
		}
		rows = append(rows, r)
	}
	slices.SortStableFunc(rows, func(x, y row) int {
		return cmp.Or(
			cmp.Compare(sensitivityRank[y.asset.Sensitivity], sensitivityRank[x.asset.Sensitivity]),
			cmp.Compare(y.open, x.open),
			cmp.Compare(y.threats, x.threats),
			cmp.Compare(x.asset.ID, y.asset.ID),
		)
	})
	if len(rows) == 0 {
		b.WriteString("_No assets in the model: add what would hurt most if lost, leaked or abused._\n")
		return
	}
	b.WriteString("| Asset | Kind | Sensitivity | Stored in | Exposed through | Open threats |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %d of %d |\n", cell(r.asset.Name), r.asset.Kind, r.asset.Sensitivity,
			cell(orDash(strings.Join(r.stored, ", "))), cell(orDash(strings.Join(r.via, ", "))), r.open, r.threats)
	}
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func writeSurfaces(b *strings.Builder, a *assess.Assessment) {
	writeSurfacesWith(b, a, MarkdownOptions{})
}

// writeSurfacesWith writes the surfaces table; on the capped one page
// (opts.MaxRows set) a long list is summarised (see writeSurfaceSummary).
func writeSurfacesWith(b *strings.Builder, a *assess.Assessment, opts MarkdownOptions) {
	m := a.Model
	if len(m.Surfaces) == 0 {
		b.WriteString("_No surfaces in the model._\n")
		return
	}
	names := assetNames(m)
	if opts.MaxRows > 0 && len(m.Surfaces) > maxSurfaceRows {
		writeSurfaceSummary(b, m, names)
		return
	}
	b.WriteString("| Surface | Kind | Exposure | Auth | Assets |\n|---|---|---|---|---|\n")
	for _, s := range m.Surfaces {
		var assets []string
		for _, id := range s.Assets {
			assets = append(assets, names[id])
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", cell(s.Name), s.Kind, s.Exposure, s.Auth, cell(orDash(strings.Join(assets, ", "))))
	}
}

func writeBoundaries(b *strings.Builder, m *model.Model) {
	if len(m.Boundaries) == 0 {
		return
	}
	zone := map[string]string{}
	names := map[string]string{}
	for _, c := range m.Components {
		names[c.ID] = c.Name
	}
	b.WriteString("\n**Trust boundaries.** ")
	var parts []string
	for _, z := range m.Boundaries {
		var members []string
		for _, c := range z.Components {
			zone[c] = z.ID
			members = append(members, names[c])
		}
		label := z.Name
		if label == "" {
			label = z.ID
		}
		parts = append(parts, fmt.Sprintf("%s: %s", label, orDash(strings.Join(members, ", "))))
	}
	b.WriteString(strings.Join(parts, "; "))
	b.WriteString(".")
	var crossing []string
	for _, f := range m.Flows {
		if zone[f.From] != zone[f.To] {
			enc := ""
			if f.Encrypted != nil && !*f.Encrypted {
				enc = ", **plaintext**"
			}
			crossing = append(crossing, fmt.Sprintf("%s → %s (%s%s)", names[f.From], names[f.To], orDash(f.Protocol), enc))
		}
	}
	if len(crossing) > 0 {
		fmt.Fprintf(b, " Flows crossing a boundary: %s.", strings.Join(crossing, ", "))
	}
	b.WriteString("\n")
}

func writeThirdParties(b *strings.Builder, m *model.Model) {
	var parts []string
	for _, c := range m.Components {
		if c.Kind == "third-party" || c.Kind == "registry" || c.Kind == "ci" {
			var data []string
			for _, f := range m.Flows {
				if f.To == c.ID || f.From == c.ID {
					data = append(data, f.Data...)
				}
			}
			slices.Sort(data)
			data = slices.Compact(data)
			s := c.Name
			if len(data) > 0 {
				s += " (" + strings.Join(data, ", ") + ")"
			}
			parts = append(parts, s)
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(b, "\n**Third parties and pipeline.** %s.\n", strings.Join(parts, "; "))
	}
}

func assetNames(m *model.Model) map[string]string {
	names := map[string]string{}
	for _, a := range m.Assets {
		names[a.ID] = a.Name
	}
	return names
}

// StatusText renders a threat's status with what backs it: the
// mitigating controls, who accepted it and until when, whom it was
// transferred to.
func StatusText(t assess.Threat) string {
	s := t.Status
	switch {
	case len(t.MitigatedBy) > 0:
		s += " (" + strings.Join(t.MitigatedBy, ", ") + ")"
	case t.Status == assess.StatusOpen && t.Secondary:
		return "**open** (no response), defence in depth (does not fail check)"
	case t.Status == assess.StatusOpen:
		return "**open** (no response)"
	case t.Note != "" && t.Response != assess.ResponseMitigate:
		s += " (" + t.Note + ")"
	}
	if assess.IsOpen(t.Status) {
		s = "**" + t.Status + "**" + strings.TrimPrefix(s, t.Status)
	}
	if t.Secondary {
		s += ", defence in depth (does not fail check)"
	}
	return s
}

func writeThreatTable(b *strings.Builder, a *assess.Assessment, opts MarkdownOptions) {
	if len(a.Threats) == 0 {
		b.WriteString("_No threats found._\n")
		return
	}
	shown := a.Threats
	hidden, hiddenOpen := 0, 0
	if opts.MaxPriority > 0 {
		shown = nil
		for _, t := range a.Threats {
			if t.Priority <= opts.MaxPriority {
				shown = append(shown, t)
				continue
			}
			hidden++
			if assess.IsOpen(t.Status) {
				hiddenOpen++
			}
		}
	}
	rows := assess.Group(shown)
	var cut []assess.Row
	if opts.MaxRows > 0 && len(rows) > opts.MaxRows {
		rows, cut = rows[:opts.MaxRows], rows[opts.MaxRows:]
	}
	names := assetNames(a.Model)
	b.WriteString("| # | Surface | Asset at risk | What happens if abused | Difficulty | Mitigation | Status |\n|---|---|---|---|---|---|---|\n")
	var ids []string
	for _, r := range rows {
		t := r.Lead()
		var assets []string
		for _, rt := range r.Threats {
			for _, id := range rt.Assets {
				if n := names[id]; !slices.Contains(assets, n) {
					assets = append(assets, n)
				}
			}
			ids = append(ids, "`"+rt.ID+"`")
		}
		what := capitalize(t.Abuse) + " by " + t.Method
		if d := rowDetail(r); d != "" {
			what += " — " + d
		}
		if len(r.Also) > 0 {
			what += " (also: " + strings.Join(r.Also, "; ") + ")"
		}
		var mitigations []string
		for _, rt := range r.Threats {
			for _, m := range rt.Mitigations {
				if !slices.Contains(mitigations, m) {
					mitigations = append(mitigations, m)
				}
			}
		}
		fmt.Fprintf(b, "| P%d | %s | %s | %s | %s: requires %s | %s | %s |\n",
			t.Priority, cell(r.Label()), cell(orDash(strings.Join(assets, ", "))), cell(what),
			capitalize(t.Difficulty.String()), cell(t.Requires), cell(strings.Join(mitigations, "; ")), cell(StatusText(t)))
	}
	b.WriteString("\nIds, in table order: ")
	b.WriteString(strings.Join(ids, ", "))
	b.WriteString(".\n")
	if len(cut) > 0 {
		n, open := 0, 0
		byPriority := map[int]int{}
		for _, r := range cut {
			for _, t := range r.Threats {
				n++
				if assess.IsOpen(t.Status) {
					open++
				}
			}
			byPriority[r.Lead().Priority]++
		}
		var parts []string
		for p := 1; p <= 5; p++ {
			if byPriority[p] > 0 {
				parts = append(parts, fmt.Sprintf("%d at P%d", byPriority[p], p))
			}
		}
		fmt.Fprintf(b, "\n%d more %s (%s; %d %s, %d open) are left out of this page; `threatmap report --all` lists them.\n",
			len(cut), pluralWord(len(cut), "row", "rows"), strings.Join(parts, ", "), n, pluralWord(n, "threat", "threats"), open)
	}
	if hidden > 0 {
		fmt.Fprintf(b, "\n%d more %s at priority %d to 5 (%d open) are left out of this page; `threatmap report --all` lists them.\n",
			hidden, pluralWord(hidden, "threat", "threats"), opts.MaxPriority+1, hiddenOpen)
	}
}

// rowDetail is the detail a row shows: the lead's when the row has one
// element or every element reads the same, else the first two and a count.
func rowDetail(r assess.Row) string {
	var ds []string
	for _, t := range r.Threats {
		if t.Detail != "" && !slices.Contains(ds, t.Detail) {
			ds = append(ds, t.Detail)
		}
	}
	if len(ds) > 2 {
		return strings.Join(ds[:2], "; ") + fmt.Sprintf("; and %d more", len(ds)-2)
	}
	return strings.Join(ds, "; ")
}

func writeControls(b *strings.Builder, a *assess.Assessment) {
	if len(a.Controls) == 0 {
		return
	}
	b.WriteString("\n### Controls\n\n| Control | Kind | On | Claimed | Status | Evidence |\n|---|---|---|---|---|---|\n")
	for _, c := range a.Controls {
		ev := strings.Join(c.Refute, "; ")
		if ev == "" {
			ev = strings.Join(c.Support, "; ")
		}
		status := c.Status
		if status == assess.ControlFailing {
			status = "**failing**"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", cell(c.Name), c.Kind, cell(orDash(strings.Join(c.On, ", "))), c.Claimed, status, cell(orDash(ev)))
	}
}

func writeDrift(b *strings.Builder, a *assess.Assessment) {
	if len(a.Unmodeled) == 0 && len(a.Stale) == 0 && len(a.UnmodeledResources) == 0 && len(a.Evidence.Unresolved) == 0 {
		return
	}
	b.WriteString("\n### Model drift\n\n")
	for _, r := range a.Unmodeled {
		guards := "no guards"
		if len(r.Guards) > 0 {
			guards = "guards: " + strings.Join(r.Guards, ", ")
		}
		tags := ""
		if len(r.Tags) > 0 {
			tags = " [" + strings.Join(r.Tags, ", ") + "]"
		}
		fmt.Fprintf(b, "- Unmodeled: `%s %s` at %s:%d (%s)%s\n", r.Method, r.Path, r.File, r.Line, guards, tags)
	}
	for _, u := range a.Evidence.Unresolved {
		writeUnresolved(b, u)
	}
	for _, id := range a.Stale {
		fmt.Fprintf(b, "- Stale: surface `%s` is in the model but no route in the code serves it\n", id)
	}
	if n := len(a.UnmodeledResources); n > 0 {
		var names []string
		for _, r := range a.UnmodeledResources {
			names = append(names, "`"+r.Address+"`")
		}
		fmt.Fprintf(b, "- %d infrastructure %s no element of the model names (add them to an element's refs): %s\n",
			n, pluralWord(n, "resource", "resources"), strings.Join(names, ", "))
	}
}

func writeUnanswered(b *strings.Builder, a *assess.Assessment) {
	if len(a.Unanswered) == 0 {
		return
	}
	b.WriteString("\n### Responses that answer no threat\n\n")
	for _, r := range a.Unanswered {
		fmt.Fprintf(b, "- `%s` (%s): no rule raises this threat any more; remove the response or fix its id\n", r.Threat, r.Loc.At("").String())
	}
}

// writeUnresolved says what a scanner could not decide: a route
// registration it could not resolve, or (any other scanner) what it left
// unchecked and why.
func writeUnresolved(b *strings.Builder, u evidence.Unresolved) {
	at := u.File
	if u.Line > 0 {
		at = fmt.Sprintf("%s:%d", u.File, u.Line)
	}
	if u.Scanner == "" || u.Scanner == "routes" {
		fmt.Fprintf(b, "- Unresolved route registration at %s (%s): routes it registers may be missing from the model\n", at, u.Reason)
		return
	}
	fmt.Fprintf(b, "- Not checked by the %s scanner: %s (%s)\n", u.Scanner, at, u.Reason)
}
