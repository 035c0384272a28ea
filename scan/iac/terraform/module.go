// Package terraform loads the Terraform configuration in one directory (a
// module) with HashiCorp's HCL parser and evaluates what can be known without
// running Terraform: literals, variables (defaults and *.tfvars), locals and
// the pure functions of the language. References to resources stay unknown
// but are recorded, so that checks can follow them (a public access block
// that names a bucket, a Lambda function that names a role).
//
// Both the iac and the iam scanners read Terraform through this package; it
// knows nothing of rules.
package terraform

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Diagnostic is a problem reading a file, positioned at file:line:col.
type Diagnostic struct {
	File    string
	Line    int
	Column  int
	Message string
}

// Error formats the diagnostic as file:line:col: message.
func (d Diagnostic) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Column, d.Message)
}

// Block is one top-level block: a resource, a data source, a provider, a
// module call, a variable or an output.
type Block struct {
	// Kind is the block type: resource, data, provider, module, variable,
	// output, locals, terraform.
	Kind string
	// Type and Name are the labels of resource and data blocks ("aws_s3_bucket",
	// "uploads"); for other kinds Type holds the single label, if any.
	Type, Name string
	File       string
	Line       int
	Column     int
	Body       *hclsyntax.Body
	// Instances is the number of instances count or for_each creates when
	// it is static; 1 without count or for_each; 0 when it cannot be known.
	Instances int
	// Keys lists the for_each keys when they are static.
	Keys []string
}

// Address is the Terraform address of the block: aws_s3_bucket.uploads or
// data.aws_iam_policy_document.bot.
func (b *Block) Address() string {
	switch b.Kind {
	case "resource":
		return b.Type + "." + b.Name
	case "data":
		return "data." + b.Type + "." + b.Name
	case "module":
		return "module." + b.Type
	default:
		if b.Type == "" {
			return b.Kind
		}
		return b.Kind + "." + b.Type
	}
}

// Module is the configuration of one directory.
type Module struct {
	// Dir is the directory relative to the scanned root, forward slashes.
	Dir string
	// Blocks lists resource, data, provider and module blocks in file and
	// line order.
	Blocks      []*Block
	Diagnostics []Diagnostic
	files       map[string][]byte
	ctx         *hcl.EvalContext
}

// File is one source file handed to Load.
type File struct {
	// Rel is the path relative to the scanned root, forward slashes.
	Rel string
	Src []byte
}

// Load parses the .tf files of one directory (and its terraform.tfvars and
// *.auto.tfvars) and resolves variables and locals. Files that do not parse
// are recorded as diagnostics; the rest of the module is still loaded.
func Load(dir string, files []File) *Module {
	m := &Module{Dir: dir, files: map[string][]byte{}}
	sort.Slice(files, func(i, j int) bool { return files[i].Rel < files[j].Rel })
	var bodies []*hclsyntax.Body
	var tfvars []*hclsyntax.Body
	for _, f := range files {
		m.files[f.Rel] = f.Src
		file, diags := hclsyntax.ParseConfig(f.Src, f.Rel, hcl.Pos{Line: 1, Column: 1, Byte: 0})
		if diags.HasErrors() {
			// A file that does not parse is reported by its first error and
			// left out: checks on a partial tree would report things that
			// are not there.
			m.addDiags(diags)
			continue
		}
		if file == nil {
			continue
		}
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		if strings.HasSuffix(f.Rel, ".tfvars") {
			tfvars = append(tfvars, body)
			continue
		}
		bodies = append(bodies, body)
	}
	m.ctx = newEvalContext()
	vars := map[string]cty.Value{}
	var locals []*hclsyntax.Attribute
	for _, body := range bodies {
		for _, blk := range body.Blocks {
			b := &Block{
				Kind:      blk.Type,
				File:      blk.TypeRange.Filename,
				Line:      blk.TypeRange.Start.Line,
				Column:    blk.TypeRange.Start.Column,
				Body:      blk.Body,
				Instances: 1,
			}
			if len(blk.Labels) > 0 {
				b.Type = blk.Labels[0]
			}
			if len(blk.Labels) > 1 {
				b.Name = blk.Labels[1]
			}
			switch blk.Type {
			case "variable":
				vars[b.Type] = cty.DynamicVal
				if a, ok := blk.Body.Attributes["default"]; ok {
					vars[b.Type] = m.evalWith(a.Expr, nil)
				}
			case "locals":
				locals = append(locals, sortedAttrs(blk.Body)...)
			case "resource", "data", "provider", "module":
				m.Blocks = append(m.Blocks, b)
			}
		}
	}
	for _, body := range tfvars {
		for _, a := range sortedAttrs(body) {
			if _, declared := vars[a.Name]; declared {
				vars[a.Name] = m.evalWith(a.Expr, nil)
			}
		}
	}
	m.ctx.Variables["var"] = objectOf(vars)
	m.resolveLocals(locals)
	m.declareResources()
	for _, b := range m.Blocks {
		m.countInstances(b)
	}
	return m
}

