package assess

import (
	"testing"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/model"
)

func TestGateUncheckedDependencies(t *testing.T) {
	yes, no := true, false
	unchecked := evidence.Observation{Scanner: "deps", Property: evidence.AdvisoriesChecked, Holds: false, File: "bots/a/requirements.txt", Detail: "3 packages not checked"}
	checked := evidence.Observation{Scanner: "deps", Property: evidence.AdvisoriesChecked, Holds: true, File: "bots/b/requirements.txt"}
	tests := []struct {
		name   string
		policy *bool
		obs    []evidence.Observation
		want   int
	}{
		{"policy off by default", nil, []evidence.Observation{unchecked}, 0},
		{"policy off", &no, []evidence.Observation{unchecked}, 0},
		{"policy on, unchecked", &yes, []evidence.Observation{unchecked, checked}, 1},
		{"policy on, all checked", &yes, []evidence.Observation{checked}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &Assessment{Model: &model.Model{Policy: model.Policy{AdvisoryDB: tt.policy}}, Evidence: evidence.Set{Observations: tt.obs}}
			got := 0
			for _, p := range a.Gate() {
				if p.Kind == ProblemUnchecked {
					got++
					if p.Pos.File == "" {
						t.Errorf("problem without a location: %+v", p)
					}
				}
			}
			if got != tt.want {
				t.Errorf("%d unchecked-dependencies problems, want %d", got, tt.want)
			}
		})
	}
}
