package secrets

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestOpenFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(name, []byte("token = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := openFile(name)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(f)
	if err != nil || string(data) != "token = 1\n" {
		t.Errorf("read %q, %v", data, err)
	}
	if err := f.Close(); err != nil {
		t.Error(err)
	}
	if _, err := openFile(filepath.Join(dir, "gone.txt")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want not exist", err)
	}
	// A file replaced by a link after the walk listed it is not followed.
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(name, link); err != nil {
		t.Fatal(err)
	}
	if _, err := openFile(link); !errors.Is(err, syscall.ELOOP) {
		t.Errorf("symbolic link opened: %v, want ELOOP", err)
	}
}