// resolveLocals evaluates locals in passes, so that a local may use another
// whatever their order; what is still unknown after the passes stays unknown.
func (m *Module) resolveLocals(attrs []*hclsyntax.Attribute) {
	values := map[string]cty.Value{}
	for _, a := range attrs {
		values[a.Name] = cty.DynamicVal
	}
	for pass := 0; pass <= len(attrs) && pass < 16; pass++ {
		m.ctx.Variables["local"] = objectOf(values)
		changed := false
		for _, a := range attrs {
			if values[a.Name].IsWhollyKnown() {
				continue
			}
			v := m.evalWith(a.Expr, m.ctx)
			if v.IsWhollyKnown() {
				values[a.Name] = v
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	m.ctx.Variables["local"] = objectOf(values)
}

// declareResources makes every resource and data source addressable in
// expressions as an unknown value, so that aws_s3_bucket.x.arn evaluates to
// unknown instead of failing.
func (m *Module) declareResources() {
	byType := map[string]map[string]cty.Value{}
	data := map[string]map[string]cty.Value{}
	for _, b := range m.Blocks {
		target := byType
		if b.Kind == "data" {
			target = data
		} else if b.Kind != "resource" {
			continue
		}
		if target[b.Type] == nil {
			target[b.Type] = map[string]cty.Value{}
		}
		target[b.Type][b.Name] = cty.DynamicVal
	}
	for typ, names := range byType {
		if typ == "var" || typ == "local" {
			continue
		}
		m.ctx.Variables[typ] = objectOf(names)
	}
	dataObj := map[string]cty.Value{}
	for typ, names := range data {
		dataObj[typ] = objectOf(names)
	}
	m.ctx.Variables["data"] = objectOf(dataObj)
	for _, name := range []string{"module", "path", "terraform", "each", "count", "self"} {
		m.ctx.Variables[name] = cty.DynamicVal
	}
}

// maxInstances bounds count and for_each expansion; larger or unknown
// counts are treated as unknown.
const maxInstances = 4096

func (m *Module) countInstances(b *Block) {
	if a, ok := b.Body.Attributes["count"]; ok {
		v := m.Eval(a.Expr)
		b.Instances = 0
		if v.IsKnown() && !v.IsNull() && v.Type() == cty.Number {
			if n, acc := v.AsBigFloat().Int64(); acc == 0 && n >= 0 && n <= maxInstances {
				b.Instances = int(n)
			}
		}
		return
	}
	if a, ok := b.Body.Attributes["for_each"]; ok {
		v := m.Eval(a.Expr)
		b.Instances = 0
		if !v.IsWhollyKnown() || v.IsNull() {
			return
		}
		t := v.Type()
		switch {
		case t.IsMapType() || t.IsObjectType():
			for it := v.ElementIterator(); it.Next(); {
				k, _ := it.Element()
				b.Keys = append(b.Keys, k.AsString())
			}
		case t.IsSetType() || t.IsListType() || t.IsTupleType():
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				if e.Type() == cty.String {
					b.Keys = append(b.Keys, e.AsString())
				}
			}
		}
		sort.Strings(b.Keys)
		if len(b.Keys) > maxInstances {
			b.Keys = nil
		}
		b.Instances = len(b.Keys)
	}
}

func (m *Module) addDiags(diags hcl.Diagnostics) {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		diag := Diagnostic{Message: d.Summary}
		if d.Detail != "" {
			diag.Message += ": " + d.Detail
		}
		if d.Subject != nil {
			diag.File = d.Subject.Filename
			diag.Line = d.Subject.Start.Line
			diag.Column = d.Subject.Start.Column
		}
		m.Diagnostics = append(m.Diagnostics, diag)
		return
	}
}

// Eval evaluates an expression with the module's variables and locals.
// Whatever cannot be known statically is unknown in the result; Eval never
// fails.
func (m *Module) Eval(expr hclsyntax.Expression) cty.Value {
	return m.evalWith(expr, m.ctx)
}

func (m *Module) evalWith(expr hcl.Expression, ctx *hcl.EvalContext) (v cty.Value) {
	if expr == nil {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	// A function that panics on odd input must not take the scan down;
	// the value is then simply unknown.
	defer func() {
		if r := recover(); r != nil {
			v = cty.DynamicVal
		}
	}()
	if ctx == nil {
		ctx = newEvalContext()
	}
	if hugeLiteral(expr) {
		return cty.DynamicVal
	}
	defer func() { v = tame(v) }()
	v, diags := expr.Value(ctx)
	if diags.HasErrors() && v == cty.NilVal {
		return cty.DynamicVal
	}
	if v == cty.NilVal {
		return cty.DynamicVal
	}
	return v
}

// Text returns the source text of a range in the module's files.
func (m *Module) Text(r hcl.Range) string {
	src := m.files[r.Filename]
	if r.Start.Byte < 0 || r.End.Byte > len(src) || r.Start.Byte > r.End.Byte {
		return ""
	}
	return string(src[r.Start.Byte:r.End.Byte])
}

// References lists the resource and data addresses an expression refers
// to, such as aws_iam_role.bot or data.aws_iam_policy_document.bot.
func References(expr hclsyntax.Expression) []string {
	if expr == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, t := range expr.Variables() {
		addr := traversalAddress(t)
		if addr != "" && !seen[addr] {
			seen[addr] = true
			out = append(out, addr)
		}
	}
	return out
}

func traversalAddress(t hcl.Traversal) string {
	names := make([]string, 0, 3)
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			names = append(names, s.Name)
		case hcl.TraverseAttr:
			names = append(names, s.Name)
		default:
			// An index ends the address part of the traversal.
			goto done
		}
		if len(names) == 3 {
			break
		}
	}
done:
	if len(names) < 2 {
		return ""
	}
	switch names[0] {
	case "var", "local", "each", "count", "path", "terraform", "self":
		return ""
	case "data", "module":
		if names[0] == "module" {
			return "module." + names[1]
		}
		if len(names) < 3 {
			return ""
		}
		return strings.Join(names[:3], ".")
	}
	return names[0] + "." + names[1]
}

