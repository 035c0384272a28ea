package iam

import (
	"bytes"
	"sort"

	"go.yaml.in/yaml/v3"
)

// readServerless reads a Serverless Framework service (serverless.yml):
// the role its functions share, from provider.iam.role.statements (v3) or
// provider.iamRoleStatements (v1, v2), and the roles of single functions
// given by the per-function roles plugin (functions.NAME.iamRoleStatements).
// It reports whether root is such a service.
func readServerless(inv *Inventory, rel string, root *yaml.Node) bool {
	provider := deref(lookup(root, "provider"))
	if provider == nil || provider.Kind != yaml.MappingNode || lookup(root, "service") == nil {
		return false
	}
	functions := deref(lookup(root, "functions"))
	var uses []Use
	own := map[string]*yaml.Node{}
	if functions != nil && functions.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(functions.Content); i += 2 {
			name, fn := functions.Content[i], deref(functions.Content[i+1])
			if st := deref(lookup(fn, "iamRoleStatements")); st != nil && st.Kind == yaml.SequenceNode {
				own[name.Value] = st
				continue
			}
			uses = append(uses, Use{Component: "functions." + name.Value, File: rel, Line: name.Line})
		}
	}
	sharedName := "provider.iam.role"
	shared := deref(lookup(deref(lookup(deref(lookup(provider, "iam")), "role")), "statements"))
	if shared == nil {
		sharedName, shared = "provider.iamRoleStatements", deref(lookup(provider, "iamRoleStatements"))
	}
	if shared != nil && shared.Kind == yaml.SequenceNode {
		addServerlessRole(inv, rel, sharedName, shared, uses)
	}
	names := make([]string, 0, len(own))
	for n := range own {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		st := own[n]
		addServerlessRole(inv, rel, "functions."+n+".iamRoleStatements", st, []Use{{Component: "functions." + n, File: rel, Line: st.Line}})
	}
	return true
}

// addServerlessRole adds the role a list of statements makes, used by uses.
func addServerlessRole(inv *Inventory, rel, name string, statements *yaml.Node, uses []Use) {
	doc := &yaml.Node{Kind: yaml.MappingNode, Line: statements.Line, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "Statement", Line: statements.Line}, statements,
	}}
	d := &Document{Name: rel + " " + name, File: rel, Line: statements.Line, Statements: statementsFromNode(doc)}
	d.Kind = Permissions
	inv.Docs = append(inv.Docs, d)
	inv.Identities = append(inv.Identities, &Identity{Name: name, Kind: "role", File: rel, Line: statements.Line, Docs: []*Document{d}, Uses: uses})
}

// mayBeServerless is the cheap filter for Serverless Framework files.
func mayBeServerless(src []byte) bool {
	return bytes.Contains(src, []byte("iamRoleStatements")) || bytes.Contains(src, []byte("statements:"))
}
