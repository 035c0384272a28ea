package workflows

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// benchWorkflows generates a seeded corpus of workflows: several jobs of
// checkout, action and script steps with expressions, some of them
// injectable, as a large organisation's .github folders would hold.
func benchWorkflows(n int) [][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	triggers := []string{"push", "pull_request", "pull_request_target", "issues", "workflow_dispatch"}
	actions := []string{"actions/checkout@v4", "actions/setup-go@0c52d547c9bc32b1aa3301fd7a9cb496313a4491", "aquasecurity/trivy-action@master", "docker/build-push-action@v5", "./.github/actions/local"}
	exprs := []string{"${{ github.sha }}", "${{ github.event.issue.title }}", "${{ secrets.TOKEN }}", "${{ matrix.os }}", "${{ github.head_ref }}"}
	out := make([][]byte, n)
	for i := range out {
		var b strings.Builder
		fmt.Fprintf(&b, "name: wf%d\non: [%s, %s]\n", i, triggers[rng.IntN(len(triggers))], triggers[rng.IntN(len(triggers))])
		if rng.IntN(2) == 0 {
			b.WriteString("permissions:\n  contents: read\n")
		}
		b.WriteString("jobs:\n")
		for j := range 4 {
			fmt.Fprintf(&b, "  job%d:\n    runs-on: %s\n    steps:\n", j, []string{"ubuntu-latest", "[self-hosted, linux]"}[rng.IntN(2)])
			for k := range 10 {
				if k%3 == 0 {
					fmt.Fprintf(&b, "      - uses: %s\n        with:\n          token: %s\n", actions[rng.IntN(len(actions))], exprs[rng.IntN(len(exprs))])
				} else {
					fmt.Fprintf(&b, "      - name: step %d\n        run: |\n          echo \"building %s\"\n          make target-%d\n", k, exprs[rng.IntN(len(exprs))], k)
				}
			}
		}
		out[i] = []byte(b.String())
	}
	return out
}

// BenchmarkAudit runs every check over 500 generated workflows;
// BenchmarkParseOnly is the baseline of parsing them with actionlint alone,
// so the ratio is the cost of the checks on top of the parse.
func BenchmarkAudit(b *testing.B) {
	wfs := benchWorkflows(500)
	var size int64
	for _, w := range wfs {
		size += int64(len(w))
	}
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		for _, w := range wfs {
			if set := Audit("w.yml", w); len(set.Findings) == 0 {
				b.Fatal("no findings")
			}
		}
	}
}

func BenchmarkParseOnly(b *testing.B) {
	wfs := benchWorkflows(500)
	var size int64
	for _, w := range wfs {
		size += int64(len(w))
	}
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		for _, w := range wfs {
			if ast, _ := actionlint.Parse(w); ast == nil {
				b.Fatal("parse failed")
			}
		}
	}
}
