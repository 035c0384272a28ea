package interchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/model"
)

// OTMVersion is the Open Threat Model version written by ExportOTM.
const OTMVersion = "0.2.0"

// Attribute keys threatmap writes into OTM attributes so that an import of
// its own export gives back the same model.
const (
	otmKind        = "threatmap.kind"
	otmSensitivity = "threatmap.sensitivity"
	otmUnzoned     = "threatmap.unzoned"
	otmSurfaceType = "threatmap-surface"
	otmResponse    = "threatmap.response_detail"
)

// The OTM document, as its JSON schema describes it.
type otmDoc struct {
	OTMVersion  string          `json:"otmVersion"`
	Project     otmProject      `json:"project"`
	Assets      []otmAsset      `json:"assets,omitempty"`
	TrustZones  []otmTrustZone  `json:"trustZones"`
	Components  []otmComponent  `json:"components,omitempty"`
	Dataflows   []otmDataflow   `json:"dataflows"`
	Threats     []otmThreat     `json:"threats,omitempty"`
	Mitigations []otmMitigation `json:"mitigations,omitempty"`
}

type otmProject struct {
	Name        string `json:"name"`
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	Owner       string `json:"owner,omitempty"`
}

type otmAsset struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Risk        otmCIA         `json:"risk"`
	Attributes  map[string]any `json:"attributes,omitempty"`
}

type otmCIA struct {
	Confidentiality float64 `json:"confidentiality"`
	Integrity       float64 `json:"integrity"`
	Availability    float64 `json:"availability"`
	Comment         string  `json:"comment,omitempty"`
}

type otmTrustZone struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Type        string         `json:"type,omitempty"`
	Description string         `json:"description,omitempty"`
	Risk        otmTrust       `json:"risk"`
	Attributes  map[string]any `json:"attributes,omitempty"`
}

type otmTrust struct {
	TrustRating float64 `json:"trustRating"`
}

type otmParent struct {
	TrustZone string `json:"trustZone,omitempty"`
	Component string `json:"component,omitempty"`
}

type otmComponent struct {
	ID          string              `json:"id"`
	Name        string              `json:"name"`
	Type        string              `json:"type"`
	Description string              `json:"description,omitempty"`
	Parent      otmParent           `json:"parent"`
	Assets      *otmAssetInstance   `json:"assets,omitempty"`
	Threats     []otmThreatInstance `json:"threats,omitempty"`
	Tags        []string            `json:"tags,omitempty"`
	Attributes  map[string]any      `json:"attributes,omitempty"`
}

type otmAssetInstance struct {
	Processed []string `json:"processed,omitempty"`
	Stored    []string `json:"stored,omitempty"`
}

type otmDataflow struct {
	ID            string              `json:"id"`
	Name          string              `json:"name"`
	Description   string              `json:"description,omitempty"`
	Bidirectional bool                `json:"bidirectional,omitempty"`
	Source        string              `json:"source"`
	Destination   string              `json:"destination"`
	Assets        []string            `json:"assets,omitempty"`
	Threats       []otmThreatInstance `json:"threats,omitempty"`
	Tags          []string            `json:"tags,omitempty"`
	Attributes    map[string]any      `json:"attributes,omitempty"`
}

type otmThreatInstance struct {
	Threat      string                  `json:"threat"`
	State       string                  `json:"state"`
	Mitigations []otmMitigationInstance `json:"mitigations,omitempty"`
}

type otmMitigationInstance struct {
	Mitigation string `json:"mitigation"`
	State      string `json:"state"`
}

type otmThreat struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Categories  []string       `json:"categories,omitempty"`
	Risk        otmThreatRisk  `json:"risk"`
	Tags        []string       `json:"tags,omitempty"`
	Attributes  map[string]any `json:"attributes,omitempty"`
}

type otmThreatRisk struct {
	Likelihood float64 `json:"likelihood"`
	Impact     float64 `json:"impact"`
}

type otmMitigation struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Description   string         `json:"description,omitempty"`
	RiskReduction float64        `json:"riskReduction"`
	Attributes    map[string]any `json:"attributes,omitempty"`
}

var sensitivityScore = map[string]float64{"low": 25, "medium": 50, "high": 75, "critical": 100}

