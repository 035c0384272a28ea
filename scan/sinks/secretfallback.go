package sinks

import (
	"bytes"
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// A signing or encryption secret read from the environment with a literal
// fallback (secret-default-fallback): os.getenv("SECRET_KEY", "dev"),
// config("SECRET_KEY", default="x"), process.env.JWT_SECRET || "secret".
// A deployment that forgets the variable signs its sessions and tokens
// with a value published in the repository. Only the name and the literal
// are read; the literal is masked like every secret (hit.secret).

// signingQualifiers are the words before "key" that make it a signing or
// encryption key: SIGNING_KEY, ENCRYPTION_KEY, APP_KEY, JWT_KEY.
var signingQualifiers = map[string]bool{"signing": true, "sign": true, "signature": true, "encryption": true, "encrypt": true, "crypto": true,
	"cipher": true, "aes": true, "hmac": true, "jwt": true, "app": true, "session": true, "cookie": true, "token": true, "secret": true, "fernet": true}

// thirdPartyWords mark a secret that belongs to another service (an OAuth
// client, a payment provider, a cloud account, a webhook sender): a
// fallback there is a broken integration, not a forgeable session.
var thirdPartyWords = map[string]bool{"api": true, "client": true, "consumer": true, "aws": true, "s3": true, "stripe": true, "github": true,
	"google": true, "facebook": true, "twitter": true, "oauth": true, "twilio": true, "webhook": true, "slack": true, "discord": true,
	"telegram": true, "openai": true, "recaptcha": true, "captcha": true, "sendgrid": true, "mailgun": true, "smtp": true, "mail": true,
	"db": true, "database": true, "password": true, "access": true, "azure": true, "gcp": true, "paypal": true, "razorpay": true,
	"spotify": true, "twitch": true, "bot": true, "url": true, "uri": true, "path": true, "file": true, "id": true, "name": true}

// namesSigningSecret reports an environment variable name that holds a
// signing or encryption secret: SECRET_KEY, SECRET, JWT_SECRET,
// SESSION_SECRET, COOKIE_SECRET, TOKEN_SECRET, APP_KEY, SIGNING_KEY,
// ENCRYPTION_KEY; not a third party's secret (STRIPE_SECRET_KEY,
// GITHUB_CLIENT_SECRET, AWS_SECRET_ACCESS_KEY), a URL or a flag.
func namesSigningSecret(name string) bool {
	ws := words(name)
	if len(ws) == 0 {
		return false
	}
	for _, w := range ws {
		if thirdPartyWords[w] {
			return false
		}
	}
	last := ws[len(ws)-1]
	switch {
	case last == "secret":
		return true
	case last == "key" && len(ws) >= 2:
		return signingQualifiers[ws[len(ws)-2]]
	case last == "secretkey" || last == "jwtsecret" || last == "appkey":
		return true
	}
	return false
}

// secretFallbackStems gate the check: a file with none of them, in any
// case, reads no secret with a fallback.
var secretFallbackStems = [][]byte{[]byte("secret"), []byte("_key"), []byte("appkey"), []byte("signingkey"), []byte("encryptionkey")}

func hasSecretWord(src []byte) bool {
	lower := bytes.ToLower(src)
	for _, s := range secretFallbackStems {
		if bytes.Contains(lower, s) {
			return true
		}
	}
	return false
}

// devOnlyFileRE matches settings and code that no deployment runs: a
// development, local or test settings module (config/settings/local.py,
// settings/test.py, dev.py) and test files. A fallback there is meant.
var devOnlyFileRE = regexp.MustCompile(`(?i)(^|/)(local|dev|development|test|tests|testing|settings_test|test_settings|conftest)\.(py|js|ts|mjs|cjs)$|(^|/)(tests?|__tests__|spec|testdata|fixtures)/|(^|/)test_[^/]*\.py$|_test\.py$|\.(test|spec)\.[jt]sx?$`)

// secretFallbackWhat is the message tail of a fallback finding.
const secretFallbackWhat = "a deployment without the variable signs or encrypts with a value anyone who reads the code knows"

func (pf *pyFile) secretFallbackHit(at *sitter.Node, sink, v string) {
	pf.hits = append(pf.hits, hit{rule: RuleSecretDefaultFallback, file: pf.rel, line: nline(at), col: ncol(at), sink: sink,
		what: secretFallbackWhat, severity: logicSeverity(RuleSecretDefaultFallback, ""), fn: pf.enclosing(at), secret: v})
}

// pySecretFallbackRE finds the calls that read a variable with a default:
// os.getenv(, os.environ.get(, environ.setdefault(, decouple's config(,
// django-environ's env( and env.str(.
var pySecretFallbackRE = regexp.MustCompile(`\b(getenv|get|setdefault|config|env|str)\s*\(`)

// secretFallbackPy reports os.getenv("SECRET_KEY", "literal") and its
// kin in one Python file.
func (pf *pyFile) secretFallbackPy(root *sitter.Node) {
	if !hasSecretWord(pf.src) || devOnlyFileRE.MatchString(pf.rel) {
		return
	}
	for _, n := range candidates(root, pf.src, pySecretFallbackRE, "call") {
		callee := pf.text(n.ChildByFieldName("function"))
		canon := pf.canonical(callee)
		args := pyPositional(n)
		if len(args) == 0 {
			continue
		}
		var def *sitter.Node
		switch last := lastPart(canon); {
		case last == "getenv" || (last == "get" || last == "setdefault") && strings.Contains(canon, "environ"):
			if len(args) >= 2 {
				def = args[1]
			}
			if d := pyKeywordArg(pf, n, "default"); d != nil {
				def = d
			}
		case last == "config" && (canon == "config" || strings.Contains(canon, "decouple")),
			last == "env" || last == "str" && strings.HasSuffix(canon, "env.str"):
			// decouple and django-environ take the default by keyword only.
			def = pyKeywordArg(pf, n, "default")
		default:
			continue
		}
		name, ok := pyStringLit(pf, args[0])
		if !ok || !namesSigningSecret(name) {
			continue
		}
		v, ok := pyStringLit(pf, def)
		if !ok || !credentialLiteral(v) {
			continue
		}
		pf.secretFallbackHit(n, clip(callee)+"("+clip(pf.text(args[0]))+", "+maskedLiteral+")", v)
	}
	// os.environ.get("SECRET_KEY") or "literal".
	for _, n := range candidates(root, pf.src, pyOrLiteralRE, "boolean_operator") {
		left, right := n.ChildByFieldName("left"), n.ChildByFieldName("right")
		if left == nil || left.Type() != "call" || pf.text(n.ChildByFieldName("operator")) != "or" {
			continue
		}
		canon := pf.canonical(pf.text(left.ChildByFieldName("function")))
		last := lastPart(canon)
		if !(last == "getenv" || last == "get" && strings.Contains(canon, "environ")) {
			continue
		}
		args := pyPositional(left)
		if len(args) != 1 {
			continue
		}
		name, ok := pyStringLit(pf, args[0])
		if !ok || !namesSigningSecret(name) {
			continue
		}
		v, ok := pyStringLit(pf, right)
		if !ok || !credentialLiteral(v) {
			continue
		}
		pf.secretFallbackHit(n, clip(pf.text(left))+" or "+maskedLiteral, v)
	}
}

// pyOrLiteralRE finds x or "literal".
var pyOrLiteralRE = regexp.MustCompile(`\bor\s+[rbuRBU]?['"]`)

// pyKeywordArg is the value of a call's keyword argument, or nil.
func pyKeywordArg(pf *pyFile, call *sitter.Node, name string) *sitter.Node {
	args := call.ChildByFieldName("arguments")
	for i := 0; args != nil && i < int(args.NamedChildCount()); i++ {
		c := args.NamedChild(i)
		if c.Type() == "keyword_argument" && pf.text(c.ChildByFieldName("name")) == name {
			return c.ChildByFieldName("value")
		}
	}
	return nil
}

// jsSecretFallbackRE finds process.env.X || and process.env.X ??.
var jsSecretFallbackRE = regexp.MustCompile(`process\.env(\.\w+|\[\s*['"]\w+['"]\s*\])\s*(\|\||\?\?)`)

// secretFallbackJS reports process.env.JWT_SECRET || 'literal' (and ??)
// in one JS/TS file.
func (jf *jsFile) secretFallbackJS(root *sitter.Node) {
	if !hasSecretWord(jf.src) || devOnlyFileRE.MatchString(jf.rel) {
		return
	}
	for _, n := range candidates(root, jf.src, jsSecretFallbackRE, "binary_expression") {
		op := jf.text(n.ChildByFieldName("operator"))
		if op != "||" && op != "??" {
			continue
		}
		left := n.ChildByFieldName("left")
		name, ok := jsEnvName(jf, left)
		if !ok || !namesSigningSecret(name) {
			continue
		}
		v, ok := jsStringLit(jf, n.ChildByFieldName("right"))
		if !ok || !credentialLiteral(v) {
			continue
		}
		jf.hits = append(jf.hits, hit{rule: RuleSecretDefaultFallback, file: jf.rel, line: nline(n), col: ncol(n),
			sink: clip(jf.text(left)) + " " + op + " " + maskedLiteral, what: secretFallbackWhat,
			severity: logicSeverity(RuleSecretDefaultFallback, ""), fn: jf.enclosing(n), secret: v})
	}
}

// jsEnvName reads the variable name of process.env.X or process.env['X'].
func jsEnvName(jf *jsFile, n *sitter.Node) (string, bool) {
	if n == nil {
		return "", false
	}
	switch n.Type() {
	case "member_expression":
		if jf.text(n.ChildByFieldName("object")) == "process.env" {
			return jf.text(n.ChildByFieldName("property")), true
		}
	case "subscript_expression":
		if jf.text(n.ChildByFieldName("object")) == "process.env" {
			return jsStringLit(jf, n.ChildByFieldName("index"))
		}
	}
	return "", false
}
