package rules

import (
	"slices"
	"strconv"
	"strings"

	celast "github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/overloads"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"

	"github.com/threatmap/threatmap/internal/prefilter"
)

// A verdict is what a built-in condition gives on an element, worked out
// in Go where that is certain, so that CEL runs only where it is not.
// Most conditions are a few comparisons of an element's fields with
// literals, joined by &&, || and !; on a large model they are evaluated
// hundreds of thousands of times, and the interpreter's dispatch costs
// more than the comparisons.
//
// The Go side reads the values CEL would read (the same records, lists
// and adapters) and applies the same operations CEL's standard library
// does (types.Equal, Contains, Size, integer comparison, a regexp for a
// literal pattern, string concatenation and join). Wherever it cannot be
// sure, because a field is missing, a value is of another type, a
// macro's predicate cannot be judged on an item, or the expression uses
// anything else, the verdict is unknown and CEL decides. An unknown side
// of && or || does not always leave the whole unknown: false && anything
// is false in CEL (errors included), and true || anything is true, so the
// verdict follows those rules too. String expressions (details,
// wordings) are worked out the same way (textOf).
// TestVerdictsAgreeWithCEL and TestTextsAgreeWithCEL hold every built-in
// expression to this on the fixtures, the examples and the dense model.

// verdict is one of unknown, no (CEL gives false) and yes (CEL gives
// true).
type verdict int8

const (
	unknown verdict = iota
	no
	yes
)

func verdictOf(b bool) verdict {
	if b {
		return yes
	}
	return no
}

// judge works out a boolean expression's verdict on an element.
type judge func(el *element) verdict

// reader reads a value an expression holds on an element; false when it
// cannot be read as CEL would (CEL decides then).
type reader func(el *element) (ref.Val, bool)

// textOf compiles a checked string expression (a detail, a wording's
// abuse or method): it gives the string where it can be worked out
// without CEL, and false where CEL decides; nil when it never can.
func textOf(e celast.Expr) func(el *element) (string, bool) {
	r := valueReader(e)
	if r == nil {
		return nil
	}
	return func(el *element) (string, bool) {
		v, ok := r(el)
		if !ok {
			return "", false
		}
		s, isStr := v.(types.String)
		return string(s), isStr
	}
}

// boolJudge compiles a checked boolean expression; nil when no part of it
// can ever be decided without CEL.
func boolJudge(e celast.Expr) judge {
	switch e.Kind() {
	case celast.CallKind:
		return callJudge(e.AsCall())
	case celast.ComprehensionKind:
		return comprehensionJudge(e.AsComprehension())
	case celast.LiteralKind:
		if b, ok := e.AsLiteral().(types.Bool); ok {
			v := verdictOf(bool(b))
			return func(*element) verdict { return v }
		}
		return nil
	}
	// A boolean field, e.g. e.costly.
	if r := valueReader(e); r != nil {
		return func(el *element) verdict {
			v, ok := r(el)
			if !ok {
				return unknown
			}
			if b, isBool := v.(types.Bool); isBool {
				return verdictOf(bool(b))
			}
			return unknown
		}
	}
	return nil
}

