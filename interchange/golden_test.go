package interchange

import (
	"flag"
	"os"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestImportGolden pins the written model and custom rules for each
// fixture: comments, order and formatting are part of what users read.
func TestImportGolden(t *testing.T) {
	for _, tc := range []struct {
		in     string
		imp    func(string, []byte) (*Imported, error)
		golden string
	}{
		{"testdata/threagile/shop.yaml", ImportThreagile, "testdata/threagile/shop.golden.yaml"},
		{"testdata/otm/foreign.otm.json", ImportOTM, "testdata/otm/foreign.golden.yaml"},
		{"testdata/threatdragon/kiosk.json", ImportThreatDragon, "testdata/threatdragon/kiosk.golden.yaml"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			im := importFile(t, tc.in, tc.imp)
			out, err := im.YAML()
			if err != nil {
				t.Fatal(err)
			}
			files, err := im.RuleFiles()
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range sortedNames(files) {
				out = append(out, []byte("\n# --- "+RulesDir+"/"+name+"\n")...)
				out = append(out, files[name]...)
			}
			if *update {
				if err := os.WriteFile(tc.golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(tc.golden)
			if err != nil {
				t.Fatalf("%v (run go test ./interchange -run Golden -update)", err)
			}
			if string(want) != string(out) {
				t.Errorf("%s differs from %s (run with -update to accept):\n%s", tc.in, tc.golden, out)
			}
		})
	}
}

func sortedNames(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