// otmState names a threat status the way OTM tools read threat states.
func otmState(status string) string {
	switch status {
	case assess.StatusMitigated, assess.StatusVerified:
		return "mitigated"
	case assess.StatusAccepted:
		return "accepted"
	case assess.StatusTransferred:
		return "transferred"
	case assess.StatusEliminated:
		return "eliminated"
	case assess.StatusNotApplicable:
		return "not-applicable"
	}
	return "exposed"
}

// ExportOTM writes the model, and the assessed threats with their status
// when a is not nil, as an Open Threat Model JSON document.
func ExportOTM(m *model.Model, a *assess.Assessment) ([]byte, error) {
	doc := otmDoc{OTMVersion: OTMVersion, Project: otmProject{Name: m.System.Name, ID: slug(m.System.Name), Description: m.System.Description, Owner: m.System.Owner},
		TrustZones: []otmTrustZone{}, Dataflows: []otmDataflow{}}
	for _, as := range m.Assets {
		s := sensitivityScore[as.Sensitivity]
		doc.Assets = append(doc.Assets, otmAsset{ID: as.ID, Name: orID(as.Name, as.ID), Description: as.Description,
			Risk:       otmCIA{Confidentiality: s, Integrity: s, Availability: s, Comment: "threatmap sensitivity " + as.Sensitivity},
			Attributes: map[string]any{otmKind: as.Kind, otmSensitivity: as.Sensitivity}})
	}
	kindOf := map[string]string{}
	for _, c := range m.Components {
		kindOf[c.ID] = c.Kind
	}
	zoneOf := map[string]string{}
	for _, b := range m.Boundaries {
		trust := 80.0
		for _, c := range b.Components {
			zoneOf[c] = b.ID
			if k := kindOf[c]; k == "client" || k == "third-party" {
				trust = 20
			}
		}
		doc.TrustZones = append(doc.TrustZones, otmTrustZone{ID: b.ID, Name: orID(b.Name, b.ID), Type: "threatmap-boundary", Risk: otmTrust{TrustRating: trust}})
	}
	unzoned := false
	threatsOn := map[string][]otmThreatInstance{}
	if a != nil {
		for _, t := range a.Threats {
			ot := otmThreatFrom(t)
			if r, ok := m.Responses.Get(t.ID); ok {
				ot.Attributes[otmResponse] = responseDetail(r)
			}
			doc.Threats = append(doc.Threats, ot)
			inst := otmThreatInstance{Threat: t.ID, State: otmState(t.Status)}
			for _, c := range t.MitigatedBy {
				inst.Mitigations = append(inst.Mitigations, otmMitigationInstance{Mitigation: c, State: controlStatus(a, c)})
			}
			threatsOn[t.Element] = append(threatsOn[t.Element], inst)
		}
	}
	for _, c := range m.Components {
		zone, ok := zoneOf[c.ID]
		if !ok {
			zone, unzoned = "threatmap-unzoned", true
		}
		attrs := map[string]any{otmKind: c.Kind}
		for k, v := range map[string]string{"threatmap.provider": c.Provider, "threatmap.path": c.Path, "threatmap.runs_as": c.RunsAs} {
			if v != "" {
				attrs[k] = v
			}
		}
		if c.Public {
			attrs["threatmap.public"] = true
		}
		if c.Encrypted != nil {
			attrs["threatmap.encrypted_at_rest"] = *c.Encrypted
		}
		oc := otmComponent{ID: c.ID, Name: orID(c.Name, c.ID), Type: c.Kind, Description: c.Description, Parent: otmParent{TrustZone: zone},
			Tags: c.Tags, Threats: threatsOn[c.ID], Attributes: attrs}
		if len(c.Stores) > 0 {
			oc.Assets = &otmAssetInstance{Stored: c.Stores}
		}
		doc.Components = append(doc.Components, oc)
	}
	for _, s := range m.Surfaces {
		attrs := map[string]any{otmKind: s.Kind}
		for k, v := range map[string]string{"threatmap.method": s.Method, "threatmap.path": s.Path, "threatmap.exposure": s.Exposure, "threatmap.auth": s.Auth,
			"threatmap.sender": s.Sender, "threatmap.signature": s.Signature, "threatmap.exit": s.Exit} {
			if v != "" {
				attrs[k] = v
			}
		}
		oc := otmComponent{ID: s.ID, Name: orID(s.Name, s.ID), Type: otmSurfaceType, Tags: s.Tags, Threats: threatsOn[s.ID], Attributes: attrs}
		if s.Component != "" {
			oc.Parent.Component = s.Component
		} else {
			oc.Parent.TrustZone, unzoned = "threatmap-unzoned", true
		}
		if len(s.Assets) > 0 {
			oc.Assets = &otmAssetInstance{Processed: s.Assets}
		}
		doc.Components = append(doc.Components, oc)
	}
	if unzoned {
		doc.TrustZones = append(doc.TrustZones, otmTrustZone{ID: "threatmap-unzoned", Name: "Outside every boundary", Type: "threatmap-unzoned",
			Description: "Components the threatmap model places in no trust boundary.", Risk: otmTrust{TrustRating: 0}, Attributes: map[string]any{otmUnzoned: true}})
	}
	for _, f := range m.Flows {
		attrs := map[string]any{}
		if f.Protocol != "" {
			attrs["threatmap.protocol"] = f.Protocol
		}
		if f.Encrypted != nil {
			attrs["threatmap.encrypted"] = *f.Encrypted
		}
		if f.Credential != "" {
			attrs["threatmap.credential"] = f.Credential
		}
		df := otmDataflow{ID: f.ID, Name: f.From + " to " + f.To, Source: f.From, Destination: f.To, Assets: f.Data, Threats: threatsOn[f.ID]}
		if len(attrs) > 0 {
			df.Attributes = attrs
		}
		if f.Protocol != "" {
			df.Tags = []string{f.Protocol}
		}
		doc.Dataflows = append(doc.Dataflows, df)
	}
	computed := map[string]string{}
	if a != nil {
		for _, c := range a.Controls {
			computed[c.ID] = c.Status
		}
	}
	for _, c := range m.Controls {
		status := c.Status
		if st, ok := computed[c.ID]; ok {
			status = st
		}
		attrs := map[string]any{otmKind: c.Kind, "threatmap.status": c.Status, "threatmap.computed_status": status}
		if len(c.On) > 0 {
			attrs["threatmap.on"] = c.On
		}
		if c.Owner != "" {
			attrs["threatmap.owner"] = c.Owner
		}
		doc.Mitigations = append(doc.Mitigations, otmMitigation{ID: c.ID, Name: orID(c.Name, c.ID), Description: c.Evidence, RiskReduction: riskReduction(status), Attributes: attrs})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("export otm: %w", err)
	}
	return buf.Bytes(), nil
}