func callJudge(call celast.CallExpr) judge {
	args := call.Args()
	switch call.FunctionName() {
	case operators.LogicalAnd, operators.LogicalOr:
		and := call.FunctionName() == operators.LogicalAnd
		// The side that settles the whole: false for &&, true for ||.
		settles, holds := no, yes
		if !and {
			settles, holds = yes, no
		}
		var sides []judge
		known := false
		for _, a := range args {
			j := boolJudge(a)
			if j == nil {
				j = func(*element) verdict { return unknown }
			} else {
				known = true
			}
			sides = append(sides, j)
		}
		if !known {
			return nil
		}
		return func(el *element) verdict {
			out := holds
			for _, s := range sides {
				switch s(el) {
				case settles:
					return settles
				case unknown:
					out = unknown
				}
			}
			return out
		}
	case operators.LogicalNot:
		if len(args) != 1 {
			return nil
		}
		j := boolJudge(args[0])
		if j == nil {
			return nil
		}
		return func(el *element) verdict {
			switch j(el) {
			case yes:
				return no
			case no:
				return yes
			}
			return unknown
		}
	case operators.Equals, operators.NotEquals:
		if len(args) != 2 {
			return nil
		}
		l, r := valueReader(args[0]), valueReader(args[1])
		if l == nil || r == nil {
			return nil
		}
		ne := call.FunctionName() == operators.NotEquals
		return func(el *element) verdict {
			lv, rv, ok := readBoth(l, r, el)
			if !ok {
				return unknown
			}
			b, isBool := types.Equal(lv, rv).(types.Bool)
			if !isBool {
				return unknown
			}
			return verdictOf(bool(b) != ne)
		}
	case operators.In:
		if len(args) != 2 {
			return nil
		}
		return inJudge(args[0], args[1])
	case operators.Less, operators.LessEquals, operators.Greater, operators.GreaterEquals:
		if len(args) != 2 {
			return nil
		}
		l, r := valueReader(args[0]), valueReader(args[1])
		if l == nil || r == nil {
			return nil
		}
		fn := call.FunctionName()
		return func(el *element) verdict {
			lv, rv, ok := readBoth(l, r, el)
			if !ok {
				return unknown
			}
			// Integers only: CEL compares them as Go does.
			a, aInt := lv.(types.Int)
			b, bInt := rv.(types.Int)
			if !aInt || !bInt {
				return unknown
			}
			switch fn {
			case operators.Less:
				return verdictOf(a < b)
			case operators.LessEquals:
				return verdictOf(a <= b)
			case operators.Greater:
				return verdictOf(a > b)
			}
			return verdictOf(a >= b)
		}
	case overloads.Matches:
		// s.matches("literal"): RE2, as CEL's matches is.
		if !call.IsMemberFunction() || len(args) != 1 {
			return nil
		}
		pat, ok := stringLiteral(args[0])
		if !ok {
			return nil
		}
		re, err := prefilter.Compile(pat)
		if err != nil {
			return nil
		}
		s := valueReader(call.Target())
		if s == nil {
			return nil
		}
		return func(el *element) verdict {
			v, ok := s(el)
			if !ok {
				return unknown
			}
			str, isStr := v.(types.String)
			if !isStr {
				return unknown
			}
			return verdictOf(re.MatchString(string(str)))
		}
	}
	return nil
}

// inJudge compiles x in y, for a list literal y or a value that is a
// container (a list field, a list variable, a record).
func inJudge(x, y celast.Expr) judge {
	xr := valueReader(x)
	if xr == nil {
		return nil
	}
	if y.Kind() == celast.ListKind {
		list := y.AsList()
		if len(list.OptionalIndices()) > 0 {
			return nil
		}
		var items []ref.Val
		var strs []string
		for _, it := range list.Elements() {
			if it.Kind() != celast.LiteralKind {
				return nil
			}
			items = append(items, it.AsLiteral())
			if s, ok := it.AsLiteral().(types.String); ok {
				strs = append(strs, string(s))
			}
		}
		if len(strs) < len(items) {
			strs = nil
		}
		return func(el *element) verdict {
			v, ok := xr(el)
			if !ok {
				return unknown
			}
			// A string among strings is a string comparison, as
			// types.Equal makes it.
			if s, isStr := v.(types.String); isStr && strs != nil {
				return verdictOf(slices.Contains(strs, string(s)))
			}
			for _, it := range items {
				b, isBool := types.Equal(v, it).(types.Bool)
				if !isBool {
					return unknown
				}
				if b {
					return yes
				}
			}
			return no
		}
	}
	yr := valueReader(y)
	if yr == nil {
		return nil
	}
	return func(el *element) verdict {
		v, c, ok := readBoth(xr, yr, el)
		if !ok {
			return unknown
		}
		if !c.Type().HasTrait(traits.ContainerType) {
			return unknown
		}
		cont, isCont := c.(traits.Container)
		if !isCont {
			return unknown
		}
		b, isBool := cont.Contains(v).(types.Bool)
		if !isBool {
			return unknown
		}
		return verdictOf(bool(b))
	}
}

