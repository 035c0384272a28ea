package sbom

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	spdxjson "github.com/spdx/tools-golang/json"

	"github.com/threatmap/threatmap/scan/deps"
)

var update = flag.Bool("update", false, "rewrite golden files")

func testDoc() Document {
	pkg := func(eco deps.Ecosystem, name, version, purl string, rel deps.Relationship, file string, line int) deps.Package {
		return deps.Package{Name: name, Version: version, Ecosystem: eco, PURL: purl, Relationship: rel, Source: deps.Registry, File: file, Line: line}
	}
	urllib3 := pkg(deps.PyPI, "urllib3", "2.2.1", "pkg:pypi/urllib3@2.2.1", deps.Transitive, "bots/rss-ingest/requirements.txt", 37)
	urllib3.Via = []string{"python-json-logger"}
	p := []deps.Package{
		pkg(deps.PyPI, "python-json-logger", "3.2.1", "pkg:pypi/python-json-logger@3.2.1", deps.Direct, "bots/rss-ingest/requirements.txt", 27),
		urllib3,
		// The same package in two lockfiles is one component with two
		// locations; direct wins over transitive.
		pkg(deps.PyPI, "certifi", "2024.2.2", "pkg:pypi/certifi@2024.2.2", deps.Transitive, "bots/rss-ingest/requirements.txt", 13),
		pkg(deps.PyPI, "certifi", "2024.2.2", "pkg:pypi/certifi@2024.2.2", deps.Direct, "bots/publisher/requirements.txt", 4),
		pkg(deps.NPM, "@babel/core", "7.23.0", "pkg:npm/%40babel/core@7.23.0", deps.Unknown, "ui/yarn.lock", 5),
	}
	dev := pkg(deps.NPM, "jest", "29.7.0", "pkg:npm/jest@29.7.0", deps.Direct, "ui/package-lock.json", 26)
	dev.Dev = true
	dev.Hashes = []deps.Hash{{Alg: "SHA-512", Value: "00ff"}}
	git := pkg(deps.PyPI, "slack-poster", "", "pkg:pypi/slack-poster", deps.Direct, "bots/publisher/requirements.txt", 3)
	git.Source, git.SourceURL = deps.Git, "git+https://user:pw@github.com/botfleet/slack-poster.git@main"
	p = append(p, dev, git)
	return Document{Name: "rss-bot-fleet", ToolVersion: "0.1.0", Timestamp: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC), Packages: p}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (run with -update after checking):\n%s", name, got)
	}
}

func TestCycloneDX(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCycloneDX(&buf, testDoc()); err != nil {
		t.Fatal(err)
	}
	golden(t, "sbom.cdx.json", buf.Bytes())
	if strings.Contains(buf.String(), "pw@") {
		t.Error("credentials in a source URL leaked into the SBOM")
	}
	if !strings.Contains(buf.String(), `"alg": "SHA-512"`) {
		t.Error("lockfile hash missing from the component")
	}
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(buf.Bytes()), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		t.Fatal(err)
	}
	if bom.SpecVersion != cdx.SpecVersion1_6 || bom.SerialNumber == "" {
		t.Errorf("spec %v serial %q", bom.SpecVersion, bom.SerialNumber)
	}
	if n := len(*bom.Components); n != 6 {
		t.Errorf("%d components, want 6 (certifi merged)", n)
	}
	root := (*bom.Dependencies)[0]
	if root.Ref != bom.Metadata.Component.BOMRef || len(*root.Dependencies) != 5 {
		t.Errorf("root dependencies = %+v, want the 5 direct or unknown components", root)
	}
	if len(*bom.Dependencies) != 2 || (*bom.Dependencies)[1].Ref != "pkg:pypi/python-json-logger@3.2.1" ||
		(*(*bom.Dependencies)[1].Dependencies)[0] != "pkg:pypi/urllib3@2.2.1" {
		t.Errorf("dependency graph = %+v", *bom.Dependencies)
	}
	// Same input, same bytes: the serial number is derived from content.
	var again bytes.Buffer
	WriteCycloneDX(&again, testDoc())
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("output is not deterministic")
	}
}

func TestSPDX(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSPDX(&buf, testDoc()); err != nil {
		t.Fatal(err)
	}
	golden(t, "sbom.spdx.json", buf.Bytes())
	doc, err := spdxjson.Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("SPDX output does not read back: %v", err)
	}
	if doc.SPDXVersion != "SPDX-2.3" || len(doc.Packages) != 7 {
		t.Errorf("version %s, %d packages; want SPDX-2.3 and 7 (project + 6)", doc.SPDXVersion, len(doc.Packages))
	}
	for _, p := range doc.Packages[1:] {
		if len(p.PackageExternalReferences) != 1 || !strings.HasPrefix(p.PackageExternalReferences[0].Locator, "pkg:") {
			t.Errorf("%s: no purl reference", p.PackageName)
		}
	}
	if strings.Contains(buf.String(), "pw@") {
		t.Error("credentials leaked")
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sbom.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A failed write leaves the old file and no temporary file behind.
	if err := WriteFile(path, Format("xml"), testDoc()); err == nil {
		t.Fatal("unknown format: no error")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("old file changed to %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	if err := WriteFile(path, SPDX, testDoc()); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !bytes.Contains(b, []byte(`"spdxVersion": "SPDX-2.3"`)) {
		t.Errorf("new file: %.80s", b)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "x.json"), CycloneDX, testDoc()); err == nil {
		t.Error("missing directory: no error")
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"cyclonedx": CycloneDX, "CDX": CycloneDX, "spdx-json": SPDX} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("xml accepted")
	}
}
