package rules

import (
	"slices"

	celast "github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
)

// guard is what a condition's top-level conjuncts require of an element
// that a lookup can check before CEL runs: a field of e equal to one of a
// few string literals (e.kind == "webhook", e.method in ["PUT", "PATCH"]),
// a boolean field of e true (e.costly), a list field of e holding a
// string ("sql" in e.handles), a list variable (findings, routes, flows_in
// ...) not empty because the condition asks whether any of its items
// matches, or a disjunction every side of which has a guard. When the
// guard fails, one conjunct is false, so the whole condition is false
// whatever the others give (CEL's && is false when either side is, errors
// included; its || is false when both sides are), and evaluating it can
// be skipped.
// A field that is missing or of another type admits the element: CEL
// decides.
type guard struct {
	// values lists, per field of e, the strings it may hold.
	values []fieldValues
	// truths lists boolean fields of e that must be true.
	truths []string
	// members lists list fields of e that must hold a string.
	members []fieldValues
	// nonEmpty lists the variables that must hold at least one item.
	nonEmpty []string
	// anyOf lists disjunctions: at least one guard of each must admit
	// the element.
	anyOf [][]guard
}

type fieldValues struct {
	field  string
	values []string
}

func (g *guard) empty() bool {
	return len(g.values) == 0 && len(g.truths) == 0 && len(g.members) == 0 && len(g.nonEmpty) == 0 && len(g.anyOf) == 0
}

// listVars are the variables a guard may require to be non-empty.
var listVars = []string{"assets", "flows_in", "flows_out", "findings", "observations", "routes"}

// guardOf derives the guard of a checked condition.
func guardOf(e celast.Expr) guard {
	var g guard
	var conjuncts func(e celast.Expr)
	conjuncts = func(e celast.Expr) {
		if e.Kind() == celast.CallKind && e.AsCall().FunctionName() == operators.LogicalAnd {
			for _, a := range e.AsCall().Args() {
				conjuncts(a)
			}
			return
		}
		if e.Kind() == celast.CallKind && e.AsCall().FunctionName() == operators.LogicalOr {
			// A disjunction is false when every side is; it tells
			// something only when every side has a guard.
			var alts []guard
			for _, a := range disjuncts(e) {
				ga := guardOf(a)
				if ga.empty() {
					return
				}
				alts = append(alts, ga)
			}
			g.anyOf = append(g.anyOf, alts)
			return
		}
		if field, value, ok := memberTest(e); ok {
			g.members = append(g.members, fieldValues{field, []string{value}})
			return
		}
		if field, values, ok := valueTest(e); ok {
			g.values = append(g.values, fieldValues{field, values})
			return
		}
		if field, ok := elementField(e); ok {
			g.truths = append(g.truths, field)
			return
		}
		if v, ok := existsOver(e); ok && !slices.Contains(g.nonEmpty, v) {
			g.nonEmpty = append(g.nonEmpty, v)
		}
	}
	conjuncts(e)
	return g
}

// disjuncts flattens a || b || c.
func disjuncts(e celast.Expr) []celast.Expr {
	if e.Kind() == celast.CallKind && e.AsCall().FunctionName() == operators.LogicalOr {
		var out []celast.Expr
		for _, a := range e.AsCall().Args() {
			out = append(out, disjuncts(a)...)
		}
		return out
	}
	return []celast.Expr{e}
}

// memberTest recognises "x" in e.f.
func memberTest(e celast.Expr) (string, string, bool) {
	if e.Kind() != celast.CallKind || e.AsCall().FunctionName() != operators.In {
		return "", "", false
	}
	args := e.AsCall().Args()
	if len(args) != 2 {
		return "", "", false
	}
	s, ok := stringLiteral(args[0])
	if !ok {
		return "", "", false
	}
	field, ok := elementField(args[1])
	return field, s, ok
}

// valueTest recognises e.f == "x", "x" == e.f and e.f in ["x", "y"].
func valueTest(e celast.Expr) (string, []string, bool) {
	if e.Kind() != celast.CallKind {
		return "", nil, false
	}
	call := e.AsCall()
	args := call.Args()
	if len(args) != 2 {
		return "", nil, false
	}
	switch call.FunctionName() {
	case operators.Equals:
		for _, pair := range [][2]celast.Expr{{args[0], args[1]}, {args[1], args[0]}} {
			if field, ok := elementField(pair[0]); ok {
				if s, ok := stringLiteral(pair[1]); ok {
					return field, []string{s}, true
				}
			}
		}
	case operators.In:
		field, ok := elementField(args[0])
		if !ok || args[1].Kind() != celast.ListKind {
			return "", nil, false
		}
		list := args[1].AsList()
		if len(list.OptionalIndices()) > 0 {
			return "", nil, false
		}
		values := []string{}
		for _, el := range list.Elements() {
			s, ok := stringLiteral(el)
			if !ok {
				return "", nil, false
			}
			values = append(values, s)
		}
		return field, values, true
	}
	return "", nil, false
}

