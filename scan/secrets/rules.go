package secrets

import (
	"encoding/base64"
	"encoding/json"
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
	_, ok = h["alg"]
	return ok
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
	return !defaultPasswords[strings.ToLower(secret)] && !strings.HasPrefix(secret, "%") &&
		!strings.HasPrefix(secret, "{") && !strings.HasPrefix(secret, ":")
}

// excludedNameParts mark a variable that is about a secret without holding
// one: its length, its location, its type, its public half.
var excludedNameParts = []string{
	"public", "publishable", "url", "uri", "endpoint", "type", "length", "_len", "size", "count", "max", "min",
	"file", "path", "dir", "field", "header", "param", "prefix", "regex", "pattern", "format", "label",
	"policy", "placeholder", "hint", "hash", "digest", "checksum", "sha", "ttl", "expir", "timeout", "lifetime",
	"duration", "name", "mode", "kind", "store", "manager", "provider", "algorithm", "validator", "required",
	"enabled", "rotation", "id_", "_id", "version", "index", "limit", "tokenizer", "tokens_", "_tokens", "maxtoken",
}

// nameCheck rejects assignments whose name says the value is metadata.
func nameCheck(name string) bool {
	name = strings.ToLower(name)
	for _, p := range excludedNameParts {
		if strings.Contains(name, p) {
			return false
		}
	}
	return true
}

// literalCheck is the check for a secret-named key in a configuration
// file: any literal except a number, a boolean, a path or a reference.
func literalCheck(secret, name string) bool {
	if !nameCheck(name) {
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
	if len(secret) < 10 || len(secret) > 200 || !nameCheck(name) || !hasDigitAndLetter(secret) {
		return false
	}
	l := strings.ToLower(secret)
	for _, p := range []string{"http:", "https:", "file:", "sha1:", "sha256:", "sha512:", "md5:", "/", "./", "../"} {
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
	// Dotted words (a.b.c), method chains and format verbs are code.
	if strings.ContainsAny(secret, "()[]{}") {
		return false
	}
	return true
}
