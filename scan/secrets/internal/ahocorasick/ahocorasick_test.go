package ahocorasick

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

type hit struct{ id, start int }

// naive finds every occurrence by brute force, for comparison.
func naive(keywords []string, data []byte) []hit {
	var hits []hit
	ld := bytes.ToLower(data)
	for end := 1; end <= len(data); end++ {
		for id, kw := range keywords {
			k := bytes.ToLower([]byte(kw))
			if len(k) == 0 || len(k) > end {
				continue
			}
			if bytes.Equal(ld[end-len(k):end], k) {
				hits = append(hits, hit{id, end - len(k)})
			}
		}
	}
	return hits
}

func collect(m *Matcher, data []byte) []hit {
	var hits []hit
	m.Scan(data, func(id, start int) bool {
		hits = append(hits, hit{id, start})
		return true
	})
	return hits
}

func sortHits(h []hit) {
	slices.SortFunc(h, func(a, b hit) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return a.id - b.id
	})
}

func TestScan(t *testing.T) {
	tests := []struct {
		name     string
		keywords []string
		data     string
		want     []hit
	}{
		{"none", []string{"abc"}, "xyz", nil},
		{"one", []string{"abc"}, "xxabcxx", []hit{{0, 2}}},
		{"case", []string{"AKIA"}, "akia Akia AKIA", []hit{{0, 0}, {0, 5}, {0, 10}}},
		{"overlap", []string{"he", "she", "hers", "his"}, "ushers", []hit{{1, 1}, {0, 2}, {2, 2}}},
		{"suffix", []string{"sk-", "sk-ant-"}, "sk-ant-api", []hit{{0, 0}, {1, 0}}},
		{"repeat", []string{"aa"}, "aaaa", []hit{{0, 0}, {0, 1}, {0, 2}}},
		{"empty keyword", []string{"", "x"}, "x", []hit{{1, 0}}},
		{"high bytes", []string{"\xff\xfe"}, "a\xff\xfeb", []hit{{0, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := collect(New(tt.keywords), []byte(tt.data))
			sortHits(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestScanMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "abAB-_"
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	for i := 0; i < 200; i++ {
		var kws []string
		for j := 0; j < 1+r.IntN(6); j++ {
			kws = append(kws, word(1+r.IntN(4)))
		}
		data := []byte(word(r.IntN(80)))
		got := collect(New(kws), data)
		want := naive(kws, data)
		sortHits(got)
		sortHits(want)
		if !slices.Equal(got, want) {
			t.Fatalf("keywords %q data %q: got %v, want %v", kws, data, got, want)
		}
	}
}

func TestScanStops(t *testing.T) {
	n := 0
	New([]string{"a"}).Scan([]byte("aaaa"), func(int, int) bool { n++; return n < 2 })
	if n != 2 {
		t.Errorf("fn called %d times after returning false, want 2", n)
	}
}

func BenchmarkScan(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 4<<20)
	for i := range data {
		data[i] = byte(' ' + r.IntN(95))
	}
	m := New([]string{"akia", "ghp_", "sk_live_", "xoxb-", "secret", "password", "token", "api_key", "eyj", "-----begin", "postgres://"})
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		m.Scan(data, func(int, int) bool { return true })
	}
}
