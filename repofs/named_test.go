package repofs

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

const canary = "root:$6$canary-out-of-tree-line"

func TestReadFileRule(t *testing.T) {
	outside := t.TempDir()
	mustWrite(t, filepath.Join(outside, "shadow"), canary+"\n")
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "threatmap.yaml"), "system: {name: x}\n")
	mustWrite(t, filepath.Join(root, "models", "real.yaml"), "system: {name: y}\n")
	must(t, os.Symlink(filepath.Join(outside, "shadow"), filepath.Join(root, "out.yaml")))
	must(t, os.Symlink("models/real.yaml", filepath.Join(root, "in.yaml")))
	must(t, os.Symlink("../"+filepath.Base(root)+"/models/../../"+filepath.Base(outside)+"/shadow", filepath.Join(root, "dotdot.yaml")))
	must(t, os.Symlink("missing.yaml", filepath.Join(root, "dangling.yaml")))
	must(t, os.Mkdir(filepath.Join(root, "dir.yaml"), 0o755))
	must(t, syscall.Mkfifo(filepath.Join(root, "fifo.yaml"), 0o644))
	must(t, os.Symlink("/proc/self/environ", filepath.Join(root, "environ.yaml")))

	tests := []struct {
		name    string
		want    string // content, when it reads
		wantErr error
	}{
		{"threatmap.yaml", "system: {name: x}\n", nil},
		{"in.yaml", "system: {name: y}\n", nil},
		{"models/real.yaml", "system: {name: y}\n", nil},
		{"out.yaml", "", ErrOutsideTree},
		{"dotdot.yaml", "", ErrOutsideTree},
		{"environ.yaml", "", ErrOutsideTree},
		{"../" + filepath.Base(outside) + "/shadow", "", ErrOutsideTree},
		{filepath.Join(outside, "shadow"), "", ErrOutsideTree},
		{"dangling.yaml", "", fs.ErrNotExist},
		{"dir.yaml", "", ErrNotRegular},
		{"fifo.yaml", "", ErrNotRegular},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data, err := ReadFile(root, tc.name, 1<<20)
			if tc.wantErr == nil {
				if err != nil || string(data) != tc.want {
					t.Fatalf("ReadFile = %q, %v; want %q", data, err, tc.want)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("ReadFile error = %v, want %v", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "canary") || data != nil {
				t.Fatalf("refused read still shows content: %q %v", data, err)
			}
		})
	}
	if _, err := ReadFile(root, "threatmap.yaml", 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("limit: %v", err)
	}
}

func TestReadNamedUsesTheNamingDirectory(t *testing.T) {
	outside := t.TempDir()
	mustWrite(t, filepath.Join(outside, "base.json"), canary)
	dir := t.TempDir()
	must(t, os.Symlink(filepath.Join(outside, "base.json"), filepath.Join(dir, "base.json")))
	if _, err := ReadNamed(filepath.Join(dir, "base.json"), 0); !errors.Is(err, ErrOutsideTree) {
		t.Errorf("a named link out of its directory: %v", err)
	}
	// Naming the file itself, wherever it is, reads it.
	if data, err := ReadNamed(filepath.Join(outside, "base.json"), 0); err != nil || string(data) != canary {
		t.Errorf("explicit name: %q %v", data, err)
	}
}

func TestWalkAccountsForWhatItSkips(t *testing.T) {
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "a.txt"), "x")
	mustWrite(t, filepath.Join(root, "big.txt"), strings.Repeat("x", 100))
	mustWrite(t, filepath.Join(root, "node_modules", "m.js"), "")
	must(t, os.Symlink("a.txt", filepath.Join(root, "link")))
	must(t, syscall.Mkfifo(filepath.Join(root, "pipe"), 0o644))
	var tally Tally
	ctx := WithTally(context.Background(), &tally)
	var got []string
	err := Walk(ctx, root, Options{MaxSize: 10}, func(f File) error {
		got = append(got, f.Rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"a.txt"}) {
		t.Errorf("visited %v", got)
	}
	want := []Skipped{{"big.txt", SkipSize}, {"link", SkipSymlink}, {"node_modules", SkipExcludedDir}, {"pipe", SkipSpecial}}
	if s := tally.Skipped(); !slices.Equal(s, want) {
		t.Errorf("skipped %v, want %v", s, want)
	}
	if c := tally.Counts(); c[SkipSize] != 1 || c[SkipSymlink] != 1 || len(c) != 4 {
		t.Errorf("counts %v", c)
	}
	if !SkipIfBinary(ctx, "bin", []byte{1, 0}) || SkipIfBinary(ctx, "txt", []byte("ok")) {
		t.Error("SkipIfBinary misclassified")
	}
	if c := tally.Counts(); c[SkipBinary] != 1 {
		t.Errorf("binary not counted: %v", c)
	}
}

func TestWalkFailsOnUnreadableDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: permission bits do not stop reads, so there is no unreadable directory to make")
	}
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "a.txt"), "x")
	mustWrite(t, filepath.Join(root, "private", "key.txt"), "x")
	must(t, os.Chmod(filepath.Join(root, "private"), 0))
	t.Cleanup(func() { os.Chmod(filepath.Join(root, "private"), 0o755) })
	var got []string
	err := Walk(context.Background(), root, Options{}, func(f File) error {
		got = append(got, f.Rel)
		return nil
	})
	var ue *UnreadableError
	if !errors.As(err, &ue) || len(ue.Paths) != 1 || ue.Paths[0].Rel != "private" {
		t.Fatalf("Walk = %v, want an UnreadableError for private", err)
	}
	if !slices.Equal(got, []string{"a.txt"}) {
		t.Errorf("the rest of the tree was not visited: %v", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// makeTooDeep builds, under dir, a chain of directories whose full path is
// longer than the system's limit (PATH_MAX), with a file at the bottom.
// Nothing can open it by name, even as root: it is the unreadable entry
// tests use when permission bits do not bind.
func makeTooDeep(t *testing.T, dir string) {
	t.Helper()
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	seg := strings.Repeat("d", 200)
	for range 24 {
		if err := syscall.Mkdirat(fd, seg, 0o755); err != nil {
			t.Fatal(err)
		}
		next, err := syscall.Openat(fd, seg, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
		syscall.Close(fd)
		if err != nil {
			t.Fatal(err)
		}
		fd = next
	}
	f, err := syscall.Openat(fd, "secret.txt", syscall.O_CREAT|syscall.O_WRONLY, 0o644)
	if err == nil {
		syscall.Close(f)
	}
	syscall.Close(fd)
}

func TestWalkFailsOnPathTooLong(t *testing.T) {
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "a.txt"), "x")
	makeTooDeep(t, root)
	var got []string
	err := Walk(context.Background(), root, Options{}, func(f File) error {
		got = append(got, f.Rel)
		return nil
	})
	var ue *UnreadableError
	if !errors.As(err, &ue) || len(ue.Paths) == 0 {
		t.Fatalf("Walk = %v, want an UnreadableError", err)
	}
	if !slices.Contains(got, "a.txt") {
		t.Errorf("the rest of the tree was not visited: %v", got)
	}
}
