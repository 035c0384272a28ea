package deps

import (
	"archive/zip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatmap/threatmap"
)

// record builds an OSV record for one package with one range.
func record(id string, eco Ecosystem, name string, events ...map[string]string) *osvRecord {
	r := &osvRecord{ID: id}
	a := osvAffected{Ranges: []osvRange{{Type: "ECOSYSTEM", Events: events}}}
	a.Package.Ecosystem, a.Package.Name = string(eco), name
	r.Affected = []osvAffected{a}
	return r
}

func ev(kind, v string) map[string]string { return map[string]string{kind: v} }

func TestMatchRanges(t *testing.T) {
	db := newDB()
	db.add(record("MULTI", PyPI, "urllib3", ev("introduced", "0"), ev("fixed", "1.26.19")))
	db.add(&osvRecord{ID: "TWO-RANGES", Affected: []osvAffected{{
		Package: struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
		}{"PyPI", "urllib3"},
		Ranges: []osvRange{
			{Type: "ECOSYSTEM", Events: []map[string]string{ev("introduced", "0"), ev("fixed", "1.26.19")}},
			{Type: "ECOSYSTEM", Events: []map[string]string{ev("introduced", "2.0.0"), ev("fixed", "2.2.2")}},
		},
	}}})
	db.add(record("LAST", NPM, "left-pad", ev("introduced", "1.0.0"), ev("last_affected", "1.1.3")))
	db.add(record("LIMIT", CratesIO, "time", ev("introduced", "0.1.0"), ev("limit", "0.2.0")))
	db.add(record("PRE", NPM, "next", ev("introduced", "14.0.0"), ev("fixed", "14.1.1")))
	db.add(record("GOMOD", Go, "golang.org/x/net", ev("introduced", "0"), ev("fixed", "0.23.0")))
	db.add(record("PSEUDO", Go, "example.com/m", ev("introduced", "0"), ev("fixed", "0.0.0-20230101000000-abcdefabcdef")))
	db.add(record("PEP440", PyPI, "Django", ev("introduced", "4.2"), ev("fixed", "4.2.11")))
	db.add(record("GEM", RubyGems, "rack", ev("introduced", "3.0.0.beta1"), ev("fixed", "3.0.9.1")))
	db.add(record("REINTRO", NPM, "minimist", ev("introduced", "0"), ev("fixed", "0.2.1"), ev("introduced", "1.0.0"), ev("fixed", "1.2.3")))
	db.add(&osvRecord{ID: "GONE", Withdrawn: "2024-01-01T00:00:00Z", Affected: record("x", NPM, "left-pad", ev("introduced", "0")).Affected})

	tests := []struct {
		eco        Ecosystem
		name, ver  string
		want       []string
		wantFixed  string
		wantSource Source
	}{
		{PyPI, "urllib3", "1.26.18", []string{"MULTI", "TWO-RANGES"}, "1.26.19", Registry},
		{PyPI, "urllib3", "1.26.19", nil, "", Registry},
		{PyPI, "urllib3", "2.2.1", []string{"TWO-RANGES"}, "2.2.2", Registry},
		{PyPI, "urllib3", "2.2.2", nil, "", Registry},
		{PyPI, "URLLib3", "2.0.0", []string{"TWO-RANGES"}, "2.2.2", Registry}, // PEP 503 names
		{NPM, "left-pad", "1.1.3", []string{"LAST"}, "", Registry},
		{NPM, "left-pad", "1.1.4", nil, "", Registry},
		{NPM, "left-pad", "0.9.0", nil, "", Registry},
		{CratesIO, "time", "0.1.45", []string{"LIMIT"}, "", Registry},
		{CratesIO, "time", "0.2.0", nil, "", Registry},
		{NPM, "next", "14.1.1-canary.1", []string{"PRE"}, "14.1.1", Registry}, // prerelease sorts before the release
		{NPM, "next", "14.0.0-rc.1", nil, "", Registry},
		{Go, "golang.org/x/net", "v0.22.0", []string{"GOMOD"}, "0.23.0", Registry},
		{Go, "golang.org/x/net", "v0.23.0", nil, "", Registry},
		{Go, "example.com/m", "v0.0.0-20221231000000-111111111111", []string{"PSEUDO"}, "0.0.0-20230101000000-abcdefabcdef", Registry},
		{Go, "example.com/m", "v0.0.0-20230102000000-111111111111", nil, "", Registry},
		{PyPI, "django", "4.2.10", []string{"PEP440"}, "4.2.11", Registry},
		{PyPI, "django", "4.2.11", nil, "", Registry},
		{PyPI, "django", "4.2.11rc1", []string{"PEP440"}, "4.2.11", Registry},
		{PyPI, "django", "4.2.post1", []string{"PEP440"}, "4.2.11", Registry},
		{RubyGems, "rack", "3.0.9", []string{"GEM"}, "3.0.9.1", Registry},
		{RubyGems, "rack", "3.0.0.beta1", []string{"GEM"}, "3.0.9.1", Registry},
		{RubyGems, "rack", "2.2.8", nil, "", Registry},
		{NPM, "minimist", "0.2.0", []string{"REINTRO"}, "0.2.1", Registry},
		{NPM, "minimist", "0.5.0", nil, "", Registry},
		{NPM, "minimist", "1.2.2", []string{"REINTRO"}, "1.2.3", Registry},
		{NPM, "minimist", "1.2.2", nil, "", Git}, // git sources never match registry ranges
		{NPM, "minimist", "not a version", nil, "", Registry},
	}
	for _, tt := range tests {
		p := newPackage(tt.eco, tt.name, tt.ver, "f", 1)
		p.Source = tt.wantSource
		got := db.Match(p)
		var ids []string
		fixed := ""
		for _, m := range got {
			ids = append(ids, m.ID)
			if fixed == "" {
				fixed = m.Fixed
			}
		}
		if len(ids) != len(tt.want) {
			t.Errorf("%s %s %s: matched %v, want %v", tt.eco, tt.name, tt.ver, ids, tt.want)
			continue
		}
		for i := range ids {
			if ids[i] != tt.want[i] {
				t.Errorf("%s %s %s: matched %v, want %v", tt.eco, tt.name, tt.ver, ids, tt.want)
			}
		}
		if fixed != tt.wantFixed {
			t.Errorf("%s %s %s: fixed %q, want %q", tt.eco, tt.name, tt.ver, fixed, tt.wantFixed)
		}
	}
}

