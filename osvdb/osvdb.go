// Package osvdb keeps a local copy of the OSV advisory database: it
// downloads the per-ecosystem all.zip exports osv.dev publishes into a cache
// directory, checks each one before it replaces the copy in use, and tells
// the dependency scanner where the copy is. Only `threatmap db update`
// touches the network; scans read the cache.
package osvdb

import (
	"archive/zip"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// DefaultURL is where osv.dev publishes its exports, one folder per
// ecosystem, each with an all.zip of every record.
const DefaultURL = "https://osv-vulnerabilities.storage.googleapis.com"

// Ecosystems are the OSV ecosystems whose exports threatmap reads, spelled
// as the export folders are.
var Ecosystems = []string{"Go", "npm", "PyPI", "crates.io", "RubyGems"}

// MaxArchiveSize bounds one download; the largest export (npm) is a few
// hundred megabytes.
const MaxArchiveSize int64 = 4 << 30

// maxRecordSize bounds one record inside an archive while checking it.
const maxRecordSize = 64 << 20

// metaFile records, beside each archive, where and when it was fetched.
const metaFile = "meta.json"

// Meta describes one downloaded export.
type Meta struct {
	Ecosystem string    `json:"ecosystem"`
	URL       string    `json:"url"`
	Fetched   time.Time `json:"fetched"`
	SHA256    string    `json:"sha256"`
	Size      int64     `json:"size"`
	Records   int       `json:"records"`
}

// DefaultDir is the cache directory the dependency scanner reads when no
// database is named: $XDG_CACHE_HOME/threatmap/osv, or the platform's
// equivalent under $HOME (~/.cache on Linux, ~/Library/Caches on macOS,
// %LocalAppData% on Windows). getenv reads the environment, so that
// callers (and tests) decide what it holds.
func DefaultDir(getenv func(string) string) (string, error) {
	base := getenv("XDG_CACHE_HOME")
	if base == "" || !filepath.IsAbs(base) {
		switch runtime.GOOS {
		case "windows":
			base = getenv("LocalAppData")
		case "darwin", "ios":
			if h := getenv("HOME"); h != "" {
				base = filepath.Join(h, "Library", "Caches")
			}
		default:
			if h := getenv("HOME"); h != "" {
				base = filepath.Join(h, ".cache")
			}
		}
	}
	if base == "" {
		return "", errors.New("no cache directory for the advisory database: neither $XDG_CACHE_HOME nor $HOME is set")
	}
	return filepath.Join(base, "threatmap", "osv"), nil
}

// Present reports whether dir holds at least one downloaded export, so that
// a scan can use it without being told.
func Present(dir string) bool {
	for _, eco := range Ecosystems {
		if st, err := os.Stat(filepath.Join(dir, eco, "all.zip")); err == nil && st.Mode().IsRegular() {
			return true
		}
	}
	return false
}

// Options configures Update.
type Options struct {
	// Dir is the cache directory; each ecosystem's export goes to
	// Dir/<ecosystem>/all.zip.
	Dir string
	// URL is the base the exports are fetched from (DefaultURL, or a mirror).
	URL string
	// Ecosystems to fetch; empty means all of Ecosystems.
	Ecosystems []string
	// Client sends the requests; nil means a client with a timeout.
	Client *http.Client
	// Now stamps the metadata.
	Now func() time.Time
}

// Update downloads each ecosystem's export and replaces the cached copy
// only once the new one is whole and valid: its size matches what the
// server announced, its MD5 matches the server's x-goog-hash when sent,
// and every record in it decodes as OSV. A failure leaves the previous copy
// in place. It returns the metadata of every export it replaced.
func Update(ctx context.Context, opts Options) ([]Meta, error) {
	ecos := opts.Ecosystems
	if len(ecos) == 0 {
		ecos = Ecosystems
	}
	for _, e := range ecos {
		if !slices.Contains(Ecosystems, e) {
			return nil, fmt.Errorf("unknown ecosystem %q (want one of %s)", e, strings.Join(Ecosystems, ", "))
		}
	}
	base := opts.URL
	if base == "" {
		base = DefaultURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("advisory database URL %q: want http(s)://host[/path]", base)
	}
	client := opts.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Minute}
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	var metas []Meta
	for _, eco := range ecos {
		m, err := fetchOne(ctx, client, strings.TrimRight(base, "/")+"/"+url.PathEscape(eco)+"/all.zip", opts.Dir, eco, now)
		if err != nil {
			return metas, err
		}
		metas = append(metas, m)
	}
	return metas, nil
}

