package sbom

import (
	"io"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/threatmap/threatmap/scan/deps"
)

// Property names threatmap adds to CycloneDX components (the taxonomy
// prefix keeps them apart from other tools').
const (
	propRelationship = "threatmap:relationship"
	propLocation     = "threatmap:location"
	propSource       = "threatmap:source"
)

// WriteCycloneDX writes doc as CycloneDX 1.6 JSON. The project is the
// metadata component; it depends on every direct dependency (and on those
// whose relationship the lockfile does not tell).
func WriteCycloneDX(w io.Writer, doc Document) error {
	cs := components(doc.Packages)
	rootRef := "threatmap:project:" + doc.Name
	bom := cdx.NewBOM()
	bom.SerialNumber = "urn:uuid:" + nameUUID("cyclonedx", doc.Name, doc.Timestamp.UTC().Format(time.RFC3339), fingerprint(cs))
	bom.Metadata = &cdx.Metadata{
		Timestamp: doc.Timestamp.UTC().Format(time.RFC3339),
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: "threatmap", Version: doc.ToolVersion,
		}}},
		Component: &cdx.Component{BOMRef: rootRef, Type: cdx.ComponentTypeApplication, Name: doc.Name},
	}
	list := make([]cdx.Component, 0, len(cs))
	var rootDeps []string
	for _, c := range cs {
		p := c.pkg
		comp := cdx.Component{
			BOMRef: c.ref(), Type: cdx.ComponentTypeLibrary, Name: p.Name, Version: p.Version, PackageURL: p.PURL,
		}
		if ns, name, ok := strings.Cut(p.Name, "/"); ok && p.Ecosystem == deps.NPM && strings.HasPrefix(ns, "@") {
			comp.Group, comp.Name = ns, name
		}
		if len(p.Hashes) > 0 {
			hs := make([]cdx.Hash, 0, len(p.Hashes))
			for _, h := range p.Hashes {
				hs = append(hs, cdx.Hash{Algorithm: cdx.HashAlgorithm(h.Alg), Value: h.Value})
			}
			comp.Hashes = &hs
		}
		comp.Scope = cdx.ScopeRequired
		if c.dev {
			comp.Scope = cdx.ScopeExcluded
		}
		props := []cdx.Property{{Name: propRelationship, Value: string(c.relationship())}}
		for _, f := range c.files {
			props = append(props, cdx.Property{Name: propLocation, Value: f})
		}
		if p.Source != deps.Registry {
			props = append(props, cdx.Property{Name: propSource, Value: string(p.Source)})
			if p.SourceURL != "" && p.Source != deps.Path {
				typ := cdx.ERTypeDistribution
				if p.Source == deps.Git {
					typ = cdx.ERTypeVCS
				}
				comp.ExternalReferences = &[]cdx.ExternalReference{{Type: typ, URL: redactURL(p.SourceURL)}}
			}
		}
		comp.Properties = &props
		list = append(list, comp)
		if c.direct || c.unknown {
			rootDeps = append(rootDeps, c.ref())
		}
	}
	bom.Components = &list
	graph := []cdx.Dependency{{Ref: rootRef, Dependencies: &rootDeps}}
	kids := children(cs, doc.Packages)
	for _, c := range cs {
		if k := kids[c.ref()]; len(k) > 0 {
			graph = append(graph, cdx.Dependency{Ref: c.ref(), Dependencies: &k})
		}
	}
	bom.Dependencies = &graph
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	return enc.EncodeVersion(bom, cdx.SpecVersion1_6)
}

// redactURL hides credentials embedded in a URL.
func redactURL(u string) string {
	scheme := strings.Index(u, "://")
	if scheme < 0 {
		return u
	}
	rest := u[scheme+3:]
	authority, _, _ := strings.Cut(rest, "/")
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		return u[:scheme+3] + "***@" + rest[at+1:]
	}
	return u
}
