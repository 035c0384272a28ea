package repofs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// The rule for files read by name.
//
// Besides the files a walk yields, threatmap reads files it is told about by
// name: the model, custom rule files, evidence, baselines, ignore files, an
// OSV database. Every such file must resolve, through any symbolic links,
// to a regular file inside a root: the repository (the model's directory)
// for names written in the model or found by convention, or the directory
// the user named it in for a name typed on the command line. Nothing else is
// ever opened, so a threatmap.yaml that is a symbolic link to /etc/shadow or
// /proc/self/environ produces an error naming the link, and no byte of the
// target reaches a diagnostic.

// ErrOutsideTree is returned (wrapped) for a name that resolves outside its
// root.
var ErrOutsideTree = errors.New("resolves outside the repository; threatmap reads files by name only inside the tree (name the target itself on the command line if you mean it)")

// ErrNotRegular is returned (wrapped) for a name that resolves to something
// other than a regular file: a directory, a device, a pipe, a socket.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is returned (wrapped) when a file exceeds the reader's limit.
var ErrTooLarge = errors.New("file too large")

// Resolve returns the real path of name (relative names are taken from
// root) after checking that it lies inside root's real path. The file need
// not be regular; callers that read use Open or ReadFile.
func Resolve(root, name string) (string, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	realRoot, err := filepath.EvalSymlinks(absRoot)
	if err != nil {
		return "", fmt.Errorf("%s: %w", root, err)
	}
	p := name
	if !filepath.IsAbs(p) {
		p = filepath.Join(absRoot, p)
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		// A dangling link or a missing file: say so without following
		// anything further.
		return "", fmt.Errorf("%s: %w", name, unwrapPathError(err))
	}
	if !Within(realRoot, real) {
		return "", fmt.Errorf("%s: %w", name, ErrOutsideTree)
	}
	return real, nil
}

// Within reports whether path p lies inside (or is) dir; both must be
// clean absolute paths.
func Within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	if err != nil || filepath.IsAbs(rel) {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Open opens name for reading under the rule above: it must resolve inside
// root to a regular file. A pipe or device is refused without blocking.
func Open(root, name string) (*os.File, error) {
	real, err := Resolve(root, name)
	if err != nil {
		return nil, err
	}
	// O_NONBLOCK keeps a FIFO swapped in after the check from blocking the
	// open; it has no effect on regular files. O_NOFOLLOW refuses a final
	// component replaced by a link since Resolve looked.
	f, err := os.OpenFile(real, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, unwrapPathError(err))
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: %w", name, ErrNotRegular)
	}
	return f, nil
}

// ReadFile reads name under the rule above, refusing files larger than
// limit bytes (limit <= 0 means no limit).
func ReadFile(root, name string, limit int64) ([]byte, error) {
	f, err := Open(root, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if limit > 0 {
		r = io.LimitReader(f, limit+1)
	}
	data, err := readAll(r, sizeHint(f, limit))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, unwrapPathError(err))
	}
	if limit > 0 && int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: %w (over %d bytes)", name, ErrTooLarge, limit)
	}
	return data, nil
}

// ReadNamed reads a file the user named on the command line. Its root is
// the directory it was named in, so "--baseline ../ci/base.json" reads that
// file, but a link there pointing elsewhere is refused.
func ReadNamed(name string, limit int64) ([]byte, error) {
	return ReadFile(filepath.Dir(name), filepath.Base(name), limit)
}

// OpenNamed opens a file the user named on the command line, under the
// same rule as ReadNamed.
func OpenNamed(name string) (*os.File, error) {
	return Open(filepath.Dir(name), filepath.Base(name))
}

// unwrapPathError drops the *fs.PathError wrapper, whose path may be the
// resolved target of a link, so that messages name what the user wrote.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// sizeHint is the buffer to read f into: its size (up to limit, and one
// byte more to see the end) when it is a regular file, so a large model
// is read into one buffer rather than through a series of doublings.
func sizeHint(f *os.File, limit int64) int {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() <= 0 {
		return 512
	}
	size := fi.Size()
	if limit > 0 && size > limit {
		size = limit
	}
	if size > 1<<30 {
		size = 1 << 30
	}
	return int(size) + 1
}

// readAll is io.ReadAll into a buffer of size bytes to start with.
func readAll(r io.Reader, size int) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(size + bytes.MinRead)
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
}
