// Package sbom writes software bills of materials — CycloneDX 1.6 JSON and
// SPDX 2.3 JSON — from the packages the deps package reads out of
// lockfiles and manifests. Output is deterministic for a given input and
// timestamp, and files are written atomically so that a failed run never
// leaves a half-written SBOM behind.
package sbom

import (
	"cmp"
	"crypto/sha1"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/threatmap/threatmap/scan/deps"
)

// Format names an SBOM format.
type Format string

// Formats.
const (
	CycloneDX Format = "cyclonedx"
	SPDX      Format = "spdx"
)

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "cyclonedx", "cdx", "cyclonedx-json":
		return CycloneDX, nil
	case "spdx", "spdx-json":
		return SPDX, nil
	}
	return "", fmt.Errorf("unknown SBOM format %q (want cyclonedx or spdx)", s)
}

// Document is what an SBOM describes: the project and its packages.
type Document struct {
	// Name is the project's name, usually its directory name.
	Name string
	// ToolVersion is threatmap's version, recorded as the creating tool.
	ToolVersion string
	// Timestamp is the creation time; callers pass a fixed time (or
	// SOURCE_DATE_EPOCH) for reproducible output.
	Timestamp time.Time
	Packages  []deps.Package
}

// component is one distinct package, merged from every file that lists it.
type component struct {
	pkg   deps.Package
	files []string // file:line of every occurrence
	// direct is true when any occurrence is a direct dependency; dev only
	// when every occurrence is a development dependency.
	direct, unknown, dev bool
}

// components merges packages by purl (and source URL, for packages from git
// or URLs, whose purls carry no version), in a stable order.
func components(pkgs []deps.Package) []*component {
	byKey := map[string]*component{}
	var out []*component
	for _, p := range pkgs {
		if p.Toolchain {
			// Build tooling is checked for advisories but is not shipped.
			continue
		}
		key := p.PURL + "|" + p.SourceURL
		c, ok := byKey[key]
		if !ok {
			c = &component{pkg: p, dev: true}
			byKey[key] = c
			out = append(out, c)
		}
		loc := p.File
		if p.Line > 0 {
			loc = fmt.Sprintf("%s:%d", p.File, p.Line)
		}
		c.files = append(c.files, loc)
		c.direct = c.direct || p.Relationship == deps.Direct
		c.unknown = c.unknown || p.Relationship == deps.Unknown
		c.dev = c.dev && p.Dev
	}
	slices.SortFunc(out, func(a, b *component) int {
		return cmp.Or(cmp.Compare(a.pkg.PURL, b.pkg.PURL), cmp.Compare(a.pkg.SourceURL, b.pkg.SourceURL))
	})
	for _, c := range out {
		slices.Sort(c.files)
	}
	return out
}

// children maps each component's ref to the refs of the components it
// depends on, from the parents each lockfile records. A parent is found by
// name in the same file, so the graph stays within one lockfile's view.
func children(cs []*component, pkgs []deps.Package) map[string][]string {
	byName := map[string][]*component{}
	byPkg := map[string]*component{}
	for _, c := range cs {
		key := c.pkg.PURL + "|" + c.pkg.SourceURL
		byPkg[key] = c
	}
	for _, p := range pkgs {
		c := byPkg[p.PURL+"|"+p.SourceURL]
		if c == nil {
			continue
		}
		nk := p.File + "\x00" + strings.ToLower(p.Name)
		if !slices.Contains(byName[nk], c) {
			byName[nk] = append(byName[nk], c)
		}
	}
	out := map[string][]string{}
	for _, p := range pkgs {
		child := byPkg[p.PURL+"|"+p.SourceURL]
		for _, parent := range p.Via {
			for _, pc := range byName[p.File+"\x00"+strings.ToLower(parent)] {
				if pc != child && !slices.Contains(out[pc.ref()], child.ref()) {
					out[pc.ref()] = append(out[pc.ref()], child.ref())
				}
			}
		}
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out
}

// relationship is the merged relationship of a component.
func (c *component) relationship() deps.Relationship {
	switch {
	case c.direct:
		return deps.Direct
	case c.unknown:
		return deps.Unknown
	}
	return deps.Transitive
}

// ref is the component's identifier inside the document: the purl, made
// unique for git and URL sources.
func (c *component) ref() string {
	if c.pkg.Source == deps.Registry || c.pkg.SourceURL == "" {
		return c.pkg.PURL
	}
	return c.pkg.PURL + "#" + shortHash(c.pkg.SourceURL)
}

func shortHash(s string) string {
	sum := sha1.Sum([]byte(s))
	return fmt.Sprintf("%x", sum[:6])
}

// nameUUID derives a stable UUID (RFC 4122 version 5 layout) from content,
// so that the same input yields the same serial number and namespace.
func nameUUID(parts ...string) string {
	h := sha1.New()
	for _, p := range parts {
		io.WriteString(h, p)
		h.Write([]byte{0})
	}
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// fingerprint summarises a component list for nameUUID.
func fingerprint(cs []*component) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.ref())
		b.WriteByte('\n')
	}
	return b.String()
}

// Write renders doc in the given format.
func Write(w io.Writer, format Format, doc Document) error {
	switch format {
	case CycloneDX:
		return WriteCycloneDX(w, doc)
	case SPDX:
		return WriteSPDX(w, doc)
	}
	return fmt.Errorf("unknown SBOM format %q", format)
}

// WriteFile renders doc into path atomically: the SBOM is written to a
// temporary file in the same directory, synced, and renamed over path, so
// readers see the old file or the complete new one, never a part.
func WriteFile(path string, format Format, doc Document) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write sbom %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = Write(tmp, format, doc); err != nil {
		return fmt.Errorf("write sbom %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write sbom %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write sbom %s: %w", path, err)
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write sbom %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write sbom %s: %w", path, err)
	}
	return nil
}
