package sinks

import (
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// pyLogCalleeRE names what a Python handler logs with: print, logging,
// a logger, app.logger, current_app.logger, self.logger.
var pyLogCalleeRE = regexp.MustCompile(`^(print|pprint|(\w+\.)*(logging|_?logger|_?log|LOGGER|LOG)\.(debug|info|warning|warn|error|exception|critical|log|fatal))$`)

// pyWholeBodyRE is a request's whole body or form.
var pyWholeBodyRE = regexp.MustCompile(`^(self\.)?request\.(json|get_json\(\)|form|data|POST|body|values|get_data\(\))$`)

// pyGetLoggerRE finds the names a file binds to a logger:
// L = logging.getLogger(__name__), log = structlog.get_logger(), or an
// instance of a class named Log or Logger (L = Log(request)).
var pyGetLoggerRE = regexp.MustCompile(`(?m)^\s*([A-Za-z_]\w*)\s*=\s*[\w.]*(getLogger|get_logger|Logger|Log)\(`)

// loggerCall reports a callee that writes to a log: print, logging.x,
// logger.x, or a method of a name the file bound to a logger.
func (pf *pyFile) loggerCall(callee string) bool {
	if pyLogCalleeRE.MatchString(callee) {
		return true
	}
	if pf.loggers == nil {
		pf.loggers = map[string]bool{}
		for _, m := range pyGetLoggerRE.FindAllSubmatch(pf.src, -1) {
			pf.loggers[string(m[1])] = true
		}
	}
	recv, method, ok := strings.Cut(callee, ".")
	return ok && pf.loggers[recv] && logMethods[method]
}

// sensitivePy checks one Python handler body.
func (f *pyFunc) sensitivePy(body *sitter.Node, text string) {
	if !secretWordRE.MatchString(text) {
		return
	}
	walkOwn(body, func(c *sitter.Node) {
		if c.Type() != "call" || !f.pf.loggerCall(f.pf.text(c.ChildByFieldName("function"))) {
			return
		}
		args := c.ChildByFieldName("arguments")
		for i := 0; args != nil && i < int(args.NamedChildCount()); i++ {
			a := args.NamedChild(i)
			if what, ok := f.loggedSecretPy(a, text); ok {
				f.logicHit(RuleSensitiveLogged, c, clip(f.pf.text(c.ChildByFieldName("function")))+"("+clip(f.pf.text(a))+")", what, "")
				return
			}
		}
	})
}

func (f *pyFunc) loggedSecretPy(a *sitter.Node, text string) (string, bool) {
	var what string
	walkTS(a, func(n *sitter.Node) bool {
		if what != "" {
			return false
		}
		switch n.Type() {
		case "not_operator", "comparison_operator", "boolean_operator":
			return false
		case "call":
			t := f.pf.text(n)
			if pyWholeBodyRE.MatchString(t) {
				if credentialContextRE.MatchString(f.fn.Name + " " + text) {
					what = "logs the whole request body, which carries the credentials the route takes"
				}
				return false
			}
			// json.dumps(request.json) is still the body; len(password),
			// hash(password) are not the password.
			return strings.HasSuffix(f.pf.text(n.ChildByFieldName("function")), "dumps") || f.pf.text(n.ChildByFieldName("function")) == "str"
		case "identifier", "attribute", "subscript":
			t := strings.Join(strings.Fields(f.pf.text(n)), "")
			if pyWholeBodyRE.MatchString(t) {
				if credentialContextRE.MatchString(f.fn.Name + " " + text) {
					what = "logs the whole request body, which carries the credentials the route takes"
				}
				return false
			}
			if n.Type() == "subscript" {
				// request.form["password"]: the key names the value.
				if s := n.ChildByFieldName("subscript"); s != nil {
					if k, ok := pyStringLit(f.pf, s); ok && namesSecretValue(k) {
						what = "logs " + clip(t) + ", a credential"
					}
				}
				return false
			}
			if namesSecretValue(t) {
				what = "logs " + clip(t) + ", a credential"
			}
			return false
		case "keyword_argument":
			// logger.info("x", extra={...}) is walked; end="" is not a value.
			return n.ChildByFieldName("name") == nil || f.pf.text(n.ChildByFieldName("name")) == "extra"
		case "pair":
			if k, ok := pyStringLit(f.pf, n.ChildByFieldName("key")); ok && namesSecretValue(k) {
				if v := n.ChildByFieldName("value"); v != nil && v.Type() != "string" && v.Type() != "true" && v.Type() != "false" && v.Type() != "none" {
					what = "logs " + clip(k) + ", a credential"
				}
			}
			return what == ""
		}
		return true
	}, 0)
	return what, what != ""
}
