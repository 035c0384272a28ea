package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportThreagileCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "threatmap.yaml")
	stdout, stderr, code := run(t, "import", "threagile", "interchange/testdata/threagile/shop.yaml", "-o", out)
	if code != ExitOK {
		t.Fatalf("import exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "4 components") || !strings.Contains(stdout, "left as comments") {
		t.Errorf("summary = %q", stdout)
	}
	if _, stderr, code := run(t, "validate", out); code != ExitOK {
		t.Fatalf("validate the import: exit %d: %s", code, stderr)
	}
	before, _ := os.ReadFile(out)
	if _, stderr, code := run(t, "import", "threagile", "interchange/testdata/threagile/shop.yaml", "-o", out); code != ExitUsage || !strings.Contains(stderr, "already exists") {
		t.Errorf("second import: exit %d, %q; want a refusal to overwrite", code, stderr)
	}
	if after, _ := os.ReadFile(out); string(after) != string(before) {
		t.Errorf("the refused import changed the file")
	}
}

func TestImportBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("title: x\ntechnical_assets:\n  A:\n    id: a\n    tags: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "threatmap.yaml")
	_, stderr, code := run(t, "import", "threagile", bad, "-o", out)
	if code != ExitUsage || !strings.Contains(stderr, "bad.yaml:5:11: error: tags must be a list") {
		t.Errorf("exit %d, stderr %q; want exit 2 with file:line:col", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a failed import wrote %s", out)
	}
	if _, stderr, code := run(t, "import", "visio", bad); code != ExitUsage || !strings.Contains(stderr, "unknown import format") {
		t.Errorf("unknown format: exit %d, %q", code, stderr)
	}
}

func TestExportOTMCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "docqa.otm.json")
	if _, stderr, code := run(t, "export", "otm", "examples/docqa-hardened", "--no-scan", "-o", out); code != ExitOK {
		t.Fatalf("export exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"otmVersion"`) || !strings.Contains(string(data), `"state": "mitigated"`) {
		t.Errorf("export lacks the OTM header or a mitigated threat")
	}
	back := filepath.Join(dir, "threatmap.yaml")
	if _, stderr, code := run(t, "import", "otm", out, "-o", back); code != ExitOK {
		t.Fatalf("import of the export: exit %d: %s", code, stderr)
	}
	if _, stderr, code := run(t, "validate", back); code != ExitOK {
		t.Fatalf("validate the round trip: exit %d: %s", code, stderr)
	}
	if _, stderr, code := run(t, "export", "visio", "examples/docqa"); code != ExitUsage || !strings.Contains(stderr, "unknown export format") {
		t.Errorf("unknown format: exit %d, %q", code, stderr)
	}
}

func TestThreatDragonCommands(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "docqa.td.json")
	if _, stderr, code := run(t, "export", "threat-dragon", "examples/docqa", "--no-scan", "-o", out); code != ExitOK {
		t.Fatalf("export exit %d: %s", code, stderr)
	}
	back := filepath.Join(dir, "threatmap.yaml")
	stdout, stderr, code := run(t, "import", "threat-dragon", out, "-o", back)
	if code != ExitOK {
		t.Fatalf("import exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "7 components") {
		t.Errorf("summary = %q, want the 7 components of docqa", stdout)
	}
	if _, stderr, code := run(t, "validate", back); code != ExitOK {
		t.Fatalf("validate the round trip: exit %d: %s", code, stderr)
	}
}

// TestImportCustomRules imports a Threat Dragon model whose threats match
// no rule: they are written as custom rules beside the model, and report
// shows them.
func TestImportCustomRules(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "threatmap.yaml")
	stdout, stderr, code := run(t, "import", "threat-dragon", "interchange/testdata/threatdragon/kiosk.json", "-o", out)
	if code != ExitOK || !strings.Contains(stdout, "2 custom rules") {
		t.Fatalf("import exit %d, %q, %s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "threatmap.rules", "td-screen-spoofing.yaml")); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, "validate", out); code != ExitOK || strings.Contains(stderr, "does not exist (see threatmap rules)") {
		t.Fatalf("validate: exit %d: %s", code, stderr)
	}
	md, stderr, code := run(t, "report", dir, "--no-scan", "--all")
	if code != ExitOK || !strings.Contains(md, "td-screen-spoofing@kiosk-app") || !strings.Contains(md, `recorded as "Screen spoofing"`) {
		t.Errorf("report exit %d (%s) lacks the imported threat:\n%s", code, stderr, md)
	}
	// A second import is refused whole: neither the model nor a rule
	// file is touched.
	if _, stderr, code := run(t, "import", "threat-dragon", "interchange/testdata/threatdragon/kiosk.json", "-o", out); code != ExitUsage || !strings.Contains(stderr, "already exists") {
		t.Errorf("second import: exit %d, %q", code, stderr)
	}
}
