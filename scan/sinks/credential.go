package sinks

import (
	"bytes"
	"regexp"
	"slices"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// Literal credentials: a basic-auth account table or user dict whose
// password is a string literal (hardcoded-credential), and a login check
// that compares a password with a literal (login-literal-credential).
// Both read names and literals only; what they report is masked like
// every secret (hit.secret).

// passwordLastWords are the last words of a name that holds a password:
// password, req.body.password, adminPass, basic_auth_pwd, clientSecret.
var passwordLastWords = map[string]bool{"password": true, "passwd": true, "pwd": true, "pass": true, "passphrase": true, "passcode": true, "secret": true, "pw": true, "psw": true}

// lastNameWords splits the last part of a member chain (req.body.password,
// user->pwd, obj["secret"]) into words, quotes and brackets dropped.
func lastNameWords(name string) []string {
	if i := strings.LastIndexAny(name, ".>"); i >= 0 {
		name = name[i+1:]
	}
	return words(strings.Trim(name, `"'[]`+"`"))
}

// namesPassword reports a name (an identifier or the last part of a member
// chain) that holds a password or secret. A name whose last word says it
// is something about the password (passwordLength, password_hash,
// passwordConfirm, secretName) does not.
func namesPassword(name string) bool {
	ws := lastNameWords(name)
	if len(ws) == 0 {
		return false
	}
	last := ws[len(ws)-1]
	if passwordLastWords[last] {
		return true
	}
	if len(ws) >= 2 && last == "key" && (ws[len(ws)-2] == "api" || ws[len(ws)-2] == "secret") {
		return true
	}
	return last == "apikey"
}

// notCredentialLiterals are literals a password is compared with that are
// not passwords: type names and empty markers.
var notCredentialLiterals = map[string]bool{"null": true, "undefined": true, "none": true, "nil": true, "true": true, "false": true,
	"string": true, "object": true, "number": true, "boolean": true, "function": true, "text": true}

// credentialLiteral reports a literal a password may be: not empty, not
// blank, not a type name or a template placeholder.
func credentialLiteral(v string) bool {
	if strings.TrimSpace(v) == "" || notCredentialLiterals[strings.ToLower(v)] {
		return false
	}
	if strings.ContainsAny(v, "${}") && (strings.Contains(v, "${") || strings.HasPrefix(v, "{{")) {
		return false
	}
	return !strings.HasPrefix(v, "<") || !strings.HasSuffix(v, ">")
}

// A password compared with a literal is reported where the nearest
// function decides a login (authContextRE), and anywhere it is paired, in
// one conjunction, with a user name compared with a literal (username ==
// "admin" && password == "admin"): a literal account is a literal account
// whatever the function is called.

// authContextRE matches the function or file names a login check lives
// in; a password compared with a literal elsewhere (a strength check, a
// settings form) is not reported.
var authContextRE = regexp.MustCompile(`(?i)log_?in|sign_?in|authent|authori[sz]|\bauth|auth_|_auth|Auth|credential|basic|verify_?pass|check_?pass|verify_?user|validate_?user|validator|passport`)

// credentialStems gate the credential checks: a file (or, for an
// equality, a line) without any of them, in any case, cannot hold a
// literal password check or account table, and is not looked at. A plain
// search of the lower-cased text: a case-insensitive regular expression
// over every file costs more than the checks.
var credentialStems = [][]byte{[]byte("pass"), []byte("pwd"), []byte("secret"), []byte("api_key"), []byte("apikey"), []byte("basicauth"),
	[]byte("basic_auth"), []byte("basic-auth"), []byte("timingsafeequal"), []byte("safecompare"), []byte("compare_digest"), []byte("httpdigestauth")}

func hasCredentialWord(b []byte) bool {
	lower := bytes.ToLower(b)
	for _, s := range credentialStems {
		if bytes.Contains(lower, s) {
			return true
		}
	}
	return false
}

// constantCompareCalls compare a password in constant time: a literal in
// one of their arguments is a literal comparison too.
var constantCompareCalls = map[string]bool{"ConstantTimeCompare": true, "compare_digest": true, "timingSafeEqual": true, "safeCompare": true, "safe_str_cmp": true, "constant_time_compare": true}

// maskedLiteral is how a sink shows the literal: never the value itself
// (the finding's secret field carries it, masked unless revealed).
const maskedLiteral = `"…"`

// credentialWhat is the message tail of a literal comparison.
const credentialWhat = "compares the password with a literal written in the code, so anyone who reads it can log in"

// userLastWords are the last words of a name that holds a user name.
var userLastWords = map[string]bool{"user": true, "username": true, "name": true, "email": true, "login": true, "uname": true, "account": true, "userid": true, "usr": true, "mail": true}

// namesUser reports a name (an identifier or the last part of a member
// chain) that holds a user name: username, req.body.email, user_name.
func namesUser(name string) bool {
	if i := strings.LastIndexAny(name, ".>"); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Trim(name, `"'[]`+"`")
	ws := words(name)
	return len(ws) > 0 && userLastWords[ws[len(ws)-1]]
}

// candidates finds the nodes the credential checks look at without walking
// the whole tree (a cgo call per node): for each match of re in src, the
// nearest enclosing node of one of the given types. A comparison counts
// only when its line holds a credential word; a match ending in an
// opening brace stands for the brace. Nodes come in source order,
// once each.
func candidates(root *sitter.Node, src []byte, re *regexp.Regexp, types ...string) []*sitter.Node {
	var out []*sitter.Node
	seen := map[uintptr]bool{}
	row, lineStart, scanned := 0, 0, 0
	for _, m := range re.FindAllIndex(src, -1) {
		off := m[0]
		if src[m[1]-1] == '{' {
			// users = {: the node wanted is the dict that opens there.
			off = m[1] - 1
		}
		// Advance the row count to off.
		for scanned < off {
			if src[scanned] == '\n' {
				row++
				lineStart = scanned + 1
			}
			scanned++
		}
		if bytes.HasPrefix(src[m[0]:m[1]], []byte("=")) {
			end := bytes.IndexByte(src[off:], '\n')
			if end < 0 {
				end = len(src) - off
			}
			if !hasCredentialWord(src[lineStart : off+end]) {
				continue
			}
		}
		pt := sitter.Point{Row: uint32(row), Column: uint32(off - lineStart)}
		n := root.NamedDescendantForPointRange(pt, pt)
		for n != nil && !slices.Contains(types, n.Type()) {
			n = n.Parent()
		}
		if n == nil {
			continue
		}
		id := uintptr(n.StartByte())<<20 ^ uintptr(n.EndByte()) ^ uintptr(len(n.Type()))<<40
		if !seen[id] {
			seen[id] = true
			out = append(out, n)
		}
	}
	return out
}

// loginLiteralHit is the finding for a password compared with a literal
// at node at: `name op "…"`, or `callee(name, "…")` when the comparison is
// a call (callee not empty). The literal goes only in the secret field.
func loginLiteralHit(file string, at *sitter.Node, name, op, callee string, f fn, secret string) hit {
	sink := clip(name) + " " + op + " " + maskedLiteral
	if callee != "" {
		sink = clip(callee) + "(" + clip(name) + ", " + maskedLiteral + ")"
	}
	return hit{rule: RuleLoginLiteral, file: file, line: nline(at), col: ncol(at), sink: sink, what: credentialWhat,
		severity: logicSeverity(RuleLoginLiteral, ""), fn: f, secret: secret}
}
