package jssrc

import (
	"path"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// autoload reads fastify.register(autoLoad, { dir: path.join(__dirname,
// 'routes'), dirNameRoutePrefix }): @fastify/autoload registers every
// plugin module under dir, each under a prefix made of its sub-directory
// path unless dirNameRoutePrefix is false. It reports whether plugin was
// the autoload plugin.
func (x *extractor) autoload(m *module, r routerRef, plugin *sitter.Node, rest []*sitter.Node, at *sitter.Node) bool {
	if plugin.Type() != "identifier" {
		return false
	}
	spec := x.importSpec(m, m.text(plugin))
	if !strings.Contains(spec, "autoload") {
		return false
	}
	if len(rest) == 0 || rest[0].Type() != "object" {
		x.g.Unresolve(m.rel, line(at), "plugins loaded by @fastify/autoload from a directory the scanner cannot read")
		return true
	}
	opts := rest[0]
	dir, dirPrefix, prefix := "", true, ""
	for i := 0; i < int(opts.NamedChildCount()); i++ {
		p := opts.NamedChild(i)
		if p.Type() != "pair" {
			continue
		}
		val := p.ChildByFieldName("value")
		switch trimQuotes(m.text(p.ChildByFieldName("key"))) {
		case "dir":
			dir = x.dirValue(m, val)
		case "dirNameRoutePrefix":
			dirPrefix = m.text(val) != "false"
		case "options":
			if val.Type() == "object" {
				for _, v := range x.objectPaths(m, val, "prefix") {
					prefix = v
				}
			}
		}
	}
	if dir == "" {
		x.g.Unresolve(m.rel, line(at), "plugins loaded by @fastify/autoload from a directory the scanner cannot read: "+truncate(m.text(opts), 60))
		return true
	}
	for _, f := range x.files {
		rel, ok := strings.CutPrefix(f, dir+"/")
		if !ok {
			continue
		}
		sub, ok := x.exported(f, "default", 0)
		if !ok {
			continue
		}
		p := prefix
		if d := path.Dir(rel); dirPrefix && d != "." {
			p = prefix + "/" + d
		}
		x.mount(r, sub.id, p, nil, m, at)
	}
	return true
}

// dirValue reads a directory argument relative to the module:
// path.join(__dirname, 'routes'), join(__dirname, 'a', 'b') or a string.
func (x *extractor) dirValue(m *module, n *sitter.Node) string {
	base := path.Dir(m.rel)
	if s, ok := x.stringValue(m, n); ok {
		return path.Clean(path.Join(base, s))
	}
	if n.Type() != "call_expression" || !strings.HasSuffix(m.text(n.ChildByFieldName("function")), "join") && !strings.HasSuffix(m.text(n.ChildByFieldName("function")), "resolve") {
		return ""
	}
	parts := []string{base}
	for i, a := range argList(n.ChildByFieldName("arguments")) {
		if i == 0 && (m.text(a) == "__dirname" || strings.Contains(m.text(a), "import.meta")) {
			continue
		}
		s, ok := x.stringValue(m, a)
		if !ok {
			return ""
		}
		parts = append(parts, s)
	}
	return path.Clean(path.Join(parts...))
}
