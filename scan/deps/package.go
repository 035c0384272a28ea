// Package deps reads the dependencies a repository declares in its
// lockfiles and manifests (Go, npm, Python, Rust, Ruby), matches every
// package against an offline copy of the OSV database with each ecosystem's
// own version ordering, and reports supply-chain hygiene problems: no
// lockfile beside a manifest, unpinned or ranged requirements, and
// dependencies fetched from URLs or git without a pinned commit.
//
// The parsed packages are exported (Collect) so that the sbom package can
// write a bill of materials from the same inventory the scanner checks.
package deps

import (
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/package-url/packageurl-go"
)

// Ecosystem names a package ecosystem with the spelling OSV uses, so that a
// package's ecosystem can be compared with an advisory's directly.
type Ecosystem string

// Ecosystems read by this package.
const (
	Go       Ecosystem = "Go"
	NPM      Ecosystem = "npm"
	PyPI     Ecosystem = "PyPI"
	CratesIO Ecosystem = "crates.io"
	RubyGems Ecosystem = "RubyGems"
)

// Relationship says whether the project asks for a package itself or gets
// it through another package.
type Relationship string

// Relationships. Unknown means the file format does not say and no manifest
// beside it told us.
const (
	Direct     Relationship = "direct"
	Transitive Relationship = "transitive"
	Unknown    Relationship = "unknown"
)

// Source says where a package is fetched from.
type Source string

// Sources. A package from a path is part of the project itself and is never
// matched against advisories.
const (
	Registry Source = "registry"
	Git      Source = "git"
	URL      Source = "url"
	Path     Source = "path"
)

// Package is one resolved dependency as a lockfile or manifest records it.
type Package struct {
	Name         string       `json:"name"`
	Version      string       `json:"version,omitempty"`
	Ecosystem    Ecosystem    `json:"ecosystem"`
	PURL         string       `json:"purl"`
	Relationship Relationship `json:"relationship"`
	// Dev is true for packages only needed to develop or test the project.
	Dev bool `json:"dev,omitempty"`
	// Toolchain is true for the tools that build the project rather than
	// code it ships (the go command): matched against advisories, left out
	// of bills of materials.
	Toolchain bool `json:"toolchain,omitempty"`
	// directive is the go.mod directive (go or toolchain) a Go standard
	// library or toolchain package was read from.
	directive string
	Source    Source `json:"source"`
	// SourceURL is the git or archive URL for Git and URL sources.
	SourceURL string `json:"sourceUrl,omitempty"`
	// File is the lockfile or manifest, relative to the scanned root.
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	// Hashes are the content digests the lockfile pins the package to.
	Hashes []Hash `json:"hashes,omitempty"`
	// Via names the packages in the same file that depend on this one,
	// where the format records it.
	Via []string `json:"via,omitempty"`
	// Path is a shortest chain of names from a direct dependency to this
	// package (both included), for transitive packages whose parents are
	// known: how the vulnerable code gets into the project.
	Path []string `json:"path,omitempty"`
}

// Hash is a content digest: Alg is SHA-1, SHA-256, SHA-384 or SHA-512
// (CycloneDX's spelling) and Value is lower-case hex.
type Hash struct {
	Alg   string `json:"alg"`
	Value string `json:"value"`
}

// sriHash converts a Subresource Integrity string ("sha512-<base64>"), as
// npm, yarn and pnpm record it, into a Hash.
func sriHash(sri string) (Hash, bool) {
	alg, b64, ok := strings.Cut(strings.TrimSpace(sri), "-")
	if !ok {
		return Hash{}, false
	}
	names := map[string]string{"sha1": "SHA-1", "sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512"}
	name, ok := names[alg]
	if !ok {
		return Hash{}, false
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return Hash{}, false
	}
	return Hash{Alg: name, Value: hex.EncodeToString(raw)}, true
}

// normalizeName returns the name under which a package is indexed: PyPI
// names are case-insensitive and treat runs of '-', '_' and '.' alike (PEP
// 503); the other ecosystems compare names exactly.
func normalizeName(eco Ecosystem, name string) string {
	if eco != PyPI {
		return name
	}
	var b strings.Builder
	b.Grow(len(name))
	sep := false
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}

// purlFor builds the package URL of a package (https://github.com/package-url/purl-spec).
func purlFor(eco Ecosystem, name, version string) string {
	var typ, namespace string
	switch eco {
	case Go:
		typ = packageurl.TypeGolang
		if i := strings.LastIndex(name, "/"); i >= 0 {
			namespace, name = name[:i], name[i+1:]
		}
	case NPM:
		typ = packageurl.TypeNPM
		if strings.HasPrefix(name, "@") {
			if i := strings.Index(name, "/"); i > 0 {
				namespace, name = name[:i], name[i+1:]
			}
		}
	case PyPI:
		typ = packageurl.TypePyPi
		name = normalizeName(PyPI, name)
	case CratesIO:
		typ = packageurl.TypeCargo
	case RubyGems:
		typ = packageurl.TypeGem
	default:
		typ = packageurl.TypeGeneric
	}
	return packageurl.NewPackageURL(typ, namespace, name, version, nil, "").ToString()
}

// newPackage fills in the fields every parser sets the same way.
func newPackage(eco Ecosystem, name, version, file string, line int) Package {
	return Package{
		Name: name, Version: version, Ecosystem: eco, PURL: purlFor(eco, name, version),
		Relationship: Unknown, Source: Registry, File: file, Line: line,
	}
}
