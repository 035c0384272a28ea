package repofs

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestWalkStaysInsideTree(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("outside"), 0o600); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "a.go"), "package a")
	mustWrite(t, filepath.Join(root, "sub", "b.py"), "x = 1")
	mustWrite(t, filepath.Join(root, ".git", "config"), "[core]")
	mustWrite(t, filepath.Join(root, "node_modules", "m", "index.js"), "")
	mustWrite(t, filepath.Join(root, "big.bin"), string(make([]byte, 2048)))
	if err := os.Symlink(outside, filepath.Join(root, "linkdir")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "link.txt")); err != nil {
		t.Fatal(err)
	}

	var got []string
	err := Walk(context.Background(), root, Options{MaxSize: 1024}, func(f File) error {
		got = append(got, f.Rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a.go", "sub/b.py"}
	if !slices.Equal(got, want) {
		t.Errorf("Walk visited %v, want %v", got, want)
	}
}

func TestWalkSingleFileAndSymlinkRoot(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "one.txt")
	mustWrite(t, file, "x")
	var got []string
	if err := Walk(context.Background(), file, Options{}, func(f File) error {
		got = append(got, f.Rel)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"one.txt"}) {
		t.Errorf("got %v", got)
	}
	link := filepath.Join(t.TempDir(), "l")
	if err := os.Symlink(root, link); err != nil {
		t.Fatal(err)
	}
	if err := Walk(context.Background(), link, Options{}, func(File) error { return nil }); err == nil {
		t.Error("walking a symlinked root succeeded; want an error")
	}
}

func TestWalkHonoursCancel(t *testing.T) {
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "a"), "x")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Walk(ctx, root, Options{}, func(File) error { return nil }); err == nil {
		t.Error("Walk with a cancelled context returned nil")
	}
}

func TestIsBinary(t *testing.T) {
	if IsBinary([]byte("hello")) || !IsBinary([]byte{'a', 0, 'b'}) {
		t.Error("IsBinary misclassified")
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