func fetchOne(ctx context.Context, client *http.Client, src, dir, eco string, now func() time.Time) (Meta, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return Meta{}, fmt.Errorf("%s: %w", eco, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return Meta{}, offline(src, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Meta{}, fmt.Errorf("%s: %s answered %s", eco, src, resp.Status)
	}
	if resp.ContentLength > MaxArchiveSize {
		return Meta{}, fmt.Errorf("%s: %s is %d bytes, over the %d-byte limit", eco, src, resp.ContentLength, MaxArchiveSize)
	}
	ecoDir := filepath.Join(dir, eco)
	if err := os.MkdirAll(ecoDir, 0o755); err != nil {
		return Meta{}, fmt.Errorf("%s: %w", eco, err)
	}
	tmp, err := os.CreateTemp(ecoDir, ".all.zip.*")
	if err != nil {
		return Meta{}, fmt.Errorf("%s: %w", eco, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	sum, md, size, err := copyHashed(tmp, io.LimitReader(resp.Body, MaxArchiveSize+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Meta{}, fmt.Errorf("%s: download from %s broke off: %w", eco, src, err)
	}
	if size > MaxArchiveSize {
		return Meta{}, fmt.Errorf("%s: %s is over the %d-byte limit", eco, src, MaxArchiveSize)
	}
	if resp.ContentLength >= 0 && size != resp.ContentLength {
		return Meta{}, fmt.Errorf("%s: got %d bytes of the %d %s announced", eco, size, resp.ContentLength, src)
	}
	if want, ok := googMD5(resp.Header); ok && want != md {
		return Meta{}, fmt.Errorf("%s: MD5 of the download does not match the server's (x-goog-hash): the copy is corrupt", eco)
	}
	records, err := check(tmp.Name())
	if err != nil {
		return Meta{}, fmt.Errorf("%s: %s is not a valid OSV export: %w", eco, src, err)
	}
	m := Meta{Ecosystem: eco, URL: src, Fetched: now().UTC(), SHA256: sum, Size: size, Records: records}
	if err := os.Rename(tmp.Name(), filepath.Join(ecoDir, "all.zip")); err != nil {
		return Meta{}, fmt.Errorf("%s: %w", eco, err)
	}
	if err := writeMeta(filepath.Join(ecoDir, metaFile), m); err != nil {
		return Meta{}, err
	}
	return m, nil
}

// copyHashed copies src to dst, syncing it, and returns its SHA-256 (hex),
// MD5 (base64, as x-goog-hash writes it) and size.
func copyHashed(dst *os.File, src io.Reader) (string, string, int64, error) {
	sh, mh := sha256.New(), md5.New()
	n, err := io.Copy(io.MultiWriter(dst, sh, mh), src)
	if err != nil {
		return "", "", n, err
	}
	if err := dst.Sync(); err != nil {
		return "", "", n, err
	}
	return hex.EncodeToString(sh.Sum(nil)), base64.StdEncoding.EncodeToString(mh.Sum(nil)), n, nil
}

// googMD5 returns the MD5 a Google Cloud Storage response announces in its
// x-goog-hash header ("crc32c=...,md5=...").
func googMD5(h http.Header) (string, bool) {
	for _, v := range h.Values("X-Goog-Hash") {
		for _, part := range strings.Split(v, ",") {
			if b, ok := strings.CutPrefix(strings.TrimSpace(part), "md5="); ok {
				return b, true
			}
		}
	}
	return "", false
}

// check opens the archive and decodes every record's id and affected list:
// a truncated or foreign file fails here, before it replaces a good copy.
func check(name string) (int, error) {
	zr, err := zip.OpenReader(name)
	if err != nil {
		return 0, err
	}
	defer zr.Close()
	n := 0
	for _, zf := range zr.File {
		if !strings.HasSuffix(zf.Name, ".json") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return n, fmt.Errorf("%s: %w", zf.Name, err)
		}
		data, err := io.ReadAll(io.LimitReader(rc, maxRecordSize))
		rc.Close()
		if err != nil {
			return n, fmt.Errorf("%s: %w", zf.Name, err)
		}
		var rec struct {
			ID       string            `json:"id"`
			Affected []json.RawMessage `json:"affected"`
		}
		if err := json.Unmarshal(data, &rec); err != nil {
			return n, fmt.Errorf("%s: %w", zf.Name, err)
		}
		if rec.ID == "" {
			return n, fmt.Errorf("%s: a record without an id", zf.Name)
		}
		n++
	}
	if n == 0 {
		return 0, errors.New("no OSV records in the archive")
	}
	return n, nil
}

func writeMeta(name string, m Meta) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// ReadMeta returns the metadata of every export present in dir, in
// ecosystem order.
func ReadMeta(dir string) []Meta {
	var out []Meta
	for _, eco := range Ecosystems {
		data, err := os.ReadFile(filepath.Join(dir, eco, metaFile))
		if err != nil {
			continue
		}
		var m Meta
		if json.Unmarshal(data, &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// offline turns a transport error into one that says what to do.
func offline(src string, err error) error {
	var dns *net.DNSError
	var op *net.OpError
	var uerr *url.Error
	host := src
	if u, perr := url.Parse(src); perr == nil {
		host = u.Host
	}
	switch {
	case errors.As(err, &dns), errors.As(err, &op):
		return fmt.Errorf("cannot reach %s (offline, or the network blocks it): %v; on a machine without access, mirror the exports and pass --url, or copy a database folder and use --osv-db", host, err)
	case errors.As(err, &uerr) && uerr.Timeout():
		return fmt.Errorf("%s did not answer in time: %v", host, err)
	}
	return fmt.Errorf("download from %s: %w", src, err)
}
