package interchange

import (
	"testing"

	"github.com/threatmap/threatmap/model"
)

// checkValid is the property every fuzzed import must keep: what the
// importer accepts, it writes as a model that loads without errors.
func checkValid(t *testing.T, im *Imported) {
	t.Helper()
	out, err := im.YAML()
	if err != nil {
		t.Fatalf("YAML: %v", err)
	}
	if _, diags := model.Parse("threatmap.yaml", out); diags.HasErrors() {
		t.Fatalf("the import does not validate:\n%s\n%s", diags.Errors(), out)
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Customer Web Client":          "customer-web-client",
		"  --Ünïcode__ok--":            "n-code__ok",
		"":                             "x",
		"a>b c":                        "a-b-c",
		"web-server.v2":                "web-server.v2",
		"f0ba7722-39b6-4c81-8290-a30a": "f0ba7722-39b6-4c81-8290-a30a",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
	ids := newIDs()
	a, b := ids.assign("component", "API"), ids.assign("asset", "api")
	if a == b || ids.assign("component", "API") != a {
		t.Errorf("ids not unique across kinds or not stable: %q %q", a, b)
	}
}
