package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// canaryLine stands for a line of /etc/shadow or a credentials file outside
// the repository.
const canaryLine = "root:$6$Zq8wXr2mKp9LtY4vN3bQ:19000:0:99999:7:::"

// TestModelLinkedOutOfTheTreeIsNeverShown: a threatmap.yaml that is a
// symbolic link to a file outside the tree is refused by every command
// that reads it, and no line of the target reaches any output.
func TestModelLinkedOutOfTheTreeIsNeverShown(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "shadow")
	if err := os.WriteFile(outside, []byte(canaryLine+"\nsystem: {name: leak}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "threatmap.yaml")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"validate"}, {"validate", "threatmap.yaml"}, {"report"}, {"report", "--format", "json"},
		{"check"}, {"check", "--format", "github"}, {"review", "--by", "x"}, {"diff"},
	} {
		out, errOut, code := runIn(t, dir, nil, args...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if strings.Contains(out+errOut, "Zq8wXr2m") || strings.Contains(out+errOut, "leak") {
			t.Errorf("%v shows the linked file:\n%s%s", args, out, errOut)
		}
	}
	// A pipe named threatmap.yaml is refused without blocking.
	fifo := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(fifo, "threatmap.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runIn(t, fifo, nil, "validate", "threatmap.yaml"); code != ExitUsage || !strings.Contains(errOut, "not a regular file") {
		t.Errorf("fifo: exit %d %s", code, errOut)
	}
}

// TestEvidenceAndBaselineLinksAreRefused: --evidence and --baseline name
// files on the command line; a link there that points elsewhere is refused.
func TestEvidenceAndBaselineLinksAreRefused(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "creds.json")
	if err := os.WriteFile(outside, []byte(`{"findings":[{"scanner":"x","rule":"`+canaryLine+`"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "threatmap.yaml"), "system:\n  name: bot\n")
	if err := os.Symlink(outside, filepath.Join(dir, "probe.json")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"check", "--no-scan", "--evidence", "probe.json"},
		{"scan", "secrets", "--baseline", "probe.json", "."},
		{"scan", "secrets", "--ignore-file", "probe.json", "."},
	} {
		out, errOut, code := runIn(t, dir, nil, args...)
		if code != ExitUsage || !strings.Contains(errOut, "outside the repository") || strings.Contains(out+errOut, "Zq8wXr2m") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
}

// TestHygieneNoteIsNotASecret: a .gitignore without .env in a project with
// no env file fails neither scan secrets nor check.
func TestHygieneNoteIsNotASecret(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ".gitignore"), "node_modules/\n")
	writeFile(t, filepath.Join(dir, "app.py"), "print('hello')\n")
	writeFile(t, filepath.Join(dir, "threatmap.yaml"), "system:\n  name: bot\n  reviewed: 2026-11-01\n  review_every: 90d\n")
	if out, errOut, code := runIn(t, dir, nil, "scan", "secrets", "."); code != ExitOK {
		t.Errorf("scan secrets: exit %d\n%s%s", code, out, errOut)
	}
	out, _, _ := runIn(t, dir, nil, "check", "--format", "json")
	var doc checkDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Counts["secret"] != 0 {
		t.Errorf("check counts a hygiene note as a secret: %+v", doc.Problems)
	}
	// With an env template the note is a finding at a real line, but still
	// not a secret.
	writeFile(t, filepath.Join(dir, ".env.example"), "API_KEY=\n")
	txt, _, code := runIn(t, dir, nil, "scan", "secrets", ".")
	if code != ExitFindings || !strings.Contains(txt, ".gitignore:1:1: low:") {
		t.Errorf("with .env.example: exit %d\n%s", code, txt)
	}
	out, _, _ = runIn(t, dir, nil, "check", "--format", "json")
	doc = checkDoc{}
	json.Unmarshal([]byte(out), &doc)
	if doc.Counts["secret"] != 0 {
		t.Errorf("check counts a hygiene note as a secret: %+v", doc.Problems)
	}
}

// TestSkippedFilesAreCounted: scan JSON counts what was not read, by
// reason, and --verbose lists it.
func TestSkippedFilesAreCounted(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.txt"), "hello\n")
	writeFile(t, filepath.Join(dir, "tool.bin"), "\x7fELF\x00\x00token")
	writeFile(t, filepath.Join(dir, "big.txt"), strings.Repeat("x", 2048))
	if err := os.Symlink("a.txt", filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runIn(t, dir, nil, "scan", "secrets", "--max-file-size", "1024", "--format", "json", ".")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Skipped      map[string]int                  `json:"skipped"`
		SkippedFiles []struct{ Path, Reason string } `json:"skipped_files"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Skipped["size"] != 1 || doc.Skipped["binary"] != 1 || doc.Skipped["symlink"] != 1 || len(doc.SkippedFiles) != 0 {
		t.Errorf("skipped = %v, files %v", doc.Skipped, doc.SkippedFiles)
	}
	_, errOut, _ = runIn(t, dir, nil, "scan", "secrets", "--max-file-size", "1024", ".")
	if !strings.Contains(errOut, "2 files not read (1 too large, 1 binary)") {
		t.Errorf("text mode does not say what it skipped: %q", errOut)
	}
	_, errOut, _ = runIn(t, dir, nil, "scan", "secrets", "--max-file-size", "1024", "--verbose", ".")
	for _, want := range []string{"skipped big.txt (size)", "skipped tool.bin (binary)", "skipped link.txt (symlink)"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("--verbose lacks %q:\n%s", want, errOut)
		}
	}
}

// TestControlCharactersInNamesAreEscaped: a file name with a newline and
// an escape sequence cannot forge a line or colour the terminal.
func TestControlCharactersInNamesAreEscaped(t *testing.T) {
	dir := t.TempDir()
	name := "x\ncheck passed\x1b[2J.env"
	writeFile(t, filepath.Join(dir, name), "API_TOKEN=Zq8wXr2mKp9LtY4vN3bQ\n")
	out, _, _ := runIn(t, dir, nil, "scan", "secrets", ".")
	if strings.Contains(out, "\x1b") || strings.Contains(out, "\ncheck passed") {
		t.Errorf("raw control characters in output:\n%q", out)
	}
	if !strings.Contains(out, `x\ncheck passed\u001b[2J.env`) {
		t.Errorf("name not shown escaped:\n%q", out)
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestUnreadableEntryFailsClosed: a tree with an entry no scan can read
// (a path longer than PATH_MAX, unreadable even as root) fails every scan
// and the gate with exit 2, naming what could not be read.
func TestUnreadableEntryFailsClosed(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "threatmap.yaml"), "system:\n  name: bot\n  reviewed: 2026-11-01\n  review_every: 90d\n")
	writeFile(t, filepath.Join(dir, "app.py"), "print(1)\n")
	makeTooDeep(t, dir)
	for _, args := range [][]string{{"scan", "secrets", "."}, {"scan", "routes", "."}, {"check"}} {
		_, errOut, code := runIn(t, dir, nil, args...)
		if code != ExitUsage || !strings.Contains(errOut, "could not be read") {
			t.Errorf("%v: exit %d, want 2 naming the unreadable path:\n%s", args, code, errOut)
		}
	}
}

// TestOSVDatabaseOutsideTheTreeIsRefused: scan.osv_db is read by name from
// the model, so it must lie inside the repository; the gate fails closed.
func TestOSVDatabaseOutsideTheTreeIsRefused(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "repo")
	writeFile(t, filepath.Join(base, "osv", "GHSA-xxxx.json"), "{}")
	writeFile(t, filepath.Join(dir, "threatmap.yaml"), "system:\n  name: bot\n  reviewed: 2026-11-01\n  review_every: 90d\nscan:\n  osv_db: ../osv\n")
	_, errOut, code := runIn(t, dir, nil, "check")
	if code != ExitUsage || !strings.Contains(errOut, "osv_db") || !strings.Contains(errOut, "outside the repository") {
		t.Errorf("exit %d:\n%s", code, errOut)
	}
}

