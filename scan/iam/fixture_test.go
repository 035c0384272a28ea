package iam

import (
	"context"

	"path/filepath"
	"testing"

	"github.com/threatmap/threatmap/scan/wantfile"
)

// TestFixtures scans each fixture tree and compares the findings with the
// want annotations: a missing finding and an unexpected one both fail.
func TestFixtures(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/fixtures/*")
	if len(dirs) == 0 {
		t.Fatal("no fixtures")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			set, err := New().Scan(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			msgs := map[string]string{}
			for _, f := range set.Findings {
				k := wantfile.Key(f.File, f.Line, f.Rule)
				got[k]++
				msgs[k] = f.Message
				if f.Scanner != "iam" || f.Message == "" || f.File == "" || f.Line < 1 || f.Fingerprint == "" || f.Resource == "" && f.Rule != ruleParseError.ID {
					t.Errorf("%s: incomplete finding %+v", k, f)
				}
			}
			want, err := wantfile.Read(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range wantfile.Diff(want, got, msgs) {
				t.Error(p)
			}
		})
	}
}
