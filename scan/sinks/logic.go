package sinks

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"

	sitter "github.com/smacker/go-tree-sitter"
)

// Patterns shared by the application-logic checks (payment.go,
// session.go, webstorage.go, upload.go). They read a function's text as a
// whole, because what they look for is the absence of a call.

// paymentProviderRE matches code that asks a payment provider or handles
// its signed notification: a handler with any of these is not reported.
var paymentProviderRE = regexp.MustCompile(`(?i)stripe|paypal|braintree|adyen|paddle|razorpay|mollie|lemon.?squeez|square|checkout|capture|verif|webhook|signature|construct_?event|payment.?intent|ipn|retrieve`)

// proofRE matches code that checks who the caller is before a session is
// made: a password comparison, a one-time code, a verified token, an OAuth
// code exchange.
var proofRE = regexp.MustCompile(`(?i)compare|verif|check_?pass|checkpw|bcrypt|argon|scrypt|pbkdf|hash|timing_?safe|authenticate|\botp\b|totp|oauth|exchange|\btoken\b|_token|token_|Token|jwt|magic|invit|nonce|signature|\bcode\b`)

// createsAccountRE matches a handler that makes the account it signs in:
// a new user proves nothing, but there is nobody to impersonate either.
var createsAccountRE = regexp.MustCompile(`(?i)sign.?up|register|create|insert|invite`)

// words splits an identifier or key into lower-case words:
// accessToken -> access, token; user_session-id -> user, session, id.
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

// credentialWords are the words that make a storage key or a value name a
// credential.
var credentialWords = map[string]bool{"token": true, "tokens": true, "jwt": true, "auth": true, "authorization": true, "sessionid": true,
	"credential": true, "credentials": true, "bearer": true, "apikey": true, "accesstoken": true, "refreshtoken": true, "idtoken": true, "authtoken": true}

// namesCredential reports a key or identifier that names a credential.
func namesCredential(s string) bool {
	ws := words(s)
	for i, w := range ws {
		if credentialWords[w] {
			return true
		}
		// "session" alone may be UI state; a session id or key is not.
		if w == "session" && i+1 < len(ws) && (ws[i+1] == "id" || ws[i+1] == "key" || ws[i+1] == "token") {
			return true
		}
	}
	return false
}

// authURLRE matches a request to an endpoint that answers with a session:
// axios.post('/api/users/login', ...), fetch(`${API}/auth/token`).
var authURLRE = regexp.MustCompile("(?i)(fetch|axios|api|http|client|request|post|put|get)\\w*(\\.\\w+)?\\s*\\(\\s*['\"`][^'\"`]*(login|log-in|signin|sign-in|sign_in|/auth\\b|/auth/|/token|/session|register|signup|sign-up|sign_up)")

// logicRule reports the rules whose finding says what a handler does not
// do, rather than what reaches a sink.
func logicRule(rule string) bool {
	switch rule {
	case RulePaymentUnverified, RuleLoginWithoutProof, RuleTokenInWebStorage, RuleUploadNoSizeLimit, RuleUploadNoTypeCheck, RuleSecretInPublicEnv, RuleResetTokenReusable,
		RuleHardcodedCredential, RuleLoginLiteral, RuleSensitiveLogged, RuleSecretDefaultFallback:
		return true
	}
	return false
}

// codeText is a node's source with its comments blanked, so that a
// comment ("verify later") does not count as a call.
func codeText(n *sitter.Node, src []byte) string {
	if n == nil {
		return ""
	}
	start, end := n.StartByte(), n.EndByte()
	out := []byte(string(src[start:end]))
	walkTS(n, func(c *sitter.Node) bool {
		if c.Type() == "comment" {
			for i := c.StartByte(); i < c.EndByte(); i++ {
				if out[i-start] != '\n' {
					out[i-start] = ' '
				}
			}
			return false
		}
		return true
	}, 0)
	return string(out)
}

// logicWords says which application-logic checks a file's text can
// concern, so that the others are not run on it.
type logicWords struct {
	paid, session, storage, upload, logged bool
}

var (
	paidWordRE    = regexp.MustCompile(`(?i)paid|payed`)
	sessionWordRE = regexp.MustCompile(`(?i)session|log_?in|sign_?in|authcookie`)
	storageWordRE = regexp.MustCompile(`localStorage|sessionStorage`)
	uploadWordRE  = regexp.MustCompile(`UploadFile|request\.(files|FILES)`)
)

func wordsIn(src []byte) logicWords {
	return logicWords{paid: paidWordRE.Match(src), session: sessionWordRE.Match(src), storage: storageWordRE.Match(src), upload: uploadWordRE.Match(src), logged: mayLog(src)}
}

// mayLog reports a file that can write to a log (a case-insensitive
// regular expression over every file costs more than the check itself).
func mayLog(src []byte) bool {
	for _, w := range []string{"log", "Log", "LOG", "print"} {
		if bytes.Contains(src, []byte(w)) {
			return true
		}
	}
	return false
}
