package rules

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/threatmap/threatmap"
)

// TestSortByOrderIsCompareOrder sorts random threats with SortByOrder and
// with CompareOrder on their ids and requires the same order: rule ids
// that are prefixes of others (followed by "-", digits or letters, which
// sort before and after "@"), equal keys but for the id, and threats whose
// ids are not rule@element or whose rule holds an "@" (sorted by id).
func TestSortByOrderIsCompareOrder(t *testing.T) {
	rulesIDs := []string{"a", "a-b", "a0", "ab", "a-", "b", "plaintext-transport", "plaintext-transport-x", "z"}
	elems := []string{"s1", "s10", "s2", "c", "c-1", "c@2", "GET /x", "", "flow → x"}
	for _, tc := range []struct {
		name string
		odd  func(th *Threat, r *rand.Rand)
	}{
		{"rule@element ids", func(*Threat, *rand.Rand) {}},
		{"an id of another shape", func(th *Threat, r *rand.Rand) {
			if r.IntN(50) == 0 {
				th.ID = th.Element + "#" + th.Rule
			}
		}},
		{"a priority outside a byte", func(th *Threat, r *rand.Rand) {
			if r.IntN(50) == 0 {
				th.Priority = -1 + 301*r.IntN(2)
			}
		}},
		{"a rule with an @", func(th *Threat, r *rand.Rand) {
			if r.IntN(50) == 0 {
				th.Rule = "a@b"
				th.ID = th.Rule + "@" + th.Element
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			var ts []Threat
			seen := map[string]bool{}
			for len(ts) < 3000 {
				th := Threat{Heading: &Heading{Rule: rulesIDs[r.IntN(len(rulesIDs))]}, Guidance: &Guidance{}, Element: elems[r.IntN(len(elems))] + string(rune('a'+r.IntN(26))) + string(rune('a'+r.IntN(26))),
					Priority: 1 + r.IntN(2), Impact: threatmap.Severity(r.IntN(2)), Difficulty: threatmap.Difficulty(r.IntN(2))}
				th.ID = th.Rule + "@" + th.Element
				tc.odd(&th, r)
				if seen[th.ID] {
					continue
				}
				seen[th.ID] = true
				ts = append(ts, th)
			}
			want := slices.Clone(ts)
			slices.SortStableFunc(want, func(a, b Threat) int { return CompareOrder(OrderOf(&a), OrderOf(&b)) })
			got := slices.Clone(ts)
			SortByOrder(got, func(t *Threat) *Threat { return t })
			for i := range got {
				if got[i].ID != want[i].ID {
					t.Fatalf("position %d: %q, want %q", i, got[i].ID, want[i].ID)
				}
			}
		})
	}
}
