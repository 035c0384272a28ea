package osvdb

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var fixed = func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }

func TestUpdate(t *testing.T) {
	good := zipOf(t, map[string]string{
		"GHSA-1.json": `{"id":"GHSA-1","affected":[{"package":{"ecosystem":"PyPI","name":"a"}}]}`,
		"GHSA-2.json": `{"id":"GHSA-2","affected":[]}`,
	})
	notOSV := zipOf(t, map[string]string{"x.json": `{"name":"not a record"}`})
	md5of := func(b []byte) string { s := md5.Sum(b); return base64.StdEncoding.EncodeToString(s[:]) }
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantErr string
		records int
	}{
		{name: "whole and valid", records: 2, handler: func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/PyPI/all.zip" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("X-Goog-Hash", "crc32c=AAAAAA==,md5="+md5of(good))
			w.Write(good)
		}},
		{name: "hash mismatch", wantErr: "MD5", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Goog-Hash", "md5="+md5of([]byte("other")))
			w.Write(good)
		}},
		{name: "truncated", wantErr: "broke off", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(good)))
			w.Write(good[:len(good)/2])
		}},
		{name: "not a zip", wantErr: "not a valid OSV export", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<html>captive portal</html>"))
		}},
		{name: "records without ids", wantErr: "without an id", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Write(notOSV)
		}},
		{name: "not found", wantErr: "404", handler: func(w http.ResponseWriter, r *http.Request) {
			http.NotFound(w, r)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			dir := t.TempDir()
			// A previous copy that a failed update must leave untouched.
			old := filepath.Join(dir, "PyPI", "all.zip")
			if err := os.MkdirAll(filepath.Dir(old), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(old, []byte("previous"), 0o644); err != nil {
				t.Fatal(err)
			}
			metas, err := Update(context.Background(), Options{Dir: dir, URL: srv.URL, Ecosystems: []string{"PyPI"}, Client: srv.Client(), Now: fixed})
			got, rerr := os.ReadFile(old)
			if rerr != nil {
				t.Fatal(rerr)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tt.wantErr)
				}
				if string(got) != "previous" {
					t.Errorf("a failed update replaced the previous copy")
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, good) {
					t.Errorf("cached archive differs from the download")
				}
				if len(metas) != 1 || metas[0].Records != tt.records || metas[0].Size != int64(len(good)) || !metas[0].Fetched.Equal(fixed()) {
					t.Errorf("meta = %+v", metas)
				}
				if m := ReadMeta(dir); len(m) != 1 || m[0].SHA256 != metas[0].SHA256 {
					t.Errorf("ReadMeta = %+v", m)
				}
				if !Present(dir) {
					t.Errorf("Present = false after an update")
				}
			}
			leftovers, _ := filepath.Glob(filepath.Join(dir, "PyPI", ".all.zip.*"))
			if len(leftovers) != 0 {
				t.Errorf("temporary files left behind: %v", leftovers)
			}
		})
	}
}

func TestUpdateOffline(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // nothing listens there now
	_, err := Update(context.Background(), Options{Dir: t.TempDir(), URL: addr, Ecosystems: []string{"Go"}})
	if err == nil || !strings.Contains(err.Error(), "cannot reach") {
		t.Fatalf("err = %v, want a clear offline error", err)
	}
}

func TestUpdateRejectsBadInput(t *testing.T) {
	for _, o := range []Options{
		{Dir: t.TempDir(), URL: "ftp://example.test"},
		{Dir: t.TempDir(), URL: "https://example.test", Ecosystems: []string{"Maven!"}},
	} {
		if _, err := Update(context.Background(), o); err == nil {
			t.Errorf("Update(%+v) accepted bad input", o)
		}
	}
}
