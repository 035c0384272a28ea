package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSBOMCycloneDX(t *testing.T) {
	out, errOut, code := run(t, "sbom", "examples/rss-bot-fleet/bots")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var bom struct {
		SpecVersion string `json:"specVersion"`
		Metadata    struct {
			Timestamp string `json:"timestamp"`
			Component struct {
				Name string `json:"name"`
			} `json:"component"`
		} `json:"metadata"`
		Components []struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			PURL    string `json:"purl"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(out), &bom); err != nil {
		t.Fatal(err)
	}
	if bom.SpecVersion != "1.6" || bom.Metadata.Component.Name != "bots" || bom.Metadata.Timestamp != "2026-11-01T12:00:00Z" {
		t.Errorf("metadata: %+v", bom)
	}
	found := false
	for _, c := range bom.Components {
		if c.PURL == "pkg:pypi/python-json-logger@3.2.1" {
			found = true
		}
	}
	if !found || len(bom.Components) < 15 {
		t.Errorf("%d components, python-json-logger found: %v", len(bom.Components), found)
	}
}

func TestSBOMFileAndSPDX(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fleet.spdx.json")
	_, errOut, code := run(t, "sbom", "examples/rss-bot-fleet/bots", "--format", "spdx", "-o", path, "--name", "rss-bot-fleet")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`"spdxVersion": "SPDX-2.3"`)) || !bytes.Contains(data, []byte(`"name": "rss-bot-fleet"`)) ||
		!bytes.Contains(data, []byte("pkg:pypi/requests@2.31.0")) {
		t.Errorf("SPDX file: %.400s", data)
	}
	if !strings.Contains(errOut, "wrote spdx SBOM of") {
		t.Errorf("stderr %q", errOut)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestSBOMUsage(t *testing.T) {
	if _, errOut, code := run(t, "sbom", "--format", "xml"); code != ExitUsage || !strings.Contains(errOut, "--format") {
		t.Errorf("bad format: exit %d %q", code, errOut)
	}
	if _, _, code := run(t, "sbom", "examples/rss-bot-fleet/bots", "-o", "/no/such/dir/x.json"); code != ExitUsage {
		t.Errorf("unwritable output: exit %d", code)
	}
	var out, errb strings.Builder
	c := &Command{Stdout: &out, Stderr: &errb, Dir: repoRoot(t), Now: fixedNow, Getenv: func(k string) string {
		if k == "SOURCE_DATE_EPOCH" {
			return "0"
		}
		return ""
	}}
	if code := c.Main([]string{"sbom", "examples/rss-bot-fleet/bots"}); code != ExitOK || !strings.Contains(out.String(), `"timestamp": "1970-01-01T00:00:00Z"`) {
		t.Errorf("SOURCE_DATE_EPOCH not honoured: exit %d", code)
	}
}
