package interchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/rules"
)

// exampleModels are the project's example models the exporters are tried on.
var exampleModels = []string{"docqa", "docqa-hardened", "rss-bot-fleet", "rss-bot-fleet-hardened", "stripe-webhook-bot"}

// assessed loads an example model and assesses it without scanning, as
// threatmap report --no-scan does.
func assessed(t *testing.T, name string) (*model.Model, *assess.Assessment) {
	t.Helper()
	m, _, err := model.Load(filepath.Join("..", "examples", name))
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	rs, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	engine, diags := rules.NewEngine(rs)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	ix := link.Build(m, evidence.Set{}, "")
	threats, _ := engine.Run(m, ix, rules.Options{Now: now, Disabled: m.Rules.Disable})
	return m, assess.Assess(m, threats, ix, evidence.Set{}, now)
}

func compileSchema(t *testing.T, path string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(path, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validateAgainst(t *testing.T, s *jsonschema.Schema, out []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	if err := s.Validate(inst); err != nil {
		t.Fatalf("export does not match the schema: %v", err)
	}
}

func TestExportOTMSchema(t *testing.T) {
	s := compileSchema(t, "testdata/otm/otm_schema.json")
	for _, name := range exampleModels {
		t.Run(name, func(t *testing.T) {
			m, a := assessed(t, name)
			out, err := ExportOTM(m, a)
			if err != nil {
				t.Fatal(err)
			}
			validateAgainst(t, s, out)
			var doc otmDoc
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Threats) != len(a.Threats) || len(doc.Threats) == 0 {
				t.Errorf("%d threats exported, want %d", len(doc.Threats), len(a.Threats))
			}
			placed := 0
			for _, c := range doc.Components {
				placed += len(c.Threats)
			}
			for _, f := range doc.Dataflows {
				placed += len(f.Threats)
			}
			if placed == 0 {
				t.Errorf("no threat is attached to a component or dataflow")
			}
		})
	}
}

// TestExportOTMStates checks that a threat's status reaches its OTM state.
func TestExportOTMStates(t *testing.T) {
	m, a := assessed(t, "docqa-hardened")
	out, err := ExportOTM(m, a)
	if err != nil {
		t.Fatal(err)
	}
	var doc otmDoc
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, c := range doc.Components {
		for _, ti := range c.Threats {
			states[ti.Threat] = ti.State
		}
	}
	for _, f := range doc.Dataflows {
		for _, ti := range f.Threats {
			states[ti.Threat] = ti.State
		}
	}
	checked := 0
	for _, th := range a.Threats {
		got, ok := states[th.ID]
		if !ok {
			continue
		}
		checked++
		if want := otmState(th.Status); got != want {
			t.Errorf("%s: state %q, want %q (status %s)", th.ID, got, want, th.Status)
		}
	}
	seen := map[string]bool{}
	for _, s := range states {
		seen[s] = true
	}
	if checked == 0 || !seen["exposed"] || len(seen) < 2 {
		t.Errorf("states %v: want open threats exposed and answered ones otherwise", seen)
	}
}

// equivalent compares what a round trip must keep.
func equivalent(t *testing.T, want, got *model.Model) {
	t.Helper()
	type comp struct{ ID, Name, Kind, Stores string }
	type flow struct{ ID, From, To, Protocol, Data string }
	type asset struct{ ID, Kind, Sensitivity string }
	type bound struct{ ID, Components string }
	type surf struct{ ID, Kind, Component, Method, Path, Exposure, Auth string }
	var wc, gc []comp
	for _, c := range want.Components {
		wc = append(wc, comp{c.ID, orID(c.Name, c.ID), c.Kind, strings.Join(c.Stores, ",")})
	}
	for _, c := range got.Components {
		gc = append(gc, comp{c.ID, c.Name, c.Kind, strings.Join(c.Stores, ",")})
	}
	var wf, gf []flow
	for _, f := range want.Flows {
		wf = append(wf, flow{f.ID, f.From, f.To, f.Protocol, strings.Join(f.Data, ",")})
	}
	for _, f := range got.Flows {
		gf = append(gf, flow{f.ID, f.From, f.To, f.Protocol, strings.Join(f.Data, ",")})
	}
	var wa, ga []asset
	for _, a := range want.Assets {
		wa = append(wa, asset{a.ID, a.Kind, a.Sensitivity})
	}
	for _, a := range got.Assets {
		ga = append(ga, asset{a.ID, a.Kind, a.Sensitivity})
	}
	var wb, gb []bound
	for _, b := range want.Boundaries {
		c := slices.Clone(b.Components)
		slices.Sort(c)
		wb = append(wb, bound{b.ID, strings.Join(c, ",")})
	}
	for _, b := range got.Boundaries {
		c := slices.Clone(b.Components)
		slices.Sort(c)
		gb = append(gb, bound{b.ID, strings.Join(c, ",")})
	}
	var ws, gs []surf
	for _, s := range want.Surfaces {
		ws = append(ws, surf{s.ID, s.Kind, s.Component, s.Method, s.Path, s.Exposure, s.Auth})
	}
	for _, s := range got.Surfaces {
		gs = append(gs, surf{s.ID, s.Kind, s.Component, s.Method, s.Path, s.Exposure, s.Auth})
	}
	for _, c := range []struct {
		what      string
		want, got any
	}{{"components", wc, gc}, {"flows", wf, gf}, {"assets", wa, ga}, {"boundaries", wb, gb}, {"surfaces", ws, gs}} {
		if !reflect.DeepEqual(c.want, c.got) {
			t.Errorf("%s differ after the round trip:\nwant %+v\n got %+v", c.what, c.want, c.got)
		}
	}
}

func TestOTMRoundTrip(t *testing.T) {
	for _, name := range exampleModels {
		t.Run(name, func(t *testing.T) {
			m, a := assessed(t, name)
			out, err := ExportOTM(m, a)
			if err != nil {
				t.Fatal(err)
			}
			im, err := ImportOTM("export.otm.json", out)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := loadImported(t, im)
			equivalent(t, m, got)
			sameDecisions(t, m, a, got)
		})
	}
}

// sameDecisions compares controls, and the responses to the threats the
// assessment found, across a round trip.
func sameDecisions(t *testing.T, want *model.Model, a *assess.Assessment, got *model.Model) {
	t.Helper()
	sameDecisionsOn(t, want, a, got, map[string]bool{"identity": true})
}

// sameDecisionsOn is sameDecisions for a format that cannot hold the
// elements of the kinds in lost: controls' protection of them and
// responses to threats about them are left out of the comparison.
func sameDecisionsOn(t *testing.T, want *model.Model, a *assess.Assessment, got *model.Model, lost map[string]bool) {
	t.Helper()
	identity := map[string]bool{}
	for _, id := range want.Identities {
		identity[id.ID] = lost["identity"]
	}
	for _, s := range want.Surfaces {
		identity[s.ID] = lost["surface"]
	}
	for _, as := range want.Assets {
		identity[as.ID] = lost["asset"]
	}
	ctl := func(m *model.Model) []string {
		var out []string
		for _, c := range m.Controls {
			var on []string
			for _, o := range c.On {
				if !identity[o] {
					on = append(on, o)
				}
			}
			out = append(out, fmt.Sprintf("%s %s %s on %v", c.ID, c.Kind, c.Status, on))
		}
		return out
	}
	found := map[string]bool{}
	for _, th := range a.Threats {
		found[th.ID] = !lost[th.ElementKind]
	}
	resp := func(m *model.Model, only map[string]bool) []string {
		var out []string
		for _, r := range m.Responses {
			if only != nil && !only[r.Threat] || lostResponse(r.Threat, identity) {
				continue
			}
			d, _ := json.Marshal(responseDetail(r))
			out = append(out, r.Threat+" "+string(d))
		}
		slices.Sort(out)
		return out
	}
	if w, g := ctl(want), ctl(got); !reflect.DeepEqual(w, g) {
		t.Errorf("controls differ after the round trip:\nwant %v\n got %v", w, g)
	}
	if w, g := resp(want, found), resp(got, nil); !reflect.DeepEqual(w, g) {
		t.Errorf("responses differ after the round trip:\nwant %v\n got %v", w, g)
	}
}

func TestImportOTMErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"syntax", "{\n  \"project\": {\n    \"name\": x\n", "in.json:3:13: error: JSON: invalid character"},
		{"type", "{\n  \"project\": {\"name\": 3}\n}", "in.json:2:23: error: JSON: project.name must be string, not number"},
		{"empty", "", "in.json:1:1: error: JSON: the file is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ImportOTM("in.json", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestImportOTMForeign imports an OTM document written by hand the way
// other tools write them: uuid zones, free component types, a threat that
// matches no rule.
func TestImportOTMForeign(t *testing.T) {
	im := importFile(t, "testdata/otm/foreign.otm.json", ImportOTM)
	m, out := loadImported(t, im)
	kinds := map[string]string{}
	for _, c := range m.Components {
		kinds[c.ID] = c.Kind
	}
	if kinds["web-client"] != "client" || kinds["orders-db"] != "datastore" || kinds["web-service"] != "service" {
		t.Errorf("kinds = %v", kinds)
	}
	if len(m.Boundaries) != 2 || len(m.Flows) != 2 || len(m.Assets) != 1 || m.Assets[0].Sensitivity != "critical" {
		t.Errorf("boundaries %d, flows %d, assets %+v", len(m.Boundaries), len(m.Flows), m.Assets)
	}
	if !strings.Contains(out, "Bidirectional in OTM") {
		t.Errorf("the bidirectional flow is not noted:\n%s", out)
	}
	if status := assessCustom(t, im, m); status["otm-sql-injection@web-service"] != "open" {
		t.Errorf("the foreign threat is not kept as a custom rule: %v", status)
	}
	if len(m.Responses) != 1 || m.Responses[0].Threat != "plaintext-transport@service-to-db" || m.Responses[0].Kind() != "mitigate" {
		t.Errorf("responses = %+v", m.Responses)
	}
}

func FuzzImportOTM(f *testing.F) {
	data, err := os.ReadFile("testdata/otm/foreign.otm.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"components":[{"id":"a","type":"threatmap-surface","parent":{"component":"a"}}]}`))
	f.Add([]byte(`{"components":[{"id":"a","parent":{"component":"b"}},{"id":"b","parent":{"component":"a"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		im, err := ImportOTM("in.json", data)
		if err != nil {
			return
		}
		checkValid(t, im)
	})
}

// lostResponse says whether a response is about an element the format
// cannot hold.
func lostResponse(threat string, lost map[string]bool) bool {
	_, elem, _ := strings.Cut(threat, "@")
	return lost[elem]
}
