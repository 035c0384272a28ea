package deps

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The benchmark corpus: a package-lock.json with 50,000 packages and an
// npm OSV export (all.zip) of 20,000 advisories, a tenth of which name
// packages in the lockfile. Both are generated from a fixed seed.
const (
	benchPackages   = 50000
	benchAdvisories = 20000
)

var benchOnce struct {
	sync.Once
	dir  string
	lock []byte
	recs []*osvRecord
	err  error
}

func benchName(i int) string { return fmt.Sprintf("pkg-%05d", i) }

func benchCorpus(b *testing.B) (dir string, lock []byte, recs []*osvRecord) {
	benchOnce.Do(func() {
		rng := rand.New(rand.NewPCG(42, 4242))
		var sb strings.Builder
		sb.WriteString("{\n  \"name\": \"monorepo\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\n      \"dependencies\": {\n")
		for i := range 200 {
			fmt.Fprintf(&sb, "        %q: \"^1.0.0\",\n", benchName(i))
		}
		sb.WriteString("        \"pkg-00200\": \"^1.0.0\"\n      }\n    }")
		for i := range benchPackages {
			fmt.Fprintf(&sb, ",\n    \"node_modules/%s\": {\n      \"version\": \"%d.%d.%d\",\n      \"resolved\": \"https://registry.npmjs.org/%s/-/%s.tgz\"\n    }",
				benchName(i), rng.IntN(5), rng.IntN(20), rng.IntN(30), benchName(i), benchName(i))
		}
		sb.WriteString("\n  }\n}\n")
		benchOnce.lock = []byte(sb.String())

		for i := range benchAdvisories {
			name := fmt.Sprintf("other-%05d", i)
			if i%10 == 0 {
				name = benchName(rng.IntN(benchPackages))
			}
			r := record(fmt.Sprintf("GHSA-bench-%05d", i), NPM, name,
				ev("introduced", fmt.Sprintf("%d.0.0", rng.IntN(3))), ev("fixed", fmt.Sprintf("%d.%d.0", 2+rng.IntN(3), rng.IntN(20))))
			r.DatabaseSpecific = json.RawMessage(`{"severity":"HIGH"}`)
			benchOnce.recs = append(benchOnce.recs, r)
		}

		dir, err := os.MkdirTemp("", "deps-bench-")
		if err != nil {
			benchOnce.err = err
			return
		}
		benchOnce.dir = dir
		os.MkdirAll(filepath.Join(dir, "repo"), 0o755)
		os.MkdirAll(filepath.Join(dir, "osv"), 0o755)
		if err := os.WriteFile(filepath.Join(dir, "repo", "package-lock.json"), benchOnce.lock, 0o644); err != nil {
			benchOnce.err = err
			return
		}
		f, err := os.Create(filepath.Join(dir, "osv", "all.zip"))
		if err != nil {
			benchOnce.err = err
			return
		}
		zw := zip.NewWriter(f)
		for _, r := range benchOnce.recs {
			w, _ := zw.Create(r.ID + ".json")
			json.NewEncoder(w).Encode(r)
		}
		zw.Close()
		benchOnce.err = f.Close()
	})
	if benchOnce.err != nil {
		b.Fatal(benchOnce.err)
	}
	return benchOnce.dir, benchOnce.lock, benchOnce.recs
}

// linearMatch is the baseline an index replaces: every package is compared
// with every advisory.
func linearMatch(recs []*osvRecord, p Package) int {
	sys, _ := system(p.Ecosystem)
	v, err := parseVersion(sys, p.Ecosystem, p.Version)
	if err != nil {
		return 0
	}
	n := 0
	key := normalizeName(p.Ecosystem, p.Name)
	for _, r := range recs {
		for i := range r.Affected {
			a := &r.Affected[i]
			if a.Package.Ecosystem == string(p.Ecosystem) && normalizeName(p.Ecosystem, a.Package.Name) == key {
				if ok, _ := affects(sys, p.Ecosystem, a, p.Version, v); ok {
					n++
				}
			}
		}
	}
	return n
}