// comprehensionJudge decides the exists and all macros: over an empty
// list, exists is false and all is true; over a list with items, the
// predicate is judged on each, the item bound to the macro's variable.
// exists is true at the first item it holds for and false when it holds
// for none; all is false at the first item it fails for and true when it
// holds for all; an item the predicate cannot be judged on leaves the
// rest to decide, as CEL's || and && do with an error.
func comprehensionJudge(c celast.ComprehensionExpr) judge {
	if c.HasIterVar2() {
		return nil
	}
	init := c.AccuInit()
	if init.Kind() != celast.LiteralKind {
		return nil
	}
	start, isBool := init.AsLiteral().(types.Bool)
	if !isBool {
		return nil
	}
	res := c.Result()
	if res.Kind() != celast.IdentKind || res.AsIdent() != c.AccuVar() {
		return nil
	}
	step := c.LoopStep()
	if step.Kind() != celast.CallKind {
		return nil
	}
	// exists: false, accu || pred; all: true, accu && pred.
	want := operators.LogicalOr
	if start {
		want = operators.LogicalAnd
	}
	if step.AsCall().FunctionName() != want {
		return nil
	}
	args := step.AsCall().Args()
	if len(args) != 2 || args[0].Kind() != celast.IdentKind || args[0].AsIdent() != c.AccuVar() {
		return nil
	}
	over := valueReader(c.IterRange())
	if over == nil {
		return nil
	}
	pred, name := boolJudge(args[1]), c.IterVar()
	// What the macro gives over an empty list, and the predicate's
	// verdict that settles it.
	empty, settles := verdictOf(bool(start)), yes
	if start {
		settles = no
	}
	return func(el *element) verdict {
		l, n, ok := readList(over, el)
		if !ok {
			return unknown
		}
		if n == 0 {
			return empty
		}
		if pred == nil {
			return unknown
		}
		out := empty
		el.binds = append(el.binds, binding{name: name})
		at := len(el.binds) - 1
		for i := types.Int(0); i < n; i++ {
			el.binds[at].v = l.Get(i)
			switch pred(el) {
			case settles:
				el.binds = el.binds[:at]
				return settles
			case unknown:
				out = unknown
			}
		}
		el.binds = el.binds[:at]
		return out
	}
}

// binding is a macro's variable bound to the item being judged.
type binding struct {
	name string
	v    ref.Val
}

// readBoth reads a and b on el; false when either cannot be read.
func readBoth(a, b reader, el *element) (ref.Val, ref.Val, bool) {
	av, ok := a(el)
	if !ok {
		return nil, nil, false
	}
	bv, ok := b(el)
	return av, bv, ok
}

// readList reads a list and its size on el; false when the value cannot
// be read or is not a list.
func readList(of reader, el *element) (traits.Lister, types.Int, bool) {
	v, ok := of(el)
	if !ok {
		return nil, 0, false
	}
	l, isList := v.(traits.Lister)
	if !isList {
		return nil, 0, false
	}
	n, isInt := l.Size().(types.Int)
	return l, n, isInt
}

