package sinks

import (
	"regexp"
	"slices"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/internal/prefilter"
)

// pyHTTPAuthRE marks a file that serves HTTP basic or digest auth
// (Flask-HTTPAuth), where a dict of user names to literal passwords is
// the account table.
var pyHTTPAuthRE = prefilter.MustCompile(`flask_httpauth|HTTPBasicAuth|HTTPDigestAuth`)

// credentialsPy reports literal credentials in one Python file.
func (pf *pyFile) credentialsPy(root *sitter.Node) {
	if !hasCredentialWord(pf.src) {
		return
	}
	httpAuth := pyHTTPAuthRE.Match(pf.src)
	re := pyCredentialRE
	var local []string
	for name, origin := range pf.aliases {
		if l := lastPart(origin); l == "HTTPBasicAuth" || l == "HTTPDigestAuth" || l == "compare_digest" {
			local = append(local, regexp.QuoteMeta(name))
		}
	}
	if len(local) > 0 {
		slices.Sort(local)
		re = regexp.MustCompile(pyCredentialRE.String() + `|\b(` + strings.Join(local, "|") + `)\s*\(`)
	}
	for _, n := range candidates(root, pf.src, re, "comparison_operator", "call", "dictionary") {
		switch n.Type() {
		case "comparison_operator":
			if n.NamedChildCount() == 2 && pyCompareOp(n) == "==" && (pf.authContext(n) || pf.pairedWithUser(n)) {
				pf.literalComparePy(n, n.NamedChild(0), n.NamedChild(1))
			}
		case "call":
			callee := pf.canonical(pf.text(n.ChildByFieldName("function")))
			args := pyPositional(n)
			switch {
			case constantCompareCalls[lastPart(callee)] && len(args) == 2:
				pf.literalComparePy(n, args[0], args[1])
			case (lastPart(callee) == "HTTPBasicAuth" || lastPart(callee) == "HTTPDigestAuth") && len(args) == 2:
				// requests' client auth: HTTPBasicAuth('user', 'pass').
				if _, ok := pyStringLit(pf, args[0]); ok {
					pf.accountPy(args[1], args[1], pf.text(args[0]), callee)
				}
			}
		case "dictionary":
			if httpAuth && pyAccountTable(pf, n) {
				for i := 0; i < int(n.NamedChildCount()); i++ {
					p := n.NamedChild(i)
					if p.Type() != "pair" {
						continue
					}
					if _, ok := pyStringLit(pf, p.ChildByFieldName("key")); ok {
						pf.accountPy(p, p.ChildByFieldName("value"), pf.text(p.ChildByFieldName("key")), "users")
					}
				}
			}
		}
	}
}

// pyCredentialRE finds where a credential check may be: an equality, an
// HTTP auth or constant-time comparison call, the opening brace of a dict
// assigned to an account table's name.
var pyCredentialRE = regexp.MustCompile(`==|\b(HTTPBasicAuth|HTTPDigestAuth|compare_digest)\s*\(|(?m:^\s*(?i:_?(users?|accounts?|passwords?|credentials?|logins?|basic_?auth_?users?|admins?))\s*=\s*)\{`)

// pyAccountTableRE names a variable that holds accounts.
var pyAccountTableRE = regexp.MustCompile(`(?i)^_?(users?|accounts?|passwords?|credentials?|logins?|basic_?auth_?users?|admins?)$`)

// pyAccountTable reports a dict assigned to a name that says it holds
// accounts (users = {"john": ...}).
func pyAccountTable(pf *pyFile, d *sitter.Node) bool {
	p := d.Parent()
	if p == nil || p.Type() != "assignment" {
		return false
	}
	left := pf.text(p.ChildByFieldName("left"))
	return pyAccountTableRE.MatchString(lastPart(left))
}

// accountPy reports a user's password given as a literal, or as the hash
// of a literal (generate_password_hash("hello")).
func (pf *pyFile) accountPy(at, val *sitter.Node, user, table string) {
	v, ok := pyStringLit(pf, val)
	if !ok && val != nil && val.Type() == "call" && strings.Contains(strings.ToLower(pf.text(val.ChildByFieldName("function"))), "hash") {
		if a := pyPositional(val); len(a) >= 1 {
			v, ok = pyStringLit(pf, a[0])
		}
	}
	if !ok || !credentialLiteral(v) {
		return
	}
	pf.hits = append(pf.hits, hit{rule: RuleHardcodedCredential, file: pf.rel, line: nline(at), col: ncol(at), sink: clip(table) + "{" + clip(user) + ": " + maskedLiteral + "}",
		what: "an account whose password is a literal in the code", severity: logicSeverity(RuleHardcodedCredential, ""), fn: pf.enclosing(at), secret: v})
}