// Attr returns a block body's attribute, or nil.
func Attr(body *hclsyntax.Body, name string) *hclsyntax.Attribute {
	if body == nil {
		return nil
	}
	return body.Attributes[name]
}

// Blocks returns a body's nested blocks of one type, in source order.
func Blocks(body *hclsyntax.Body, typ string) []*hclsyntax.Block {
	if body == nil {
		return nil
	}
	var out []*hclsyntax.Block
	for _, b := range body.Blocks {
		if b.Type == typ {
			out = append(out, b)
		}
	}
	return out
}

// Resources returns the module's resource blocks of the given types.
func (m *Module) Resources(types ...string) []*Block {
	var out []*Block
	for _, b := range m.Blocks {
		if b.Kind != "resource" {
			continue
		}
		for _, t := range types {
			if b.Type == t {
				out = append(out, b)
				break
			}
		}
	}
	return out
}

// Data returns the module's data blocks of one type.
func (m *Module) Data(typ string) []*Block {
	var out []*Block
	for _, b := range m.Blocks {
		if b.Kind == "data" && b.Type == typ {
			out = append(out, b)
		}
	}
	return out
}

// ByAddress finds a block by its address.
func (m *Module) ByAddress(addr string) *Block {
	for _, b := range m.Blocks {
		if b.Address() == addr {
			return b
		}
	}
	return nil
}

// IsTerraformFile reports whether a file name is one Load reads.
func IsTerraformFile(name string) bool {
	base := path.Base(name)
	return strings.HasSuffix(base, ".tf") || base == "terraform.tfvars" || strings.HasSuffix(base, ".auto.tfvars")
}

func sortedAttrs(body *hclsyntax.Body) []*hclsyntax.Attribute {
	out := make([]*hclsyntax.Attribute, 0, len(body.Attributes))
	for _, a := range body.Attributes {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].SrcRange.Start.Byte < out[j].SrcRange.Start.Byte
	})
	return out
}

func objectOf(m map[string]cty.Value) cty.Value {
	if len(m) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(m)
}

// hugeNumber reports a number whose decimal form would run to thousands of
// digits: turning 1e99999999 into a string (in a template, a comparison
// with a string) takes minutes.
func hugeNumber(v cty.Value) bool {
	if !v.IsKnown() || v.IsNull() || v.Type() != cty.Number {
		return false
	}
	exp := v.AsBigFloat().MantExp(nil)
	return exp > 4096 || exp < -4096
}

// tame makes a huge number, alone or in a list, tuple, map or object,
// unknown.
func tame(v cty.Value) cty.Value {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() {
		return v
	}
	if hugeNumber(v) {
		return cty.UnknownVal(cty.Number)
	}
	t := v.Type()
	if t.IsListType() || t.IsSetType() || t.IsTupleType() || t.IsMapType() || t.IsObjectType() {
		huge := false
		for it := v.ElementIterator(); it.Next() && !huge; {
			_, e := it.Element()
			huge = e.IsKnown() && !tame(e).IsKnown()
		}
		if huge {
			return cty.DynamicVal
		}
	}
	return v
}

// hugeLiteral reports an expression that spells out a huge number.
func hugeLiteral(expr hcl.Expression) bool {
	e, ok := expr.(hclsyntax.Expression)
	if !ok {
		return false
	}
	found := false
	_ = hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		if lit, ok := n.(*hclsyntax.LiteralValueExpr); ok && hugeNumber(lit.Val) {
			found = true
		}
		return nil
	})
	return found
}