// valueReader compiles an expression that names a value: a literal, a
// variable, a field of a value that is a map or record, or the size of
// one. It returns nil for anything else.
func valueReader(e celast.Expr) reader {
	switch e.Kind() {
	case celast.LiteralKind:
		v := e.AsLiteral()
		switch v.(type) {
		case types.String, types.Bool, types.Int, types.Null:
			return func(*element) (ref.Val, bool) { return v, true }
		}
		return nil
	case celast.IdentKind:
		name := e.AsIdent()
		v := variableReader(name)
		return func(el *element) (ref.Val, bool) {
			// A macro's variable hides the activation's.
			for i := len(el.binds) - 1; i >= 0; i-- {
				if el.binds[i].name == name {
					return el.binds[i].v, true
				}
			}
			if v == nil {
				return nil, false
			}
			return v(el)
		}
	case celast.SelectKind:
		sel := e.AsSelect()
		if sel.IsTestOnly() {
			return nil
		}
		name := sel.FieldName()
		op := sel.Operand()
		if op.Kind() == celast.IdentKind {
			// The fields of e, component and identity go through the
			// element's cache: the element's other rules read them too.
			of := int8(-1)
			switch op.AsIdent() {
			case "e":
				of = ofElement
			case "component":
				of = ofComponent
			case "identity":
				of = ofIdentity
			}
			if of >= 0 {
				variable, generic := op.AsIdent(), fieldReader(valueReader(op), name)
				return func(el *element) (ref.Val, bool) {
					if el.bound(variable) {
						// A macro's variable of that name.
						return generic(el)
					}
					v, ok := el.fieldOf(of, name)
					return v, ok && v != nil
				}
			}
		}
		of := valueReader(op)
		if of == nil {
			return nil
		}
		return fieldReader(of, name)
	case celast.ComprehensionKind:
		return listMacroReader(e.AsComprehension())
	case celast.CallKind:
		call := e.AsCall()
		switch call.FunctionName() {
		case overloads.TypeConvertString:
			return stringConversionReader(call)
		case operators.Add:
			return concatReader(call)
		case operators.Conditional:
			return conditionalReader(call)
		case "join":
			return joinReader(call)
		case overloads.Size:
		default:
			return nil
		}
		var of reader
		switch {
		case call.IsMemberFunction() && len(call.Args()) == 0:
			of = valueReader(call.Target())
		case !call.IsMemberFunction() && len(call.Args()) == 1:
			of = valueReader(call.Args()[0])
		}
		return convertReader(of, func(v ref.Val) (ref.Val, bool) {
			// Lists and maps only: a string's size is in characters.
			switch v.(type) {
			case traits.Lister, traits.Mapper:
			default:
				return nil, false
			}
			n, isInt := v.(traits.Sizer).Size().(types.Int)
			return n, isInt
		})
	}
	return nil
}

// convertReader reads what conv makes of the value of reads; nil when of
// is (the expression it reads cannot be read in Go).
func convertReader(of reader, conv func(v ref.Val) (ref.Val, bool)) reader {
	if of == nil {
		return nil
	}
	return func(el *element) (ref.Val, bool) {
		v, ok := of(el)
		if !ok {
			return nil, false
		}
		return conv(v)
	}
}

