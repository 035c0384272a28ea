package iam

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// readDocumentFile reads a standalone policy document or a CloudFormation /
// SAM template (JSON or YAML) into inv. It reports whether the file was
// one of those; other JSON and YAML files are ignored.
func readDocumentFile(inv *Inventory, rel string, root *yaml.Node) bool {
	root = deref(root)
	if root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	if readServerless(inv, rel, root) {
		// A service's resources: section is CloudFormation too.
		if res := deref(lookup(deref(lookup(root, "resources")), "Resources")); res != nil && res.Kind == yaml.MappingNode {
			readCloudFormation(inv, rel, res)
		}
		return true
	}
	if res := deref(lookup(root, "Resources")); res != nil && res.Kind == yaml.MappingNode && looksLikeCloudFormation(root, res) {
		readCloudFormation(inv, rel, res)
		return true
	}
	doc := root
	for _, wrapper := range []string{"PolicyVersion", "PolicyDocument", "Document"} {
		if inner := deref(lookup(doc, wrapper)); inner != nil && inner.Kind == yaml.MappingNode {
			doc = inner
			if in2 := deref(lookup(doc, "Document")); in2 != nil && in2.Kind == yaml.MappingNode {
				doc = in2
			}
		}
	}
	if lookupFold(doc, "Statement") == nil {
		return false
	}
	d := &Document{Name: rel, File: rel, Line: doc.Line, Statements: statementsFromNode(doc)}
	d.Kind = classify(d.Statements)
	inv.Docs = append(inv.Docs, d)
	return true
}

// classify tells a trust policy or a resource policy (statements with a
// Principal) from an identity policy.
func classify(sts []*Statement) DocKind {
	kind := Permissions
	for _, s := range sts {
		if len(s.Principals) == 0 {
			return Permissions
		}
		kind = ResourcePolicy
		for _, a := range s.Actions {
			if strings.HasPrefix(strings.ToLower(a.S), "sts:assumerole") {
				return Trust
			}
		}
	}
	return kind
}

func looksLikeCloudFormation(root, res *yaml.Node) bool {
	if lookup(root, "AWSTemplateFormatVersion") != nil || lookup(root, "Transform") != nil {
		return true
	}
	for i := 1; i < len(res.Content); i += 2 {
		if t := deref(lookup(deref(res.Content[i]), "Type")); t != nil && strings.HasPrefix(t.Value, "AWS::") {
			return true
		}
	}
	return false
}

// cfnResource is one entry of a template's Resources.
type cfnResource struct {
	id    string
	typ   string
	props *yaml.Node
	line  int
}

