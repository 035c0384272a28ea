package sinks

import (
	"bytes"
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/internal/prefilter"
)

// Keys that bypass a backend's own authorization: a Supabase service-role
// key (row-level security is not applied to it), a Firebase Admin service
// account (Firestore and Storage security rules are not applied), the
// Hasura admin secret (permissions are not applied). The scanner records
// where such a key is read as an observation of evidence.PrivilegedKeyServerOnly:
// it holds for a read in server code (a variable no bundler inlines, a
// server-only module, any Python file) and does not for a read the bundler
// copies into the browser build. The rule privileged-key-bypasses-authorization
// speaks of the key either way; the observation decides its status.

// rulePrivilegedKey marks the hits that become observations, not findings.
const rulePrivilegedKey = "privileged-key"

// privilegedKeyKinds name, by the words of a variable, the key and what it
// bypasses. The first match wins.
var privilegedKeyKinds = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`(^|_)SERVICE_ROLE_(KEY|SECRET|JWT|TOKEN)$|^SUPABASE_SERVICE_ROLE$|^SUPABASE_(SERVICE|SECRET|ADMIN)_KEY$`), "a Supabase service-role key, which row-level security does not apply to"},
	{regexp.MustCompile(`^FIREBASE_(ADMIN_)?(PRIVATE_KEY|SERVICE_ACCOUNT(_KEY|_JSON|_BASE64)?|ADMIN_(KEY|CREDENTIALS?|SDK\w*))$`), "a Firebase Admin service account, which Firestore and Storage security rules do not apply to"},
	{regexp.MustCompile(`^HASURA(_GRAPHQL)?_ADMIN_SECRET$`), "the Hasura admin secret, which Hasura permissions do not apply to"},
}

// privilegedKeyKind says what a variable name (after any public prefix)
// names, or "" for an ordinary one.
func privilegedKeyKind(name string) string {
	name = strings.ToUpper(name)
	for _, k := range privilegedKeyKinds {
		if k.re.MatchString(name) {
			return k.what
		}
	}
	return ""
}

// observeKey records one read of a privileged key.
func observeKey(file string, at *sitter.Node, name, what string, holds bool, where string) hit {
	detail := name + " (" + what + ") read " + where
	return hit{rule: rulePrivilegedKey, file: file, line: nline(at), col: ncol(at), sink: name, what: detail, holds: holds}
}

// privilegedKeyJS records the reads of privileged keys through process.env
// or import.meta.env, and Firebase Admin initialised with a credential.
func (jf *jsFile) privilegedKeyJS(root *sitter.Node) {
	// Only files that name such a key, or load Firebase Admin, are walked.
	hasEnv := jsPrivilegedWordRE.Match(jf.src) && (bytes.Contains(jf.src, []byte("process.env")) || bytes.Contains(jf.src, []byte("import.meta.env")))
	admin := firebaseAdminJSRE.Match(jf.src)
	if !hasEnv && !admin {
		return
	}
	server := serverOnlyFile(jf.rel, jf.src)
	client := !server && clientDirectiveRE.Match(head(jf.src))
	seen := map[string]bool{}
	walkTS(root, func(c *sitter.Node) bool {
		switch c.Type() {
		case "member_expression", "subscript_expression":
			m := envReadRE.FindStringSubmatch(jf.text(c))
			if m == nil {
				return true
			}
			name := m[1] + m[2]
			rest, tool := name, ""
			for _, p := range publicEnvPrefixes {
				if r, ok := strings.CutPrefix(name, p.prefix); ok {
					rest, tool = r, p.tool
					break
				}
			}
			what := privilegedKeyKind(rest)
			if what == "" || seen[name] {
				return false
			}
			seen[name] = true
			switch {
			case tool != "" && !server:
				jf.hits = append(jf.hits, observeKey(jf.rel, c, name, what, false, "through a variable "+tool+" inlines into the browser build"))
			case client:
				// A "use client" module: the bundler does not inline the
				// value, but the module runs in the browser too.
				jf.hits = append(jf.hits, observeKey(jf.rel, c, name, what, false, "in a client module (\"use client\")"))
			case tool != "":
				jf.hits = append(jf.hits, observeKey(jf.rel, c, name, what, true, "only in server code (a server-only module)"))
			default:
				jf.hits = append(jf.hits, observeKey(jf.rel, c, name, what, true, "only in server code, through a variable no bundler inlines"))
			}
			return false
		case "call_expression":
			if !admin || seen["firebase-admin"] {
				return true
			}
			callee := lastPart(jf.text(c.ChildByFieldName("function")))
			if callee != "initializeApp" || !strings.Contains(jf.text(c), "credential") {
				return true
			}
			seen["firebase-admin"] = true
			what := "a Firebase Admin service account, which Firestore and Storage security rules do not apply to"
			if client {
				jf.hits = append(jf.hits, observeKey(jf.rel, c, "firebase-admin", what, false, "in a client module (\"use client\")"))
			} else {
				jf.hits = append(jf.hits, observeKey(jf.rel, c, "firebase-admin", what, true, "in server code"))
			}
		}
		return true
	}, 0)
}

var jsPrivilegedWordRE = prefilter.MustCompile(`SERVICE_ROLE|SUPABASE_(SERVICE|SECRET|ADMIN)_KEY|FIREBASE_|HASURA`)

var firebaseAdminJSRE = regexp.MustCompile(`["']firebase-admin(/app)?["']`)

var clientDirectiveRE = regexp.MustCompile(`^\s*(?://[^\n]*\n\s*)*["']use client["']`)

func head(src []byte) []byte {
	if len(src) > 512 {
		return src[:512]
	}
	return src
}

// privilegedKeyPy records the first read of each privileged key in a
// Python file (a string naming the variable, or a settings attribute or
// field named after it), and Firebase Admin initialised with a
// certificate. Python runs on the server, so each holds.
func (pf *pyFile) privilegedKeyPy(root *sitter.Node) {
	if !pyPrivilegedWordRE.Match(pf.src) {
		return
	}
	seen := map[string]bool{}
	walkTS(root, func(c *sitter.Node) bool {
		name := ""
		switch c.Type() {
		case "comment":
			return false
		case "string":
			name = strings.Trim(pf.text(c), `"'`)
		case "identifier":
			name = pf.text(c)
		case "call":
			if callee := pf.canonical(pf.text(c.ChildByFieldName("function"))); strings.HasPrefix(callee, "firebase_admin") && strings.HasSuffix(callee, "initialize_app") && !seen["firebase_admin"] {
				seen["firebase_admin"] = true
				pf.hits = append(pf.hits, observeKey(pf.rel, c, "firebase_admin", "a Firebase Admin service account, which Firestore and Storage security rules do not apply to", true, "in server code"))
			}
			return true
		default:
			return true
		}
		what := privilegedKeyKind(name)
		if what == "" || seen[strings.ToUpper(name)] {
			return false
		}
		seen[strings.ToUpper(name)] = true
		pf.hits = append(pf.hits, observeKey(pf.rel, c, name, what, true, "in server code"))
		return false
	}, 0)
}

var pyPrivilegedWordRE = prefilter.MustCompile(`(?i)service_role|supabase_(service|secret|admin)_key|firebase|hasura`)
