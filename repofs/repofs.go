// Package repofs walks the files of a repository the way every scanner must:
// inside the tree only (a symbolic link is never followed, so nothing outside
// the scanned root is ever read), skipping version-control internals and
// vendored or generated directories unless asked, and yielding paths both as
// absolute file names and as forward-slash paths relative to the root.
package repofs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
)

// DefaultSkipDirs are directory names no scanner descends into by default.
var DefaultSkipDirs = []string{".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".terraform", ".tox", ".mypy_cache"}

// File is one regular file found by Walk.
type File struct {
	// Path is the file name to open (root joined with Rel).
	Path string
	// Rel is the path relative to the root, with forward slashes.
	Rel  string
	Size int64
}

// Options tunes Walk.
type Options struct {
	// SkipDirs replaces DefaultSkipDirs when non-nil.
	SkipDirs []string
	// MaxSize skips files larger than this many bytes; zero means no limit.
	MaxSize int64
}

type excludeKey struct{}

// WithExclude returns a context whose walks leave out the paths matching
// patterns (MatchAny, relative to the walked root): the model's
// scan.exclude and the scan commands' --exclude. Excluded files are never
// opened, and excluded directories never entered; each is counted as
// skipped (SkipExcluded) in the context's Tally.
func WithExclude(ctx context.Context, patterns []string) context.Context {
	if len(patterns) == 0 {
		return ctx
	}
	return context.WithValue(ctx, excludeKey{}, slices.Concat(excludeFrom(ctx), patterns))
}

// Excluded reports whether a path relative to the walked root matches
// the patterns ctx carries (WithExclude), itself or through one of its
// directories, as Walk would decide. Scans that list paths without
// walking the tree (a git history) ask it.
func Excluded(ctx context.Context, rel string) bool {
	exclude := excludeFrom(ctx)
	if len(exclude) == 0 {
		return false
	}
	if MatchAny(rel, exclude) {
		return true
	}
	for dir := path.Dir(rel); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if MatchAny(dir, exclude) || MatchAny(dir+"/", exclude) {
			return true
		}
	}
	return false
}

func excludeFrom(ctx context.Context) []string {
	p, _ := ctx.Value(excludeKey{}).([]string)
	return p
}

// Walk calls fn for every regular file under root, in lexical order. Symbolic
// links, devices, sockets and pipes are skipped. If root is itself a regular
// file, fn is called once for it with Rel set to its base name. Walk stops at
// the first error fn returns, or when ctx is done.
//
// What Walk leaves unread on purpose (a file over MaxSize, an excluded
// directory, a path matching the patterns ctx carries (WithExclude), a
// link, a special file) is recorded in the Tally ctx carries,
// if any. An entry it cannot read (a directory without permission) does not
// stop the walk; once everything readable has been visited, Walk returns an
// *UnreadableError naming each such entry, so that a scan never reports a
// partly read tree as clean.
func Walk(ctx context.Context, root string, opts Options, fn func(File) error) error {
	info, err := os.Lstat(root)
	if err != nil {
		return fmt.Errorf("scan %s: %w", root, err)
	}
	if info.Mode().IsRegular() {
		if opts.MaxSize > 0 && info.Size() > opts.MaxSize {
			NoteSkipped(ctx, filepath.Base(root), SkipSize)
			return nil
		}
		return fn(File{Path: root, Rel: filepath.Base(root), Size: info.Size()})
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("scan %s: is a symbolic link; name the directory it points to instead", root)
	}
	if !info.IsDir() {
		return fmt.Errorf("scan %s: not a directory or regular file", root)
	}
	skip := opts.SkipDirs
	if skip == nil {
		skip = DefaultSkipDirs
	}
	exclude := excludeFrom(ctx)
	var unreadable []Unreadable
	relOf := func(path string) string {
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return filepath.ToSlash(path)
		}
		return filepath.ToSlash(rel)
	}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root {
				return err
			}
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while walking
			}
			// An unreadable entry inside the tree does not stop the walk,
			// but it is remembered and makes the walk fail at the end.
			unreadable = append(unreadable, Unreadable{Rel: relOf(path), Err: unwrapPathError(err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if d.IsDir() {
			if path != root && slices.Contains(skip, d.Name()) {
				NoteSkipped(ctx, relOf(path), SkipExcludedDir)
				return fs.SkipDir
			}
			if rel := relOf(path); path != root && len(exclude) > 0 && (MatchAny(rel, exclude) || MatchAny(rel+"/", exclude)) {
				NoteSkipped(ctx, rel, SkipExcluded)
				return fs.SkipDir
			}
			return nil
		}
		if rel := relOf(path); len(exclude) > 0 && MatchAny(rel, exclude) {
			NoteSkipped(ctx, rel, SkipExcluded)
			return nil
		}
		if !d.Type().IsRegular() {
			// Symbolic links and special files are never followed or read.
			reason := SkipSpecial
			if d.Type()&fs.ModeSymlink != 0 {
				reason = SkipSymlink
			}
			NoteSkipped(ctx, relOf(path), reason)
			return nil
		}
		info, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if opts.MaxSize > 0 && info.Size() > opts.MaxSize {
			NoteSkipped(ctx, relOf(path), SkipSize)
			return nil
		}
		return fn(File{Path: path, Rel: relOf(path), Size: info.Size()})
	})
	if err != nil {
		return err
	}
	if len(unreadable) > 0 {
		return &UnreadableError{Paths: unreadable}
	}
	return nil
}

// SkipIfBinary reports whether prefix (a file's first bytes) looks binary,
// recording rel as skipped in ctx's Tally when it does. Scanners that read
// text only call it instead of IsBinary.
func SkipIfBinary(ctx context.Context, rel string, prefix []byte) bool {
	if IsBinary(prefix) {
		NoteSkipped(ctx, rel, SkipBinary)
		return true
	}
	return false
}

// IsBinary reports whether the first bytes of a file look like binary data:
// a NUL byte within the sniffed prefix.
func IsBinary(prefix []byte) bool {
	return slices.Contains(prefix, 0)
}
