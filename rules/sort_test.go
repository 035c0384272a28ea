package rules

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortByKeyMatchesSortStable: the permutation applied in place gives
// what a stable sort gives, on random input with many ties, sorted input
// and reversed input.
func TestSortByKeyMatchesSortStable(t *testing.T) {
	type item struct{ key, orig int }
	byKey := func(a, b *item) int { return cmp.Compare(a.key, b.key) }
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 10, 257, 5000, parallelSortMin + 77} {
		for _, shape := range []string{"random", "sorted", "reversed"} {
			in := make([]item, n)
			for i := range in {
				switch shape {
				case "random":
					in[i] = item{r.IntN(7), i}
				case "sorted":
					in[i] = item{i / 3, i}
				case "reversed":
					in[i] = item{n - i/3, i}
				}
			}
			want := slices.Clone(in)
			slices.SortStableFunc(want, func(a, b item) int { return byKey(&a, &b) })
			got := slices.Clone(in)
			SortByKey(got, func(it *item) int { return it.key }, func(a, b int) int { return cmp.Compare(a, b) })
			if !slices.Equal(got, want) {
				t.Errorf("n=%d %s: differs from a stable sort", n, shape)
			}
		}
	}
}

// TestSortParts: sorting in parts merged pairwise gives what one sort
// gives, for any number of parts (odd ones leave a run out of a round),
// on random input with ties broken by position.
func TestSortParts(t *testing.T) {
	type keyed struct{ k, i int }
	byKey := func(a, b keyed) int { return cmp.Or(cmp.Compare(a.k, b.k), cmp.Compare(a.i, b.i)) }
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 3, 5, 100, 1001, 40000} {
		in := make([]keyed, n)
		for i := range in {
			in[i] = keyed{r.IntN(50), i}
		}
		want := slices.Clone(in)
		slices.SortFunc(want, byKey)
		for _, parts := range []int{1, 2, 3, 4, 5, 7, 8} {
			got := sortParts(slices.Clone(in), byKey, parts)
			if !slices.Equal(got, want) {
				t.Errorf("n=%d parts=%d: differs from one sort", n, parts)
			}
		}
	}
}
