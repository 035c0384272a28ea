package assess

import (
	"testing"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/rules"
)

// One missing throttle on an API Gateway route is one row: the
// API Gateway rule and the generic public-route rule are one family.
func TestUnthrottledGatewayRouteIsOneRow(t *testing.T) {
	m, diags := model.Parse("m.yaml", []byte(`system: {name: a}
components:
  - {id: api, kind: function}
surfaces:
  - {id: add-item, kind: endpoint, component: api, method: POST, path: /cart}
`))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	set := evidence.Set{Routes: []evidence.Route{{Method: "POST", Path: "/cart", File: "template.yaml", Line: 10, Framework: "api-gateway", Guards: []string{}}}}
	rs, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	eng, d := rules.NewEngine(rs)
	if d.HasErrors() {
		t.Fatal(d)
	}
	ix := link.Build(m, set, "")
	ts, d := eng.Run(m, ix, rules.Options{})
	if d.HasErrors() {
		t.Fatal(d)
	}
	a := Assess(m, ts, ix, set, now)
	var rows []Row
	for _, r := range Group(a.Threats) {
		for _, th := range r.Threats {
			if th.Rule == "api-gateway-route-without-throttling" || th.Rule == "unthrottled-public-endpoint" {
				rows = append(rows, r)
				break
			}
		}
	}
	if len(rows) != 1 || len(rows[0].Threats) != 2 {
		t.Fatalf("want one row holding both throttling threats, got %d rows: %+v", len(rows), rows)
	}
}