func benchPackagesParsed(b *testing.B) []Package {
	_, lock, _ := benchCorpus(b)
	res, err := parsePackageLock(&parseCtx{file: "package-lock.json"}, lock)
	if err != nil || len(res.packages) != benchPackages {
		b.Fatalf("parsed %d packages: %v", len(res.packages), err)
	}
	return res.packages
}

func BenchmarkParsePackageLock50k(b *testing.B) {
	_, lock, _ := benchCorpus(b)
	b.SetBytes(int64(len(lock)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := parsePackageLock(&parseCtx{file: "package-lock.json"}, lock); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadDB20k(b *testing.B) {
	dir, _, _ := benchCorpus(b)
	for b.Loop() {
		db, err := LoadDB(context.Background(), filepath.Join(dir, "osv"))
		if err != nil || db.Records != benchAdvisories {
			b.Fatalf("%v %v", db, err)
		}
	}
}

// BenchmarkMatchIndexed50k and BenchmarkMatchLinear50k compare matching
// 50,000 packages through the name index with the linear baseline.
func BenchmarkMatchIndexed50k(b *testing.B) {
	_, _, recs := benchCorpus(b)
	pkgs := benchPackagesParsed(b)
	db := newDB()
	for _, r := range recs {
		db.add(r)
	}
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for _, p := range pkgs {
			n += len(db.Match(p))
		}
		if n == 0 {
			b.Fatal("no matches")
		}
	}
}

func BenchmarkMatchLinear50k(b *testing.B) {
	_, _, recs := benchCorpus(b)
	pkgs := benchPackagesParsed(b)
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for _, p := range pkgs {
			n += linearMatch(recs, p)
		}
		if n == 0 {
			b.Fatal("no matches")
		}
	}
}

// BenchmarkScan50k is the whole command's work: walk, parse the lockfile,
// load and index the database, match.
func BenchmarkScan50k(b *testing.B) {
	dir, _, _ := benchCorpus(b)
	for b.Loop() {
		set, err := New(Options{OSVDB: filepath.Join(dir, "osv")}).Scan(context.Background(), filepath.Join(dir, "repo"))
		if err != nil || len(set.Findings) == 0 {
			b.Fatalf("%d findings: %v", len(set.Findings), err)
		}
	}
}

// TestIndexAgreesWithLinear checks on the benchmark corpus that the index
// finds exactly what the exhaustive comparison finds.
func TestIndexAgreesWithLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("large corpus")
	}
	_, lock, recs := benchCorpusT(t)
	res, err := parsePackageLock(&parseCtx{file: "package-lock.json"}, lock)
	if err != nil {
		t.Fatal(err)
	}
	db := newDB()
	for _, r := range recs {
		db.add(r)
	}
	total := 0
	for i, p := range res.packages {
		if i%50 != 0 {
			continue // a sample keeps the exhaustive side quick
		}
		got, want := len(db.Match(p)), linearMatch(recs, p)
		if got != want {
			t.Fatalf("%s %s: index %d, linear %d", p.Name, p.Version, got, want)
		}
		total += got
	}
	if total == 0 {
		t.Fatal("sample matched nothing; the corpus is not exercising matching")
	}
}

// benchCorpusT builds a smaller corpus for the agreement test.
func benchCorpusT(t *testing.T) (string, []byte, []*osvRecord) {
	rng := rand.New(rand.NewPCG(7, 77))
	var sb strings.Builder
	sb.WriteString("{\"lockfileVersion\": 3, \"packages\": {\n\"\": {}")
	for i := range 5000 {
		fmt.Fprintf(&sb, ",\n\"node_modules/%s\": {\"version\": \"%d.%d.%d\"}", benchName(i), rng.IntN(5), rng.IntN(20), rng.IntN(30))
	}
	sb.WriteString("}}\n")
	var recs []*osvRecord
	for i := range 3000 {
		recs = append(recs, record(fmt.Sprintf("X-%d", i), NPM, benchName(rng.IntN(5000)),
			ev("introduced", fmt.Sprintf("%d.0.0", rng.IntN(3))), ev("fixed", fmt.Sprintf("%d.%d.0", 2+rng.IntN(3), rng.IntN(20)))))
	}
	return "", []byte(sb.String()), recs
}
