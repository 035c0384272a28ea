package terraform

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"go.yaml.in/yaml/v3"
)

// maxNodeDepth bounds the conversion of deeply nested expressions.
const maxNodeDepth = 256

// Node converts an expression (typically the argument of jsonencode, or a
// container_definitions list) into a YAML node tree, so that policies and
// container definitions written in HCL are checked by the same code as
// their JSON and YAML forms. Each value keeps its line; parts that are not
// static are rendered as ${source}.
func (m *Module) Node(expr hclsyntax.Expression) *yaml.Node {
	if expr == nil {
		return &yaml.Node{Kind: yaml.ScalarNode}
	}
	if call, ok := expr.(*hclsyntax.FunctionCallExpr); ok && call.Name == "jsonencode" && len(call.Args) == 1 {
		expr = call.Args[0]
	}
	return m.node(expr, 0)
}

// node converts an HCL expression to a node tree, keeping each value's
// line. Parts that are not static are rendered as ${source}.
func (m *Module) node(expr hclsyntax.Expression, depth int) *yaml.Node {
	rng := expr.Range()
	n := &yaml.Node{Line: rng.Start.Line, Column: rng.Start.Column}
	if depth > maxNodeDepth {
		n.Kind, n.Value = yaml.ScalarNode, "${?}"
		return n
	}
	switch e := expr.(type) {
	case *hclsyntax.ObjectConsExpr:
		n.Kind, n.Tag = yaml.MappingNode, "!!map"
		for _, item := range e.Items {
			key := hcl.ExprAsKeyword(item.KeyExpr)
			if key == "" {
				key = m.Render(item.KeyExpr)
			}
			kr := item.KeyExpr.Range()
			n.Content = append(n.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: kr.Start.Line, Column: kr.Start.Column},
				m.node(item.ValueExpr, depth+1))
		}
		return n
	case *hclsyntax.TupleConsExpr:
		n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
		for _, item := range e.Exprs {
			n.Content = append(n.Content, m.node(item, depth+1))
		}
		return n
	}
	v := m.Eval(expr)
	if v.IsWhollyKnown() && !v.IsNull() && !v.Type().IsPrimitiveType() {
		return ctyNode(v, n.Line, n.Column, depth)
	}
	n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!str", m.Render(expr)
	return n
}

// ctyNode converts a known value (a local holding a list of actions) to
// nodes placed at the line that uses it.
func ctyNode(v cty.Value, line, col, depth int) *yaml.Node {
	n := &yaml.Node{Line: line, Column: col}
	if depth > maxNodeDepth || v.IsNull() || !v.IsKnown() {
		n.Kind, n.Value = yaml.ScalarNode, "${?}"
		return n
	}
	t := v.Type()
	switch {
	case t.IsObjectType() || t.IsMapType():
		n.Kind = yaml.MappingNode
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k.AsString(), Line: line, Column: col}, ctyNode(e, line, col, depth+1))
		}
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		n.Kind = yaml.SequenceNode
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			n.Content = append(n.Content, ctyNode(e, line, col, depth+1))
		}
	default:
		s, _ := AsString(v)
		n.Kind, n.Value = yaml.ScalarNode, s
	}
	return n
}
