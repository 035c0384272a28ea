package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/evidence"
)

// An unresolved route registration must reach every output: the threat
// map's drift section, the report JSON and the scan's own text and JSON.
func TestUnresolvedRegistrationsAreShown(t *testing.T) {
	a, _ := goldenAssessment(t)
	u := evidence.Unresolved{Scanner: "routes", File: "api/routes.go", Line: 7, Reason: "router passed through an unknown call"}
	a.Evidence.Unresolved = []evidence.Unresolved{u}

	var md bytes.Buffer
	if err := WriteMarkdownWith(&md, a, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	drift := md.String()[strings.Index(md.String(), "### Model drift"):]
	if !strings.Contains(drift, "Unresolved route registration at api/routes.go:7 (router passed through an unknown call)") {
		t.Errorf("drift section lacks the unresolved registration:\n%s", drift)
	}

	var js bytes.Buffer
	if err := WriteJSON(&js, NewThreatMapDoc(a, "test", "threatmap.yaml")); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Unresolved []evidence.Unresolved `json:"unresolved"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Unresolved) != 1 || doc.Unresolved[0] != u {
		t.Errorf("report JSON unresolved = %+v, want [%+v]", doc.Unresolved, u)
	}

	set := evidence.Set{Unresolved: []evidence.Unresolved{u}}
	var text bytes.Buffer
	if err := WriteFindings(&text, FormatText, set, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "api/routes.go:7: unresolved route registration: router passed through an unknown call") {
		t.Errorf("scan text lacks the unresolved registration:\n%s", text.String())
	}
	var sj bytes.Buffer
	if err := WriteFindings(&sj, FormatJSON, set, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sj.String(), `"unresolved": [`) || !strings.Contains(sj.String(), `"reason": "router passed through an unknown call"`) {
		t.Errorf("scan JSON lacks the unresolved list:\n%s", sj.String())
	}
}

// What another scanner left unchecked is not called a route registration.
func TestUnresolvedOfOtherScannersKeepTheirName(t *testing.T) {
	a, _ := goldenAssessment(t)
	a.Evidence.Unresolved = []evidence.Unresolved{{Scanner: "deps", File: "web/package.json", Reason: "12 packages not checked: no lockfile"}}
	var md bytes.Buffer
	if err := WriteMarkdownWith(&md, a, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	out := md.String()
	if strings.Contains(out, "Unresolved route registration") {
		t.Errorf("a deps item is called a route registration:\n%s", out)
	}
	if !strings.Contains(out, "Not checked by the deps scanner: web/package.json (12 packages not checked: no lockfile)") {
		t.Errorf("the deps item is missing:\n%s", out)
	}
}
