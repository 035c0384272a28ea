package gosrc

import (
	"go/ast"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/graph"
)

// optionality adjusts the guards of an authentication middleware built by
// call c to what it really enforces: AuthMiddleware(false) and
// Config{Optional: true} let anonymous callers through (auth-optional); a
// Skipper (echo's JWT middleware) skips authentication for the requests it
// matches, so those get auth-optional and the rest keep auth.
func (s *scope) optionality(c *ast.CallExpr, kinds []string) []string {
	if !slices.Contains(kinds, evidence.GuardAuth) {
		return kinds
	}
	optional := false
	var skipper *ast.FuncLit
	for _, arg := range c.Args {
		switch a := arg.(type) {
		case *ast.Ident:
			if a.Name == "false" {
				optional = true
			}
		case *ast.CompositeLit:
			for _, el := range a.Elts {
				kv, ok := el.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				k, _ := kv.Key.(*ast.Ident)
				v, _ := kv.Value.(*ast.Ident)
				if k == nil {
					continue
				}
				switch {
				case k.Name == "Skipper":
					if fl, ok := kv.Value.(*ast.FuncLit); ok {
						skipper = fl
					} else {
						optional = true
					}
				case v != nil && (k.Name == "Optional" || k.Name == "CredentialsOptional" || k.Name == "AllowAnonymous") && v.Name == "true",
					v != nil && (k.Name == "Required" || k.Name == "CredentialsRequired") && v.Name == "false":
					optional = true
				}
			}
		}
	}
	out := slices.Clone(kinds)
	for i, k := range out {
		if k != evidence.GuardAuth {
			continue
		}
		switch {
		case optional:
			out[i] = evidence.GuardAuthOptional
		case skipper != nil:
			cond, ok := skipperCond(skipper)
			if !ok {
				out[i] = evidence.GuardAuthOptional
				continue
			}
			out[i] = graph.Conditional(cond)
		}
	}
	return out
}

// skipperCond reads a Skipper of the common shapes: it skips requests by
// method (c.Request().Method == "GET" or http.MethodGet), optionally
// except some paths (c.Path() != "/api/articles/feed"), or skips some
// paths (c.Path() == "/login").
func skipperCond(fl *ast.FuncLit) (graph.Cond, bool) {
	cond := graph.Cond{Kind: evidence.GuardAuth, Alt: evidence.GuardAuthOptional}
	understood := false
	ast.Inspect(fl.Body, func(n ast.Node) bool {
		be, ok := n.(*ast.BinaryExpr)
		if !ok || (be.Op != token.EQL && be.Op != token.NEQ) {
			return true
		}
		lhs := exprString(be.X)
		val, ok := litOrMethod(be.Y)
		if !ok {
			return true
		}
		switch {
		case strings.Contains(lhs, "Method") && be.Op == token.EQL:
			cond.Methods = append(cond.Methods, strings.ToUpper(val))
			understood = true
		case strings.Contains(lhs, "Path") && be.Op == token.NEQ:
			cond.Keep = append(cond.Keep, val)
		case strings.Contains(lhs, "Path") && be.Op == token.EQL:
			cond.Paths = append(cond.Paths, val)
			understood = true
		}
		return true
	})
	return cond, understood
}

// litOrMethod reads a string literal or a net/http method constant.
func litOrMethod(e ast.Expr) (string, bool) {
	switch v := e.(type) {
	case *ast.BasicLit:
		if v.Kind == token.STRING {
			s, err := strconv.Unquote(v.Value)
			return s, err == nil
		}
	case *ast.SelectorExpr:
		if m, ok := strings.CutPrefix(v.Sel.Name, "Method"); ok && m != "" {
			return strings.ToUpper(m), true
		}
	}
	return "", false
}
