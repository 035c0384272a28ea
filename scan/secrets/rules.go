package secrets

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
)

// builtinRules returns a fresh copy of every built-in rule, in the order
// they are documented. The list is explicit: adding a rule means adding it
// to one of the family lists below.
func builtinRules() []*rule {
	var all []*rule
	for _, family := range [][]*rule{
		cloudRules(), codeHostRules(), chatRules(), paymentRules(), modelProviderRules(),
		messagingRules(), registryRules(), platformRules(), keyRules(), configRules(), genericRules(),
	} {
		all = append(all, family...)
	}
	return all
}

// Checks shared by rules. Each receives the captured secret and the whole
// match.

// hasDigitAndLetter is true of nearly every random token and false of
// words, identifiers without digits and numbers.
func hasDigitAndLetter(s string) bool {
	var d, l bool
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			d = true
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
			l = true
		}
	}
	return d && l
}

// randomCase is true of a letters-only value that mixes case the way a
// random string does rather than the way a camelCase or PascalCase
// identifier does (every capital, or run of capitals, followed by a
// lower-case word): a 16-letter random password has no digit one time in
// sixteen and still deserves a finding.
func randomCase(s string) bool {
	if len(s) < 12 || !hasUpperAndLower(s) {
		return false
	}
	vowels := 0
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) {
			return false
		}
		if strings.IndexByte("aeiouAEIOU", s[i]) >= 0 {
			vowels++
		}
	}
	// Words are about 40% vowels; random letters about 20%.
	if vowels*5 < len(s) {
		return true
	}
	// Skip a lower-case prefix (camelCase), then require capitals+lowers
	// segments with at least two lower-case letters each; a trailing run
	// of capitals (an acronym) is allowed.
	i := 0
	for i < len(s) && s[i] >= 'a' {
		i++
	}
	for i < len(s) {
		for i < len(s) && s[i] < 'a' {
			i++
		}
		n := 0
		for i < len(s) && s[i] >= 'a' {
			i++
			n++
		}
		if n == 1 || (n == 0 && i < len(s)) {
			return true // a lone lower-case letter between capitals
		}
	}
	return false
}

// identifierLike is true of an alphanumeric value built from words and a
// number or two (encryptionKey1024, http2debug, v2Token): few switches
// between letters and digits and no random case. Random tokens switch
// between letters and digits every few characters.
func identifierLike(s string) bool {
	switches := 0
	var letters []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && !('0' <= c && c <= '9') {
			return false
		}
		if isLetter(c) {
			letters = append(letters, c)
		}
		if i > 0 && isLetter(c) != isLetter(s[i-1]) {
			switches++
		}
	}
	return switches <= 2 && !randomCase(string(letters))
}

// isASCII is true of every generated credential; a value with other
// characters (prose, a template such as «name») is not one.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func hasUpperAndLower(s string) bool {
	return strings.ToLower(s) != s && strings.ToUpper(s) != s
}

