package sbom

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	spdx "github.com/spdx/tools-golang/spdx/v2/v2_3"

	"github.com/threatmap/threatmap/scan/deps"
)

// noAssertion is SPDX's "the tool did not determine this".
const noAssertion = "NOASSERTION"

var idUnsafe = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// WriteSPDX writes doc as SPDX 2.3 JSON. The document describes a package
// for the project, which DEPENDS_ON its direct dependencies; every package
// carries its purl as a PACKAGE-MANAGER external reference.
func WriteSPDX(w io.Writer, doc Document) error {
	cs := components(doc.Packages)
	created := doc.Timestamp.UTC().Format(time.RFC3339)
	rootID := common.ElementID("Project-" + idUnsafe.ReplaceAllString(doc.Name, "-"))
	d := &spdx.Document{
		SPDXVersion:       spdx.Version,
		DataLicense:       spdx.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      doc.Name,
		DocumentNamespace: "https://threatmap.invalid/spdx/" + idUnsafe.ReplaceAllString(doc.Name, "-") + "-" + nameUUID("spdx", doc.Name, created, fingerprint(cs)),
		CreationInfo: &spdx.CreationInfo{
			Creators: []common.Creator{{CreatorType: "Tool", Creator: "threatmap-" + doc.ToolVersion}},
			Created:  created,
		},
	}
	d.Packages = append(d.Packages, &spdx.Package{
		PackageName: doc.Name, PackageSPDXIdentifier: rootID, PackageDownloadLocation: noAssertion,
		PrimaryPackagePurpose: "APPLICATION", PackageLicenseConcluded: noAssertion, PackageLicenseDeclared: noAssertion,
		PackageCopyrightText: noAssertion,
	})
	d.Relationships = append(d.Relationships, &spdx.Relationship{
		RefA: common.MakeDocElementID("", "DOCUMENT"), RefB: common.MakeDocElementID("", string(rootID)), Relationship: common.TypeRelationshipDescribe,
	})
	ids := map[string]common.ElementID{}
	for i, c := range cs {
		ids[c.ref()] = common.ElementID(fmt.Sprintf("Package-%d-%s", i+1, idUnsafe.ReplaceAllString(c.pkg.Name, "-")))
	}
	for _, c := range cs {
		p := c.pkg
		id := ids[c.ref()]
		download := noAssertion
		if p.Source == deps.Git || p.Source == deps.URL {
			download = redactURL(p.SourceURL)
		}
		sp := &spdx.Package{
			PackageName: p.Name, PackageSPDXIdentifier: id, PackageVersion: p.Version,
			PackageDownloadLocation: download, PrimaryPackagePurpose: "LIBRARY",
			PackageLicenseConcluded: noAssertion, PackageLicenseDeclared: noAssertion, PackageCopyrightText: noAssertion,
			PackageExternalReferences: []*spdx.PackageExternalReference{{Category: common.CategoryPackageManager, RefType: common.TypePackageManagerPURL, Locator: p.PURL}},
			PackageComment:            fmt.Sprintf("%s dependency; declared in %v", c.relationship(), c.files),
		}
		for _, h := range p.Hashes {
			sp.PackageChecksums = append(sp.PackageChecksums, common.Checksum{
				Algorithm: common.ChecksumAlgorithm(strings.ReplaceAll(h.Alg, "-", "")), Value: h.Value,
			})
		}
		d.Packages = append(d.Packages, sp)
		rel := common.TypeRelationshipDependsOn
		if c.dev {
			rel = common.TypeRelationshipDevDependencyOf
		}
		if c.direct || c.unknown {
			r := &spdx.Relationship{RefA: common.MakeDocElementID("", string(rootID)), RefB: common.MakeDocElementID("", string(id)), Relationship: rel}
			if rel == common.TypeRelationshipDevDependencyOf {
				r.RefA, r.RefB = r.RefB, r.RefA
			}
			d.Relationships = append(d.Relationships, r)
		}
	}
	kids := children(cs, doc.Packages)
	for _, c := range cs {
		for _, k := range kids[c.ref()] {
			d.Relationships = append(d.Relationships, &spdx.Relationship{
				RefA: common.MakeDocElementID("", string(ids[c.ref()])), RefB: common.MakeDocElementID("", string(ids[k])), Relationship: common.TypeRelationshipDependsOn,
			})
		}
	}
	return spdxjson.Write(d, w, spdxjson.Indent("  "), spdxjson.EscapeHTML(false))
}
