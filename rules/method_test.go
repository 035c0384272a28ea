package rules

import "testing"

// TestHeadIsARead checks that a public HEAD route is ranked like a GET by
// the flooding rule, not like a write.
func TestHeadIsARead(t *testing.T) {
	src := `system: {name: x}
components:
  - {id: api, kind: service}
surfaces:
  - {id: head, kind: endpoint, component: api, method: HEAD, path: /status, exposure: public}
  - {id: get, kind: endpoint, component: api, method: GET, path: /health, exposure: public}
  - {id: post, kind: endpoint, component: api, method: POST, path: /items, exposure: public}
`
	got := map[string]string{}
	for _, th := range runBuiltin(t, src) {
		if th.Rule == "unthrottled-public-endpoint" {
			got[th.Element] = th.Difficulty.String()
		}
	}
	want := map[string]string{"head": "medium", "get": "medium", "post": "low"}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("unthrottled-public-endpoint on %s: difficulty %q, want %q", id, got[id], w)
		}
	}
}
