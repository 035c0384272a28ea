package secrets

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/threatmap/threatmap/evidence"
)

// materialize copies a fixture tree into a temporary directory, expanding
// sample templates with a seeded generator and renaming path elements that
// start with "dot-" to start with "." (so that the fixture's .env, .github
// and .gitignore do not act on this repository).
func materialize(t testing.TB, src string, seed uint64) string {
	t.Helper()
	dst := t.TempDir()
	x := newExpander(seed)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		var parts []string
		for _, e := range strings.Split(filepath.ToSlash(rel), "/") {
			if rest, ok := strings.CutPrefix(e, "dot-"); ok {
				e = "." + rest
			}
			parts = append(parts, e)
		}
		out := filepath.Join(dst, filepath.FromSlash(strings.Join(parts, "/")))
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, []byte(x.expand(string(data))), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

var wantComment = regexp.MustCompile(`want "([a-z0-9-]+)"`)

type loc struct {
	file string
	line int
	rule string
}

func (l loc) String() string { return fmt.Sprintf("%s:%d %s", l.file, l.line, l.rule) }

// wants collects the findings a materialized tree must produce: want
// comments on fixture lines plus the sidecar .want file.
func wants(t *testing.T, root, sidecar string) []loc {
	t.Helper()
	var out []loc
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			for _, m := range wantComment.FindAllStringSubmatch(sc.Text(), -1) {
				out = append(out, loc{filepath.ToSlash(rel), n, m[1]})
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(sidecar)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		where, rule, _ := strings.Cut(line, " ")
		l := loc{rule: rule}
		if _, err := fmt.Sscanf(where, "%s", &l.file); err != nil {
			t.Fatalf("bad sidecar line %q", line)
		}
		if f, n, ok := strings.Cut(where, ":"); ok {
			l.file = f
			fmt.Sscanf(n, "%d", &l.line)
		}
		out = append(out, l)
	}
	return out
}

func locs(fs []evidence.Finding) []loc {
	var out []loc
	for _, f := range fs {
		out = append(out, loc{f.File, f.Line, f.Rule})
	}
	return out
}

func sortLocs(l []loc) {
	slices.SortFunc(l, func(a, b loc) int { return strings.Compare(a.String(), b.String()) })
}

func TestFixtureTree(t *testing.T) {
	root := materialize(t, "testdata/tree", 42)
	// A symbolic link out of the tree must not be followed.
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "leak.txt"), []byte(newExpander(9).expand(`token = "ghp_«36:alnum»"`)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "leak.txt"), filepath.Join(root, "src", "link.txt")); err != nil {
		t.Fatal(err)
	}
	// A binary file with a token in it is skipped by sniffing.
	bin := append([]byte{0x7f, 'E', 'L', 'F', 0, 0, 0}, newExpander(10).expand(` ghp_«36:alnum» `)...)
	if err := os.WriteFile(filepath.Join(root, "src", "tool.bin"), bin, 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := New(Options{}).Scan(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	got, want := locs(set.Findings), wants(t, root, "testdata/tree.want")
	sortLocs(got)
	sortLocs(want)
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing finding %s", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			t.Errorf("unexpected finding %s", g)
		}
	}
	for _, f := range set.Findings {
		if f.Scanner != ScannerName || f.Fingerprint == "" || f.Message == "" || f.Property == "" {
			t.Errorf("incomplete finding %+v", f)
		}
		if f.Secret != "" && !strings.HasSuffix(f.Secret, "****") {
			t.Errorf("secret not masked: %+v", f)
		}
	}
	for _, o := range set.Observations {
		if o.Holds && (o.Property == evidence.NoSecretsInRepo || o.Property == evidence.EnvIgnored) {
			t.Errorf("positive observation %+v despite findings", o)
		}
	}
}

// TestCISecretStoreReferences: references to a CI system's secret store
// (GitHub Actions, GitLab CI, Jenkins, CircleCI, Azure Pipelines, Drone)
// are never reported; a literal beside them is.
func TestCISecretStoreReferences(t *testing.T) {
	root := materialize(t, "testdata/ci-refs", 5)
	set, err := New(Options{}).Scan(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	got, want := locs(set.Findings), wants(t, root, "testdata/ci-refs.want")
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing finding %s", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			t.Errorf("reference reported as a secret: %s", g)
		}
	}
}

// TestReadFirst checks that the first read of a file gets all of it, or
// all the buffer holds, however the reads are cut and whatever size the
// walk saw (the file may have changed since).
func TestReadFirst(t *testing.T) {
	data := []byte(strings.Repeat("0123456789", 10))
	for _, tt := range []struct {
		name      string
		r         func() io.Reader
		size, buf int
		wantN     int
		wantFinal bool
	}{
		{"whole", func() io.Reader { return bytes.NewReader(data) }, 100, 200, 100, true},
		{"unknown size", func() io.Reader { return bytes.NewReader(data) }, -1, 200, 100, true},
		{"half reads", func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) }, 100, 200, 100, true},
		{"grew since the walk", func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) }, 30, 200, 100, true},
		{"shrank since the walk", func() io.Reader { return bytes.NewReader(data) }, 150, 200, 100, true},
		{"larger than the buffer", func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) }, 100, 64, 64, false},
		{"exactly the buffer", func() io.Reader { return bytes.NewReader(data) }, 100, 100, 100, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			buf := make([]byte, tt.buf)
			n, final, err := readFirst(tt.r(), buf, int64(tt.size))
			if err != nil || n != tt.wantN || final != tt.wantFinal || !bytes.Equal(buf[:n], data[:n]) {
				t.Errorf("readFirst = %d, %v, %v (%q), want %d, %v", n, final, err, buf[:n], tt.wantN, tt.wantFinal)
			}
		})
	}
	if _, _, err := readFirst(iotest.ErrReader(errors.New("disk on fire")), make([]byte, 8), 8); err == nil {
		t.Error("read error not returned")
	}
}

// TestChunkBoundaryOnDisk scans a file larger than a chunk from disk, with
// secrets across the first boundary and at the end.
func TestChunkBoundaryOnDisk(t *testing.T) {
	x := newExpander(11)
	key := x.expand("ghp_«36:alnum»")
	var b bytes.Buffer
	b.WriteString(strings.Repeat("a", chunkSize-maxWindow-10))
	b.WriteString(" " + key + " ")
	b.WriteString(strings.Repeat("z\n", chunkSize))
	b.WriteString(key)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "big.txt"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := New(Options{}).Scan(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, f := range set.Findings {
		lines = append(lines, f.Line)
	}
	if want := []int{1, chunkSize + 1}; !slices.Equal(lines, want) {
		t.Errorf("findings on lines %v, want %v", lines, want)
	}
}
