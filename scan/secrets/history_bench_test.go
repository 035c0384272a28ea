package secrets

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// benchHistory writes in dir a repository of commits commits over files files
// (about 12 KB each) with git fast-import: each commit edits three
// neighbouring lines of one file, one in fifty adds a token. It returns the bytes of all
// file versions, the input a history scan reads.
func benchHistory(b testing.TB, dir string, commits, files int) int64 {
	b.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("git not installed")
	}
	r := rand.New(rand.NewPCG(42, 42))
	content := make([][]string, files)
	for f := range content {
		for i := range 300 {
			content[f] = append(content[f], fmt.Sprintf("\tresult%d := handle(ctx, request%d, \"value-%d\") // line %d", i, r.IntN(1000), r.IntN(1e6), i))
		}
	}
	var stream bytes.Buffer
	var total int64
	for c := range commits {
		f := r.IntN(files)
		at := r.IntN(len(content[f]) - 3)
		for i := range 3 {
			content[f][at+i] = fmt.Sprintf("\tedited%d := other(%d)", r.IntN(1e6), c)
		}
		if c%50 == 0 {
			content[f] = append(content[f], "\tconst stripeKey = \"sk_live_"+token(uint64(c), 32)+"\"")
		}
		data := strings.Join(content[f], "\n") + "\n"
		total += int64(len(data))
		fmt.Fprintf(&stream, "commit refs/heads/main\ncommitter T <t@example.com> %d +0000\ndata 4\nedit\n", 1700000000+c)
		fmt.Fprintf(&stream, "M 100644 inline pkg/file%d.go\ndata %d\n%s\n", f, len(data), data)
	}
	// fast-import stores each blob as a delta from the one written before
	// it, whatever its path; repacking gives the pack a clone has, where
	// a file's versions are deltas of each other.
	for _, args := range [][]string{{"init", "-q"}, {"fast-import", "--quiet"}, {"repack", "-q", "-a", "-d", "-f"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
		if args[0] == "fast-import" {
			cmd.Stdin = &stream
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return total
}

// BenchmarkScanHistory scans a generated history of 2,000 commits over 50
// files (24 MB of file versions); bytes per second count every version.
func BenchmarkScanHistory(b *testing.B) {
	dir := b.TempDir()
	total := benchHistory(b, dir, 2000, 50)
	b.SetBytes(total)
	for b.Loop() {
		set, err := New(Options{Mode: History}).Scan(context.Background(), dir)
		if err != nil {
			b.Fatal(err)
		}
		if len(set.Findings) != 40 {
			b.Fatalf("%d findings, want 40", len(set.Findings))
		}
	}
}

// BenchmarkScanHistoryRepo scans the history of the clone named by
// THREATMAP_BENCH_REPO (skipped when unset), for profiling on real
// repositories.
func BenchmarkScanHistoryRepo(b *testing.B) {
	dir := os.Getenv("THREATMAP_BENCH_REPO")
	if dir == "" {
		b.Skip("THREATMAP_BENCH_REPO not set")
	}
	for b.Loop() {
		if _, err := New(Options{Mode: History}).Scan(context.Background(), dir); err != nil {
			b.Fatal(err)
		}
	}
}
