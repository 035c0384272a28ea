package secrets

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestKeywordScanFindsEveryOccurrence checks the detector's keyword pass,
// with the real keyword set, against brute force: every (keyword, offset)
// where the keyword occurs ignoring ASCII case is reported, once, on text
// made of keyword fragments in random case.
func TestKeywordScanFindsEveryOccurrence(t *testing.T) {
	d, err := newDetector(builtinRules())
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(15, 16))
	type occ struct{ id, start int }
	for i := 0; i < 300; i++ {
		var b []byte
		for len(b) < 400 {
			k := d.kws[r.IntN(len(d.kws))].keyword
			switch r.IntN(4) {
			case 0:
				b = append(b, k...)
			case 1:
				b = append(b, k[:r.IntN(len(k))]...)
			case 2:
				b = append(b, k[r.IntN(len(k)):]...)
			default:
				b = append(b, " \n=_-.:/\"'"[r.IntN(10)])
			}
		}
		for j := range b {
			if r.IntN(3) == 0 {
				b[j] = bytes.ToUpper(b[j : j+1])[0]
			}
		}
		var got []occ
		d.ac.Scan(b, func(id, start int) bool {
			got = append(got, occ{id, start})
			return true
		})
		lb := bytes.ToLower(b)
		var want []occ
		for start := range lb {
			for id, k := range d.kws {
				if bytes.HasPrefix(lb[start:], bytes.ToLower([]byte(k.keyword))) {
					want = append(want, occ{id, start})
				}
			}
		}
		cmp := func(a, b occ) int {
			if a.start != b.start {
				return a.start - b.start
			}
			return a.id - b.id
		}
		slices.SortFunc(got, cmp)
		if !slices.Equal(got, want) {
			t.Fatalf("text %q:\n got %v\nwant %v", b, got, want)
		}
	}
}
