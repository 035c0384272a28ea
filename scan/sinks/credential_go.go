package sinks

import (
	"go/ast"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// goCredentialMarkers are byte strings one of which a Go file with a
// literal credential holds.
var goCredentialMarkers = []string{"assword", "ecret", "Accounts{", "BasicAuth", "ConstantTimeCompare", "Pass", "pass", "oken"}

func goCredentialRelevant(src []byte) bool {
	s := string(src)
	for _, m := range goCredentialMarkers {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// credentials reports, in every function of the file, a password compared
// with a literal (in a login or basic-auth context) and an account table
// (gin.Accounts, or a map literal handed to a BasicAuth call) whose
// password is a literal.
func (g *goFile) credentials() {
	if !goCredentialRelevant(g.src) {
		return
	}
	for _, d := range g.file.Decls {
		var f fn
		var root ast.Node = d
		ctx := false
		if fd, ok := d.(*ast.FuncDecl); ok {
			if fd.Body == nil {
				continue
			}
			f = fn{Name: fd.Name.Name, Line: g.line(fd.Pos()), Head: g.line(fd.Pos()), End: g.line(fd.End())}
			if fd.Doc != nil {
				f.Line = g.line(fd.Doc.Pos())
			}
			ctx = ctx || authContextRE.MatchString(fd.Name.Name)
		} else {
			f = fn{Name: "<package>", Line: g.line(d.Pos()), Head: g.line(d.Pos()), End: g.line(d.End())}
		}
		// Calls to a BasicAuth middleware: a comparison or a map inside
		// their arguments is a basic-auth account.
		var basic [][2]token.Pos
		ast.Inspect(root, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok && strings.Contains(g.text(c.Fun), "BasicAuth") {
				basic = append(basic, [2]token.Pos{c.Lparen, c.Rparen})
			}
			return true
		})
		inBasic := func(p token.Pos) bool {
			for _, r := range basic {
				if p > r[0] && p < r[1] {
					return true
				}
			}
			return false
		}
		ast.Inspect(root, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BinaryExpr:
				switch {
				case n.Op == token.EQL && (ctx || inBasic(n.Pos())):
					g.literalCompare(n, f, n.X, n.Y)
				case n.Op == token.LAND && !ctx && !inBasic(n.Pos()):
					// username == "demo" && password == "pass" in any
					// function: a literal account.
					ops := g.conjuncts(n)
					if slices.ContainsFunc(ops, g.userLiteral) {
						for _, op := range ops {
							if e, ok := op.(*ast.BinaryExpr); ok && e.Op == token.EQL {
								g.literalCompare(e, f, e.X, e.Y)
							}
						}
					}
					return false
				}
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if ok && constantCompareCalls[sel.Sel.Name] && len(n.Args) == 2 {
					g.literalCompare(n, f, unwrapConversion(n.Args[0]), unwrapConversion(n.Args[1]))
				}
			case *ast.CompositeLit:
				typ := g.text(n.Type)
				if strings.HasSuffix(typ, "Accounts") || strings.HasPrefix(typ, "map[string]string") && inBasic(n.Pos()) {
					g.accountTable(n, f, typ)
				}
			}
			return true
		})
	}
}

// conjuncts flattens a && b && (c) into its operands.
func (g *goFile) conjuncts(e ast.Expr) []ast.Expr {
	switch n := e.(type) {
	case *ast.ParenExpr:
		return g.conjuncts(n.X)
	case *ast.BinaryExpr:
		if n.Op == token.LAND {
			return append(g.conjuncts(n.X), g.conjuncts(n.Y)...)
		}
	}
	return []ast.Expr{e}
}

// userLiteral reports user == "literal" (either order) where user names a
// user name.
func (g *goFile) userLiteral(e ast.Expr) bool {
	b, ok := e.(*ast.BinaryExpr)
	if !ok || b.Op != token.EQL {
		return false
	}
	for _, pr := range [][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
		if _, ok := goStringLit(pr[1]); !ok {
			continue
		}
		switch pr[0].(type) {
		case *ast.Ident, *ast.SelectorExpr:
			if namesUser(g.text(pr[0])) {
				return true
			}
		}
	}
	return false
}

// literalCompare reports x == "literal" where x names a password.
func (g *goFile) literalCompare(at ast.Node, f fn, x, y ast.Expr) {
	for _, pair := range [][2]ast.Expr{{x, y}, {y, x}} {
		name, lit := pair[0], pair[1]
		v, ok := goStringLit(lit)
		if !ok || !credentialLiteral(v) {
			continue
		}
		switch name.(type) {
		case *ast.Ident, *ast.SelectorExpr:
		default:
			continue
		}
		if !namesPassword(g.text(name)) {
			continue
		}
		p := g.fset.Position(at.Pos())
		sink := g.text(name) + " == " + maskedLiteral
		if c, ok := at.(*ast.CallExpr); ok {
			sink = g.text(c.Fun) + "(" + g.text(name) + ", " + maskedLiteral + ")"
		}
		g.hits = append(g.hits, hit{rule: RuleLoginLiteral, file: g.rel, line: p.Line, col: p.Column, sink: sink, what: credentialWhat,
			severity: logicSeverity(RuleLoginLiteral, ""), fn: f, secret: v})
		return
	}
}

// accountTable reports each account of a user -> password table whose
// password is a literal.
func (g *goFile) accountTable(n *ast.CompositeLit, f fn, typ string) {
	for _, e := range n.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		v, ok := goStringLit(kv.Value)
		if !ok || !credentialLiteral(v) {
			continue
		}
		p := g.fset.Position(kv.Value.Pos())
		g.hits = append(g.hits, hit{rule: RuleHardcodedCredential, file: g.rel, line: p.Line, col: p.Column,
			sink: typ + "{" + g.text(kv.Key) + ": " + maskedLiteral + "}", what: "a basic-auth account whose password is a literal in the code",
			severity: logicSeverity(RuleHardcodedCredential, ""), fn: f, secret: v})
	}
}

// unwrapConversion reads []byte(x) as x.
func unwrapConversion(e ast.Expr) ast.Expr {
	if c, ok := e.(*ast.CallExpr); ok && len(c.Args) == 1 {
		if _, ok := c.Fun.(*ast.ArrayType); ok {
			return c.Args[0]
		}
	}
	return e
}

func goStringLit(e ast.Expr) (string, bool) {
	b, ok := e.(*ast.BasicLit)
	if !ok || b.Kind != token.STRING {
		return "", false
	}
	v, err := strconv.Unquote(b.Value)
	return v, err == nil
}
