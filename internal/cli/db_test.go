package cli

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDBUpdateFeedsScanDeps downloads an export from a loopback server into
// a cache named by $XDG_CACHE_HOME, then checks that scan deps uses that
// cache without being told and finds the advisory in it.
func TestDBUpdateFeedsScanDeps(t *testing.T) {
	var recs []string
	err := filepath.WalkDir(filepath.Join(repoRoot(t), "examples", "rss-bot-fleet", "osv-db"), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".json") {
			recs = append(recs, p)
		}
		return err
	})
	if err != nil || len(recs) == 0 {
		t.Fatalf("no records in the example database: %v", err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range recs {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create(filepath.Base(p))
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	archive := buf.Bytes()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/PyPI/all.zip" {
			http.NotFound(w, r)
			return
		}
		w.Write(archive)
	}))
	defer srv.Close()

	cache := t.TempDir()
	env := map[string]string{"XDG_CACHE_HOME": cache}
	runEnv := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		c := &Command{Stdout: &out, Stderr: &errb, Dir: repoRoot(t), Now: fixedNow, Getenv: func(k string) string { return env[k] }}
		code := c.Main(args)
		return out.String(), errb.String(), code
	}

	out, errOut, code := runEnv("db", "update", "--url", srv.URL, "--ecosystem", "PyPI")
	if code != ExitOK {
		t.Fatalf("db update: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(cache, "threatmap", "osv", "PyPI", "all.zip")); err != nil {
		t.Fatalf("no archive in the cache: %v", err)
	}
	out, _, _ = runEnv("db", "path")
	if !strings.Contains(out, "PyPI: ") || !strings.HasPrefix(out, filepath.Join(cache, "threatmap", "osv")) {
		t.Errorf("db path printed %q", out)
	}

	out, errOut, code = runEnv("scan", "deps", "examples/rss-bot-fleet/bots", "--format", "json")
	if code != ExitFindings {
		t.Fatalf("scan deps with the cached database: exit %d, want 1\n%s%s", code, out, errOut)
	}
	set := supplyJSON(t, out)
	vulns := 0
	for _, f := range set.Findings {
		if f.Rule == "known-vulnerability" {
			vulns++
		}
	}
	if vulns == 0 {
		t.Errorf("the cached database found no known vulnerability in the fleet's bots")
	}

	// An unreachable mirror: a clear error, exit 2, the cache kept.
	srv.Close()
	_, errOut, code = runEnv("db", "update", "--url", srv.URL, "--ecosystem", "PyPI")
	if code != ExitUsage || !strings.Contains(errOut, "cannot reach") {
		t.Errorf("offline update: exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(cache, "threatmap", "osv", "PyPI", "all.zip")); err != nil {
		t.Errorf("a failed update removed the cached archive: %v", err)
	}
}
