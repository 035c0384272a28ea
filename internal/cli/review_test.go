package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const reviewModel = "system:\n  name: bot\n  reviewed: 2026-01-01\n  review_every: 90d\n"

func writeModel(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(reviewModel), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func review(t *testing.T, dir string, args ...string) (string, int) {
	t.Helper()
	_, errOut, code := runIn(t, dir, nil, append([]string{"review", "--by", "Ana", "--date", "2026-11-01"}, args...)...)
	return errOut, code
}

func reviewed(t *testing.T, path string) bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(data), "reviewed: 2026-11-01")
}

func TestReviewEditsTheLinkTargetInsideTheTree(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "models", "bot.yaml")
	writeModel(t, target, 0o644)
	link := filepath.Join(dir, "threatmap.yaml")
	if err := os.Symlink("models/bot.yaml", link); err != nil {
		t.Fatal(err)
	}
	if errOut, code := review(t, dir); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced by a plain file")
	}
	if !reviewed(t, target) {
		t.Error("the link's target was not edited")
	}
}

func TestReviewRefusesALinkOutOfTheTree(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "elsewhere.yaml")
	writeModel(t, outside, 0o644)
	dir := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "threatmap.yaml")); err != nil {
		t.Fatal(err)
	}
	errOut, code := review(t, dir)
	if code != ExitUsage || !strings.Contains(errOut, "outside") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if reviewed(t, outside) {
		t.Error("a file outside the tree was edited")
	}
}

func TestReviewKeepsModeOwnerAndHardLinks(t *testing.T) {
	for _, mode := range []os.FileMode{0o644, 0o640, 0o664} {
		dir := t.TempDir()
		file := filepath.Join(dir, "threatmap.yaml")
		writeModel(t, file, mode)
		if errOut, code := review(t, dir); code != ExitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if fi, _ := os.Stat(file); fi.Mode().Perm() != mode {
			t.Errorf("mode %04o became %04o", mode, fi.Mode().Perm())
		}
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "threatmap.yaml")
	writeModel(t, file, 0o644)
	other := filepath.Join(dir, "copy-of-model.yaml")
	if err := os.Link(file, other); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(file)
	if errOut, code := review(t, dir); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	after, _ := os.Stat(file)
	if !os.SameFile(before, after) || !reviewed(t, other) {
		t.Error("the hard link was broken: the other name does not see the edit")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".threatmap.yaml.*")); len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}

	// The owner is kept: as root, give the file to another user first.
	if os.Geteuid() != 0 {
		t.Log("not root: owner preservation is covered by the in-place path only")
		return
	}
	dir = t.TempDir()
	file = filepath.Join(dir, "threatmap.yaml")
	writeModel(t, file, 0o644)
	if err := os.Chown(file, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if errOut, code := review(t, dir); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	fi, _ := os.Stat(file)
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != 65534 || st.Gid != 65534 {
		t.Errorf("owner became %d:%d", st.Uid, st.Gid)
	}
}

func TestReviewRefusesAReadOnlyFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "threatmap.yaml")
	writeModel(t, file, 0o444)
	errOut, code := review(t, dir)
	if code != ExitUsage || !strings.Contains(errOut, "read-only") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if reviewed(t, file) {
		t.Error("a read-only file was rewritten")
	}
}

// TestRewriteInodeLeavesNoCopy checks the in-place path directly: the
// inode is the same, the contents are new, and the saved copy is gone.
func TestRewriteInodeLeavesNoCopy(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "m.yaml")
	writeModel(t, file, 0o640)
	before, _ := os.Stat(file)
	if err := rewriteInode(file, before, []byte("short\n")); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(file)
	data, _ := os.ReadFile(file)
	if !os.SameFile(before, after) || string(data) != "short\n" || after.Mode().Perm() != 0o640 {
		t.Errorf("in-place rewrite: same=%v data=%q mode=%04o", os.SameFile(before, after), data, after.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

// TestInitForceKeepsTheLinkAndRefusesOutside: init --force over a linked
// model rewrites the in-tree target and leaves the link; a link out of the
// tree is refused and its target untouched.
func TestInitForceKeepsTheLinkAndRefusesOutside(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "models", "m.yaml")
	writeModel(t, target, 0o640)
	link := filepath.Join(dir, "threatmap.yaml")
	if err := os.Symlink("models/m.yaml", link); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runIn(t, dir, nil, "init", "--force", "--no-scan", "."); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("init --force replaced the link")
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode became %04o", fi.Mode().Perm())
	}
	if data, _ := os.ReadFile(target); strings.Contains(string(data), "reviewed: 2026-01-01") {
		t.Error("the target was not rewritten")
	}

	outside := filepath.Join(t.TempDir(), "elsewhere.yaml")
	writeModel(t, outside, 0o644)
	dir2 := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir2, "threatmap.yaml")); err != nil {
		t.Fatal(err)
	}
	if _, _, code := runIn(t, dir2, nil, "init", "--force", "--no-scan", "."); code != ExitUsage {
		t.Errorf("init --force through a link out of the tree: exit %d", code)
	}
	if data, _ := os.ReadFile(outside); string(data) != reviewModel {
		t.Error("a file outside the tree was rewritten")
	}
}
