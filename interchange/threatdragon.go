package interchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/model"
)

// TDVersion is the Threat Dragon model version ExportThreatDragon writes.
const TDVersion = "2.3.0"

// The Threat Dragon v2 document, as its JSON schema describes it.
type tdDoc struct {
	Version string    `json:"version"`
	Summary tdSummary `json:"summary"`
	Detail  tdDetail  `json:"detail"`
}

type tdSummary struct {
	Title       string `json:"title"`
	Owner       string `json:"owner,omitempty"`
	Description string `json:"description,omitempty"`
	ID          any    `json:"id,omitempty"`
	// ThreatmapControls carries the model's controls, which Threat Dragon
	// has no place for.
	ThreatmapControls []map[string]any `json:"threatmapControls,omitempty"`
}

type tdDetail struct {
	Contributors []tdContributor `json:"contributors"`
	Diagrams     []tdDiagram     `json:"diagrams"`
	DiagramTop   int             `json:"diagramTop"`
	Reviewer     string          `json:"reviewer"`
	ThreatTop    int             `json:"threatTop"`
}

type tdContributor struct {
	Name string `json:"name"`
}

type tdDiagram struct {
	ID          int      `json:"id"`
	Title       string   `json:"title"`
	DiagramType string   `json:"diagramType"`
	Thumbnail   string   `json:"thumbnail"`
	Version     string   `json:"version"`
	Description string   `json:"description,omitempty"`
	Cells       []tdCell `json:"cells,omitempty"`
	// DiagramJSON is where version 1 files keep their cells.
	DiagramJSON json.RawMessage `json:"diagramJson,omitempty"`
}

type tdXY struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

