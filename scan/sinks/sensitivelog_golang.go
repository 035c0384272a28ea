package sinks

import (
	"go/ast"
	"regexp"
	"strings"
)

// goLogMethodRE names the methods Go loggers write with (log, zap, logrus,
// slog, zerolog's Msg excepted) and fmt's printing functions.
var goLogMethodRE = regexp.MustCompile(`^(Print|Printf|Println|Info|Infof|Infow|Debug|Debugf|Debugw|Warn|Warnf|Warnw|Warning|Warningf|Error|Errorf|Errorw|Fatal|Fatalf|Fatalw|Log|Logf|Trace|Tracef)$`)

// goRequestParamRE is a handler parameter's type.
var goRequestParamRE = regexp.MustCompile(`http\.Request$|gin\.Context$|^echo\.Context$|fiber\.Ctx$`)

// sensitiveGo reports, in a function that takes a request, a logger call
// given a password, secret or token.
func (g *goFile) sensitiveGo(fd *ast.FuncDecl, f fn) {
	handler := false
	for _, p := range fd.Type.Params.List {
		if goRequestParamRE.MatchString(g.text(p.Type)) {
			handler = true
		}
	}
	if !handler {
		return
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := c.Fun.(*ast.SelectorExpr)
		if !ok || !goLogMethodRE.MatchString(sel.Sel.Name) {
			return true
		}
		recv := g.text(sel.X)
		switch {
		case recv == "fmt":
			if !strings.HasPrefix(sel.Sel.Name, "Print") {
				return true
			}
		case !strings.Contains(strings.ToLower(recv), "log"):
			return true
		}
		for _, a := range c.Args {
			if what := g.loggedSecretGo(a); what != "" {
				p := g.fset.Position(c.Pos())
				g.hits = append(g.hits, hit{rule: RuleSensitiveLogged, file: g.rel, line: p.Line, col: p.Column, sink: clip(g.text(c.Fun)) + "(" + clip(g.text(a)) + ")",
					what: what, severity: logicSeverity(RuleSensitiveLogged, ""), fn: f})
				return true
			}
		}
		return true
	})
}

func (g *goFile) loggedSecretGo(a ast.Expr) string {
	what := ""
	ast.Inspect(a, func(n ast.Node) bool {
		if what != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.CallExpr:
			// len(password), hash(password): not the password.
			name := g.text(n.Fun)
			return !(name == "len" || strings.Contains(strings.ToLower(name), "hash") || strings.Contains(strings.ToLower(name), "mask"))
		case *ast.Ident, *ast.SelectorExpr:
			if t := g.text(n.(ast.Expr)); namesSecretValue(t) {
				what = "logs " + clip(t) + ", a credential"
			}
			return false
		}
		return true
	})
	return what
}
