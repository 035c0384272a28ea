package sinks

import (
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// The application-logic checks for Python handlers: a paid flag set with
// no call to the payment provider (payment.go), a session made for a user
// found from request input with no proof (session.go), an upload taken
// with no type check or, for FastAPI, no size check (upload.go).

// pyRequestUseRE finds the first request input a Python handler reads.
var pyRequestUseRE = regexp.MustCompile(`\brequest\.(json|form|args|values|data|files|get_json|GET|POST|FILES|body|query_params)\b`)

// pyStoresFileRE matches a handler that writes an uploaded file itself.
var pyStoresFileRE = regexp.MustCompile(`\.save\(|\bopen\(|\.write\(|upload_fileobj|upload_file|put_object|copyfileobj`)

// pyUploadParamRE matches a FastAPI parameter typed as an upload.
var pyUploadParamRE = regexp.MustCompile(`\bUploadFile\b`)

// pyLoginCalls sign a user in: Flask-Login's login_user, Django's login.
var pyLoginCalls = map[string]bool{"login_user": true, "login": true, "auth.login": true, "django.contrib.auth.login": true, "set_session": true, "create_session": true}

func (f *pyFunc) logicHit(rule string, at *sitter.Node, sink, what, src string) {
	f.pf.hits = append(f.pf.hits, hit{rule: rule, file: f.pf.rel, line: nline(at), col: ncol(at), sink: sink, source: src, what: what, severity: logicSeverity(rule, src), fn: f.fn})
}

// logicPy runs the logic checks on one handler; uploadParams are its
// parameters typed UploadFile.
func (f *pyFunc) logicPy(def *sitter.Node, uploadParams []string) {
	body := def.ChildByFieldName("body")
	if body == nil {
		return
	}
	if f.pf.words == nil {
		w := wordsIn(f.pf.src)
		f.pf.words = &w
	}
	has := *f.pf.words
	if !has.paid && !has.session && !has.upload && !has.logged && len(uploadParams) == 0 {
		return
	}
	text := codeText(body, f.pf.src)
	src := pyRequestUseRE.FindString(text)
	if src == "" && len(f.params) > 0 {
		src = "parameter " + f.params[0]
	}
	if has.paid {
		f.paymentPy(body, text, src)
	}
	if has.session {
		f.sessionPy(body, text)
	}
	f.uploadPy(def, body, text, uploadParams)
	if has.logged {
		f.sensitivePy(body, text)
	}
}

func (f *pyFunc) paymentPy(body *sitter.Node, text, src string) {
	if paymentProviderRE.MatchString(text) || paymentProviderRE.MatchString(f.fn.Name) {
		return
	}
	walkOwn(body, func(c *sitter.Node) {
		switch c.Type() {
		case "assignment":
			l, r := c.ChildByFieldName("left"), c.ChildByFieldName("right")
			if l != nil && r != nil && l.Type() == "attribute" && marksPaid(f.pf.text(l.ChildByFieldName("attribute")), f.pf.text(r)) {
				f.logicHit(RulePaymentUnverified, c, clip(f.pf.text(c)), "in a request handler that never asks the payment provider", src)
			}
		case "keyword_argument":
			k, v := c.ChildByFieldName("name"), c.ChildByFieldName("value")
			if k != nil && v != nil && marksPaid(f.pf.text(k), f.pf.text(v)) {
				f.logicHit(RulePaymentUnverified, c, clip(f.pf.text(c)), "in a request handler that never asks the payment provider", src)
			}
		case "pair":
			k, v := c.ChildByFieldName("key"), c.ChildByFieldName("value")
			if k != nil && v != nil && k.Type() == "string" && marksPaid(f.pf.text(k), f.pf.text(v)) {
				f.logicHit(RulePaymentUnverified, c, clip(f.pf.text(c)), "in a request handler that never asks the payment provider", src)
			}
		}
	})
}

func (f *pyFunc) sessionPy(body *sitter.Node, text string) {
	if proofRE.MatchString(text) || createsAccountRE.MatchString(f.fn.Name) || createsAccountRE.MatchString(text) {
		return
	}
	derived := map[string]string{}
	for k, b := range f.vars {
		if b.t.ok() {
			derived[k] = b.t.src
		}
	}
	srcOf := func(n *sitter.Node) string {
		if n == nil {
			return ""
		}
		t := f.pf.text(n)
		if m := pyRequestUseRE.FindString(t); m != "" {
			return m
		}
		for _, id := range jsIdentRE.FindAllString(t, -1) {
			if s, ok := derived[id]; ok {
				return s
			}
		}
		return ""
	}
	walkOwn(body, func(c *sitter.Node) {
		switch c.Type() {
		case "assignment":
			l, r := c.ChildByFieldName("left"), c.ChildByFieldName("right")
			if l == nil || r == nil {
				return
			}
			s := srcOf(r)
			if l.Type() == "identifier" && s != "" {
				derived[f.pf.text(l)] = s
				return
			}
			// session["user_id"] = user.id
			if l.Type() == "subscript" && f.pf.text(l.ChildByFieldName("value")) == "session" && s != "" {
				key := strings.Trim(f.pf.text(l.ChildByFieldName("subscript")), `"'`)
				if sessionFieldRE.MatchString(key) || key == "_user_id" {
					f.logicHit(RuleLoginWithoutProof, c, clip(f.pf.text(l)), "signs in a user found from request input, with no check that the caller owns it", s)
				}
			}
		case "call":
			callee := f.pf.canonical(f.pf.text(c.ChildByFieldName("function")))
			if !pyLoginCalls[callee] && !pyLoginCalls[lastPart(callee)] {
				return
			}
			args := c.ChildByFieldName("arguments")
			for i := 0; args != nil && i < int(args.NamedChildCount()); i++ {
				a := args.NamedChild(i)
				if t := f.pf.text(a); t == "request" || t == "self.request" {
					continue
				}
				if s := srcOf(a); s != "" {
					f.logicHit(RuleLoginWithoutProof, c, clip(callee), "signs in a user found from request input, with no check that the caller owns it", s)
					return
				}
			}
		}
	})
}

func (f *pyFunc) uploadPy(def, body *sitter.Node, text string, uploadParams []string) {
	var at *sitter.Node
	what := ""
	switch {
	case len(uploadParams) > 0:
		at, what = def.ChildByFieldName("name"), "an UploadFile parameter ("+uploadParams[0]+")"
	case (strings.Contains(text, "request.files") || strings.Contains(text, "request.FILES")) && pyStoresFileRE.MatchString(text):
		// Only a handler that stores the file itself: one that hands it to
		// a service may check it there, out of sight.
		walkOwn(body, func(c *sitter.Node) {
			if at == nil && (c.Type() == "attribute" || c.Type() == "subscript") && (strings.HasPrefix(f.pf.text(c), "request.files") || strings.HasPrefix(f.pf.text(c), "request.FILES")) {
				at = c
			}
		})
		if at != nil {
			what = f.pf.text(at)
			if i := strings.IndexAny(what, "[."); i >= 0 && strings.Count(what, ".") > 1 {
				what = what[:strings.LastIndex(what, ".")]
			}
		}
	}
	if at == nil {
		return
	}
	whole := codeText(rootOf(def), f.pf.src)
	if !typeCheckRE.MatchString(whole) {
		f.logicHit(RuleUploadNoTypeCheck, at, clip(f.pf.text(at)), what+" stored or processed with no look at the file's type", "")
	}
	// Flask and Django cap bodies in settings; only FastAPI reads an
	// UploadFile with no limit of its own.
	if len(uploadParams) > 0 && !sizeCheckRE.MatchString(text) {
		f.logicHit(RuleUploadNoSizeLimit, at, clip(f.pf.text(at)), what+" read with no size check", "")
	}
}
