package interchange

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/model"
)

// loadImported writes an import to a temporary threatmap.yaml and loads it
// as threatmap validate would.
func loadImported(t *testing.T, im *Imported) (*model.Model, string) {
	t.Helper()
	out, err := im.YAML()
	if err != nil {
		t.Fatalf("YAML: %v", err)
	}
	path := filepath.Join(t.TempDir(), model.FileName)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	m, diags, err := model.Load(path)
	if err != nil {
		t.Fatalf("imported model does not validate: %v\n%s\n%s", err, diags.Format(m.Source), out)
	}
	return m, string(out)
}

func importFile(t *testing.T, path string, imp func(string, []byte) (*Imported, error)) *Imported {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	im, err := imp(path, data)
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return im
}

func TestImportThreagile(t *testing.T) {
	im := importFile(t, "testdata/threagile/shop.yaml", ImportThreagile)
	m, out := loadImported(t, im)

	if m.System.Name != "Tiny Shop" || m.System.Owner != "Shop Team" {
		t.Errorf("system = %+v", m.System)
	}
	kinds := map[string]string{}
	for _, c := range m.Components {
		kinds[c.ID] = c.Kind
	}
	wantKinds := map[string]string{"shopper-browser": "client", "shop-api": "service", "shop-db": "datastore", "payments": "third-party"}
	for id, k := range wantKinds {
		if kinds[id] != k {
			t.Errorf("component %s kind = %q, want %q", id, kinds[id], k)
		}
	}
	assets := map[string]model.Asset{}
	for _, a := range m.Assets {
		assets[a.ID] = a
	}
	for id, want := range map[string][2]string{
		"customer-records": {"user-data", "high"},
		"api-tokens":       {"credentials", "critical"},
		"catalogue":        {"availability", "high"},
		// Merged in with <<: *catalogue.
		"catalogue-images": {"availability", "high"},
	} {
		if got := assets[id]; got.Kind != want[0] || got.Sensitivity != want[1] {
			t.Errorf("asset %s = %s/%s, want %s/%s", id, got.Kind, got.Sensitivity, want[0], want[1])
		}
	}
	flows := map[string]model.Flow{}
	for _, f := range m.Flows {
		flows[f.From+">"+f.To] = f
	}
	db := flows["shop-api>shop-db"]
	if db.Encrypted == nil || *db.Encrypted || db.Protocol != "jdbc" || db.Credential == "" {
		t.Errorf("database flow = %+v, want unencrypted jdbc with a credential", db)
	}
	if web := flows["shopper-browser>shop-api"]; web.Encrypted == nil || !*web.Encrypted || len(web.Data) != 2 {
		t.Errorf("browser flow = %+v, want encrypted, carrying two assets", web)
	}
	if len(m.Surfaces) != 1 || m.Surfaces[0].Component != "shop-api" || m.Surfaces[0].Exposure != "authenticated" || m.Surfaces[0].Auth != "session" {
		t.Errorf("surfaces = %+v, want one authenticated session endpoint on shop-api", m.Surfaces)
	}
	bz := map[string][]string{}
	for _, b := range m.Boundaries {
		bz[b.ID] = b.Components
	}
	if strings.Join(bz["cloud"], ",") != "shop-api" || strings.Join(bz["data-tier"], ",") != "shop-db" {
		t.Errorf("boundaries = %v", bz)
	}
	if !strings.Contains(out, "Nested inside cloud") {
		t.Errorf("nesting not noted")
	}
	for _, want := range []string{`shared runtime "Kubernetes"`, "unencrypted-asset@*", "sql-nosql-injection@shop-api@shop-db", "questions: 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks a comment on %q", want)
		}
	}
	resp := map[string]string{}
	for _, r := range m.Responses {
		resp[r.Threat] = r.Kind()
	}
	wantResp := map[string]string{
		"plaintext-transport@" + db.ID:                 "accept",
		"cross-site-request-forgery@shop-api-endpoint": "mitigate",
		"threagile-coupon-abuse@shop-api":              "not-applicable",
	}
	// The individual risk is a custom rule on shop-api, answered by the
	// false positive tracked for it; the risk on an unknown asset is noted.
	if status := assessCustom(t, im, m); status["threagile-coupon-abuse@shop-api"] != "not-applicable" || len(status) != 1 {
		t.Errorf("custom threats = %v", status)
	}
	if !strings.Contains(out, "names no technical asset") {
		t.Errorf("the risk on an unknown asset is not noted")
	}
	if len(resp) != len(wantResp) {
		t.Errorf("responses = %v, want %v", resp, wantResp)
	}
	for k, v := range wantResp {
		if resp[k] != v {
			t.Errorf("response %s = %q, want %q (all: %v)", k, resp[k], v, resp)
		}
	}
}

func TestImportThreagileErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"syntax", "title: x\ndata_assets: [\n", "in.yaml:2:1: error: YAML syntax"},
		{"not a mapping", "- a\n- b\n", "in.yaml:1:1: error: a Threagile model is a mapping"},
		{"bad list", "technical_assets:\n  A:\n    id: a\n    tags: nope\n", "in.yaml:4:11: error: tags must be a list"},
		{"dangling target", "technical_assets:\n  A:\n    id: a\n    communication_links:\n      L:\n        target: b\n", "in.yaml:6:17: error: communication link \"L\": target: no technical asset"},
		{"unknown data asset", "technical_assets:\n  A:\n    id: a\n    data_assets_stored: [x]\n", "in.yaml:4:25: error: data_assets_stored: no data asset with id \"x\""},
		{"empty", "", "in.yaml:1:1: error: the file is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ImportThreagile("in.yaml", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestImportThreagileDemo(t *testing.T) {
	path := os.Getenv("THREAGILE_DEMO")
	if path == "" {
		t.Skip("set THREAGILE_DEMO to Threagile's demo/example/threagile.yaml to import it")
	}
	im := importFile(t, path, ImportThreagile)
	loadImported(t, im)
	t.Logf("source %v; imported %v; %d notes", im.Counts, im.Stats(), len(im.Notes))
}

func FuzzImportThreagile(f *testing.F) {
	for _, p := range []string{"testdata/threagile/shop.yaml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"technical_assets:\n  A:\n    id: a\n    communication_links:\n      L: {target: a, protocol: https, authentication: token}\n",
		"trust_boundaries:\n  B: {id: b, technical_assets_inside: [x], trust_boundaries_nested: [b]}\n",
		"data_assets:\n  A: &a {id: a}\n  B: {<<: [*a, *a], id: b}\n",
		"risk_tracking:\n  unencrypted-asset@a: {status: accepted, date: 2020-01-01, checked_by: x}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		im, err := ImportThreagile("in.yaml", data)
		if err != nil {
			return
		}
		checkValid(t, im)
	})
}
