package deps

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parsePnpmLock reads pnpm-lock.yaml, lockfile versions 5 to 9. Packages
// are keyed "/name/1.2.3" (v5), "/name@1.2.3" (v6) or "name@1.2.3" (v9),
// with peer-dependency suffixes; importers name the direct dependencies.
func parsePnpmLock(pc *parseCtx, data []byte) (result, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return result{}, yamlError(pc.file, err)
	}
	if len(doc.Content) == 0 {
		return result{}, nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return result{}, errAt(pc.file, top.Line, top.Column, "expected a mapping at the top of pnpm-lock.yaml")
	}
	direct, mainDirect, devDirect := map[string]bool{}, map[string]bool{}, map[string]bool{}
	addImporter := func(imp *yaml.Node) {
		for _, section := range []string{"dependencies", "devDependencies", "optionalDependencies"} {
			deps := mapGet(imp, section)
			if deps == nil || deps.Kind != yaml.MappingNode {
				continue
			}
			group := mainDirect
			if section == "devDependencies" {
				group = devDirect
			}
			for i := 0; i+1 < len(deps.Content); i += 2 {
				direct[deps.Content[i].Value] = true
				group[deps.Content[i].Value] = true
			}
		}
	}
	if importers := mapGet(top, "importers"); importers != nil && importers.Kind == yaml.MappingNode {
		for i := 1; i < len(importers.Content); i += 2 {
			addImporter(importers.Content[i])
		}
	} else {
		addImporter(top)
	}
	// Lockfile version 5 keys packages "/name/version"; later versions
	// "/name@version" or "name@version".
	v5 := false
	if v := mapGet(top, "lockfileVersion"); v != nil {
		if f, err := strconv.ParseFloat(strings.Trim(v.Value, "'\""), 64); err == nil && f < 6 {
			v5 = true
		}
	}
	var res result
	sawDev := false
	pkgs := mapGet(top, "packages")
	if pkgs == nil || pkgs.Kind != yaml.MappingNode {
		return res, nil
	}
	for i := 0; i+1 < len(pkgs.Content); i += 2 {
		keyNode, body := pkgs.Content[i], pkgs.Content[i+1]
		// Local packages (file:, link:) are the project's own; a key that
		// names no version is skipped rather than failing the whole file.
		if strings.HasPrefix(keyNode.Value, "file:") || strings.HasPrefix(keyNode.Value, "link:") {
			continue
		}
		name, version, err := pnpmKey(keyNode.Value, v5)
		if err != nil {
			continue
		}
		// Some entries carry their own name and version (tarball and git
		// dependencies).
		if n := mapGet(body, "name"); n != nil && n.Value != "" {
			name = n.Value
		}
		if v := mapGet(body, "version"); v != nil && v.Value != "" {
			version = v.Value
		}
		p := newPackage(NPM, name, version, pc.file, keyNode.Line)
		if d := mapGet(body, "dev"); d != nil {
			sawDev = true
			p.Dev = d.Value == "true"
		}
		if res := mapGet(body, "resolution"); res != nil {
			if i := mapGet(res, "integrity"); i != nil {
				if h, ok := sriHash(i.Value); ok {
					p.Hashes = []Hash{h}
				}
			}
			if t := mapGet(res, "tarball"); t != nil {
				npmSource(&p, t.Value)
			}
			if r := mapGet(res, "repo"); r != nil {
				p.Source, p.SourceURL = Git, r.Value
				if c := mapGet(res, "commit"); c != nil {
					p.SourceURL += "#" + c.Value
				}
			}
		}
		p.Relationship = Transitive
		if direct[name] {
			p.Relationship = Direct
		}
		res.add(p)
		pnpmEdges(&res, name, body)
	}
	// Lockfile v9 keeps dependency links in "snapshots".
	if snaps := mapGet(top, "snapshots"); snaps != nil && snaps.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(snaps.Content); i += 2 {
			if name, _, err := pnpmKey(snaps.Content[i].Value, v5); err == nil {
				pnpmEdges(&res, name, snaps.Content[i+1])
			}
		}
	}
	if !sawDev {
		// Lockfile v9 dropped the per-package dev flag: the importers'
		// devDependencies and the edges tell it instead.
		markDevByReach(res.packages, res.edges, mainDirect, devDirect)
	}
	return res, nil
}

// pnpmEdges records the dependencies a package entry lists.
func pnpmEdges(res *result, name string, body *yaml.Node) {
	for _, section := range []string{"dependencies", "optionalDependencies"} {
		deps := mapGet(body, section)
		if deps == nil || deps.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(deps.Content); i += 2 {
			res.edge(name, deps.Content[i].Value)
		}
	}
}

// pnpmKey splits a packages key into name and version.
func pnpmKey(key string, v5 bool) (name, version string, err error) {
	k := strings.TrimPrefix(key, "/")
	if i := strings.IndexByte(k, '('); i > 0 {
		k = k[:i] // peer suffix, v6 and later
	}
	if !v5 {
		if name, version, ok := splitNameAt(k); ok && version != "" {
			return name, version, nil
		}
	}
	// v5: "name/1.2.3" or "@scope/name/1.2.3_peer@1.0.0".
	i := strings.LastIndex(k, "/")
	if i <= 0 || i == len(k)-1 {
		return "", "", fmt.Errorf("cannot read name and version from package key %q", key)
	}
	name, version = k[:i], k[i+1:]
	if j := strings.IndexByte(version, '_'); j > 0 {
		version = version[:j]
	}
	return name, version, nil
}

// mapGet returns the value node of key in a YAML mapping, or nil.
func mapGet(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// yamlError keeps the position yaml.v3 writes into its messages ("yaml:
// line 3: ...").
func yamlError(file string, err error) error {
	msg := err.Error()
	var line int
	if _, scanErr := fmt.Sscanf(msg, "yaml: line %d:", &line); scanErr == nil {
		_, rest, _ := strings.Cut(msg, ": ")
		_, rest, _ = strings.Cut(rest, ": ")
		return &ParseError{File: file, Line: line, Err: fmt.Errorf("%s", rest)}
	}
	return &ParseError{File: file, Err: err}
}
