package iam

import (
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// statementsFromNode reads the Statement of a policy document node (JSON,
// YAML or a Terraform jsonencode object converted to nodes).
func statementsFromNode(doc *yaml.Node) []*Statement {
	doc = deref(doc)
	st := deref(lookupFold(doc, "Statement"))
	if st == nil {
		return nil
	}
	var items []*yaml.Node
	switch st.Kind {
	case yaml.SequenceNode:
		items = st.Content
	case yaml.MappingNode:
		items = []*yaml.Node{st}
	}
	var out []*Statement
	for _, it := range items {
		it = deref(it)
		if it == nil || it.Kind != yaml.MappingNode {
			continue
		}
		s := &Statement{Line: it.Line, Effect: "Allow"}
		if e := deref(lookupFold(it, "Effect")); e != nil && e.Kind == yaml.ScalarNode {
			s.Effect = e.Value
		}
		if sid := deref(lookupFold(it, "Sid")); sid != nil {
			s.Sid = sid.Value
		}
		s.Actions = nodeValues(lookupFold(it, "Action"))
		s.NotActions = nodeValues(lookupFold(it, "NotAction"))
		s.Resources = nodeValues(lookupFold(it, "Resource"))
		s.NotResources = nodeValues(lookupFold(it, "NotResource"))
		s.Principals = principalValues(lookupFold(it, "Principal"))
		if np := lookupFold(it, "NotPrincipal"); np != nil {
			// Allow with NotPrincipal grants everyone but the listed.
			s.Principals = append(s.Principals, Value{S: "*", Line: np.Line})
		}
		s.ConditionKeys = conditionKeys(lookupFold(it, "Condition"))
		out = append(out, s)
	}
	return out
}

// nodeValues reads a string or list of strings, rendering CloudFormation
// intrinsic functions so that references never look like wildcards.
func nodeValues(n *yaml.Node) []Value {
	budget := maxValues
	return collectValues(n, &budget, 0)
}

// maxValues bounds the values read from one key: YAML aliases can make a
// small document describe billions of values.
const maxValues = 4096

func collectValues(n *yaml.Node, budget *int, depth int) []Value {
	n = deref(n)
	if n == nil || *budget <= 0 || depth > maxDepth {
		return nil
	}
	if n.Kind == yaml.SequenceNode && !isIntrinsic(n) {
		var out []Value
		for _, c := range n.Content {
			out = append(out, collectValues(c, budget, depth+1)...)
			if *budget <= 0 {
				break
			}
		}
		return out
	}
	*budget--
	return []Value{{S: renderNode(n, 0), Line: n.Line}}
}

// principalValues reads a Principal: "*", {"AWS": ...}, {"Service": ...}.
func principalValues(n *yaml.Node) []Value {
	n = deref(n)
	if n == nil {
		return nil
	}
	if n.Kind == yaml.MappingNode && !isIntrinsic(n) {
		var out []Value
		for i := 0; i+1 < len(n.Content); i += 2 {
			out = append(out, nodeValues(n.Content[i+1])...)
		}
		return out
	}
	return nodeValues(n)
}

// conditionKeys lists the keys of a Condition block: {op: {key: value}}.
func conditionKeys(n *yaml.Node) []string {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var keys []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		inner := deref(n.Content[i+1])
		if inner == nil || inner.Kind != yaml.MappingNode {
			keys = append(keys, strings.ToLower(n.Content[i].Value))
			continue
		}
		for j := 0; j+1 < len(inner.Content); j += 2 {
			keys = append(keys, strings.ToLower(inner.Content[j].Value))
		}
	}
	sort.Strings(keys)
	return keys
}

// isIntrinsic reports whether a node is a CloudFormation intrinsic
// function, in short (!Ref) or long ({"Fn::GetAtt": ...}) form.
func isIntrinsic(n *yaml.Node) bool {
	if n == nil {
		return false
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return true
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k := n.Content[0].Value
		return k == "Ref" || strings.HasPrefix(k, "Fn::")
	}
	return false
}

// renderNode renders a scalar or intrinsic as a string. Unknown parts are
// written ${...}; !Sub and Fn::Join keep their literal parts, so that
// "arn:aws:s3:::${Bucket}/*" stays recognisable as a whole-bucket grant.
func renderNode(n *yaml.Node, depth int) string {
	n = deref(n)
	if n == nil || depth > 32 {
		return "${?}"
	}
	tag := n.Tag
	var arg *yaml.Node
	switch {
	case strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!"):
		tag = strings.TrimPrefix(tag, "!")
		arg = n
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && isIntrinsic(n):
		tag = strings.TrimPrefix(n.Content[0].Value, "Fn::")
		arg = deref(n.Content[1])
	case n.Kind == yaml.ScalarNode:
		return n.Value
	default:
		return "${?}"
	}
	switch tag {
	case "Sub":
		if arg.Kind == yaml.ScalarNode {
			return arg.Value
		}
		if arg.Kind == yaml.SequenceNode && len(arg.Content) > 0 {
			return renderNode(arg.Content[0], depth+1)
		}
	case "Join":
		if arg.Kind == yaml.SequenceNode && len(arg.Content) == 2 {
			sep := deref(arg.Content[0])
			parts := deref(arg.Content[1])
			if sep != nil && parts != nil && parts.Kind == yaml.SequenceNode {
				var ss []string
				for _, p := range parts.Content {
					ss = append(ss, renderNode(p, depth+1))
				}
				return strings.Join(ss, sep.Value)
			}
		}
	case "Ref":
		if arg.Kind == yaml.ScalarNode {
			if arg.Value == "AWS::AccountId" || arg.Value == "AWS::Region" || arg.Value == "AWS::Partition" {
				return "${" + arg.Value + "}"
			}
			return "${" + arg.Value + "}"
		}
	case "GetAtt":
		if arg.Kind == yaml.ScalarNode {
			return "${" + arg.Value + "}"
		}
		if arg.Kind == yaml.SequenceNode {
			var ss []string
			for _, p := range arg.Content {
				ss = append(ss, renderNode(p, depth+1))
			}
			return "${" + strings.Join(ss, ".") + "}"
		}
	}
	return "${" + tag + "}"
}

// refTarget returns the logical id a !Ref / !GetAtt / Fn::GetAtt names.
func refTarget(n *yaml.Node) string {
	n = deref(n)
	if n == nil {
		return ""
	}
	s := renderNode(n, 0)
	if !isIntrinsic(n) || !strings.HasPrefix(s, "${") {
		return ""
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "${"), "}")
	id, _, _ := strings.Cut(s, ".")
	return id
}