// listMacroReader reads the list the filter and map macros make (both
// forms of map: with and without a filter). Each expands to a
// comprehension that starts from an empty list and, for each item the
// filter holds for, appends one value (the item, or what the map gives
// for it) and gives the list. Over a list it can read, the filter is
// judged and the value read with the item bound to the macro's variable;
// an item the filter cannot be judged on, or whose value cannot be read,
// leaves the whole to CEL (which would report an error there, or decide
// otherwise). Anything else that is a comprehension gives nil.
func listMacroReader(c celast.ComprehensionExpr) reader {
	if c.HasIterVar2() {
		return nil
	}
	accu := c.AccuVar()
	isAccu := func(e celast.Expr) bool { return e.Kind() == celast.IdentKind && e.AsIdent() == accu }
	init, cond := c.AccuInit(), c.LoopCondition()
	if init.Kind() != celast.ListKind || init.AsList().Size() != 0 || !isAccu(c.Result()) {
		return nil
	}
	if cond.Kind() != celast.LiteralKind || cond.AsLiteral() != types.True {
		return nil
	}
	step := c.LoopStep()
	var filter judge
	if step.Kind() == celast.CallKind && step.AsCall().FunctionName() == operators.Conditional {
		args := step.AsCall().Args()
		if len(args) != 3 || !isAccu(args[2]) {
			return nil
		}
		if filter = boolJudge(args[0]); filter == nil {
			return nil
		}
		step = args[1]
	}
	// step is now accu + [value].
	if step.Kind() != celast.CallKind || step.AsCall().FunctionName() != operators.Add {
		return nil
	}
	args := step.AsCall().Args()
	if len(args) != 2 || !isAccu(args[0]) || args[1].Kind() != celast.ListKind || args[1].AsList().Size() != 1 {
		return nil
	}
	value := valueReader(args[1].AsList().Elements()[0])
	over := valueReader(c.IterRange())
	if value == nil || over == nil {
		return nil
	}
	name := c.IterVar()
	return func(el *element) (ref.Val, bool) {
		l, n, ok := readList(over, el)
		if !ok {
			return nil, false
		}
		var out []ref.Val
		el.binds = append(el.binds, binding{name: name})
		at := len(el.binds) - 1
		defer func() { el.binds = el.binds[:at] }()
		for i := types.Int(0); i < n; i++ {
			el.binds[at].v = l.Get(i)
			if filter != nil {
				switch filter(el) {
				case no:
					continue
				case unknown:
					return nil, false
				}
			}
			v, ok := value(el)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return types.NewRefValList(types.DefaultTypeAdapter, out), true
	}
}

// stringConversionReader reads string(x) for a string or an integer (in
// decimal, as CEL writes it); CEL decides for any other type.
func stringConversionReader(call celast.CallExpr) reader {
	if call.IsMemberFunction() || len(call.Args()) != 1 {
		return nil
	}
	return convertReader(valueReader(call.Args()[0]), func(v ref.Val) (ref.Val, bool) {
		switch x := v.(type) {
		case types.String:
			return x, true
		case types.Int:
			return types.String(strconv.FormatInt(int64(x), 10)), true
		}
		return nil, false
	})
}

// fieldReader reads a field of the map or record of reads.
func fieldReader(of reader, name string) reader {
	key := types.String(name)
	return func(el *element) (ref.Val, bool) {
		v, ok := of(el)
		if !ok {
			return nil, false
		}
		m, isMap := v.(traits.Mapper)
		if !isMap {
			return nil, false
		}
		f, found := m.Find(key)
		if !found || f == nil || types.IsError(f) {
			return nil, false
		}
		return f, true
	}
}

// bound reports whether a macro's variable of the name is bound.
func (el *element) bound(name string) bool {
	for i := range el.binds {
		if el.binds[i].name == name {
			return true
		}
	}
	return false
}

// concatReader reads a + b for strings (any other operands: CEL decides).
func concatReader(call celast.CallExpr) reader {
	args := call.Args()
	if len(args) != 2 {
		return nil
	}
	a, b := valueReader(args[0]), valueReader(args[1])
	if a == nil || b == nil {
		return nil
	}
	return func(el *element) (ref.Val, bool) {
		av, bv, ok := readBoth(a, b, el)
		if !ok {
			return nil, false
		}
		as, aStr := av.(types.String)
		bs, bStr := bv.(types.String)
		if !aStr || !bStr {
			return nil, false
		}
		return as + bs, true
	}
}

// conditionalReader reads c ? a : b, when c can be judged.
func conditionalReader(call celast.CallExpr) reader {
	args := call.Args()
	if len(args) != 3 {
		return nil
	}
	c, a, b := boolJudge(args[0]), valueReader(args[1]), valueReader(args[2])
	if c == nil || a == nil || b == nil {
		return nil
	}
	return func(el *element) (ref.Val, bool) {
		switch c(el) {
		case yes:
			return a(el)
		case no:
			return b(el)
		}
		return nil, false
	}
}

// joinReader reads list.join() and list.join("separator") (the strings
// extension) for a list of strings.
func joinReader(call celast.CallExpr) reader {
	if !call.IsMemberFunction() || len(call.Args()) > 1 {
		return nil
	}
	sep := ""
	if len(call.Args()) == 1 {
		s, ok := stringLiteral(call.Args()[0])
		if !ok {
			return nil
		}
		sep = s
	}
	of := valueReader(call.Target())
	if of == nil {
		return nil
	}
	return func(el *element) (ref.Val, bool) {
		l, n, ok := readList(of, el)
		if !ok {
			return nil, false
		}
		var b strings.Builder
		for i := types.Int(0); i < n; i++ {
			s, isStr := l.Get(i).(types.String)
			if !isStr {
				return nil, false
			}
			if i > 0 {
				b.WriteString(sep)
			}
			b.WriteString(string(s))
		}
		return types.String(b.String()), true
	}
}

// variableReader reads a variable of the activation as CEL sees it.
func variableReader(name string) reader {
	switch name {
	case "e":
		return func(el *element) (ref.Val, bool) {
			if r, ok := el.vars.e.(record); ok {
				return r, true
			}
			return nil, false
		}
	case "component":
		return func(el *element) (ref.Val, bool) { return el.vars.component, true }
	case "identity":
		return func(el *element) (ref.Val, bool) { return el.vars.identity, true }
	case "zone":
		return func(el *element) (ref.Val, bool) { return types.String(el.vars.zone), true }
	case "assets":
		return func(el *element) (ref.Val, bool) { return el.vars.assets, true }
	case "flows_in":
		return func(el *element) (ref.Val, bool) { return el.vars.flowsIn, true }
	case "flows_out":
		return func(el *element) (ref.Val, bool) { return el.vars.flowsOut, true }
	case "model", "system":
		return func(el *element) (ref.Val, bool) {
			m := el.vars.model
			if name == "system" {
				m = el.vars.system
			}
			if m == nil {
				return nil, false
			}
			return types.DefaultTypeAdapter.NativeToValue(m), true
		}
	case "findings", "observations", "routes", "controls":
		return func(el *element) (ref.Val, bool) {
			l := el.vars.list(name)
			if len(l) == 0 {
				return emptyList, true
			}
			return types.DefaultTypeAdapter.NativeToValue(l), true
		}
	}
	return nil
}

var emptyList = types.DefaultTypeAdapter.NativeToValue([]any{})

// list returns one of the activation's lists of native values.
func (a *activation) list(name string) []any {
	switch name {
	case "findings":
		return a.findings
	case "observations":
		return a.observations
	case "routes":
		return a.routes
	case "controls":
		return a.controls
	}
	return nil
}

// field returns e's field as a condition reads it, remembering the last
// few read for the element's other rules.
func (el *element) field(name string) (ref.Val, bool) { return el.fieldOf(ofElement, name) }

// The variables whose fields an element remembers.
const (
	ofElement = iota
	ofComponent
	ofIdentity
)

// fieldOf returns a field of e, component or identity, remembering it.
func (el *element) fieldOf(of int8, name string) (ref.Val, bool) {
	for _, f := range el.fields {
		if f.of == of && f.name == name {
			return f.v, f.ok
		}
	}
	var v ref.Val
	var ok bool
	var from any
	switch of {
	case ofElement:
		from = el.vars.e
	case ofComponent:
		from = el.vars.component
	case ofIdentity:
		from = el.vars.identity
	}
	switch e := from.(type) {
	case record:
		v, ok = e.s.field(e, name)
	case map[string]any:
		var x any
		if x, ok = e[name]; ok {
			v = types.DefaultTypeAdapter.NativeToValue(x)
		}
	}
	el.fields = append(el.fields, fieldCache{of, name, v, ok})
	return v, ok
}

type fieldCache struct {
	of   int8
	name string
	v    ref.Val
	ok   bool
}