func otmThreatFrom(t assess.Threat) otmThreat {
	var cats []string
	for _, s := range t.Stride {
		cats = append(cats, string(s))
	}
	likelihood := map[threatmap.Difficulty]float64{threatmap.DifficultyLow: 90, threatmap.DifficultyMedium: 50, threatmap.DifficultyHigh: 20}[t.Difficulty]
	impact := float64(t.Impact) * 25
	return otmThreat{ID: t.ID, Name: t.Title, Description: t.Summary(), Categories: cats, Risk: otmThreatRisk{Likelihood: likelihood, Impact: impact},
		Attributes: map[string]any{"threatmap.rule": t.Rule, "threatmap.element": t.Element, "threatmap.priority": t.Priority,
			"threatmap.status": t.Status, "threatmap.response": t.Response, "threatmap.implicit": t.Implicit}}
}

func controlStatus(a *assess.Assessment, id string) string {
	for _, c := range a.Controls {
		if c.ID == id {
			return c.Status
		}
	}
	return ""
}

func riskReduction(status string) float64 {
	switch status {
	case assess.ControlVerified:
		return 100
	case assess.ControlImplemented:
		return 75
	}
	return 0
}

func orID(name, id string) string {
	if name == "" {
		return id
	}
	return name
}

// ImportOTM maps an Open Threat Model JSON document to a threatmap model.
func ImportOTM(file string, data []byte) (*Imported, error) {
	if len(data) > MaxInputSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", file, MaxInputSize)
	}
	var doc otmDoc
	if err := decodeJSON(file, data, &doc); err != nil {
		return nil, err
	}
	im := &Imported{Source: "the Open Threat Model (OTM)", Model: &model.Model{}, Counts: map[string]int{}}
	m := im.Model
	ids := newIDs()
	m.System = model.System{Name: orID(doc.Project.Name, "Imported OTM model"), Description: oneLine(doc.Project.Description), Owner: doc.Project.Owner}
	doc.Assets = dedupe(im, "asset", doc.Assets, func(a otmAsset) string { return a.ID })
	doc.TrustZones = dedupe(im, "trust zone", doc.TrustZones, func(z otmTrustZone) string { return z.ID })
	doc.Components = dedupe(im, "component", doc.Components, func(c otmComponent) string { return c.ID })
	doc.Dataflows = dedupe(im, "dataflow", doc.Dataflows, func(f otmDataflow) string { return f.ID })
	im.Counts["assets"] = len(doc.Assets)
	im.Counts["trustZones"] = len(doc.TrustZones)
	im.Counts["components"] = len(doc.Components)
	im.Counts["dataflows"] = len(doc.Dataflows)
	im.Counts["threats"] = len(doc.Threats)
	im.Counts["mitigations"] = len(doc.Mitigations)

	for _, as := range doc.Assets {
		id := ids.assign("asset", as.ID)
		kind, _ := as.Attributes[otmKind].(string)
		if !slices.Contains([]string{"user-data", "credentials", "credits", "integrity", "availability", "other"}, kind) {
			kind = tgAssetKind(as.ID+" "+as.Name, "", "", "")
			if kind == "other" && as.Risk.Confidentiality >= 75 {
				kind = "user-data"
			}
		}
		sens, _ := as.Attributes[otmSensitivity].(string)
		if _, ok := sensitivityScore[sens]; !ok {
			sens = scoreSensitivity(max(as.Risk.Confidentiality, as.Risk.Integrity, as.Risk.Availability))
		}
		m.Assets = append(m.Assets, model.Asset{ID: id, Name: as.Name, Kind: kind, Sensitivity: sens, Description: oneLine(as.Description)})
	}
	assetRefs := func(list []string) []string {
		var out []string
		for _, a := range list {
			if id, ok := ids.get("asset", a); ok && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
		return out
	}
	zones := map[string]int{}
	for _, z := range doc.TrustZones {
		if u, _ := z.Attributes[otmUnzoned].(bool); u {
			zones[z.ID] = -1
			continue
		}
		id := ids.assignAs("boundary", z.ID, readableID(z.ID, z.Name))
		m.Boundaries = append(m.Boundaries, model.Boundary{ID: id, Name: z.Name})
		zones[z.ID] = len(m.Boundaries) - 1
		im.comment(id, "OTM trust zone %s: type %s, trust rating %g.", z.ID, orDash(z.Type), z.Risk.TrustRating)
	}
	// Components first (surfaces point at them), then surfaces; nested
	// components sit in their parent's zone.
	byID := map[string]otmComponent{}
	for _, c := range doc.Components {
		byID[c.ID] = c
		if c.Type != otmSurfaceType {
			ids.assignAs("component", c.ID, readableID(c.ID, c.Name))
		}
	}
	zoneOf := func(c otmComponent) (string, bool) {
		for i := 0; i < 16 && c.Parent.TrustZone == "" && c.Parent.Component != ""; i++ {
			p, ok := byID[c.Parent.Component]
			if !ok {
				return "", false
			}
			c = p
		}
		return c.Parent.TrustZone, c.Parent.TrustZone != ""
	}
	for _, c := range doc.Components {
		if c.Type == otmSurfaceType {
			continue
		}
		id, _ := ids.get("component", c.ID)
		kind, _ := c.Attributes[otmKind].(string)
		if !slices.Contains(componentKinds, kind) {
			kind = otmComponentKind(c.Type + " " + c.Name)
			im.comment(id, "OTM component type %q, read as %s.", c.Type, kind)
		}
		mc := model.Component{ID: id, Name: c.Name, Kind: kind, Description: oneLine(c.Description), Tags: c.Tags}
		mc.Provider, _ = c.Attributes["threatmap.provider"].(string)
		mc.Path, _ = c.Attributes["threatmap.path"].(string)
		mc.Public, _ = c.Attributes["threatmap.public"].(bool)
		if enc, ok := c.Attributes["threatmap.encrypted_at_rest"].(bool); ok {
			mc.Encrypted = &enc
		}
		if c.Assets != nil {
			mc.Stores = assetRefs(c.Assets.Stored)
			if len(c.Assets.Processed) > 0 {
				im.comment(id, "Processes %s.", strings.Join(assetRefs(c.Assets.Processed), ", "))
			}
		}
		if c.Parent.Component != "" {
			im.comment(id, "Nested inside component %s in OTM; threatmap components do not nest.", c.Parent.Component)
		}
		m.Components = append(m.Components, mc)
		if z, ok := zoneOf(c); ok {
			if i, ok := zones[z]; ok && i >= 0 {
				m.Boundaries[i].Components = append(m.Boundaries[i].Components, id)
			} else if !ok {
				im.note("component %s: parent trust zone %q does not exist", c.ID, z)
			}
		}
	}
	for _, c := range doc.Components {
		if c.Type != otmSurfaceType {
			continue
		}
		id := ids.assign("surface", c.ID)
		s := model.Surface{ID: id, Name: c.Name, Tags: c.Tags}
		s.Kind, _ = c.Attributes[otmKind].(string)
		s.Method, _ = c.Attributes["threatmap.method"].(string)
		s.Path, _ = c.Attributes["threatmap.path"].(string)
		s.Exposure, _ = c.Attributes["threatmap.exposure"].(string)
		s.Auth, _ = c.Attributes["threatmap.auth"].(string)
		s.Sender, _ = c.Attributes["threatmap.sender"].(string)
		s.Signature, _ = c.Attributes["threatmap.signature"].(string)
		s.Exit, _ = c.Attributes["threatmap.exit"].(string)
		s.Component, _ = ids.get("component", c.Parent.Component)
		if c.Assets != nil {
			s.Assets = assetRefs(c.Assets.Processed)
		}
		if why := surfaceProblem(s); why != "" {
			im.note("surface %s: %s; left out", c.ID, why)
			continue
		}
		m.Surfaces = append(m.Surfaces, s)
	}
	for _, f := range doc.Dataflows {
		from, ok1 := ids.get("component", f.Source)
		to, ok2 := ids.get("component", f.Destination)
		if !ok1 || !ok2 {
			im.note("dataflow %s: from %q to %q, which are not both components", f.ID, f.Source, f.Destination)
			continue
		}
		id := ids.assignAs("flow", f.ID, readableID(f.ID, f.Name))
		fl := model.Flow{ID: id, From: from, To: to, Data: assetRefs(f.Assets)}
		fl.Protocol, _ = f.Attributes["threatmap.protocol"].(string)
		if enc, ok := f.Attributes["threatmap.encrypted"].(bool); ok {
			fl.Encrypted = &enc
		}
		if cred, ok := f.Attributes["threatmap.credential"].(string); ok {
			im.comment(id, "Authenticated with %s in the exported model.", cred)
		}
		if f.Bidirectional {
			im.comment(id, "Bidirectional in OTM: threatmap flows go one way; add the reverse flow if data goes back.")
		}
		m.Flows = append(m.Flows, fl)
	}
	otmThreatsImport(im, ids, &doc)
	return im, nil
}