// decodeB64 decodes standard or URL-safe base64 with or without padding.
func decodeB64(s string) ([]byte, bool) {
	s = strings.TrimRight(s, "=")
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

// jwtCheck accepts a token whose header decodes to a JSON object naming an
// algorithm, which tells a JWT from any three dotted base64 runs.
func jwtCheck(secret, _ string) bool {
	head, _, _ := strings.Cut(secret, ".")
	b, ok := decodeB64(head)
	if !ok {
		return false
	}
	var h map[string]any
	if json.Unmarshal(b, &h) != nil {
		return false
	}
	if _, ok = h["alg"]; !ok {
		return false
	}
	return !demoJWT(secret)
}

// demoIssuers are JWT issuers of keys that a tool publishes in its own docs
// for local development, signed with a documented secret: Supabase's local
// stack hands every project the same anon and service_role keys with
// "iss":"supabase-demo". Such a key grants nothing outside a developer's
// machine, so reporting it is noise.
var demoIssuers = map[string]bool{"supabase-demo": true}

// demoJWT reports whether the token's payload names a documented demo issuer.
func demoJWT(secret string) bool {
	parts := strings.Split(secret, ".")
	if len(parts) < 2 {
		return false
	}
	b, ok := decodeB64(parts[1])
	if !ok {
		return false
	}
	var p struct {
		Iss string `json:"iss"`
	}
	if json.Unmarshal(b, &p) != nil {
		return false
	}
	return demoIssuers[p.Iss]
}

// discordCheck accepts a token whose first part is the base64 of a Discord
// snowflake id (17 to 20 digits), as every bot token's is.
func discordCheck(secret, _ string) bool {
	head, _, _ := strings.Cut(secret, ".")
	b, ok := decodeB64(head)
	if !ok || len(b) < 17 || len(b) > 20 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// privateKeyCheck accepts a key body with enough base64 to be a key, not a
// header string in code that parses keys.
func privateKeyCheck(secret, _ string) bool {
	n := 0
	for i := 0; i < len(secret); i++ {
		c := secret[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/' {
			n++
		}
	}
	return n >= 64 && !strings.Contains(secret, "...")
}

// defaultPasswords are the well-known defaults of database images and
// tutorials; a URL carrying one is a local development setting, not a leak.
var defaultPasswords = map[string]bool{
	"password": true, "pass": true, "passwd": true, "pwd": true, "secret": true, "postgres": true, "root": true,
	"admin": true, "test": true, "mysql": true, "redis": true, "guest": true, "user": true, "mongo": true,
	"example": true, "changeme": true, "*": true, "***": true, "****": true, "xxx": true, "xxxx": true,
}

func dbPasswordCheck(secret, _ string) bool {
	// Passwords of under four characters (u:pw@host) are documentation.
	return len(secret) >= 4 && isASCII(secret) && !defaultPasswords[strings.ToLower(secret)] && !strings.HasPrefix(secret, "%") &&
		!strings.HasPrefix(secret, "{") && !strings.HasPrefix(secret, ":")
}

// excludedNameWords mark a variable that is about a secret without holding
// one: its length, its location, its type, its public half. They are
// matched as whole words of the name (snake, kebab, dotted or camel case),
// so that "admin_password" is not mistaken for a "min" and "account_token"
// for a "count".
var excludedNameWords = map[string]bool{
	"public": true, "publishable": true, "url": true, "uri": true, "endpoint": true, "type": true, "length": true,
	"len": true, "size": true, "count": true, "max": true, "min": true, "file": true, "path": true, "dir": true,
	"field": true, "header": true, "param": true, "prefix": true, "regex": true, "pattern": true, "format": true,
	"label": true, "policy": true, "placeholder": true, "hint": true, "hash": true, "digest": true, "checksum": true,
	"sha1": true, "sha256": true, "sha512": true, "ttl": true, "expiry": true, "expires": true, "expiration": true,
	"timeout": true, "lifetime": true, "duration": true, "name": true, "mode": true, "kind": true, "algorithm": true,
	"validator": true, "required": true, "enabled": true, "rotation": true, "id": true, "version": true,
	"index": true, "limit": true, "tokenizer": true, "tokens": true, "template": true, "env": true, "var": true,
}

// keyOnlyExcluded are words that make "...Key" a lookup key rather than a
// credential, for names that carry no stronger secret word.
var keyOnlyExcluded = map[string]bool{
	"sort": true, "partition": true, "cache": true, "lookup": true, "idempotency": true, "primary": true,
	"foreign": true, "dedup": true, "object": true, "hot": true, "locale": true, "translation": true, "map": true,
	"column": true, "metric": true, "group": true, "feature": true, "flag": true, "react": true, "storage": true,
	"redis": true, "s3": true, "bucket": true, "row": true, "range": true, "hash": true, "cursor": true, "state": true,
	"context": true, "ctx": true, "query": true, "route": true, "i18n": true, "message": true, "msg": true,
	"error": true, "event": true, "item": true, "list": true, "dict": true, "config": true, "setting": true,
	"settings": true, "option": true, "options": true, "meta": true, "data": true, "record": true, "entry": true,
	"composite": true, "unique": true, "natural": true, "surrogate": true, "shard": true, "routing": true,
	"verifier": true, "verify": true, "verification": true,
}

// nameWords splits an identifier into lower-case words at '_', '-', '.',
// and camel-case boundaries (apiKey, APIKey, pkcs1Key).
func nameWords(name string) []string {
	var words []string
	var cur []byte
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		isUpper := 'A' <= c && c <= 'Z'
		isAlnum := isUpper || 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
		if !isAlnum {
			flush()
			continue
		}
		if isUpper && len(cur) > 0 {
			prev := cur[len(cur)-1]
			nextLower := i+1 < len(name) && 'a' <= name[i+1] && name[i+1] <= 'z'
			if 'a' <= prev && prev <= 'z' || '0' <= prev && prev <= '9' || ('A' <= prev && prev <= 'Z' && nextLower) {
				flush()
			}
		}
		cur = append(cur, c)
	}
	flush()
	return words
}

// strongName matches names that say outright that they hold a secret.
var strongName = regexp.MustCompile(`(?i)` + secretNames)

// nameCheck rejects assignments whose name says the value is metadata, and
// names that only end in "key" when they name a lookup key.
func nameCheck(name string) bool {
	words := nameWords(name)
	for _, w := range words {
		if excludedNameWords[w] {
			return false
		}
	}
	if strongName.MatchString(name) {
		return true
	}
	// A bare "...key" name: a credential only when key is the last word and
	// nothing says it is a lookup key.
	if len(words) == 0 || (words[len(words)-1] != "key" && words[len(words)-1] != "keys") {
		return false
	}
	for _, w := range words {
		if keyOnlyExcluded[w] {
			return false
		}
	}
	return true
}

// literalCheck is the check for a secret-named key in a configuration
// file: any literal except a number, a boolean, a path or a reference.
func literalCheck(secret, name string) bool {
	if !nameCheck(name) || !isASCII(secret) {
		return false
	}
	l := strings.ToLower(secret)
	if l == "true" || l == "false" || l == "null" || l == "none" || l == "yes" || l == "no" {
		return false
	}
	if strings.HasPrefix(secret, "/") || strings.HasPrefix(secret, "./") || strings.HasPrefix(secret, "~") {
		return false
	}
	return strings.Trim(secret, "0123456789.") != ""
}

// genericCheck is the check for a high-entropy value assigned to a
// secret-looking name in any file.
func genericCheck(secret, name string) bool {
	if len(secret) < 10 || len(secret) > 4096 || !isASCII(secret) || !nameCheck(name) || !(hasDigitAndLetter(secret) || randomCase(secret)) {
		return false
	}
	l := strings.ToLower(secret)
	for _, p := range []string{"http:", "https:", "file:", "urn:", "sha1:", "sha256:", "sha512:", "md5:", "/", "./", "../"} {
		if strings.HasPrefix(l, p) {
			return false
		}
	}
	// An UPPER_SNAKE or lower_snake identifier names a variable; it is not
	// the variable's value.
	if strings.Contains(secret, "_") && (strings.ToUpper(secret) == secret || strings.ToLower(secret) == secret) &&
		strings.Trim(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == "" {
		return false
	}
	if identifierLike(secret) {
		return false
	}
	// Dotted words (a.b.c), method chains and format verbs are code.
	if strings.ContainsAny(secret, "()[]{}") {
		return false
	}
	return !optionList(secret) && !encodedSentence(secret)
}

// encodedSentence reports whether s is standard base64 of words separated
// by spaces ("dGhlIHNhbXBsZSBub25jZQ==" is "the sample nonce", the
// WebSocket specification's example key): text, not random bytes. A
// user:password pair has no space and stays a secret.
func encodedSentence(s string) bool {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) < 8 || !bytes.Contains(b, []byte(" ")) {
		return false
	}
	for _, c := range b {
		if c < ' ' || c > '~' {
			return false
		}
	}
	return true
}

// optionList reports whether s is a comma-separated list of lower-case
// words, numbers and word=value options, the shape of a Go struct tag's
// options (protobuf_key:"bytes,1,opt,name=key", a field's wire type,
// number and name), not of a credential.
func optionList(s string) bool {
	parts := strings.Split(s, ",")
	if len(parts) < 3 {
		return false
	}
	words := 0
	for _, p := range parts {
		name, value, hasValue := strings.Cut(p, "=")
		switch {
		case name == "":
			return false
		case isDigits(name) && !hasValue:
		case lowerWord(name):
			words++
			if hasValue && strings.Trim(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.") != "" {
				return false
			}
		default:
			return false
		}
	}
	return words >= 2
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// lowerWord reports whether s is a lower-case identifier (letters, digits
// and underscores, starting with a letter).
func lowerWord(s string) bool {
	return s != "" && s[0] >= 'a' && s[0] <= 'z' && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == ""
}
