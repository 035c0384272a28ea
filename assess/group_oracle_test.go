package assess

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/internal/modeltest"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/rules"
)

// groupByText is the grouping as it was first written, kept as the
// oracle: rows keyed by the text of everything they must share.
func groupByText(ts []Threat) []rowIndices {
	var rows []rowIndices
	family := map[string]int{}
	for i := range ts {
		t := &ts[i]
		if t.Family != "" {
			open := "closed"
			if IsOpen(t.Status) {
				open = "open"
			}
			k := t.Element + "\x00" + t.Family + "\x00" + open
			if ri, ok := family[k]; ok {
				r := &rows[ri]
				r.threats = append(r.threats, i)
				if !slices.Contains(r.also, t.Title) && t.Title != ts[r.threats[0]].Title {
					r.also = append(r.also, t.Title)
				}
				continue
			}
			family[k] = len(rows)
		}
		rows = append(rows, rowIndices{threats: []int{i}, elements: []string{t.Element}, surfaces: []string{t.Surface}})
	}
	var out []rowIndices
	same := map[string]int{}
	for _, r := range rows {
		var rs []string
		for _, i := range r.threats {
			rs = append(rs, ts[i].Rule)
		}
		slices.Sort(rs)
		t := &ts[r.threats[0]]
		sec := ""
		if t.Secondary {
			sec = "secondary"
		}
		k := strings.Join([]string{strings.Join(slices.Compact(rs), ","), strconv.Itoa(t.Priority), t.Status, t.Response, sec,
			t.Abuse, t.Method, t.Difficulty.String(), t.Requires, strings.Join(t.Assets, ","), t.ElementKind}, "\x00")
		if i, ok := same[k]; ok {
			out[i].threats = append(out[i].threats, r.threats...)
			out[i].elements = append(out[i].elements, r.elements...)
			out[i].surfaces = append(out[i].surfaces, r.surfaces...)
			continue
		}
		same[k] = len(out)
		out = append(out, r)
	}
	return out
}

// TestGroupingMatchesTextKeys: on the assessed threats of dense models
// (families, secondary rows, shared sentences), the rows found by hash
// and field comparison, on one core or in parts on several, are those the
// text keys give, in the same order.
func TestGroupingMatchesTextKeys(t *testing.T) {
	engine := builtinEngine(t)
	// Random threats over few elements, rules, sentences and statuses:
	// family rows, rows across elements and families split by status.
	r := rand.New(rand.NewPCG(3, 4))
	fams := map[string]string{"r1": "f1", "r2": "f1", "r3": "", "r4": "f2", "r5": "f2", "r6": ""}
	ruleIDs := []string{"r1", "r2", "r3", "r4", "r5", "r6"}
	for round := range 20 {
		var ts []Threat
		for i := range 300 {
			rule := ruleIDs[r.IntN(len(ruleIDs))]
			el := fmt.Sprintf("e%d", r.IntN(15))
			status := []string{StatusOpen, StatusVerified, StatusPlanned}[r.IntN(3)]
			ts = append(ts, Threat{Threat: &rules.Threat{
				ID: fmt.Sprintf("%s@%s#%d", rule, el, i), Heading: &rules.Heading{Rule: rule, Title: "title " + rule[:2]},
				Element: el, Surface: "label " + el, ElementKind: "surface", Priority: 1 + r.IntN(2),
				Abuse: []string{"a", "b"}[r.IntN(2)], Method: "m", Requires: "q", Assets: [][]string{{"x"}, {"x", "y"}}[r.IntN(2)], Guidance: &rules.Guidance{Family: fams[rule]}}, Status: status, Response: "none", Secondary: r.IntN(5) == 0})
		}
		want := groupByText(ts)
		for _, parts := range []int{1, 2, 3} {
			if got := indicesOf(ts, groupRowsIn(ts, parts)); !reflect.DeepEqual(got, want) {
				t.Fatalf("random round %d, %d parts: %d rows by hash, %d by text", round, parts, len(got), len(want))
			}
		}
		if round == 0 && len(want) >= len(ts) {
			t.Fatal("random threats: nothing grouped")
		}
	}
	for _, n := range []int{40, 300} {
		m := modeltest.Dense(t, n)
		ix := link.Build(m, evidence.Set{}, "")
		threats, _ := engine.Run(m, ix, rules.Options{Now: now})
		a := Assess(m, threats, ix, evidence.Set{}, now)
		want := groupByText(a.Threats)
		if len(want) == len(a.Threats) {
			t.Fatalf("%d components: no row groups two threats; the test shows nothing", n)
		}
		for _, parts := range []int{1, 2, 3} {
			if got := indicesOf(a.Threats, groupRowsIn(a.Threats, parts)); !reflect.DeepEqual(got, want) {
				t.Fatalf("%d components, %d parts: %d rows by hash, %d by text", n, parts, len(got), len(want))
			}
		}

	}
}

// TestLargeRowsListTheirFirstElements: a row of more elements than
// MaxGroup gives each threat its first MaxGroup and the row's size; a
// smaller row lists all its elements and no size.
func TestLargeRowsListTheirFirstElements(t *testing.T) {
	var ts []Threat
	add := func(rule string, n int) {
		for i := range n {
			el := fmt.Sprintf("%s-e%03d", rule, i)
			ts = append(ts, Threat{Threat: &rules.Threat{ID: rule + "@" + el, Heading: &rules.Heading{Rule: rule}, Element: el, Surface: el,
				ElementKind: "surface", Priority: 1, Abuse: "a", Method: "m", Requires: "q", Guidance: &rules.Guidance{}}, Status: StatusOpen, Response: ResponseNone})
		}
	}
	add("big", MaxGroup*3+1)
	add("small", 7)
	setGroups(ts)
	for _, th := range ts {
		switch th.Rule {
		case "big":
			if len(th.Group) != MaxGroup || th.GroupSize != MaxGroup*3+1 || th.Group[0] != "big-e000" || th.Group[MaxGroup-1] != fmt.Sprintf("big-e%03d", MaxGroup-1) {
				t.Fatalf("%s: group of %d (%v ...), size %d", th.ID, len(th.Group), th.Group[:1], th.GroupSize)
			}
		case "small":
			if len(th.Group) != 7 || th.GroupSize != 0 {
				t.Fatalf("%s: group of %d, size %d", th.ID, len(th.Group), th.GroupSize)
			}
		}
	}
}