var componentKinds = []string{"client", "service", "function", "datastore", "bucket", "queue", "cache", "third-party", "ci", "admin", "registry", "other"}

// otmComponentKind reads a component kind from a foreign type name.
func otmComponentKind(s string) string {
	s = strings.ToLower(s)
	for _, k := range []struct {
		kind  string
		words []string
	}{
		{"client", []string{"client", "browser", "mobile", "user", "actor", "desktop"}},
		{"datastore", []string{"database", "sql", "mongo", "dynamo", "datastore", "store", "db"}},
		{"bucket", []string{"bucket", "s3", "blob", "file", "storage"}},
		{"queue", []string{"queue", "kafka", "sqs", "rabbit", "pubsub", "topic"}},
		{"cache", []string{"cache", "redis", "memcache"}},
		{"function", []string{"function", "lambda"}},
		{"ci", []string{"pipeline", "build", "jenkins", "ci"}},
		{"registry", []string{"registry", "repository"}},
		{"third-party", []string{"third", "external", "saas", "provider"}},
	} {
		for _, w := range k.words {
			if strings.Contains(s, w) {
				return k.kind
			}
		}
	}
	return "service"
}

func scoreSensitivity(v float64) string {
	switch {
	case v > 75:
		return "critical"
	case v > 50:
		return "high"
	case v > 25:
		return "medium"
	}
	return "low"
}