// elementField recognises e.f, and returns f.
func elementField(e celast.Expr) (string, bool) {
	if e.Kind() != celast.SelectKind {
		return "", false
	}
	sel := e.AsSelect()
	if sel.IsTestOnly() || sel.Operand().Kind() != celast.IdentKind || sel.Operand().AsIdent() != "e" {
		return "", false
	}
	return sel.FieldName(), true
}

func stringLiteral(e celast.Expr) (string, bool) {
	if e.Kind() != celast.LiteralKind {
		return "", false
	}
	s, ok := e.AsLiteral().(types.String)
	return string(s), ok
}

// existsOver recognises VAR.exists(x, ...) on one of listVars, which is
// false on an empty list: the macro's fold starts from false and only
// ORs into it.
func existsOver(e celast.Expr) (string, bool) {
	if e.Kind() != celast.ComprehensionKind {
		return "", false
	}
	c := e.AsComprehension()
	r := c.IterRange()
	if r.Kind() != celast.IdentKind || !slices.Contains(listVars, r.AsIdent()) || c.HasIterVar2() {
		return "", false
	}
	init, ok := c.AccuInit(), false
	if init.Kind() == celast.LiteralKind {
		ok = init.AsLiteral() == types.False
	}
	res := c.Result()
	if !ok || res.Kind() != celast.IdentKind || res.AsIdent() != c.AccuVar() {
		return "", false
	}
	step := c.LoopStep()
	if step.Kind() != celast.CallKind || step.AsCall().FunctionName() != operators.LogicalOr {
		return "", false
	}
	if a := step.AsCall().Args(); len(a) != 2 || a[0].Kind() != celast.IdentKind || a[0].AsIdent() != c.AccuVar() {
		return "", false
	}
	return r.AsIdent(), true
}

// admits reports whether the element may satisfy the condition.
func (g *guard) admits(el *element) bool {
	for _, fv := range g.values {
		v, ok := el.field(fv.field)
		if s, isStr := v.(types.String); ok && isStr && !slices.Contains(fv.values, string(s)) {
			return false
		}
	}
	for _, f := range g.truths {
		if v, ok := el.field(f); ok && v == types.False {
			return false
		}
	}
	for _, m := range g.members {
		if v, ok := el.field(m.field); ok {
			if l, isList := v.(traits.Lister); isList && l.Contains(types.String(m.values[0])) == types.False {
				return false
			}
		}
	}
	for _, v := range g.nonEmpty {
		if el.vars.size(v) == 0 {
			return false
		}
	}
	for _, alts := range g.anyOf {
		if !anyAdmits(alts, el) {
			return false
		}
	}
	return true
}

// anyAdmits reports whether one of alts admits el.
func anyAdmits(alts []guard, el *element) bool {
	for i := range alts {
		if alts[i].admits(el) {
			return true
		}
	}
	return false
}

// field returns e's field as a condition reads it, remembering the last
// few read for the element's other rules.
func (el *element) field(name string) (ref.Val, bool) {
	for _, f := range el.fields {
		if f.name == name {
			return f.v, f.ok
		}
	}
	var v ref.Val
	var ok bool
	switch e := el.vars.e.(type) {
	case record:
		v, ok = e.s.field(e, name)
	case map[string]any:
		var x any
		if x, ok = e[name]; ok {
			v = types.DefaultTypeAdapter.NativeToValue(x)
		}
	}
	el.fields = append(el.fields, fieldCache{name, v, ok})
	return v, ok
}

type fieldCache struct {
	name string
	v    ref.Val
	ok   bool
}

// size returns the length of one of listVars.
func (a *activation) size(name string) int {
	switch name {
	case "assets":
		return len(a.assets.idx)
	case "flows_in":
		return len(a.flowsIn.idx)
	case "flows_out":
		return len(a.flowsOut.idx)
	case "findings":
		return len(a.findings)
	case "observations":
		return len(a.observations)
	case "routes":
		return len(a.routes)
	}
	return -1
}
