package interchange

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/model"
)

func TestExportThreatDragonSchema(t *testing.T) {
	s := compileSchema(t, "testdata/threatdragon/threat-dragon-v2.schema.json")
	for _, name := range exampleModels {
		t.Run(name, func(t *testing.T) {
			m, a := assessed(t, name)
			out, err := ExportThreatDragon(m, a)
			if err != nil {
				t.Fatal(err)
			}
			validateAgainst(t, s, out)
			var doc tdDoc
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			seen, statuses := map[string]bool{}, map[string]bool{}
			for _, c := range doc.Detail.Diagrams[0].Cells {
				for _, th := range c.Data.Threats {
					seen[th.ThreatID] = true
					statuses[th.Status] = true
				}
				if c.Shape == "td-text-block" {
					for _, line := range strings.Split(c.Data.Name, "\n")[1:] {
						id, _, _ := strings.Cut(line, " ")
						seen[id] = true
					}
				}
			}
			for _, th := range a.Threats {
				if !seen[th.ID] {
					t.Errorf("threat %s (%s) is not in the export", th.ID, th.ElementKind)
				}
			}
			if !statuses["Open"] {
				t.Errorf("no open threat exported: %v", statuses)
			}
		})
	}
}

func TestThreatDragonRoundTrip(t *testing.T) {
	for _, name := range exampleModels {
		t.Run(name, func(t *testing.T) {
			m, a := assessed(t, name)
			out, err := ExportThreatDragon(m, a)
			if err != nil {
				t.Fatal(err)
			}
			im, err := ImportThreatDragon("export.json", out)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := loadImported(t, im)
			// Threat Dragon has no data assets and no surfaces: compare
			// components (without stores), boundaries and flows.
			want := *m
			want.Assets, want.Surfaces = nil, nil
			want.Components = append([]model.Component(nil), m.Components...)
			for i := range want.Components {
				want.Components[i].Stores = nil
			}
			for i := range want.Flows {
				want.Flows[i].Data = nil
			}
			gotCopy := *got
			gotCopy.Assets = nil
			gotCopy.Components = append([]model.Component(nil), got.Components...)
			for i := range gotCopy.Components {
				gotCopy.Components[i].Stores = nil
			}
			equivalent(t, &want, &gotCopy)
			sameDecisionsOn(t, m, a, got, map[string]bool{"identity": true, "surface": true, "asset": true, "system": true})
		})
	}
}

func TestImportThreatDragon(t *testing.T) {
	im := importFile(t, "testdata/threatdragon/kiosk.json", ImportThreatDragon)
	m, out := loadImported(t, im)
	kinds := map[string]string{}
	for _, c := range m.Components {
		kinds[c.ID] = c.Kind
	}
	if kinds["visitor"] != "client" || kinds["kiosk-app"] != "service" || kinds["ticket-db"] != "datastore" {
		t.Errorf("components = %v", kinds)
	}
	zones := map[string]string{}
	for _, b := range m.Boundaries {
		zones[b.Name] = strings.Join(b.Components, ",")
	}
	// The store sits in both boxes; the smaller one holds it.
	if zones["Venue network"] != "kiosk-app" || zones["Back room"] != "ticket-db" {
		t.Errorf("boundaries = %v", zones)
	}
	if len(m.Flows) != 2 {
		t.Errorf("flows = %+v, want 2 (the dangling one left out)", m.Flows)
	}
	for _, f := range m.Flows {
		if f.To == "ticket-db" && (f.Protocol != "https" || f.Encrypted == nil || !*f.Encrypted) {
			t.Errorf("save flow = %+v", f)
		}
	}
	if len(m.Assets) != 1 || m.Assets[0].Kind != "credentials" || len(m.Components[2].Stores) != 1 {
		t.Errorf("assets %+v; the ticket db should store the credentials", m.Assets)
	}
	if len(m.Controls) != 1 || m.Controls[0].Name != "Sessions end after 60 seconds idle" || m.Controls[0].On[0] != "kiosk-app" {
		t.Errorf("controls = %+v", m.Controls)
	}
	// Both threats match no rule: each becomes a custom rule on the kiosk
	// app, the open one stays open and the mitigated one is answered.
	status := assessCustom(t, im, m)
	if status["td-screen-spoofing@kiosk-app"] != "open" || status["td-session-left-open@kiosk-app"] != "mitigated" {
		t.Errorf("custom threats = %v", status)
	}
	for _, want := range []string{`trust boundary line "Street"`, "Draft for review", `"Dangling"`, "Bidirectional in Threat Dragon", "reviewer: Sam"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestImportThreatDragonDemos(t *testing.T) {
	dir := os.Getenv("THREAT_DRAGON_DEMOS")
	if dir == "" {
		t.Skip("set THREAT_DRAGON_DEMOS to Threat Dragon's td.vue/src/service/demo to import them")
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, p := range paths {
		if strings.Contains(p, ".otm.") || strings.Contains(p, ".tmbom.") {
			continue
		}
		im := importFile(t, p, ImportThreatDragon)
		loadImported(t, im)
		t.Logf("%s: source %v; imported %v; %d notes", filepath.Base(p), im.Counts, im.Stats(), len(im.Notes))
	}
}

func FuzzImportThreatDragon(f *testing.F) {
	data, err := os.ReadFile("testdata/threatdragon/kiosk.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"summary":{"title":"x"},"detail":{"diagrams":[{"cells":[{"id":"a","shape":"actor","data":{"name":"A"}},{"id":"f","shape":"flow","source":{"cell":"a"},"target":{"cell":"a"},"data":{"threats":[{"id":"r@a","status":"NA"}]}}]}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		im, err := ImportThreatDragon("in.json", data)
		if err != nil {
			return
		}
		checkValid(t, im)
	})
}