// otmThreatsImport turns threats whose id names a rule and an imported
// element into responses, and lists the others.
func otmThreatsImport(im *Imported, ids *idAllocator, doc *otmDoc) {
	m := im.Model
	mitigations := map[string]otmMitigation{}
	for _, mi := range doc.Mitigations {
		mitigations[mi.ID] = mi
	}
	type placed struct {
		inst    otmThreatInstance
		element string
		kind    string
	}
	var instances []placed
	for _, c := range doc.Components {
		kind := "component"
		if c.Type == otmSurfaceType {
			kind = "surface"
		}
		id, _ := ids.get(kind, c.ID)
		for _, t := range c.Threats {
			instances = append(instances, placed{t, id, kind})
		}
	}
	for _, f := range doc.Dataflows {
		id, _ := ids.get("flow", f.ID)
		for _, t := range f.Threats {
			instances = append(instances, placed{t, id, "flow"})
		}
	}
	threats := map[string]otmThreat{}
	for _, t := range doc.Threats {
		threats[t.ID] = t
	}
	controls := map[string]string{}
	for _, mi := range doc.Mitigations {
		status, _ := mi.Attributes["threatmap.status"].(string)
		kind, _ := mi.Attributes[otmKind].(string)
		if kind == "" || !slices.Contains([]string{"planned", "implemented", "verified", "failing"}, status) {
			continue
		}
		cid := ids.assign("control", mi.ID)
		c := model.Control{ID: cid, Name: mi.Name, Kind: kind, Status: status, Evidence: oneLine(mi.Description)}
		if c.Name == mi.ID {
			c.Name = ""
		}
		c.Owner, _ = mi.Attributes["threatmap.owner"].(string)
		on, _ := mi.Attributes["threatmap.on"].([]any)
		for _, o := range on {
			name, _ := o.(string)
			if id, ok := anyElement(ids, name); ok {
				c.On = append(c.On, id)
			} else {
				im.comment(cid, "Also protected %s in the exported model, which OTM does not carry.", name)
			}
		}
		m.Controls = append(m.Controls, c)
		controls[mi.ID] = cid
	}
	answered := map[string]bool{}
	for _, t := range doc.Threats {
		detail, ok := t.Attributes[otmResponse].(map[string]any)
		if !ok {
			continue
		}
		rule, elem, _ := strings.Cut(t.ID, "@")
		id, found := anyElement(ids, elem)
		if !found {
			im.note("the response to %s: its element is not in the OTM document", t.ID)
			continue
		}
		r, why := responseFrom(detail, rule+"@"+id, controls)
		if why != "" {
			im.note("the response to %s: %s", t.ID, why)
			continue
		}
		if _, dup := m.Responses.Get(r.Threat); !dup {
			m.Responses = append(m.Responses, r)
		}
		answered[t.ID] = true
	}
	for _, p := range instances {
		t := threats[p.inst.Threat]
		// A threat threatmap answered through the controls on its element
		// comes back through those controls.
		if implicit, _ := t.Attributes["threatmap.implicit"].(bool); answered[p.inst.Threat] || implicit {
			continue
		}
		key := p.inst.Threat
		rule, elem, ok := strings.Cut(key, "@")
		if p.element == "" {
			im.note("threat %q (%s): %s, on an element that was not imported", orID(t.Name, key), key, p.inst.State)
			continue
		}
		if !ok || elem != p.element || slug(rule) != rule {
			// The source's own threat: a custom rule keeps it.
			var mits []string
			for _, mi := range p.inst.Mitigations {
				mits = append(mits, orID(mitigations[mi.Mitigation].Name, mi.Mitigation))
			}
			stride := "tampering"
			if len(t.Categories) > 0 {
				stride = strideOf(t.Categories[0])
			}
			rule = im.addCustom("otm", orID(t.Name, key), t.Description, strings.Join(mits, "; "), stride, scoreSensitivity(t.Risk.Impact), p.kind, p.element)
			key = rule + "@" + p.element
		}
		r := model.Response{Threat: key}
		switch strings.ToLower(p.inst.State) {
		case "mitigated", "mitigate", "partly-mitigated":
			for _, mi := range p.inst.Mitigations {
				cid, seen := controls[mi.Mitigation]
				if !seen {
					src := mitigations[mi.Mitigation]
					cid = ids.assign("control", mi.Mitigation)
					kind, _ := src.Attributes[otmKind].(string)
					status, _ := src.Attributes["threatmap.status"].(string)
					switch status {
					case "implemented", "verified", "planned":
					case "failing":
						status = "implemented"
					default:
						status = "planned"
						if strings.EqualFold(mi.State, "implemented") {
							status = "implemented"
						}
					}
					m.Controls = append(m.Controls, model.Control{ID: cid, Name: orID(src.Name, mi.Mitigation), Kind: orID(kind, "otm-mitigation"), Status: status, Evidence: oneLine(src.Description)})
					controls[mi.Mitigation] = cid
				}
				r.Mitigate = append(r.Mitigate, cid)
			}
		case "not-applicable", "not_applicable", "na":
			r.NotApplicable = "marked not applicable in the OTM source"
		}
		if r.Kind() == "" {
			switch strings.ToLower(p.inst.State) {
			case "exposed", "expose", "open", "autogenerated", "":
			default:
				im.note("threat %s: %s (no response carried over: threatmap needs who, when and why)", key, p.inst.State)
			}
			continue
		}
		if _, dup := m.Responses.Get(r.Threat); !dup {
			m.Responses = append(m.Responses, r)
		}
	}
}

