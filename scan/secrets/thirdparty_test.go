package secrets

import (
	"context"
	"slices"
	"testing"
)

// TestThirdPartyCodeIsSkipped checks that the working-tree and the
// history scans both leave vendored modules and node_modules alone and
// still report the project's own secret next to them.
func TestThirdPartyCodeIsSkipped(t *testing.T) {
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q")
	key := func(seed uint64) string { return "STRIPE_KEY = \"sk_live_" + token(seed, 32) + "\"\n" }
	writeIn(t, dir, "app/config.py", key(1))
	writeIn(t, dir, "vendor/github.com/acme/sdk/sdk_test.go", key(2))
	writeIn(t, dir, "web/node_modules/sdk/test.js", key(3))
	writeIn(t, dir, "vendor/acme/own.py", key(4)) // the project's own vendor/ package
	gitIn(t, dir, "add", "-f", ".")
	gitIn(t, dir, "commit", "-q", "-m", "add")
	for _, mode := range []Mode{WorkTree, History} {
		set, err := New(Options{Mode: mode}).Scan(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range set.Findings {
			got = append(got, f.File)
		}
		slices.Sort(got)
		if want := []string{"app/config.py", "vendor/acme/own.py"}; !slices.Equal(got, want) {
			t.Errorf("mode %v: findings in %v, want %v", mode, got, want)
		}
	}
}