// literalComparePy reports password == "literal" (either order).
func (pf *pyFile) literalComparePy(at, x, y *sitter.Node) {
	for _, pair := range [][2]*sitter.Node{{x, y}, {y, x}} {
		name, lit := pair[0], pair[1]
		v, ok := pyStringLit(pf, lit)
		if !ok || !credentialLiteral(v) || name == nil {
			continue
		}
		switch name.Type() {
		case "identifier", "attribute", "subscript":
		default:
			continue
		}
		if !namesPassword(pf.text(name)) {
			continue
		}
		callee := ""
		if at.Type() == "call" {
			callee = pf.text(at.ChildByFieldName("function"))
		}
		pf.hits = append(pf.hits, loginLiteralHit(pf.rel, at, pf.text(name), "==", callee, pf.enclosing(at), v))
		return
	}
}

// authContext reports a node whose nearest function's name says it logs a
// user in or checks a password (login, authenticate, verify_password).
func (pf *pyFile) authContext(n *sitter.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		switch p.Type() {
		case "function_definition":
			return authContextRE.MatchString(pf.text(p.ChildByFieldName("name")))
		case "lambda":
			return false
		}
	}
	return false
}

// pairedWithUser reports a comparison that sits in an "and" with a user
// name compared with a literal (username == "admin" and password == ...).
func (pf *pyFile) pairedWithUser(n *sitter.Node) bool {
	top := n
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == "parenthesized_expression" || p.Type() == "boolean_operator" && pf.text(p.ChildByFieldName("operator")) == "and" {
			top = p
			continue
		}
		break
	}
	if top == n {
		return false
	}
	found := false
	walkTS(top, func(c *sitter.Node) bool {
		if found || c.Type() == "lambda" {
			return false
		}
		if c.Type() == "comparison_operator" && c.NamedChildCount() == 2 && pyCompareOp(c) == "==" {
			l, r := c.NamedChild(0), c.NamedChild(1)
			for _, pr := range [][2]*sitter.Node{{l, r}, {r, l}} {
				if _, ok := pyStringLit(pf, pr[1]); ok && (pr[0].Type() == "identifier" || pr[0].Type() == "attribute" || pr[0].Type() == "subscript") && namesUser(pf.text(pr[0])) {
					found = true
				}
			}
		}
		return true
	}, 0)
	return found
}

// enclosing is the function a node sits in, decorators included.
func (pf *pyFile) enclosing(n *sitter.Node) fn {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == "function_definition" {
			head := p
			if d := p.Parent(); d != nil && d.Type() == "decorated_definition" {
				head = d
			}
			return fn{Name: pf.text(p.ChildByFieldName("name")), Line: nline(head), Head: nline(p), End: nend(p)}
		}
	}
	return fn{Name: "<module>", Line: 1, Head: 1, End: nline(n)}
}

// pyCompareOp is a two-operand comparison's operator.
func pyCompareOp(n *sitter.Node) string {
	for i := 0; i < int(n.ChildCount()); i++ {
		if c := n.Child(i); !c.IsNamed() {
			return c.Type()
		}
	}
	return ""
}

// pyPositional lists a call's positional arguments.
func pyPositional(call *sitter.Node) []*sitter.Node {
	var out []*sitter.Node
	args := call.ChildByFieldName("arguments")
	for i := 0; args != nil && i < int(args.NamedChildCount()); i++ {
		if c := args.NamedChild(i); c.Type() != "keyword_argument" && c.Type() != "comment" {
			out = append(out, c)
		}
	}
	return out
}

// pyStringLit reads a plain string literal (not an f-string with
// substitutions, not a concatenation).
func pyStringLit(pf *pyFile, n *sitter.Node) (string, bool) {
	if n == nil || n.Type() != "string" {
		return "", false
	}
	t := pf.text(n)
	i := strings.IndexAny(t, `'"`)
	if i < 0 {
		return "", false
	}
	prefix := strings.ToLower(t[:i])
	t = t[i:]
	if strings.Contains(prefix, "f") && strings.Contains(t, "{") {
		return "", false
	}
	for _, q := range []string{`"""`, `'''`, `"`, `'`} {
		if len(t) >= 2*len(q) && strings.HasPrefix(t, q) && strings.HasSuffix(t, q) {
			return t[len(q) : len(t)-len(q)], true
		}
	}
	return "", false
}
