package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/threatmap/threatmap/repofs"
)

// editInPlace replaces the contents of the file the user means by name with
// data, as `review` must:
//
//   - through a symbolic link: the link's target is edited when it lies
//     inside the directory the file was named in, and the edit is refused
//     otherwise (the link itself is never replaced by a plain file);
//   - keeping the file's mode, owner and group, and its hard links;
//   - refusing a read-only file, with a message saying so;
//   - atomic against a crash: when the file has one link and its owner can
//     be kept, the new contents are written to a temporary file beside it,
//     given the same mode and owner, synced, and renamed over it (then the
//     directory is synced). When the file has other hard links, or its
//     owner could not be given to a new file, the same inode is rewritten:
//     first a synced copy of the old contents is written beside it, then
//     the file is overwritten, truncated and synced, then the copy is
//     removed. A crash in between leaves either the old file or the new
//     one, or (only during the in-place write) the old contents in the
//     copy, whose name the error names.
func editInPlace(name string, data []byte) (string, error) {
	real, err := repofs.Resolve(filepath.Dir(name), filepath.Base(name))
	if err != nil {
		return "", err
	}
	info, err := os.Stat(real)
	if err != nil {
		return "", err
	}
	if !info.Mode().IsRegular() {
		return "", fmt.Errorf("%s: %w", name, repofs.ErrNotRegular)
	}
	if info.Mode().Perm()&0o222 == 0 {
		return "", fmt.Errorf("%s is read-only (mode %04o); make it writable if you mean to record the review in it", name, info.Mode().Perm())
	}
	if err := syscall.Access(real, 2 /* W_OK */); err != nil {
		return "", fmt.Errorf("%s is not writable by this user: %w", name, err)
	}
	st, _ := info.Sys().(*syscall.Stat_t)
	if st != nil && (st.Nlink > 1 || !canGiveOwner(st)) {
		return real, rewriteInode(real, info, data)
	}
	return real, replaceByRename(real, info, st, data)
}

// canGiveOwner reports whether a new file can be given the old one's owner
// and group: the process is root, or already owns the file and belongs to
// its group.
func canGiveOwner(st *syscall.Stat_t) bool {
	uid := os.Geteuid()
	if uid == 0 {
		return true
	}
	if uint32(uid) != st.Uid {
		return false
	}
	if uint32(os.Getegid()) == st.Gid {
		return true
	}
	groups, err := os.Getgroups()
	if err != nil {
		return false
	}
	for _, g := range groups {
		if uint32(g) == st.Gid {
			return true
		}
	}
	return false
}

// replaceByRename writes data to a temporary file beside real with real's
// mode and owner, syncs it, renames it over real and syncs the directory.
func replaceByRename(real string, info os.FileInfo, st *syscall.Stat_t, data []byte) error {
	dir := filepath.Dir(real)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(real)+".*")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(info.Mode().Perm() | info.Mode()&(os.ModeSetuid|os.ModeSetgid|os.ModeSticky)); err != nil {
		tmp.Close()
		return err
	}
	if st != nil {
		if err := tmp.Chown(int(st.Uid), int(st.Gid)); err != nil {
			tmp.Close()
			return fmt.Errorf("keep owner: %w", err)
		}
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), real); err != nil {
		return err
	}
	done = true
	return syncDir(dir)
}

// rewriteInode overwrites real in place, keeping its inode (and so its hard
// links, mode and owner), after saving a synced copy of the old contents.
func rewriteInode(real string, info os.FileInfo, data []byte) error {
	old, err := os.ReadFile(real)
	if err != nil {
		return err
	}
	dir := filepath.Dir(real)
	backup, err := os.CreateTemp(dir, "."+filepath.Base(real)+".orig-*")
	if err != nil {
		return fmt.Errorf("save a copy before editing in place: %w", err)
	}
	backupName := backup.Name()
	if _, err := backup.Write(old); err != nil {
		backup.Close()
		os.Remove(backupName)
		return err
	}
	if err := errors.Join(backup.Chmod(info.Mode().Perm()&0o600), backup.Sync(), backup.Close()); err != nil {
		os.Remove(backupName)
		return err
	}
	if err := syncDir(dir); err != nil {
		os.Remove(backupName)
		return err
	}
	f, err := os.OpenFile(real, os.O_WRONLY, 0)
	if err != nil {
		os.Remove(backupName)
		return err
	}
	_, werr := f.WriteAt(data, 0)
	if werr == nil {
		werr = f.Truncate(int64(len(data)))
	}
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("%w (the previous contents are kept in %s)", werr, backupName)
	}
	return os.Remove(backupName)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}
