package rules

import (
	"slices"

	celast "github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
)

// dispatch narrows the rules of one element type by the element's kind:
// a rule whose condition admits only some kinds (e.kind == "webhook",
// e.kind in ["database", "cache"]) is not even looked at on an element of
// another kind. It gives the rules in their order, so the threats come
// out as they would without it.
type dispatch struct {
	// all is every rule of the element type, for an element whose kind
	// is missing or not a string (CEL decides then).
	all []int
	// byKind holds, for each kind some condition names, the rules that
	// admit it; rest the rules that restrict no kind.
	byKind map[string][]int
	rest   []int
}

// newDispatch builds the dispatch of the rules at indices idx of rs.
func newDispatch(rs []*compiled, idx []int) dispatch {
	d := dispatch{all: idx, byKind: map[string][]int{}}
	kindsOf := make([][]string, len(idx))
	restricted := make([]bool, len(idx))
	for i, ri := range idx {
		kindsOf[i], restricted[i] = rs[ri].kinds, rs[ri].restricted
		for _, k := range kindsOf[i] {
			d.byKind[k] = nil
		}
	}
	for k := range d.byKind {
		var l []int
		for i, ri := range idx {
			if !restricted[i] || slices.Contains(kindsOf[i], k) {
				l = append(l, ri)
			}
		}
		d.byKind[k] = l
	}
	for i, ri := range idx {
		if !restricted[i] {
			d.rest = append(d.rest, ri)
		}
	}
	return d
}

// rules returns the rules that may fire on el.
func (d *dispatch) rules(el *element) []int {
	v, ok := el.field("kind")
	s, isStr := v.(types.String)
	if !ok || !isStr {
		return d.all
	}
	if l, named := d.byKind[string(s)]; named {
		return l
	}
	return d.rest
}

// kindsOf returns the kinds a checked condition admits, and whether it
// restricts them at all: the strings every one of its top-level
// conjuncts on e.kind (e.kind == "webhook", e.kind in ["a", "b"])
// allows. An element of another kind makes one conjunct false, so the
// whole condition is false whatever the others give (CEL's && is false
// when either side is, errors included).
func kindsOf(e celast.Expr) ([]string, bool) {
	var allowed []string
	restricted := false
	var conjuncts func(e celast.Expr)
	conjuncts = func(e celast.Expr) {
		if e.Kind() == celast.CallKind && e.AsCall().FunctionName() == operators.LogicalAnd {
			for _, a := range e.AsCall().Args() {
				conjuncts(a)
			}
			return
		}
		field, values, ok := valueTest(e)
		if !ok || field != "kind" {
			return
		}
		if !restricted {
			allowed, restricted = slices.Clone(values), true
			return
		}
		allowed = slices.DeleteFunc(allowed, func(k string) bool { return !slices.Contains(values, k) })
	}
	conjuncts(e)
	return allowed, restricted
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
