package sinks

import (
	"bytes"
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// RuleSecretInPublicEnv: code reads an environment variable whose prefix
// tells the bundler to inline its value into the browser build
// (NEXT_PUBLIC_, VITE_, REACT_APP_, EXPO_PUBLIC_, GATSBY_, NUXT_PUBLIC_)
// and whose name says it holds a secret: a service-role or secret key, a
// password, a database URL, a model provider's or a bot's token. Whatever
// the build inlines, every visitor can read in the page's JavaScript.

// publicEnvPrefixes are the prefixes that put a variable in the client
// bundle, with the tool that does it.
var publicEnvPrefixes = []struct{ prefix, tool string }{
	{"NEXT_PUBLIC_", "Next.js"},
	{"NUXT_PUBLIC_", "Nuxt"},
	{"EXPO_PUBLIC_", "Expo"},
	{"REACT_APP_", "Create React App"},
	{"GATSBY_", "Gatsby"},
	{"VITE_", "Vite"},
}

// envReadRE matches a read of a variable: process.env.NAME,
// process.env["NAME"], import.meta.env.NAME, import.meta.env?.NAME.
var envReadRE = regexp.MustCompile(`^(?:process\.env|import\.meta\.env)(?:\??\.([A-Z][A-Z0-9_]*)|(?:\?\.)?\[\s*["'\x60]([A-Z][A-Z0-9_]*)["'\x60]\s*\])$`)

// secretEnvWords are the words of a variable name that say it is a secret
// whatever else it says; publicEnvWords those that say a key is meant for
// the browser (a publishable, anonymous or site key).
var (
	secretEnvWords = map[string]bool{"SECRET": true, "SECRETS": true, "PASSWORD": true, "PASSWD": true, "PRIVATE": true}
	publicEnvWords = map[string]bool{"PUBLISHABLE": true, "ANON": true, "PUBLIC": true, "SITE": true, "CLIENT": true, "ID": true, "URL": true}
	// secretEnvPairs are word pairs that name a secret: SERVICE_ROLE,
	// DATABASE_URL.
	secretEnvPairs = map[string]bool{"SERVICE_ROLE": true, "SERVICE_KEY": true, "SERVICE_ACCOUNT": true, "DATABASE_URL": true, "DB_URL": true,
		"ADMIN_KEY": true, "MASTER_KEY": true, "AUTH_TOKEN": true, "BOT_TOKEN": true}
	// keyedProviders are services whose API key or token is always a
	// server-side credential (it spends money or acts as the account).
	keyedProviders = map[string]bool{"OPENAI": true, "ANTHROPIC": true, "CLAUDE": true, "GROQ": true, "MISTRAL": true, "COHERE": true,
		"REPLICATE": true, "HUGGINGFACE": true, "HF": true, "DEEPSEEK": true, "PERPLEXITY": true, "OPENROUTER": true, "GEMINI": true,
		"TOGETHER": true, "FIREWORKS": true, "XAI": true, "ELEVENLABS": true, "SENDGRID": true, "RESEND": true, "MAILGUN": true,
		"POSTMARK": true, "TWILIO": true, "GITHUB": true, "SLACK": true, "TELEGRAM": true, "DISCORD": true, "NOTION": true, "AIRTABLE": true}
	keyWords = map[string]bool{"KEY": true, "APIKEY": true, "TOKEN": true}
)

// secretEnvName reports whether the part of a variable's name after its
// public prefix names a secret.
func secretEnvName(rest string) bool {
	ws := strings.Split(rest, "_")
	for i, w := range ws {
		if i+1 < len(ws) && secretEnvPairs[w+"_"+ws[i+1]] {
			return true
		}
	}
	for _, w := range ws {
		if secretEnvWords[w] {
			return true
		}
	}
	for _, w := range ws {
		if publicEnvWords[w] {
			return false
		}
	}
	provider, key := false, false
	for _, w := range ws {
		provider = provider || keyedProviders[w]
		key = key || keyWords[w]
	}
	return provider && key
}

// publicEnvSecretJS reports every read of a browser-inlined variable that
// names a secret, outside server-only files (API routes, "use server"
// modules, files importing server-only), whose code never reaches the
// bundle.
func (jf *jsFile) publicEnvSecretJS(root *sitter.Node) {
	if !bytes.Contains(jf.src, []byte("env")) || serverOnlyFile(jf.rel, jf.src) {
		return
	}
	walkTS(root, func(c *sitter.Node) bool {
		if c.Type() != "member_expression" && c.Type() != "subscript_expression" {
			return true
		}
		m := envReadRE.FindStringSubmatch(jf.text(c))
		if m == nil {
			return true
		}
		name := m[1] + m[2]
		for _, p := range publicEnvPrefixes {
			if rest, ok := strings.CutPrefix(name, p.prefix); ok && rest != "" && secretEnvName(rest) {
				jf.hits = append(jf.hits, hit{rule: RuleSecretInPublicEnv, file: jf.rel, line: nline(c), col: ncol(c), sink: clip(jf.text(c)),
					what: p.tool + " inlines " + name + " into the JavaScript every visitor downloads", severity: logicSeverity(RuleSecretInPublicEnv, "")})
				break
			}
		}
		return false
	}, 0)
}

// serverOnlyFile reports a module that never reaches a browser bundle: an
// API route (pages/api, app/api, server/api), a "use server" module, or
// one that imports server-only or dotenv (a Node script).
func serverOnlyFile(rel string, src []byte) bool {
	p := "/" + strings.ReplaceAll(rel, "\\", "/")
	if strings.Contains(p, "/pages/api/") || strings.Contains(p, "/app/api/") || strings.Contains(p, "/server/api/") {
		return true
	}
	head := src
	if len(head) > 512 {
		head = head[:512]
	}
	return serverDirectiveRE.Match(head) || serverImportRE.Match(src)
}

var serverImportRE = regexp.MustCompile(`(?:from\s+|import\s+|require\(\s*)["'](?:server-only|dotenv(?:/config)?)["']`)

var serverDirectiveRE = regexp.MustCompile(`^\s*(?://[^\n]*\n\s*)*["']use server["']`)