// TestCheckCountsSkippedFiles: check --format json counts what the
// scanners did not read.
func TestCheckCountsSkippedFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "threatmap.yaml"), "system:\n  name: bot\n  reviewed: 2026-11-01\n  review_every: 90d\n")
	writeFile(t, filepath.Join(dir, "tool.bin"), "\x7fELF\x00\x00")
	out, _, _ := runIn(t, dir, nil, "check", "--format", "json")
	var doc checkDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Skipped["binary"] != 1 {
		t.Errorf("skipped = %v", doc.Skipped)
	}
	_, errOut, _ := runIn(t, dir, nil, "report", "--verbose")
	if !strings.Contains(errOut, "skipped tool.bin (binary)") {
		t.Errorf("report --verbose does not list skipped files:\n%s", errOut)
	}
}

// TestDiagnosticsMaskATokenTypedIntoTheModel: the model line echoed under
// a diagnostic is masked, and shown in full only with --reveal.
func TestDiagnosticsMaskATokenTypedIntoTheModel(t *testing.T) {
	dir := t.TempDir()
	tok := "ghp_" + "R7aQ9xLm2VbN4cT8yZ1kW3pE6sD0fH5jG2uI"
	writeFile(t, filepath.Join(dir, "threatmap.yaml"), "system:\n  name: bot\n  tokn: "+tok+"\n")
	for _, args := range [][]string{{"validate"}, {"report"}, {"check", "--format", "json"}} {
		_, errOut, code := runIn(t, dir, nil, args...)
		if code != ExitUsage || strings.Contains(errOut, tok) || !strings.Contains(errOut, "tokn: ghp_") {
			t.Errorf("%v: exit %d, token shown or line missing:\n%s", args, code, errOut)
		}
	}
	if _, errOut, _ := runIn(t, dir, nil, "validate", "--reveal"); !strings.Contains(errOut, tok) {
		t.Errorf("--reveal does not show the line in full:\n%s", errOut)
	}
}