type tdSize struct {
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

type tdEnd struct {
	Cell string `json:"cell,omitempty"`
}

type tdCell struct {
	ID       string         `json:"id"`
	Shape    string         `json:"shape"`
	ZIndex   float64        `json:"zIndex"`
	Position *tdXY          `json:"position,omitempty"`
	Size     *tdSize        `json:"size,omitempty"`
	Attrs    map[string]any `json:"attrs,omitempty"`
	Visible  *bool          `json:"visible,omitempty"`
	Data     tdData         `json:"data"`
	Source   *tdEnd         `json:"source,omitempty"`
	Target   *tdEnd         `json:"target,omitempty"`
	// Threats sit under data in Threat Dragon 2.x files; some older
	// files keep them on the cell.
	Threats []tdThreat `json:"threats,omitempty"`
}

type tdData struct {
	Type              string     `json:"type"`
	Name              string     `json:"name,omitempty"`
	Description       string     `json:"description,omitempty"`
	OutOfScope        bool       `json:"outOfScope,omitempty"`
	ReasonOutOfScope  string     `json:"reasonOutOfScope,omitempty"`
	HasOpenThreats    bool       `json:"hasOpenThreats"`
	IsTrustBoundary   bool       `json:"isTrustBoundary,omitempty"`
	IsEncrypted       bool       `json:"isEncrypted,omitempty"`
	IsPublicNetwork   bool       `json:"isPublicNetwork,omitempty"`
	IsBidirectional   bool       `json:"isBidirectional,omitempty"`
	Protocol          string     `json:"protocol,omitempty"`
	StoresCredentials bool       `json:"storesCredentials,omitempty"`
	IsALog            bool       `json:"isALog,omitempty"`
	IsWebApplication  bool       `json:"isWebApplication,omitempty"`
	Threats           []tdThreat `json:"threats,omitempty"`
	// ThreatmapID and ThreatmapKind carry the threatmap element's id and
	// kind, so that importing an export gives the same model back.
	ThreatmapID   string `json:"threatmapId,omitempty"`
	ThreatmapKind string `json:"threatmapKind,omitempty"`
}

type tdThreat struct {
	ID          string `json:"id,omitempty"`
	ThreatID    string `json:"threatId,omitempty"`
	Title       string `json:"title"`
	Status      string `json:"status"`
	Severity    string `json:"severity"`
	Type        string `json:"type"`
	Description string `json:"description"`
	Mitigation  string `json:"mitigation"`
	ModelType   string `json:"modelType,omitempty"`
	// ThreatmapRule, ThreatmapResponse and ThreatmapImplicit carry what
	// threatmap knows of the threat, so that an import gives the
	// decisions back.
	ThreatmapRule     string         `json:"threatmapRule,omitempty"`
	ThreatmapResponse map[string]any `json:"threatmapResponse,omitempty"`
	ThreatmapImplicit bool           `json:"threatmapImplicit,omitempty"`
}

// tdStatus names a threatmap status in Threat Dragon's terms.
func tdStatus(status string) string {
	switch status {
	case assess.StatusMitigated, assess.StatusVerified:
		return "Mitigated"
	case assess.StatusAccepted:
		return "Accepted"
	case assess.StatusTransferred:
		return "Transferred"
	case assess.StatusEliminated:
		return "Eliminated"
	case assess.StatusNotApplicable:
		return "NA"
	}
	return "Open"
}

func tdSeverity(s threatmap.Severity) string {
	switch {
	case s >= threatmap.High:
		return "High"
	case s == threatmap.Medium:
		return "Medium"
	}
	return "Low"
}

func tdStride(st []threatmap.Stride) string {
	if len(st) == 0 {
		return "Tampering"
	}
	s := strings.ReplaceAll(string(st[0]), "-", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

func tdShape(kind string) (shape, typ string) {
	switch kind {
	case "client", "third-party":
		return "actor", "tm.Actor"
	case "datastore", "bucket", "cache", "queue", "registry":
		return "store", "tm.Store"
	}
	return "process", "tm.Process"
}

// ExportThreatDragon writes the model as one Threat Dragon v2 diagram:
// boundaries as boxes holding their components, components as actors,
// processes and stores, flows between them, and the assessed threats with
// their status on the elements they are about.
func ExportThreatDragon(m *model.Model, a *assess.Assessment) ([]byte, error) {
	// Threat Dragon draws components, flows and boundaries only: a threat
	// about a surface goes on its component, one about an identity on the
	// components that use it, one about an asset on those that store it;
	// the rest are listed in a text block.
	host := map[string][]string{}
	for _, s := range m.Surfaces {
		if s.Component != "" {
			host[s.ID] = []string{s.Component}
		}
	}
	for _, id := range m.Identities {
		host[id.ID] = append(host[id.ID], id.UsedBy...)
	}
	for _, c := range m.Components {
		if c.RunsAs != "" && !slices.Contains(host[c.RunsAs], c.ID) {
			host[c.RunsAs] = append(host[c.RunsAs], c.ID)
		}
		for _, a := range c.Stores {
			host[a] = append(host[a], c.ID)
		}
	}
	threatsOn := map[string][]tdThreat{}
	var loose []string
	if a != nil {
		for _, t := range a.Threats {
			mit := strings.Join(t.Mitigations, " ")
			if t.Note != "" {
				mit = strings.TrimSpace(t.Note + ". " + mit)
			}
			title := t.Title
			if t.ElementKind != string(model.KindComponent) && t.ElementKind != string(model.KindFlow) {
				title = orID(t.Surface, t.Element) + ": " + title
			}
			th := tdThreat{ID: t.ID, ThreatID: t.ID, Title: title, Status: tdStatus(t.Status), Severity: tdSeverity(t.Impact), Type: tdStride(t.Stride),
				Description: t.Summary(), Mitigation: mit, ModelType: "STRIDE", ThreatmapRule: t.Rule, ThreatmapImplicit: t.Implicit}
			if r, ok := m.Responses.Get(t.ID); ok {
				th.ThreatmapResponse = responseDetail(r)
			}
			on := []string{t.Element}
			if h, ok := host[t.Element]; ok && len(h) > 0 {
				on = h
			}
			if t.ElementKind == string(model.KindComponent) || t.ElementKind == string(model.KindFlow) || t.ElementKind == string(model.KindBoundary) || len(host[t.Element]) > 0 {
				for _, e := range on {
					threatsOn[e] = append(threatsOn[e], th)
				}
				continue
			}
			loose = append(loose, fmt.Sprintf("%s (%s): %s", t.ID, tdStatus(t.Status), t.Title))
		}
	}
	hasOpen := func(ts []tdThreat) bool {
		return slices.ContainsFunc(ts, func(t tdThreat) bool { return t.Status == "Open" })
	}
	diagram := tdDiagram{ID: 0, Title: m.System.Name, DiagramType: "STRIDE", Thumbnail: "./public/content/images/thumbnail.stride.jpg", Version: TDVersion}
	var assets []string
	for _, as := range m.Assets {
		assets = append(assets, fmt.Sprintf("%s (%s, %s)", as.ID, as.Kind, as.Sensitivity))
	}
	if len(assets) > 0 {
		diagram.Description = "Assets: " + strings.Join(assets, "; ")
	}
	const w, h, gapX, gapY, pad = 160.0, 80.0, 40.0, 40.0, 40.0
	z := 1.0
	placed := map[string]bool{}
	at := map[string]tdXY{}
	component := func(c model.Component, x, y float64) tdCell {
		shape, typ := tdShape(c.Kind)
		z++
		ts := threatsOn[c.ID]
		return tdCell{ID: c.ID, Shape: shape, ZIndex: z, Position: &tdXY{x, y}, Size: &tdSize{w, h},
			Attrs: map[string]any{"text": map[string]any{"text": orID(c.Name, c.ID)}},
			Data: tdData{Type: typ, Name: orID(c.Name, c.ID), Description: c.Description, Threats: ts, HasOpenThreats: hasOpen(ts),
				ThreatmapID: c.ID, ThreatmapKind: c.Kind, StoresCredentials: storesCredentials(m, c)}}
	}
	byID := map[string]model.Component{}
	for _, c := range m.Components {
		byID[c.ID] = c
	}
	x := pad
	var tallest float64
	var cells []tdCell
	for _, b := range m.Boundaries {
		n := len(b.Components)
		cols := min(max(n, 1), 3)
		rows := max((n+cols-1)/cols, 1)
		bw := float64(cols)*(w+gapX) + gapX
		bh := float64(rows)*(h+gapY) + gapY + 20
		ts := threatsOn[b.ID]
		cells = append(cells, tdCell{ID: b.ID, Shape: "trust-boundary-box", ZIndex: -1, Position: &tdXY{x, pad}, Size: &tdSize{bw, bh},
			Attrs: map[string]any{"label": map[string]any{"text": orID(b.Name, b.ID)}},
			Data:  tdData{Type: "tm.BoundaryBox", Name: orID(b.Name, b.ID), IsTrustBoundary: true, ThreatmapID: b.ID, Threats: ts, HasOpenThreats: hasOpen(ts)}})
		for i, id := range b.Components {
			c, ok := byID[id]
			if !ok || placed[id] {
				continue
			}
			placed[id] = true
			at[c.ID] = tdXY{x + gapX + float64(i%cols)*(w+gapX), pad + gapY + 20 + float64(i/cols)*(h+gapY)}
		}
		x += bw + gapX
		tallest = max(tallest, bh)
	}
	i := 0
	for _, c := range m.Components {
		if placed[c.ID] {
			continue
		}
		at[c.ID] = tdXY{pad + float64(i%5)*(w+gapX), pad + tallest + gapY + float64(i/5)*(h+gapY)}
		i++
	}
	for _, c := range m.Components {
		cells = append(cells, component(c, at[c.ID].X, at[c.ID].Y))
	}
	if len(loose) > 0 {
		text := "Threats about no drawn element:\n" + strings.Join(loose, "\n")
		cells = append(cells, tdCell{ID: "threatmap-other-threats", Shape: "td-text-block", ZIndex: z + 1,
			Position: &tdXY{pad, pad + tallest + gapY + float64((i+4)/5)*(h+gapY) + gapY}, Size: &tdSize{600, 20 * float64(len(loose)+1)},
			Attrs: map[string]any{"text": map[string]any{"text": text}}, Data: tdData{Type: "tm.Text", Name: text}})
	}
	for _, f := range m.Flows {
		name := f.Protocol
		if name == "" {
			name = f.ID
		}
		ts := threatsOn[f.ID]
		d := tdData{Type: "tm.Flow", Name: name, Protocol: f.Protocol, Threats: ts, HasOpenThreats: hasOpen(ts), ThreatmapID: f.ID}
		if f.Encrypted != nil {
			d.IsEncrypted = *f.Encrypted
		}
		z++
		cells = append(cells, tdCell{ID: f.ID, Shape: "flow", ZIndex: z, Source: &tdEnd{Cell: f.From}, Target: &tdEnd{Cell: f.To},
			Attrs: map[string]any{"line": map[string]any{"targetMarker": map[string]any{"name": "block"}, "sourceMarker": map[string]any{"name": ""}}}, Data: d})
	}
	diagram.Cells = cells
	doc := tdDoc{Version: TDVersion, Summary: tdSummary{Title: m.System.Name, Owner: m.System.Owner, Description: m.System.Description, ID: 0},
		Detail: tdDetail{Contributors: []tdContributor{}, Diagrams: []tdDiagram{diagram}, DiagramTop: 1, Reviewer: m.System.ReviewedBy}}
	if a != nil {
		doc.Detail.ThreatTop = len(a.Threats)
	}
	for _, c := range m.Controls {
		doc.Summary.ThreatmapControls = append(doc.Summary.ThreatmapControls, map[string]any{
			"id": c.ID, "name": c.Name, "kind": c.Kind, "status": c.Status, "on": c.On, "evidence": c.Evidence, "owner": c.Owner})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("export threat-dragon: %w", err)
	}
	return buf.Bytes(), nil
}

func storesCredentials(m *model.Model, c model.Component) bool {
	for _, s := range c.Stores {
		for _, a := range m.Assets {
			if a.ID == s && a.Kind == "credentials" {
				return true
			}
		}
	}
	return false
}

var uuidLike = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-`)

// ImportThreatDragon maps a Threat Dragon v2 model to a threatmap model.
func ImportThreatDragon(file string, data []byte) (*Imported, error) {
	if len(data) > MaxInputSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", file, MaxInputSize)
	}
	var doc tdDoc
	if err := decodeJSON(file, data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Detail.Diagrams) == 0 && doc.Summary.Title == "" {
		return nil, model.Diagnostics{{Pos: threatmap.Position{File: file, Line: 1, Column: 1}, Message: "not a Threat Dragon v2 model: no summary title and no diagrams"}}
	}
	for _, d := range doc.Detail.Diagrams {
		if len(d.DiagramJSON) > 0 {
			return nil, model.Diagnostics{{Pos: threatmap.Position{File: file, Line: 1, Column: 1}, Message: "a Threat Dragon version 1 model: open it in Threat Dragon 2 and save it, then import that"}}
		}
	}
	im := &Imported{Source: "OWASP Threat Dragon", Model: &model.Model{}, Counts: map[string]int{}}
	m := im.Model
	ids := newIDs()
	m.System = model.System{Name: orID(doc.Summary.Title, "Imported Threat Dragon model"), Owner: doc.Summary.Owner, Description: oneLine(doc.Summary.Description)}
	if doc.Detail.Reviewer != "" {
		im.note("reviewer: %s (set reviewed: and review_every: once the model has been reviewed)", doc.Detail.Reviewer)
	}
	elemID := func(kind string, di int, c tdCell, n int) string {
		foreign := c.Data.ThreatmapID
		if foreign == "" || slug(foreign) != foreign {
			foreign = c.Data.Name
			if foreign == "" && c.ID != "" && !uuidLike.MatchString(c.ID) {
				foreign = c.ID
			}
			if foreign == "" {
				foreign = fmt.Sprintf("%s-%d", c.Shape, n)
			}
		}
		return ids.assignAs(kind, fmt.Sprintf("%d/%d/%s", di, n, c.ID), foreign)
	}
	type box struct {
		bd          int
		x, y, w, hh float64
	}
	var boxes []box
	cellID := map[string]string{}
	var credStores []string
	type placed struct {
		threats []tdThreat
		element string
		kind    string
	}
	var withThreats []placed
	multi := len(doc.Detail.Diagrams) > 1
	for di, d := range doc.Detail.Diagrams {
		im.Counts["diagrams"]++
		for n, c := range d.Cells {
			threats := append(slices.Clone(c.Data.Threats), c.Threats...)
			switch c.Shape {
			case "actor", "process", "store":
				im.Counts[map[string]string{"actor": "actors", "process": "processes", "store": "stores"}[c.Shape]]++
				id := elemID("component", di, c, n)
				cellID[fmt.Sprintf("%d/%s", di, c.ID)] = id
				kind := c.Data.ThreatmapKind
				if !slices.Contains(componentKinds, kind) {
					kind = map[string]string{"actor": "client", "process": "service", "store": "datastore"}[c.Shape]
				}
				mc := model.Component{ID: id, Name: c.Data.Name, Kind: kind, Description: oneLine(c.Data.Description)}
				if c.Data.OutOfScope {
					mc.Tags = append(mc.Tags, "out-of-scope")
					im.comment(id, "Out of scope in Threat Dragon: %s", orDash(oneLine(c.Data.ReasonOutOfScope)))
				}
				if c.Data.IsALog {
					im.comment(id, "A log store in Threat Dragon.")
				}
				if c.Data.IsWebApplication {
					im.comment(id, "A web application in Threat Dragon: add its endpoints as surfaces.")
				}
				if c.Data.StoresCredentials {
					credStores = append(credStores, id)
				}
				if multi {
					im.comment(id, "From diagram %q.", d.Title)
				}
				m.Components = append(m.Components, mc)
				if c.Position != nil && c.Size != nil {
					boxes = append(boxes, box{-1 - (len(m.Components) - 1), c.Position.X, c.Position.Y, c.Size.Width, c.Size.Height})
				}
				withThreats = append(withThreats, placed{threats, id, "component"})
			case "trust-boundary-box":
				im.Counts["boundary boxes"]++
				name := c.Data.Name
				if name == "" {
					if l, ok := c.Attrs["label"].(map[string]any); ok {
						name, _ = l["text"].(string)
					}
				}
				named := c
				named.Data.Name = name
				id := elemID("boundary", di, named, n)
				m.Boundaries = append(m.Boundaries, model.Boundary{ID: id, Name: name})
				if c.Position != nil && c.Size != nil {
					boxes = append(boxes, box{len(m.Boundaries) - 1, c.Position.X, c.Position.Y, c.Size.Width, c.Size.Height})
				}
			case "trust-boundary-curve":
				im.Counts["boundary lines"]++
				im.note("trust boundary line %q in diagram %q: a line does not say which side each component is on; draw it as a box or list its components under boundaries:", orDash(c.Data.Name), d.Title)
			case "td-text-block":
				im.Counts["text blocks"]++
				if t := oneLine(c.Data.Name); t != "" {
					im.note("text in diagram %q: %s", d.Title, t)
				}
			case "flow":
			default:
				im.note("cell %s of shape %q in diagram %q has no equivalent", c.ID, c.Shape, d.Title)
			}
		}
	}
	// Components sit in the smallest boundary box that holds their centre.
	for _, b := range boxes {
		if b.bd >= 0 {
			continue
		}
		ci := -1 - b.bd
		cx, cy := b.x+b.w/2, b.y+b.hh/2
		best, area := -1, 0.0
		for _, z := range boxes {
			if z.bd < 0 || cx < z.x || cx > z.x+z.w || cy < z.y || cy > z.y+z.hh {
				continue
			}
			if best < 0 || z.w*z.hh < area {
				best, area = z.bd, z.w*z.hh
			}
		}
		if best >= 0 {
			m.Boundaries[best].Components = append(m.Boundaries[best].Components, m.Components[ci].ID)
		}
	}
	if len(credStores) > 0 {
		id := ids.assign("asset", "credentials")
		m.Assets = append(m.Assets, model.Asset{ID: id, Name: "Credentials", Kind: "credentials"})
		im.comment(id, "Made from Threat Dragon's \"stores credentials\" on %s.", strings.Join(credStores, ", "))
		for i := range m.Components {
			if slices.Contains(credStores, m.Components[i].ID) {
				m.Components[i].Stores = append(m.Components[i].Stores, id)
			}
		}
	}
	for di, d := range doc.Detail.Diagrams {
		for n, c := range d.Cells {
			if c.Shape != "flow" {
				continue
			}
			im.Counts["flows"]++
			threats := append(slices.Clone(c.Data.Threats), c.Threats...)
			var from, to string
			if c.Source != nil {
				from = cellID[fmt.Sprintf("%d/%s", di, c.Source.Cell)]
			}
			if c.Target != nil {
				to = cellID[fmt.Sprintf("%d/%s", di, c.Target.Cell)]
			}
			if from == "" || to == "" {
				im.note("flow %q in diagram %q is not connected to an element at both ends, left out", orDash(c.Data.Name), d.Title)
				for _, t := range threats {
					im.note("threat %q (%s) on that flow", t.Title, t.Status)
				}
				continue
			}
			fc := c
			if fc.Data.Name == "" || fc.Data.ThreatmapID == "" && fc.Data.Name == fc.Data.Protocol {
				fc.Data.Name = from + "-to-" + to
			}
			id := elemID("flow", di, fc, n)
			f := model.Flow{ID: id, From: from, To: to, Protocol: strings.ToLower(strings.TrimSpace(c.Data.Protocol))}
			enc := c.Data.IsEncrypted
			f.Encrypted = &enc
			m.Flows = append(m.Flows, f)
			if c.Data.Name != "" && c.Data.ThreatmapID == "" {
				im.comment(id, "Threat Dragon flow %q.", c.Data.Name)
			}
			if c.Data.IsPublicNetwork {
				im.comment(id, "Crosses a public network in Threat Dragon.")
			}
			if c.Data.IsBidirectional {
				im.comment(id, "Bidirectional in Threat Dragon: threatmap flows go one way; add the reverse flow if data goes back.")
			}
			withThreats = append(withThreats, placed{threats, id, "flow"})
		}
	}
	controls := tdControlsImport(im, ids, doc.Summary.ThreatmapControls)
	for _, p := range withThreats {
		for _, t := range p.threats {
			im.Counts["threats"]++
			tdThreatImport(im, ids, t, p.element, p.kind, controls)
		}
	}
	return im, nil
}

// tdThreatImport makes a response of a threat whose id names a rule and
// this element. Any other threat becomes a custom rule that fires on the
// element, with its status as the response (a control for a mitigated
// one, not_applicable for NA, none while open).
func tdThreatImport(im *Imported, ids *idAllocator, t tdThreat, elem, kind string, controls map[string]string) {
	m := im.Model
	key := orID(t.ThreatID, t.ID)
	rule, on, isRule := strings.Cut(key, "@")
	if t.ThreatmapRule != "" {
		// A threat threatmap found: its decision comes back as written.
		// One about an element Threat Dragon does not draw (a surface, an
		// identity, an asset) was shown on a component and cannot.
		if on != elem || t.ThreatmapImplicit || t.ThreatmapResponse == nil {
			if on != elem && t.ThreatmapResponse != nil {
				im.note("the response to %s: its element is not drawn in Threat Dragon", key)
			}
			return
		}
		if _, dup := m.Responses.Get(key); dup {
			return
		}
		r, why := responseFrom(t.ThreatmapResponse, key, controls)
		if why != "" {
			im.note("the response to %s: %s", key, why)
			return
		}
		m.Responses = append(m.Responses, r)
		return
	}
	// A threat about a surface was exported on the surface's component;
	// Threat Dragon has no surfaces, so it comes back as a note.
	isRule = isRule && slug(rule) == rule && on == elem
	status := strings.ToLower(t.Status)
	if isRule {
		if _, dup := m.Responses.Get(key); dup {
			return
		}
		r := model.Response{Threat: key}
		switch status {
		case "mitigated":
			cid := ids.assign("control", key+"-mitigation")
			m.Controls = append(m.Controls, model.Control{ID: cid, Name: oneLine(orID(t.Mitigation, t.Title)), Kind: "threat-dragon-mitigation", On: []string{elem}, Status: "implemented"})
			r.Mitigate = []string{cid}
		case "na":
			r.NotApplicable = "marked not applicable in Threat Dragon"
		}
		if r.Kind() != "" {
			m.Responses = append(m.Responses, r)
			return
		}
		if status != "open" {
			im.note("threat %s: %s (no response carried over: threatmap needs who, when and why)", key, t.Status)
		}
		return
	}
	rule = im.addCustom("td", t.Title, t.Description, t.Mitigation, strideOf(t.Type), tdImpact(t.Severity), kind, elem)
	key = rule + "@" + elem
	if _, dup := m.Responses.Get(key); dup {
		return
	}
	r := model.Response{Threat: key}
	switch status {
	case "open", "":
		return
	case "mitigated":
		cid := ids.assignAs("control", fmt.Sprintf("threat-%d", len(m.Controls)), elem+"-"+t.Title)
		m.Controls = append(m.Controls, model.Control{ID: cid, Name: oneLine(orID(t.Mitigation, t.Title)), Kind: "threat-dragon-mitigation", On: []string{elem}, Status: "implemented"})
		r.Mitigate = []string{cid}
	case "na":
		r.NotApplicable = "marked not applicable in Threat Dragon"
	default:
		im.note("threat %q on %s: %s (no response carried over: threatmap needs who, when and why)", t.Title, elem, t.Status)
		return
	}
	m.Responses = append(m.Responses, r)
}

func tdImpact(severity string) string {
	switch strings.ToLower(severity) {
	case "critical":
		return "critical"
	case "high":
		return "high"
	case "low":
		return "low"
	}
	return "medium"
}

// tdControlsImport reads the controls a threatmap export carried in the
// summary; it returns their new ids by their old ones.
func tdControlsImport(im *Imported, ids *idAllocator, list []map[string]any) map[string]string {
	m := im.Model
	known := map[string]bool{}
	for _, c := range m.Components {
		known[c.ID] = true
	}
	for _, f := range m.Flows {
		known[f.ID] = true
	}
	for _, b := range m.Boundaries {
		known[b.ID] = true
	}
	for _, a := range m.Assets {
		known[a.ID] = true
	}
	out := map[string]string{}
	str := func(c map[string]any, k string) string { v, _ := c[k].(string); return v }
	for _, c := range list {
		id, kind, status := str(c, "id"), str(c, "kind"), str(c, "status")
		if id == "" || kind == "" || !slices.Contains([]string{"planned", "implemented", "verified", "failing"}, status) {
			continue
		}
		cid := ids.assign("control", id)
		ctl := model.Control{ID: cid, Name: str(c, "name"), Kind: kind, Status: status, Evidence: oneLine(str(c, "evidence")), Owner: str(c, "owner")}
		on, _ := c["on"].([]any)
		for _, o := range on {
			e, _ := o.(string)
			if known[e] {
				ctl.On = append(ctl.On, e)
			} else {
				im.comment(cid, "Also protected %s in the exported model, which Threat Dragon does not draw.", e)
			}
		}
		m.Controls = append(m.Controls, ctl)
		out[id] = cid
	}
	return out
}
