package sinks

import (
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// RuleTokenInWebStorage: browser code keeps a credential in localStorage
// or sessionStorage, where any script on the page (an injected one, a
// compromised dependency) can read it: a key that names a token, a value
// that does, or the answer of a login or token request.

var webStorageRE = regexp.MustCompile(`^(window\.|globalThis\.|self\.)?(localStorage|sessionStorage)$`)

// webStorageJS checks one JavaScript function (or the module's own code).
func (f *jsFunc) webStorageJS(body *sitter.Node) {
	var authNames map[string]bool
	fromAuth := func(n *sitter.Node) bool {
		if authNames == nil {
			authNames = f.authResponseNames(body)
		}
		for _, id := range jsIdentRE.FindAllString(f.jf.text(n), -1) {
			if authNames[id] {
				return true
			}
		}
		return false
	}
	check := func(at, key, value *sitter.Node) {
		if value == nil {
			return
		}
		k := ""
		if key != nil {
			k = strings.Trim(f.jf.text(key), "\"'`")
		}
		switch {
		case key != nil && namesCredential(k):
		case valueNamesCredential(f.jf.text(value)):
		case fromAuth(value):
		default:
			return
		}
		f.logicHit(RuleTokenInWebStorage, at, clip(f.jf.text(at)), "a credential ("+clip(f.jf.text(value))+"), readable by any script on the page", "")
	}
	walkOwn(body, func(c *sitter.Node) {
		switch c.Type() {
		case "call_expression":
			fn := c.ChildByFieldName("function")
			if fn == nil || fn.Type() != "member_expression" || f.jf.text(fn.ChildByFieldName("property")) != "setItem" {
				return
			}
			if !webStorageRE.MatchString(f.jf.text(fn.ChildByFieldName("object"))) {
				return
			}
			args := c.ChildByFieldName("arguments")
			if args == nil || args.NamedChildCount() < 2 {
				return
			}
			check(c, args.NamedChild(0), args.NamedChild(1))
		case "assignment_expression":
			l := c.ChildByFieldName("left")
			if l == nil {
				return
			}
			switch l.Type() {
			case "member_expression":
				if webStorageRE.MatchString(f.jf.text(l.ChildByFieldName("object"))) {
					check(c, l.ChildByFieldName("property"), c.ChildByFieldName("right"))
				}
			case "subscript_expression":
				if webStorageRE.MatchString(f.jf.text(l.ChildByFieldName("object"))) {
					check(c, l.ChildByFieldName("index"), c.ChildByFieldName("right"))
				}
			}
		}
	})
}

// valueNamesCredential reports a stored expression whose last name says it
// is a credential: data.token, res.accessToken, data['access_token'], jwt;
// not decodedToken.permissions, which is read from a token but is none.
func valueNamesCredential(text string) bool {
	ids := jsKeyOrIdentRE.FindAllString(text, -1)
	return len(ids) > 0 && namesCredential(strings.Trim(ids[len(ids)-1], "'\"`"))
}

var jsKeyOrIdentRE = regexp.MustCompile("[A-Za-z_$][\\w$]*|'[^']*'|\"[^\"]*\"|`[^`]*`")

// authResponseNames lists the names bound to the answer of a request to a
// login, token or sign-up endpoint in this function.
func (f *jsFunc) authResponseNames(body *sitter.Node) map[string]bool {
	out := map[string]bool{}
	walkOwn(body, func(c *sitter.Node) {
		if c.Type() != "variable_declarator" {
			return
		}
		v := c.ChildByFieldName("value")
		if v == nil || !authURLRE.MatchString(f.jf.text(v)) {
			return
		}
		for _, id := range jsIdentRE.FindAllString(f.jf.text(c.ChildByFieldName("name")), -1) {
			out[id] = true
		}
	})
	return out
}
