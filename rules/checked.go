package rules

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"slices"

	"github.com/google/cel-go/cel"
	exprpb "google.golang.org/genproto/googleapis/api/expr/v1alpha1"
	"google.golang.org/protobuf/proto"
)

// The built-in rules' expressions come compiled: parsing CEL is most of
// what compiling a rule costs, and every run compiles all the built-in
// rules, which made rule compilation two thirds of a run on a small model.
// checked.bin holds every expression of the built-in rules with its
// type-checked form (cel-go's CheckedExpr protobuf); an engine turns that
// back into an AST instead of parsing and checking the text again.
// TestCheckedBuiltinIsCurrent rebuilds the file from the rule files and
// fails when it differs (go test ./rules -run TestCheckedBuiltinIsCurrent
// -update rewrites it). An expression the file does not hold, and every
// expression of a custom rule, is compiled from its text.

//go:embed checked.bin
var checkedBin []byte

// checkedExprs indexes checked.bin: the serialized checked form of each
// expression, by its text.
type checkedExprs map[string][]byte

// readChecked reads the file's entries: each is an expression's text and
// its serialized CheckedExpr, both preceded by their length (uvarint).
func readChecked(data []byte) (checkedExprs, error) {
	c := checkedExprs{}
	next := func() ([]byte, error) {
		n, k := binary.Uvarint(data)
		if k <= 0 || n > uint64(len(data)-k) {
			return nil, errors.New("checked expressions: truncated entry")
		}
		b := data[k : k+int(n)]
		data = data[k+int(n):]
		return b, nil
	}
	for len(data) > 0 {
		text, err := next()
		if err != nil {
			return nil, err
		}
		pb, err := next()
		if err != nil {
			return nil, err
		}
		c[string(text)] = pb
	}
	return c, nil
}

// ast returns the checked AST of expr, if the file holds it.
func (c checkedExprs) ast(expr string) (*cel.Ast, bool) {
	pb, ok := c[expr]
	if !ok {
		return nil, false
	}
	var ce exprpb.CheckedExpr
	if err := proto.Unmarshal(pb, &ce); err != nil {
		return nil, false
	}
	return cel.CheckedExprToAst(&ce), true
}

// writeChecked compiles exprs in env and returns them as checked.bin holds
// them, in the order of their text, each once.
func writeChecked(env *cel.Env, exprs []string) ([]byte, error) {
	exprs = slices.Compact(slices.Sorted(slices.Values(exprs)))
	var out []byte
	for _, x := range exprs {
		ast, iss := env.Compile(x)
		if iss != nil && iss.Err() != nil {
			return nil, iss.Err()
		}
		ce, err := cel.AstToCheckedExpr(ast)
		if err != nil {
			return nil, err
		}
		pruneTypes(ce)
		pb, err := proto.MarshalOptions{Deterministic: true}.Marshal(ce)
		if err != nil {
			return nil, err
		}
		out = binary.AppendUvarint(out, uint64(len(x)))
		out = append(out, x...)
		out = binary.AppendUvarint(out, uint64(len(pb)))
		out = append(out, pb...)
	}
	return out, nil
}

// pruneTypes keeps of a checked expression's types only those a program
// is planned from: the result's (Ast.OutputType), type names (an
// identifier that is a type, as in type(x) == map), and message and
// abstract types (a field read from a message is planned from its
// type). Every other node is planned the same without its type, and
// turning the types back from protobuf was most of the cost of reading
// the file, which every run pays. TestCheckedRulesRunAsCompiled runs
// every built-in expression through CEL from the file.
func pruneTypes(ce *exprpb.CheckedExpr) {
	root := ce.GetExpr().GetId()
	for id, t := range ce.TypeMap {
		if id == root || t.GetType() != nil || t.GetMessageType() != "" || t.GetAbstractType() != nil {
			continue
		}
		delete(ce.TypeMap, id)
	}
}

// expressions lists the CEL expressions of a rule.
func (r *Rule) expressions() []string {
	out := []string{r.When}
	if r.Detail != "" {
		out = append(out, r.Detail)
	}
	for _, d := range r.Difficulty {
		if d.When != "" {
			out = append(out, d.When)
		}
	}
	for _, w := range r.Wording {
		for _, x := range []string{w.When, w.Abuse, w.Method} {
			if x != "" {
				out = append(out, x)
			}
		}
	}
	return out
}
