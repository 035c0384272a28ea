package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/rules"
)

// groupedAssessment is a large app: one rule firing on 30 endpoints, two
// overlapping budget rules on one chat endpoint, and 40 distinct rules on
// one service, so that only grouping and the row cap keep it to a page.
func groupedAssessment() *assess.Assessment {
	m := &model.Model{System: model.System{Name: "big"}}
	var ts []assess.Threat
	open := func(t rules.Threat) assess.Threat {
		return assess.Threat{Threat: &t, Response: assess.ResponseNone, Status: assess.StatusOpen}
	}
	for i := 0; i < 30; i++ {
		ts = append(ts, open(rules.Threat{ID: fmt.Sprintf("flood@ep%02d", i), Heading: &rules.Heading{Rule: "flood", Title: "Flood"}, Element: fmt.Sprintf("ep%02d", i),
			ElementKind: "surface", Surface: fmt.Sprintf("GET /api/items/%02d", i), Priority: 2, Impact: threatmap.Medium,
			Difficulty: threatmap.DifficultyLow, Requires: "a script", Abuse: "slow the service down", Method: "sending many requests", Guidance: &rules.Guidance{Mitigations: []string{"Rate-limit per client"}}}))
	}
	for _, r := range []string{"budget-volume", "budget-size"} {
		ts = append(ts, open(rules.Threat{ID: r + "@chat", Heading: &rules.Heading{Rule: r, Title: "Budget " + r}, Element: "chat", ElementKind: "surface",
			Surface: "POST /api/chat", Priority: 1, Impact: threatmap.High, Difficulty: threatmap.DifficultyLow, Requires: "a free account",
			Abuse: "drain the model budget", Method: "calling it at volume (" + r + ")", Guidance: &rules.Guidance{Family: "budget-drain", Mitigations: []string{"Budget alerts", "Per-user quota for " + r}}}))
	}
	for i := 0; i < 40; i++ {
		ts = append(ts, open(rules.Threat{ID: fmt.Sprintf("r%02d@svc", i), Heading: &rules.Heading{Rule: fmt.Sprintf("r%02d", i), Title: "R"}, Element: "svc",
			ElementKind: "component", Surface: "service", Priority: 3, Impact: threatmap.Medium, Difficulty: threatmap.DifficultyMedium,
			Requires: "effort", Abuse: fmt.Sprintf("abuse %02d", i), Method: "a method", Guidance: &rules.Guidance{Mitigations: []string{"fix"}}}))
	}
	return &assess.Assessment{Model: m, Threats: ts}
}

func TestMarkdownGroupsAndCapsRows(t *testing.T) {
	a := groupedAssessment()
	var buf bytes.Buffer
	if err := WriteMarkdownWith(&buf, a, MarkdownOptions{MaxPriority: 3, MaxRows: DefaultMaxRows}); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	rows := 0
	for _, line := range strings.Split(got, "\n") {
		if strings.HasPrefix(line, "| P") {
			rows++
		}
	}
	if rows != DefaultMaxRows {
		t.Errorf("%d rows, want %d", rows, DefaultMaxRows)
	}
	if !strings.Contains(got, "30 surfaces: GET /api/items/00, GET /api/items/01, GET /api/items/02, GET /api/items/03 and 26 more") {
		t.Error("the 30 flood threats are not one row")
	}
	if strings.Count(got, "| POST /api/chat |") != 1 || !strings.Contains(got, "(also: Budget budget-size)") {
		t.Error("the two budget rules on the chat endpoint are not one row")
	}
	if !strings.Contains(got, "17 more rows (17 at P3; 17 threats, 17 open)") {
		t.Errorf("the rows left out are not counted:\n%s", got)
	}
	checkGolden(t, "grouped.md", buf.Bytes())

	buf.Reset()
	if err := WriteMarkdownWith(&buf, a, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "more rows") || strings.Count(buf.String(), "| P3 |") != 40 {
		t.Error("with no cap every row is listed")
	}
}

func TestThreatsSARIFCarriesGroup(t *testing.T) {
	a := groupedAssessment()
	a.Threats[0].Group = []string{"ep00", "ep01"}
	a.Threats[1].Secondary = true
	var buf bytes.Buffer
	if err := WriteThreatsSARIF(&buf, a, nil, "test", nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"group"`) || !strings.Contains(buf.String(), `"secondary": true`) {
		t.Errorf("SARIF results lack group or secondary:\n%.2000s", buf.String())
	}
}
