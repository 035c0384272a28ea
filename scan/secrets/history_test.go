package secrets

import (
	"bufio"
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/repofs"
)

func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	cmd := exec.Command("git", append([]string{"-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func writeIn(t *testing.T, dir, rel, text string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func token(seed uint64, n int) string {
	const set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	r := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = set[r.IntN(len(set))]
	}
	return string(b)
}

// TestHistoryAttributesEachSecretToTheCommitThatAddedIt walks the cases a
// blob-by-blob scan must get right to match a diff-based one: a secret
// that moves down a file is not new, a copy to another path is, so is a
// secret whose line was edited, and a merge adds nothing of its own.
func TestHistoryAttributesEachSecretToTheCommitThatAddedIt(t *testing.T) {
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q")
	key := "sk_live_" + token(1, 32)
	writeIn(t, dir, "app/config.py", "DEBUG = False\nSTRIPE_KEY = \""+key+"\"\n")
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "add")
	added := gitIn(t, dir, "rev-parse", "HEAD")

	writeIn(t, dir, "app/config.py", "import os\nDEBUG = False\nSTRIPE_KEY = \""+key+"\"\n")
	gitIn(t, dir, "commit", "-q", "-am", "import above")

	gitIn(t, dir, "checkout", "-q", "-b", "side")
	writeIn(t, dir, "app/copy.py", "STRIPE_KEY = \""+key+"\"\n")
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "copy")
	copied := gitIn(t, dir, "rev-parse", "HEAD")
	gitIn(t, dir, "checkout", "-q", "main")

	writeIn(t, dir, "app/config.py", "import os\nDEBUG = True\nSTRIPE_KEY = \""+key+"\"  # live\n")
	gitIn(t, dir, "commit", "-q", "-am", "edit the key's line")
	edited := gitIn(t, dir, "rev-parse", "HEAD")
	gitIn(t, dir, "merge", "-q", "--no-ff", "-m", "merge side", "side")

	set, err := New(Options{Mode: History}).Scan(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range set.Findings {
		got = append(got, f.Commit[:7]+" "+f.File+":"+itoa(f.Line)+" "+f.Rule)
	}
	slices.Sort(got)
	want := []string{
		added[:7] + " app/config.py:2 stripe-secret-key",
		copied[:7] + " app/copy.py:1 stripe-secret-key",
		edited[:7] + " app/config.py:3 stripe-secret-key",
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// --since sees only what the range added.
	set, err = New(Options{Mode: History, Since: added}).Scan(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Findings) != 2 {
		t.Errorf("--since the first commit: %d findings, want 2 (copy and edit): %+v", len(set.Findings), set.Findings)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// FuzzParseRaw feeds arbitrary bytes to the reader of `git log --raw -z`
// output: it must return changes or an error, never panic, and every
// change must carry a path and a blob id.
func FuzzParseRaw(f *testing.F) {
	f.Add([]byte("commit 0123456789abcdef0123456789abcdef01234567\x00\n:000000 100644 0000000000000000000000000000000000000000 89abcdef0123456789abcdef0123456789abcdef A\x00app.py\x00"))
	f.Add([]byte(":100644 100644 0123456789abcdef0123456789abcdef01234567 89abcdef0123456789abcdef0123456789abcdef M\x00dir/a b\x00"))
	f.Add([]byte("commit 0123456789abcdef0123456789abcdef01234567\x00\n::100644 100644 100644 a b c MM\x00x\x00"))
	f.Add([]byte(":160000 160000 0123456789abcdef0123456789abcdef01234567 89abcdef0123456789abcdef0123456789abcdef M\x00sub\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		changes, err := parseRaw(bufio.NewReader(strings.NewReader(string(data))))
		if err != nil {
			return
		}
		for _, c := range changes {
			if c.path == "" || !isHex(c.new) {
				t.Fatalf("change without path or blob: %+v", c)
			}
		}
	})
}

// TestHistoryReadsManyVersionsAcrossReaders lists more file versions than
// one chunk holds, so that several cat-file readers run while git log is
// still listing: every secret is found once and attributed to its commit,
// whichever reader read it.
func TestHistoryReadsManyVersionsAcrossReaders(t *testing.T) {
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q")
	keyAt := map[int]string{}
	for _, i := range []int{0, 300, 700, 999} {
		keyAt[i] = "sk_live_" + token(uint64(i)+10, 32)
	}
	for i := range 1000 {
		text := "package p\n\nconst N = " + itoa(i) + "\n"
		if k, ok := keyAt[i]; ok {
			text += "var stripeKey = \"" + k + "\"\n"
		}
		writeIn(t, dir, "pkg/f"+itoa(i)+".go", text)
	}
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "many files")
	first := gitIn(t, dir, "rev-parse", "HEAD")
	second := "sk_live_" + token(5, 32)
	writeIn(t, dir, "pkg/f700.go", "package p\n\nconst N = 700\nvar stripeKey = \""+keyAt[700]+"\"\nvar otherKey = \""+second+"\"\n")
	gitIn(t, dir, "commit", "-q", "-am", "second key")
	edited := gitIn(t, dir, "rev-parse", "HEAD")

	for _, workers := range []int{1, 3} {
		set, err := New(Options{Mode: History, Workers: workers}).Scan(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range set.Findings {
			got = append(got, f.Commit[:7]+" "+f.File+":"+itoa(f.Line))
		}
		slices.Sort(got)
		want := []string{
			first[:7] + " pkg/f0.go:4",
			first[:7] + " pkg/f300.go:4",
			first[:7] + " pkg/f700.go:4",
			first[:7] + " pkg/f999.go:4",
			edited[:7] + " pkg/f700.go:5",
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%d workers: findings:\n%s\nwant:\n%s", workers, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestHistoryReportsABrokenBlobReader makes cat-file answer nonsense after
// git log has listed more versions than one chunk: the scan ends with an
// error naming cat-file instead of hanging or reporting a clean history.
func TestHistoryReportsABrokenBlobReader(t *testing.T) {
	realGit, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q")
	for i := range 600 {
		writeIn(t, dir, "f"+itoa(i)+".txt", "line "+itoa(i)+"\n")
	}
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "files")
	fake := filepath.Join(t.TempDir(), "git")
	script := "#!/bin/sh\nfor a in \"$@\"; do if [ \"$a\" = cat-file ]; then cat >/dev/null & echo 'not a header'; wait; exit 0; fi; done\nexec '" + realGit + "' \"$@\"\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = New(Options{Mode: History, Workers: 2, Git: fake}).Scan(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "cat-file") {
		t.Fatalf("err = %v, want a cat-file error", err)
	}
}

// TestHistoryLeavesExcludedPaths: --exclude (and scan.exclude) reach the
// history scan too: a secret committed under an excluded directory, or
// in an excluded file, is not read, and the skipped path is counted.
func TestHistoryLeavesExcludedPaths(t *testing.T) {
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q")
	key := "sk_live_" + token(2, 32)
	writeIn(t, dir, "fixtures/deep/keys.py", "STRIPE_KEY = \""+key+"\"\n")
	writeIn(t, dir, "app/sample.env.py", "STRIPE_KEY = \""+key+"\"\n")
	writeIn(t, dir, "app/config.py", "STRIPE_KEY = \""+key+"\"\n")
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "add")

	var tally repofs.Tally
	ctx := repofs.WithExclude(repofs.WithTally(context.Background(), &tally), []string{"fixtures/", "app/sample.env.py"})
	set, err := New(Options{Mode: History}).Scan(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range set.Findings {
		got = append(got, f.File)
	}
	if !slices.Equal(got, []string{"app/config.py"}) {
		t.Errorf("findings in %v, want only app/config.py", got)
	}
	if n := tally.Counts()[repofs.SkipExcluded]; n != 2 {
		t.Errorf("%d paths counted excluded, want 2", n)
	}
}
