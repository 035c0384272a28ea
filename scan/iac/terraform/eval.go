package terraform

import (
	"math/big"
	"regexp"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// newEvalContext returns a context with the pure functions of the Terraform
// language that configurations commonly use to build names, tags and
// policies. Functions that read files or the environment are left out on
// purpose: a scanner must not read outside what it was given.
func newEvalContext() *hcl.EvalContext {
	return &hcl.EvalContext{
		Variables: map[string]cty.Value{},
		Functions: map[string]function.Function{
			"jsonencode":   stdlib.JSONEncodeFunc,
			"jsondecode":   stdlib.JSONDecodeFunc,
			"format":       bounded(stdlib.FormatFunc),
			"formatlist":   bounded(stdlib.FormatListFunc),
			"lower":        stdlib.LowerFunc,
			"upper":        stdlib.UpperFunc,
			"title":        stdlib.TitleFunc,
			"join":         stdlib.JoinFunc,
			"split":        stdlib.SplitFunc,
			"replace":      stdlib.ReplaceFunc,
			"trimspace":    stdlib.TrimSpaceFunc,
			"trimprefix":   stdlib.TrimPrefixFunc,
			"trimsuffix":   stdlib.TrimSuffixFunc,
			"substr":       stdlib.SubstrFunc,
			"concat":       stdlib.ConcatFunc,
			"merge":        stdlib.MergeFunc,
			"length":       stdlib.LengthFunc,
			"keys":         stdlib.KeysFunc,
			"values":       stdlib.ValuesFunc,
			"lookup":       stdlib.LookupFunc,
			"element":      stdlib.ElementFunc,
			"coalesce":     stdlib.CoalesceFunc,
			"contains":     stdlib.ContainsFunc,
			"distinct":     stdlib.DistinctFunc,
			"flatten":      stdlib.FlattenFunc,
			"compact":      stdlib.CompactFunc,
			"range":        stdlib.RangeFunc,
			"sort":         stdlib.SortFunc,
			"zipmap":       stdlib.ZipmapFunc,
			"min":          stdlib.MinFunc,
			"max":          stdlib.MaxFunc,
			"setunion":     stdlib.SetUnionFunc,
			"tostring":     stdlib.MakeToFunc(cty.String),
			"tonumber":     stdlib.MakeToFunc(cty.Number),
			"tobool":       stdlib.MakeToFunc(cty.Bool),
			"toset":        stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
			"tolist":       stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
			"tomap":        stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
			"coalescelist": stdlib.CoalesceListFunc,
		},
	}
}

// wideVerbRE finds format verbs with a width or precision so large that
// formatting would allocate without bound.
var wideVerbRE = regexp.MustCompile(`%[-+# 0]*[0-9]{5,}|\.[0-9]{5,}`)

// bounded wraps format and formatlist so that a hostile width such as
// "%999999999d" yields an unknown value instead of a gigabyte string.
// range is left out of the function table for the same reason.
func bounded(fn function.Function) function.Function {
	return function.New(&function.Spec{
		Description: fn.Description(),
		Params:      fn.Params(),
		VarParam:    fn.VarParam(),
		Type: func(args []cty.Value) (cty.Type, error) {
			return fn.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			if len(args) > 0 && args[0].IsKnown() && !args[0].IsNull() && args[0].Type() == cty.String && wideVerbRE.MatchString(args[0].AsString()) {
				return cty.UnknownVal(retType), nil
			}
			return fn.Call(args)
		},
	})
}

// String evaluates an expression to a string. ok is false when the value is
// unknown, null or not a string (numbers and bools are converted).
func (m *Module) String(expr hclsyntax.Expression) (string, bool) {
	if expr == nil {
		return "", false
	}
	return AsString(m.Eval(expr))
}

// AsString converts a known primitive value to a string.
func AsString(v cty.Value) (string, bool) {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() {
		return "", false
	}
	switch v.Type() {
	case cty.String:
		return v.AsString(), true
	case cty.Bool:
		if v.True() {
			return "true", true
		}
		return "false", true
	case cty.Number:
		f := v.AsBigFloat()
		if exp := f.MantExp(nil); exp > 4096 || exp < -4096 {
			// 1e99999999 would print a hundred million digits.
			return "", false
		}
		return f.Text('f', -1), true
	}
	return "", false
}

// Bool evaluates an expression to a bool; known is false when it cannot be
// told statically. Strings "true" and "false" count, as Terraform converts
// them.
func (m *Module) Bool(expr hclsyntax.Expression) (value, known bool) {
	s, ok := m.String(expr)
	switch {
	case !ok:
		return false, false
	case s == "true":
		return true, true
	case s == "false":
		return false, true
	}
	return false, false
}

// Int evaluates an expression to an integer.
func (m *Module) Int(expr hclsyntax.Expression) (int64, bool) {
	if expr == nil {
		return 0, false
	}
	v := m.Eval(expr)
	if !v.IsKnown() || v.IsNull() {
		return 0, false
	}
	if v.Type() == cty.String {
		f, _, err := big.ParseFloat(v.AsString(), 10, 64, big.ToNearestEven)
		if err != nil {
			return 0, false
		}
		n, _ := f.Int64()
		return n, true
	}
	if v.Type() != cty.Number {
		return 0, false
	}
	n, _ := v.AsBigFloat().Int64()
	return n, true
}

// Strings evaluates an expression to a list of strings; elements that
// cannot be known are returned as their source text wrapped in ${...}, so
// that a caller can still tell a reference from a wildcard.
func (m *Module) Strings(expr hclsyntax.Expression) []string {
	if expr == nil {
		return nil
	}
	if tuple, ok := expr.(*hclsyntax.TupleConsExpr); ok {
		out := make([]string, 0, len(tuple.Exprs))
		for _, e := range tuple.Exprs {
			out = append(out, m.Render(e))
		}
		return out
	}
	v := m.Eval(expr)
	if v.IsWhollyKnown() && !v.IsNull() && (v.Type().IsListType() || v.Type().IsSetType() || v.Type().IsTupleType()) {
		var out []string
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if s, ok := AsString(e); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return []string{m.Render(expr)}
}

// Render returns an expression's static string value, or, where parts are
// unknown, the string with each unknown part written ${source}. A template
// "${aws_s3_bucket.x.arn}/*" thus stays recognisable as "all objects of a
// bucket".
func (m *Module) Render(expr hclsyntax.Expression) string {
	if expr == nil {
		return ""
	}
	if s, ok := m.String(expr); ok {
		return s
	}
	switch e := expr.(type) {
	case *hclsyntax.TemplateExpr:
		var out []byte
		for _, part := range e.Parts {
			if s, ok := m.String(part); ok {
				out = append(out, s...)
				continue
			}
			out = append(out, "${"...)
			out = append(out, m.Text(part.Range())...)
			out = append(out, '}')
		}
		return string(out)
	case *hclsyntax.TemplateWrapExpr:
		return "${" + m.Text(e.Wrapped.Range()) + "}"
	}
	return "${" + m.Text(expr.Range()) + "}"
}
