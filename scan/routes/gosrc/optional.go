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

// passesAnonymous reports an authentication middleware that lets a caller
// without credentials through: the handler it runs ends by calling the next
// handler unconditionally (next.ServeHTTP, c.Next(), next(c)) and nothing in
// it rejects a request (no 401 or 403, no redirect, no Abort, nothing named
// unauthorized, forbidden, deny or reject). Such a middleware only loads
// the user when there is one, as a session-reading authenticate does.
func passesAnonymous(d *ast.FuncDecl) bool {
	if d == nil || d.Body == nil {
		return false
	}
	body := d.Body
	// func(next http.Handler) http.Handler { return http.HandlerFunc(func(...) {...}) }
	for _, st := range d.Body.List {
		ret, ok := st.(*ast.ReturnStmt)
		if !ok || len(ret.Results) != 1 {
			continue
		}
		e := ret.Results[0]
		if c, ok := e.(*ast.CallExpr); ok && len(c.Args) == 1 {
			e = c.Args[0]
		}
		if fl, ok := e.(*ast.FuncLit); ok {
			body = fl.Body
		}
	}
	if len(body.List) == 0 {
		return false
	}
	last := body.List[len(body.List)-1]
	var call *ast.CallExpr
	switch st := last.(type) {
	case *ast.ExprStmt:
		call, _ = st.X.(*ast.CallExpr)
	case *ast.ReturnStmt:
		if len(st.Results) == 1 {
			call, _ = st.Results[0].(*ast.CallExpr)
		}
	}
	if call == nil {
		return false
	}
	callee := exprString(call.Fun)
	if !strings.HasSuffix(callee, "ServeHTTP") && !strings.HasSuffix(callee, ".Next") && callee != "next" {
		return false
	}
	isNext := func(c *ast.CallExpr) bool {
		f := exprString(c.Fun)
		return strings.HasSuffix(f, "ServeHTTP") || strings.HasSuffix(f, ".Next") || f == "next"
	}
	rejects := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch t := n.(type) {
		case *ast.IfStmt:
			// A branch that itself goes on to the next handler is the one
			// where credentials were sent: rejecting bad ones there does
			// not make credentials required.
			calls := false
			ast.Inspect(t.Body, func(m ast.Node) bool {
				if c, ok := m.(*ast.CallExpr); ok && isNext(c) {
					calls = true
				}
				return !calls
			})
			if calls {
				if t.Else != nil {
					ast.Inspect(t.Else, func(m ast.Node) bool {
						if rejectsNode(m) {
							rejects = true
						}
						return !rejects
					})
				}
				return false
			}
		default:
			if rejectsNode(n) {
				rejects = true
			}
		}
		return !rejects
	})
	return !rejects
}

// rejectsNode reports a node that turns a request away: a 401 or 403, or a
// name saying unauthorized, forbidden, redirect, abort, deny or reject.
func rejectsNode(n ast.Node) bool {
	switch t := n.(type) {
	case *ast.BasicLit:
		return t.Value == "401" || t.Value == "403"
	case *ast.Ident:
		l := strings.ToLower(t.Name)
		for _, w := range []string{"unauthorized", "unauthorised", "forbidden", "redirect", "abort", "deny", "denied", "reject", "unauthenticated"} {
			if strings.Contains(l, w) {
				return true
			}
		}
	}
	return false
}

// optionalKinds turns required authentication into optional.
func optionalKinds(kinds []string) []string {
	out := slices.Clone(kinds)
	for i, k := range out {
		if k == evidence.GuardAuth {
			out[i] = evidence.GuardAuthOptional
		}
	}
	return out
}
