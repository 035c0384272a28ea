package ahocorasick

import (
	"bytes"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

type occ struct{ id, start int }

// naive finds every occurrence by brute force, for comparison.
func naive(keywords []string, data []byte) []occ {
	var hits []occ
	ld := bytes.ToLower(data)
	for end := 1; end <= len(data); end++ {
		for id, kw := range keywords {
			k := bytes.ToLower([]byte(kw))
			if len(k) == 0 || len(k) > end {
				continue
			}
			if bytes.Equal(ld[end-len(k):end], k) {
				hits = append(hits, occ{id, end - len(k)})
			}
		}
	}
	return hits
}

func collect(m *Matcher, data []byte) []occ {
	var hits []occ
	m.Scan(data, func(id, start int) bool {
		hits = append(hits, occ{id, start})
		return true
	})
	return hits
}

func sortHits(h []occ) {
	slices.SortFunc(h, func(a, b occ) int {
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
		want     []occ
	}{
		{"none", []string{"abc"}, "xyz", nil},
		{"one", []string{"abc"}, "xxabcxx", []occ{{0, 2}}},
		{"case", []string{"AKIA"}, "akia Akia AKIA", []occ{{0, 0}, {0, 5}, {0, 10}}},
		{"overlap", []string{"he", "she", "hers", "his"}, "ushers", []occ{{1, 1}, {0, 2}, {2, 2}}},
		{"suffix", []string{"sk-", "sk-ant-"}, "sk-ant-api", []occ{{0, 0}, {1, 0}}},
		{"repeat", []string{"aa"}, "aaaa", []occ{{0, 0}, {0, 1}, {0, 2}}},
		{"empty keyword", []string{"", "x"}, "x", []occ{{1, 0}}},
		{"high bytes", []string{"\xff\xfe"}, "a\xff\xfeb", []occ{{0, 1}}},
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

// collectDFA is collect for the reference automaton.
func collectDFA(m *dfa, data []byte) []occ {
	var hits []occ
	m.Scan(data, func(id, start int) bool {
		hits = append(hits, occ{id, start})
		return true
	})
	return hits
}

// sameAsDFA fails t unless the Matcher reports exactly what the plain
// automaton reports, in the same order.
func sameAsDFA(t *testing.T, kws []string, data []byte) {
	t.Helper()
	got := collect(New(kws), data)
	want := collectDFA(newDFA(kws), data)
	if !slices.Equal(got, want) {
		t.Fatalf("keywords %q data %q:\n got %v\nwant %v", kws, data, got, want)
	}
}

// TestScanMatchesAutomaton compares the filtered scan with the plain
// automaton on random keyword sets and inputs over small alphabets, where
// keywords overlap, repeat, share prefixes and are shorter than the
// filter's three bytes, so that every path of the filter is exercised.
func TestScanMatchesAutomaton(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabets := []string{"abAB-_", "aA", "xyzXYZ:/.~", "\x00\xffaK"}
	for i := 0; i < 3000; i++ {
		alphabet := alphabets[i%len(alphabets)]
		word := func(n int) string {
			b := make([]byte, n)
			for i := range b {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
			return string(b)
		}
		var kws []string
		for j := 0; j < 1+r.IntN(8); j++ {
			kws = append(kws, word(r.IntN(6)))
		}
		if r.IntN(4) == 0 {
			kws = append(kws, kws[r.IntN(len(kws))]) // a duplicate keyword
		}
		sameAsDFA(t, kws, []byte(word(r.IntN(120))))
	}
}

// TestScanMatchesAutomatonOnKeywordText compares the two on text made of
// keyword fragments in random case, the input where the filter passes
// most and hands over to the automaton most often.
func TestScanMatchesAutomatonOnKeywordText(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	kws := append(slices.Clone(benchKeywords), "a3-", ":aa", "-----begin", "x-api-key:")
	for i := 0; i < 2000; i++ {
		var b []byte
		for len(b) < 200 {
			switch k := kws[r.IntN(len(kws))]; r.IntN(4) {
			case 0:
				b = append(b, k...)
			case 1:
				b = append(b, k[:r.IntN(len(k))]...)
			case 2:
				b = append(b, k[r.IntN(len(k)):]...)
			default:
				b = append(b, " \n=_-.:~\"'"[r.IntN(10)])
			}
		}
		for j := range b {
			if r.IntN(3) == 0 && 'a' <= b[j] && b[j] <= 'z' {
				b[j] -= 'a' - 'A'
			}
		}
		sameAsDFA(t, kws, b[:r.IntN(len(b)+1)])
	}
}

// TestScanManyClasses covers a keyword set whose first bytes span more
// than the filter's 63 classes, so that classes are shared.
func TestScanManyClasses(t *testing.T) {
	var kws []string
	for c := 1; c < 256; c += 2 {
		kws = append(kws, string([]byte{byte(c), byte(255 - c), byte(c ^ 0x55)}), string([]byte{byte(c), 'k'}))
	}
	r := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 200; i++ {
		data := make([]byte, r.IntN(300))
		for j := range data {
			data[j] = byte(r.IntN(256))
			if j > 2 && r.IntN(8) == 0 {
				k := kws[r.IntN(len(kws))]
				copy(data[j-len(k):j], k)
			}
		}
		sameAsDFA(t, kws, data)
	}
}

func TestScanStopsInOrder(t *testing.T) {
	kws := []string{"sk", "sk-ant-", "k-a", "ant"}
	data := []byte("xx sk-ant-api sk-ant-")
	want := collectDFA(newDFA(kws), data)
	for stop := 1; stop <= len(want); stop++ {
		var got []occ
		New(kws).Scan(data, func(id, start int) bool {
			got = append(got, occ{id, start})
			return len(got) < stop
		})
		if !slices.Equal(got, want[:stop]) {
			t.Errorf("stop after %d: got %v, want %v", stop, got, want[:stop])
		}
	}
}

// FuzzScan checks the filtered scan against the plain automaton: the
// keywords are the input's first bytes, split at '|', and the data the
// rest.
func FuzzScan(f *testing.F) {
	f.Add([]byte("sk|sk-ant-|key\nxx SK-ANT-api key=1"))
	f.Add([]byte("a|aa|aaa\naaaaaaa"))
	f.Add([]byte("Q~|eyJ|-----BEGIN\n-----begin eyj Q~q~"))
	f.Fuzz(func(t *testing.T, in []byte) {
		head, data, _ := bytes.Cut(in, []byte("\n"))
		var kws []string
		for _, k := range bytes.Split(head, []byte("|")) {
			if len(kws) < 64 {
				kws = append(kws, string(k))
			}
		}
		sameAsDFA(t, kws, data)
	})
}

// benchKeywords are a sample of the secrets scanner's keywords.
var benchKeywords = []string{
	"akia", "ghp_", "sk_live_", "xoxb-", "secret", "password", "token", "api_key", "eyj", "-----begin",
	"postgres://", "key", "pwd", "passwd", "credential", "auth_key", "private_key", "access_key", "apikey",
	"sk", "q~", "hf_", "r8_", "glpat-", "npm_", "dop_v1_", "sg.", "aiza", "discord", "twilio",
}

// sourceText returns about 4 MiB of Go source from the Go distribution,
// or skips.
func sourceText(b *testing.B) []byte {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Skipf("go env GOROOT: %v", err)
	}
	var data []byte
	dir := filepath.Join(strings.TrimSpace(string(out)), "src", "net", "http")
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".go") && len(data) < 4<<20 {
			if b, err := os.ReadFile(p); err == nil {
				data = append(data, b...)
			}
		}
		return nil
	})
	if len(data) < 1<<20 {
		b.Skip("no Go source to read")
	}
	return data
}

// BenchmarkScan compares the filtered scan with the plain automaton on
// random printable bytes and on Go source.
func BenchmarkScan(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	random := make([]byte, 4<<20)
	for i := range random {
		random[i] = byte(' ' + r.IntN(95))
	}
	m, d := New(benchKeywords), newDFA(benchKeywords)
	for _, in := range []struct {
		name string
		data func() []byte
	}{{"random", func() []byte { return random }}, {"source", func() []byte { return sourceText(b) }}} {
		b.Run(in.name+"/filter", func(b *testing.B) {
			data := in.data()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				m.Scan(data, func(int, int) bool { return true })
			}
		})
		b.Run(in.name+"/automaton", func(b *testing.B) {
			data := in.data()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				d.Scan(data, func(int, int) bool { return true })
			}
		})
	}
}
