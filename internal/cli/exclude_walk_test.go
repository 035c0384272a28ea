package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bundleTree writes an app with one route in its source and a committed
// build of it under dist/ (a package.json builds into it; the bundle ends
// with a source-map comment), plus a generated file the user excludes.
func bundleTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "package.json"), `{"name": "bot", "main": "dist/index.js", "scripts": {"build": "vite build"}}`+"\n")
	writeFile(t, filepath.Join(dir, "src", "index.js"), "const express = require('express');\nconst app = express();\napp.post('/webhook', (req, res) => res.end());\nmodule.exports = app;\n")
	writeFile(t, filepath.Join(dir, "dist", "index.js"), "const express = require('express');\nconst app = express();\napp.post('/webhook', (req, res) => res.end());\napp.get('/bundled-only', (req, res) => res.end());\nexport { app as default };\n//# sourceMappingURL=index.js.map\n")
	writeFile(t, filepath.Join(dir, "generated", "api.js"), "const express = require('express');\nconst app = express();\napp.get('/generated', (req, res) => res.end());\n")
	return dir
}

func routePaths(t *testing.T, out string) []string {
	t.Helper()
	var doc struct {
		Routes []struct{ Method, Path, File string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("routes JSON: %v\n%s", err, out)
	}
	var got []string
	for _, r := range doc.Routes {
		got = append(got, r.Method+" "+r.Path+" "+r.File)
	}
	return got
}

// TestScanSkipsBundlesAndExcludedPaths: scan routes reads neither the
// committed bundle (counted as generated) nor what --exclude names
// (counted as excluded), and says so.
func TestScanSkipsBundlesAndExcludedPaths(t *testing.T) {
	dir := bundleTree(t)
	out, errOut, code := runIn(t, dir, nil, "scan", "routes", "--exclude", "generated/", "--format", "json", "--verbose", ".")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := strings.Join(routePaths(t, out), ","); got != "POST /webhook src/index.js" {
		t.Errorf("routes %s, want only the source's", got)
	}
	for _, want := range []string{"skipped dist/index.js (generated)", "skipped generated (excluded)"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("--verbose lacks %q:\n%s", want, errOut)
		}
	}
	_, errOut, _ = runIn(t, dir, nil, "scan", "sinks", ".")
	if !strings.Contains(errOut, "1 generated JavaScript bundle (minified, or build output) not read") {
		t.Errorf("scan sinks does not say it left the bundle out: %q", errOut)
	}
}

// TestModelExcludeKeepsWalksOut: the model's scan.exclude keeps report and
// check from reading the paths (counted under skipped), and init --exclude
// drafts no surface from them and writes the patterns into the model.
func TestModelExcludeKeepsWalksOut(t *testing.T) {
	dir := bundleTree(t)
	out, errOut, code := runIn(t, dir, nil, "init", "--exclude", "generated/", ".")
	if code != ExitOK {
		t.Fatalf("init exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "from 1 entry point") {
		t.Errorf("init drafted from more than the source's route: %s", out)
	}
	model, err := os.ReadFile(filepath.Join(dir, "threatmap.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(model), "scan:\n  exclude:\n    - \"generated/\"\n") || strings.Contains(string(model), "/generated") {
		t.Errorf("model lacks scan.exclude or drafts the excluded route:\n%s", model)
	}
	out, errOut, _ = runIn(t, dir, nil, "check", "--format", "json", ".")
	var doc checkDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("check JSON: %v\n%s%s", err, out, errOut)
	}
	if doc.Skipped["excluded"] != 1 || doc.Skipped["generated"] != 1 {
		t.Errorf("check skipped %v, want one excluded directory and one generated bundle", doc.Skipped)
	}
}