// readCloudFormation reads identities, their policies and the resources
// that run as them from a CloudFormation or SAM template.
func readCloudFormation(inv *Inventory, rel string, res *yaml.Node) {
	var resources []cfnResource
	for i := 0; i+1 < len(res.Content); i += 2 {
		body := deref(res.Content[i+1])
		t := deref(lookup(body, "Type"))
		if t == nil {
			continue
		}
		resources = append(resources, cfnResource{
			id: res.Content[i].Value, typ: t.Value,
			props: deref(lookup(body, "Properties")), line: res.Content[i].Line,
		})
	}
	ids := map[string]*Identity{}
	profiles := map[string]string{}
	addDoc := func(name string, kind DocKind, n *yaml.Node) *Document {
		n = deref(n)
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		d := &Document{Name: name, File: rel, Line: n.Line, Kind: kind, Statements: statementsFromNode(n)}
		inv.Docs = append(inv.Docs, d)
		return d
	}
	inlinePolicies := func(id *Identity, list *yaml.Node) {
		list = deref(list)
		if list == nil || list.Kind != yaml.SequenceNode {
			return
		}
		for _, p := range list.Content {
			p = deref(p)
			name := id.Name
			if pn := deref(lookup(p, "PolicyName")); pn != nil && pn.Kind == yaml.ScalarNode {
				name = id.Name + "/" + pn.Value
			}
			if d := addDoc(name, Permissions, lookup(p, "PolicyDocument")); d != nil {
				id.Docs = append(id.Docs, d)
			}
		}
	}
	managed := func(id *Identity, list *yaml.Node) {
		for _, v := range nodeValues(list) {
			if strings.HasPrefix(v.S, "arn:") {
				id.Managed = append(id.Managed, Attachment{ARN: v.S, File: rel, Line: v.Line})
			}
		}
	}
	// Identities first, so that policies and uses can refer to them
	// whatever their order in the template.
	for _, r := range resources {
		kind := ""
		switch r.typ {
		case "AWS::IAM::Role":
			kind = "role"
		case "AWS::IAM::User":
			kind = "user"
		case "AWS::IAM::Group":
			kind = "group"
		case "AWS::Serverless::Function":
			if lookup(r.props, "Role") == nil {
				// SAM creates a role for the function from its Policies.
				kind = "role"
			}
		}
		if kind == "" {
			continue
		}
		id := &Identity{Name: r.id, Kind: kind, File: rel, Line: r.line}
		ids[r.id] = id
		inv.Identities = append(inv.Identities, id)
		if r.typ == "AWS::Serverless::Function" {
			id.Name = r.id + "Role"
			ids[id.Name] = id
			id.Uses = append(id.Uses, Use{Component: r.id, File: rel, Line: r.line})
			samPolicies(inv, id, rel, lookup(r.props, "Policies"))
			continue
		}
		if d := addDoc(r.id+"/AssumeRolePolicyDocument", Trust, lookup(r.props, "AssumeRolePolicyDocument")); d != nil {
			id.Trust = d
		}
		inlinePolicies(id, lookup(r.props, "Policies"))
		managed(id, lookup(r.props, "ManagedPolicyArns"))
	}
	for _, r := range resources {
		switch r.typ {
		case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
			name := r.id
			d := addDoc(name, Permissions, lookup(r.props, "PolicyDocument"))
			if d == nil {
				continue
			}
			for _, key := range []string{"Roles", "Users", "Groups"} {
				list := deref(lookup(r.props, key))
				if list == nil || list.Kind != yaml.SequenceNode {
					continue
				}
				for _, item := range list.Content {
					if id := ids[refTarget(item)]; id != nil {
						id.Docs = append(id.Docs, d)
					}
				}
			}
		case "AWS::IAM::InstanceProfile":
			if list := deref(lookup(r.props, "Roles")); list != nil && list.Kind == yaml.SequenceNode && len(list.Content) > 0 {
				profiles[r.id] = refTarget(list.Content[0])
			}
		}
	}
	// Managed policies referenced from roles with !Ref.
	for _, r := range resources {
		if r.typ != "AWS::IAM::Role" && r.typ != "AWS::IAM::User" && r.typ != "AWS::IAM::Group" {
			continue
		}
		list := deref(lookup(r.props, "ManagedPolicyArns"))
		if list == nil || list.Kind != yaml.SequenceNode {
			continue
		}
		for _, item := range list.Content {
			target := refTarget(item)
			for _, d := range inv.Docs {
				if target != "" && d.Name == target && d.File == rel {
					ids[r.id].Docs = append(ids[r.id].Docs, d)
				}
			}
		}
	}
	for _, r := range resources {
		if strings.HasPrefix(r.typ, "AWS::IAM::") || r.props == nil {
			continue
		}
		for _, key := range []string{"Role", "RoleArn", "TaskRoleArn", "ServiceRole", "ServiceRoleArn", "InstanceRoleArn", "IamInstanceProfile"} {
			v := lookup(r.props, key)
			target := refTarget(v)
			if key == "IamInstanceProfile" {
				target = profiles[target]
			}
			if id := ids[target]; id != nil {
				id.Uses = append(id.Uses, Use{Component: r.id, File: rel, Line: v.Line})
			}
		}
	}
}

// samPolicies reads a SAM function's Policies: documents, managed policy
// names and policy templates (the templates are scoped by design and are
// not analysed).
func samPolicies(inv *Inventory, id *Identity, rel string, n *yaml.Node) {
	n = deref(n)
	if n == nil {
		return
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	for i, it := range items {
		it = deref(it)
		switch {
		case it.Kind == yaml.ScalarNode && !isIntrinsic(it):
			arn := it.Value
			if !strings.HasPrefix(arn, "arn:") {
				arn = "arn:aws:iam::aws:policy/" + arn
			}
			id.Managed = append(id.Managed, Attachment{ARN: arn, File: rel, Line: it.Line})
		case it.Kind == yaml.MappingNode && lookupFold(it, "Statement") != nil:
			d := &Document{Name: id.Name + "/Policies", File: rel, Line: it.Line, Kind: Permissions, Statements: statementsFromNode(it)}
			if i > 0 {
				d.Name = id.Name + "/Policies/" + strconv.Itoa(i)
			}
			inv.Docs = append(inv.Docs, d)
			id.Docs = append(id.Docs, d)
		}
	}
}
