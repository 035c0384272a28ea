package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/evidence"
)

// writeUnclaimed lists the high and critical scanner findings that no
// threat row takes as evidence, one line per scanner rule, most severe
// first, so that a finding about something the model leaves out (a build
// role, a pipeline) is on the page and not silently dropped.
func writeUnclaimed(b *strings.Builder, a *assess.Assessment) {
	if len(a.Unclaimed) == 0 {
		return
	}
	type group struct {
		scanner, rule string
		fs            []evidence.Finding
	}
	var groups []*group
	byKey := map[[2]string]*group{}
	for _, f := range a.Unclaimed {
		k := [2]string{f.Scanner, f.Rule}
		g := byKey[k]
		if g == nil {
			g = &group{scanner: f.Scanner, rule: f.Rule}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.fs = append(g.fs, f)
	}
	top := func(g *group) int {
		s := 0
		for _, f := range g.fs {
			s = max(s, int(f.Severity))
		}
		return s
	}
	slices.SortStableFunc(groups, func(x, y *group) int {
		return cmp.Or(cmp.Compare(top(y), top(x)), cmp.Compare(x.scanner, y.scanner), cmp.Compare(x.rule, y.rule))
	})
	fmt.Fprintf(b, "\n### Findings no threat covers\n\n")
	b.WriteString("High and critical scanner findings about something the model does not describe; `check` fails on them until the model names what they are about (an identity, a ci component, a ref) or they are fixed.\n\n")
	for _, g := range groups {
		slices.SortStableFunc(g.fs, func(x, y evidence.Finding) int { return cmp.Compare(y.Severity, x.Severity) })
		f := g.fs[0]
		fmt.Fprintf(b, "- **%s** `%s` (scan %s): %s: %s", f.Severity, g.rule, g.scanner, OneLine(f.Where()), cell(OneLine(f.Message)))
		if n := len(g.fs) - 1; n > 0 {
			fmt.Fprintf(b, "; and %d more", n)
		}
		b.WriteString("\n")
	}
}