// decodeJSON decodes data into v, reporting syntax and type errors at
// file:line:col.
func decodeJSON(file string, data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	var offset int64
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	msg := err.Error()
	switch {
	case errors.As(err, &syn):
		offset = syn.Offset
	case errors.As(err, &typ):
		offset = typ.Offset
		msg = fmt.Sprintf("%s must be %s, not %s", orID(typ.Field, "the document"), typ.Type, typ.Value)
	case errors.Is(err, io.EOF):
		msg = "the file is empty"
	}
	line, col := lineCol(data, offset)
	return model.Diagnostics{{Pos: threatmap.Position{File: file, Line: line, Column: col}, Message: "JSON: " + msg}}
}

func lineCol(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	line, col := 1, 1
	for _, b := range data[:max(offset-1, 0)] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// readableID is the name to make an id from: the foreign id, unless it is
// an opaque UUID and a name is at hand.
func readableID(id, name string) string {
	if uuidLike.MatchString(strings.ToLower(id)) && strings.TrimSpace(name) != "" {
		return name
	}
	return id
}

var surfaceEnums = []struct {
	field string
	get   func(model.Surface) string
	allow []string
}{
	{"kind", func(s model.Surface) string { return s.Kind }, []string{"endpoint", "webhook", "upload", "admin", "storage", "secret", "exit", "page", "queue"}},
	{"method", func(s model.Surface) string { return s.Method }, []string{"", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"}},
	{"exposure", func(s model.Surface) string { return s.Exposure }, []string{"", "public", "authenticated", "internal", "private"}},
	{"auth", func(s model.Surface) string { return s.Auth }, []string{"", "none", "session", "token", "api-key", "basic", "mfa", "oauth", "mtls", "signature"}},
	{"signature", func(s model.Surface) string { return s.Signature }, []string{"", "none", "stripe", "github", "slack", "hmac", "other"}},
	{"exit", func(s model.Surface) string { return s.Exit }, []string{"", "error", "log", "email", "export", "third-party-call", "response"}},
}

// surfaceProblem says why a surface read from attributes would not
// validate, or "" if it would.
func surfaceProblem(s model.Surface) string {
	for _, e := range surfaceEnums {
		if v := e.get(s); !slices.Contains(e.allow, v) {
			return fmt.Sprintf("%s %q is not one threatmap knows", e.field, v)
		}
	}
	switch s.Kind {
	case "endpoint", "webhook", "upload":
		if !strings.HasPrefix(s.Path, "/") {
			return fmt.Sprintf("a %s needs a path starting with /", s.Kind)
		}
	case "exit":
		if s.Exit == "" {
			return "an exit needs its exit kind"
		}
	}
	return ""
}

// dedupe keeps the first of the elements sharing an id, noting the others.
func dedupe[T any](im *Imported, what string, list []T, id func(T) string) []T {
	seen := map[string]bool{}
	var out []T
	for _, e := range list {
		if seen[id(e)] {
			im.note("a second %s with id %q, left out", what, id(e))
			continue
		}
		seen[id(e)] = true
		out = append(out, e)
	}
	return out
}

// anyElement finds the imported id of an element of any kind.
func anyElement(ids *idAllocator, foreign string) (string, bool) {
	for _, k := range []string{"component", "surface", "flow", "asset", "boundary"} {
		if id, ok := ids.get(k, foreign); ok {
			return id, true
		}
	}
	return "", false
}

// responseDetail writes a response as plain data for an attribute.
func responseDetail(r model.Response) map[string]any {
	d := map[string]any{}
	switch {
	case r.NotApplicable != "":
		d["not_applicable"] = r.NotApplicable
	case r.Eliminate != nil:
		d["eliminate"] = map[string]any{"why": r.Eliminate.Why, "on": r.Eliminate.On.String()}
	case r.Accept != nil:
		d["accept"] = map[string]any{"by": r.Accept.By, "on": r.Accept.On.String(), "until": r.Accept.Until.String(), "why": r.Accept.Why}
	case r.Transfer != nil:
		d["transfer"] = map[string]any{"to": r.Transfer.To, "why": r.Transfer.Why}
	case len(r.Mitigate) > 0:
		d["mitigate"] = r.Mitigate
	}
	if r.Note != "" {
		d["note"] = r.Note
	}
	return d
}

// responseFrom reads a response written by responseDetail; why says what
// is missing when it cannot.
func responseFrom(d map[string]any, threat string, controls map[string]string) (model.Response, string) {
	r := model.Response{Threat: threat}
	r.Note, _ = d["note"].(string)
	str := func(m map[string]any, k string) string { v, _ := m[k].(string); return v }
	date := func(m map[string]any, k string) (model.Date, bool) {
		t, err := time.Parse(time.DateOnly, str(m, k))
		return model.Date{Time: t}, err == nil
	}
	if na, ok := d["not_applicable"].(string); ok && na != "" {
		r.NotApplicable = na
		return r, ""
	}
	if e, ok := d["eliminate"].(map[string]any); ok && str(e, "why") != "" {
		on, _ := date(e, "on")
		r.Eliminate = &model.Elimination{Why: str(e, "why"), On: on}
		return r, ""
	}
	if a, ok := d["accept"].(map[string]any); ok {
		on, ok1 := date(a, "on")
		until, ok2 := date(a, "until")
		if !ok1 || !ok2 || str(a, "by") == "" || str(a, "why") == "" || !until.After(on.Time) {
			return r, "an acceptance without who, when, until when and why"
		}
		r.Accept = &model.Acceptance{By: str(a, "by"), On: on, Until: until, Why: str(a, "why")}
		return r, ""
	}
	if t, ok := d["transfer"].(map[string]any); ok && str(t, "to") != "" {
		r.Transfer = &model.Transfer{To: str(t, "to"), Why: str(t, "why")}
		return r, ""
	}
	if ms, ok := d["mitigate"].([]any); ok {
		for _, c := range ms {
			name, _ := c.(string)
			if id, ok := controls[name]; ok {
				r.Mitigate = append(r.Mitigate, id)
			}
		}
		if len(r.Mitigate) > 0 {
			return r, ""
		}
		return r, "mitigated by controls the document does not hold"
	}
	return r, "no response in it"
}
