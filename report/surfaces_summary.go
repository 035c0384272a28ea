package report

import (
	"fmt"
	"strings"

	"github.com/threatmap/threatmap/model"
)

// maxSurfaceRows is the longest surfaces table the one page shows as is;
// `report --all` lists every surface.
const maxSurfaceRows = 12

// writeSurfaceSummary writes a long surfaces table as one row per kind,
// exposure, auth and assets, naming the first few surfaces of each, so the
// threats stay near the top of the one page.
func writeSurfaceSummary(b *strings.Builder, m *model.Model, names map[string]string) {
	type group struct {
		kind, exposure, auth, assets string
		surfaces                     []string
	}
	var groups []*group
	at := map[string]*group{}
	for _, s := range m.Surfaces {
		var assets []string
		for _, id := range s.Assets {
			assets = append(assets, names[id])
		}
		as := strings.Join(assets, ", ")
		k := strings.Join([]string{s.Kind, s.Exposure, s.Auth, as}, "\x00")
		g := at[k]
		if g == nil {
			g = &group{kind: s.Kind, exposure: s.Exposure, auth: s.Auth, assets: as}
			at[k] = g
			groups = append(groups, g)
		}
		g.surfaces = append(g.surfaces, s.Name)
	}
	fmt.Fprintf(b, "%d surfaces, summarised (`threatmap report --all` lists each):\n\n", len(m.Surfaces))
	b.WriteString("| Surfaces | Kind | Exposure | Auth | Assets |\n|---|---|---|---|---|\n")
	shownGroups := groups
	if len(shownGroups) > maxSurfaceRows {
		shownGroups = shownGroups[:maxSurfaceRows-1]
	}
	for _, g := range shownGroups {
		label := g.surfaces[0]
		if n := len(g.surfaces); n > 1 {
			shown := g.surfaces[:min(3, n)]
			label = fmt.Sprintf("%d: %s", n, strings.Join(shown, ", "))
			if n > 3 {
				label += fmt.Sprintf(" and %d more", n-3)
			}
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", cell(label), g.kind, g.exposure, g.auth, cell(orDash(g.assets)))
	}
	if rest := groups[len(shownGroups):]; len(rest) > 0 {
		n := 0
		for _, g := range rest {
			n += len(g.surfaces)
		}
		fmt.Fprintf(b, "| %d more in %d other kinds | | | | |\n", n, len(rest))
	}
}