func TestSeverityOf(t *testing.T) {
	tests := []struct {
		name string
		rec  osvRecord
		want threatmap.Severity
	}{
		{"github severity", osvRecord{DatabaseSpecific: json.RawMessage(`{"severity":"CRITICAL"}`)}, threatmap.Critical},
		{"moderate", osvRecord{DatabaseSpecific: json.RawMessage(`{"severity":"MODERATE"}`)}, threatmap.Medium},
		{"odd shape falls through to cvss", osvRecord{
			DatabaseSpecific: json.RawMessage(`{"severity":{"x":1}}`),
			Severity:         []osvSeverity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}},
		}, threatmap.Critical},
		{"cvss low", osvRecord{Severity: []osvSeverity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"}}}, threatmap.Low},
		{"nothing known", osvRecord{}, threatmap.Medium},
		{"malicious package", osvRecord{ID: "MAL-2024-1234"}, threatmap.Critical},
	}
	for _, tt := range tests {
		if got := severityOf(&tt.rec, &osvAffected{}); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestCVSS3BaseScore(t *testing.T) {
	tests := []struct {
		vector string
		want   float64
		ok     bool
	}{
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, true},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, true},
		{"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1, true},
		{"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 5.5, true},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, true},
		{"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0, true},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 0, false},
		{"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 0, false},
		{"CVSS:3.1/garbage", 0, false},
	}
	for _, tt := range tests {
		got, ok := cvss3BaseScore(tt.vector)
		if ok != tt.ok || got != tt.want {
			t.Errorf("%s: got %v %v, want %v %v", tt.vector, got, ok, tt.want, tt.ok)
		}
	}
}

// TestLoadDBZip reads an all.zip export, the form osv.dev publishes.
func TestLoadDBZip(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "all.zip"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, name := range []string{"GHSA-35jh-r3h4-6jhm.json", "TEST-WITHDRAWN.json"} {
		data, err := os.ReadFile(filepath.Join("testdata/osv/npm", name))
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create(name)
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	db, err := LoadDB(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if db.Records != 1 {
		t.Errorf("records = %d, want 1 (the withdrawn one is dropped)", db.Records)
	}
	if m := db.Match(newPackage(NPM, "lodash", "4.17.20", "x", 1)); len(m) != 1 || m[0].ID != "GHSA-35jh-r3h4-6jhm" || m[0].Severity != threatmap.High {
		t.Errorf("match = %+v", m)
	}
}

func TestLoadDBErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bad.json"), []byte("{\n  \"id\": 3\n}"), 0o644)
	_, err := LoadDB(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "bad.json") || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("err = %v, want the file and line named", err)
	}
	if _, err := LoadDB(context.Background(), filepath.Join(dir, "missing")); err == nil {
		t.Error("missing directory: no error")
	}
	os.WriteFile(filepath.Join(dir, "bad.json"), []byte("[]"), 0o644)
	os.WriteFile(filepath.Join(dir, "x.zip"), []byte("not a zip"), 0o644)
	if _, err := LoadDB(context.Background(), dir); err == nil || !strings.Contains(err.Error(), "x.zip") {
		t.Errorf("corrupt zip: err = %v", err)
	}
}

func TestSRIHash(t *testing.T) {
	h, ok := sriHash("sha512-AAEC/w==")
	if !ok || h.Alg != "SHA-512" || h.Value != "000102ff" {
		t.Errorf("sriHash = %+v %v", h, ok)
	}
	for _, bad := range []string{"", "md5-AAAA", "sha512-***", "sha512"} {
		if _, ok := sriHash(bad); ok {
			t.Errorf("sriHash(%q) accepted", bad)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{"Flask_Cors": "flask-cors", "zope.interface": "zope-interface", "a--_.b": "a-b", "Django": "django"} {
		if got := normalizeName(PyPI, in); got != want {
			t.Errorf("normalizeName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := normalizeName(NPM, "Foo_Bar"); got != "Foo_Bar" {
		t.Errorf("npm names are exact, got %q", got)
	}
}

func TestPURL(t *testing.T) {
	tests := []struct {
		eco           Ecosystem
		name, version string
		want          string
	}{
		{Go, "github.com/gin-gonic/gin", "v1.9.0", "pkg:golang/github.com/gin-gonic/gin@v1.9.0"},
		{NPM, "@babel/core", "7.0.0", "pkg:npm/%40babel/core@7.0.0"},
		{PyPI, "Flask_Cors", "3.0.9", "pkg:pypi/flask-cors@3.0.9"},
		{CratesIO, "time", "0.1.45", "pkg:cargo/time@0.1.45"},
		{RubyGems, "rack", "2.2.8", "pkg:gem/rack@2.2.8"},
	}
	for _, tt := range tests {
		if got := purlFor(tt.eco, tt.name, tt.version); got != tt.want {
			t.Errorf("purlFor(%s, %s) = %s, want %s", tt.eco, tt.name, got, tt.want)
		}
	}
}

// TestMergeAliases folds the same vulnerability from two databases into
// one match.
func TestMergeAliases(t *testing.T) {
	db := newDB()
	pysec := record("PYSEC-2024-60", PyPI, "idna", ev("introduced", "0"), ev("fixed", "3.7"))
	pysec.Aliases = []string{"CVE-2024-3651", "GHSA-jjg7-2v4v-x38h"}
	ghsa := record("GHSA-jjg7-2v4v-x38h", PyPI, "idna", ev("introduced", "0"), ev("fixed", "3.7"))
	ghsa.Aliases = []string{"CVE-2024-3651"}
	ghsa.Summary = "DoS in idna.encode"
	ghsa.DatabaseSpecific = json.RawMessage(`{"severity":"MODERATE"}`)
	other := record("GHSA-other", PyPI, "idna", ev("introduced", "0"))
	other.Aliases = []string{"CVE-2099-0001"}
	for _, r := range []*osvRecord{pysec, ghsa, other} {
		db.add(r)
	}
	got := db.Match(newPackage(PyPI, "idna", "3.6", "f", 1))
	if len(got) != 2 {
		t.Fatalf("matches = %+v, want 2", got)
	}
	m := got[0]
	if m.ID != "GHSA-jjg7-2v4v-x38h" || strings.Join(m.Aliases, ",") != "CVE-2024-3651,PYSEC-2024-60" || m.Fixed != "3.7" || m.Summary != "DoS in idna.encode" {
		t.Errorf("merged = %+v", m)
	}
	if got[1].ID != "GHSA-other" {
		t.Errorf("unrelated advisory merged: %+v", got)
	}
}

// TestLoadDBFor keeps only the advisories for the packages in hand but
// still counts every record consulted.
func TestLoadDBFor(t *testing.T) {
	db, err := LoadDBFor(context.Background(), "testdata/osv", []Package{newPackage(NPM, "lodash", "4.17.20", "f", 1)})
	if err != nil {
		t.Fatal(err)
	}
	full, err := LoadDB(context.Background(), "testdata/osv")
	if err != nil {
		t.Fatal(err)
	}
	if db.Records != full.Records || len(db.index) != 1 || len(full.index) < 5 {
		t.Errorf("filtered: %d records, %d keys; full: %d records, %d keys", db.Records, len(db.index), full.Records, len(full.index))
	}
	if m := db.Match(newPackage(NPM, "lodash", "4.17.20", "f", 1)); len(m) != 1 {
		t.Errorf("match = %+v", m)
	}
}
