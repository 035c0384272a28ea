package sinks

import (
	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// Rule ids of the sinks scanner.
const (
	RuleSQL         = "sql-string-built"
	RuleNoSQL       = "nosql-injection"
	RuleCommand     = "command-injection"
	RuleCode        = "code-injection"
	RuleDeserialize = "unsafe-deserialization"
	RuleXXE         = "xml-external-entities"
	RulePath        = "path-traversal"
	RuleSSRF        = "ssrf"
	RuleTemplate    = "template-injection"
	RuleLDAP        = "ldap-injection"
	RuleAllocation  = "request-sized-allocation"
	RuleParseError  = "parse-error"

	RulePaymentUnverified  = "payment-unverified"
	RuleLoginWithoutProof  = "login-without-proof"
	RuleTokenInWebStorage  = "token-in-web-storage"
	RuleUploadNoSizeLimit  = "upload-no-size-limit"
	RuleUploadNoTypeCheck  = "upload-no-type-check"
	RuleSecretInPublicEnv  = "secret-in-public-env"
	RuleResetTokenReusable = "reset-token-reusable"

	RuleHardcodedCredential   = "hardcoded-credential"
	RuleLoginLiteral          = "login-literal-credential"
	RuleSensitiveLogged       = "sensitive-data-logged"
	RuleSecretDefaultFallback = "secret-default-fallback"
)

// Rules lists the scanner's rules: SARIF help and the docs are built from it.
func Rules() []evidence.RuleInfo {
	return []evidence.RuleInfo{
		{ID: RuleSQL, Title: "SQL built from strings reaches a query call", Severity: threatmap.High, Property: evidence.NoSQLInjection,
			Description: "A query is built by concatenation, an f-string, %-formatting, .format, a template literal or fmt.Sprintf with a value that is not a constant, and passed to execute, query, raw or exec. Pass values as parameters (?, %s, $1 placeholders) instead."},
		{ID: RuleNoSQL, Title: "NoSQL filter shaped by input", Severity: threatmap.High, Property: evidence.NoNoSQLInjection,
			Description: "A Mongo filter holds a $where clause built from a variable, or a whole request object (req.body, request.json) is passed as the filter, so the caller can send operators such as $ne or $gt. Pick the fields you expect and cast them to strings."},
		{ID: RuleCommand, Title: "Shell command built from a variable", Severity: threatmap.Critical, Property: evidence.NoCommandInjection,
			Description: "os.system, os.popen, subprocess with shell=True or a command string, child_process.exec or execSync, or exec.Command(\"sh\", \"-c\", x) runs a command line that is not a constant. Pass an argument list without a shell, or quote with shlex.quote."},
		{ID: RuleCode, Title: "String evaluated as code", Severity: threatmap.Critical, Property: evidence.NoCodeInjection,
			Description: "eval, exec, new Function, vm.run* or mathjs.eval runs request-derived text as code (high), or text that is not a constant and whose origin was not traced, such as a stored username (medium); setTimeout and setInterval only with request-derived strings."},
		{ID: RuleDeserialize, Title: "Unsafe deserialization", Severity: threatmap.High, Property: evidence.NoUnsafeDeserialization,
			Description: "pickle, marshal, dill, jsonpickle, yaml.load without a safe loader, or node-serialize's unserialize turns bytes into live objects and can run code while doing so. Use JSON, or yaml.safe_load."},
		{ID: RuleXXE, Title: "XML parser resolves external entities", Severity: threatmap.High, Property: evidence.NoXXE,
			Description: "lxml's XMLParser(resolve_entities=True), lxml parsing request input with its default parser, an expat or SAX parser with external general entities on, or libxmljs with noent: true lets a document read local files or reach internal URLs. Use defusedxml, or turn entity resolution off."},
		{ID: RulePath, Title: "File path from the request", Severity: threatmap.High, Property: evidence.NoPathTraversal,
			Description: "open, send_file, FileResponse, res.sendFile, res.download, fs.readFile, http.ServeFile or os.Open receives a path built from request input, so ../ can reach any file the process can read. Reduce the name to its base name or use send_from_directory or sendFile with a root."},
		{ID: RuleSSRF, Title: "Outbound request to a URL from the request", Severity: threatmap.High, Property: evidence.NoSSRF,
			Description: "requests, urllib, httpx, fetch, axios, got, http.Get or http.NewRequest is called with a URL whose start (scheme and host) comes from request input, so the server can be made to call internal addresses such as the cloud metadata service. Allow-list the hosts."},
		{ID: RuleTemplate, Title: "Template compiled from request input", Severity: threatmap.High, Property: evidence.NoTemplateInjection,
			Description: "render_template_string, jinja2 Template, Environment.from_string, ejs.render, pug.compile, Handlebars.compile or text/template Parse receives template text built from request input, which runs template code on the server. Render a fixed template and pass the input as a variable."},
		{ID: RuleLDAP, Title: "LDAP filter built from request input", Severity: threatmap.High, Property: evidence.NoLDAPInjection,
			Description: "An LDAP search filter is built from request input without escaping, so (, ), * and | change the query. Escape with the library's filter escaping."},
		{ID: RuleAllocation, Title: "Allocation sized by request input", Severity: threatmap.Medium, Property: evidence.BoundedAllocation,
			Description: "make, Buffer.alloc, new Array or repeat receives a size taken from the request, so one call can exhaust memory. Cap the size first."},
		{ID: RulePaymentUnverified, Title: "Order marked paid without asking the payment provider", Severity: threatmap.High, Property: evidence.PaymentVerified,
			Description: "A request handler sets a paid flag (isPaid = true, status: 'paid') and never calls the payment provider or checks a signed notification, so the payment result is whatever the client sends. Capture or look up the payment on the server (PayPal orders API, a Stripe PaymentIntent) and mark the order paid from that answer, or from a verified webhook."},
		{ID: RuleLoginWithoutProof, Title: "Session created from a request-supplied id", Severity: threatmap.High, Property: evidence.LoginProof,
			Description: "A request handler signs in a user it found from a value the request carries (a user id, a payment provider's checkout session id) and checks no password, one-time code or verified token, so whoever holds the value signs in as that user. Sign the user in only from proof the caller gave, or check that the value belongs to the session already open."},
		{ID: RuleTokenInWebStorage, Title: "Credential kept in web storage", Severity: threatmap.Medium, Property: evidence.HTTPOnlyCookies,
			Description: "Browser code stores a token (a key or value that names one, or the answer of a login request) in localStorage or sessionStorage, where any script on the page can read it. Keep sessions in HttpOnly, Secure, SameSite cookies."},
		{ID: RuleUploadNoSizeLimit, Title: "Upload without a size limit", Severity: threatmap.Medium, Property: evidence.UploadSizeLimit,
			Description: "A multer upload has no limits.fileSize, or a FastAPI UploadFile is read with no size check, so one request can fill the disk or memory. Set a file size (and count) limit in the parser and at the proxy."},
		{ID: RuleUploadNoTypeCheck, Title: "Upload without a file-type check", Severity: threatmap.Medium, Property: evidence.UploadValidation,
			Description: "An upload handler (multer without fileFilter, formidable without filter, FastAPI UploadFile, Flask request.files) stores or processes files and nothing in its file looks at the content type, extension or magic bytes. Check the type on the server, from the content."},
		{ID: RuleSecretInPublicEnv, Title: "Secret read through a browser-inlined variable", Severity: threatmap.High, Property: evidence.SecretsServerSide,
			Description: "Code reads process.env or import.meta.env with a prefix that makes the bundler copy the value into the browser build (NEXT_PUBLIC_, VITE_, REACT_APP_, EXPO_PUBLIC_, GATSBY_, NUXT_PUBLIC_) and a name that says the value is a secret (a secret or service-role key, a password, a database URL, a model provider's or a bot's token). Every visitor can read it from the page's JavaScript. Rename the variable without the prefix, read it only in server code (an API route or server action that calls the provider), and rotate the value that shipped."},
		{ID: RuleResetTokenReusable, Title: "Password-reset token good for more than one use", Severity: threatmap.Medium, Property: evidence.ResetTokenSingleUse,
			Description: "A password-reset handler accepts a token checked only by a stateless decode (jwt.decode, jsonwebtoken.verify, an itsdangerous or Django signing loads): its signature and expiry. Nothing stored is checked or cleared, so the token works again until it expires, also after the password changed. Store a random token (hashed) and delete it on use, or put a one-time id or the current password hash in the signed data and check it."},
		{ID: RuleHardcodedCredential, Title: "Account with a password written in the code", Severity: threatmap.High, Property: evidence.NoHardcodedCredentials,
			Description: "A basic-auth middleware or a user table (express-basic-auth users, gin.Accounts, a Flask-HTTPAuth users dict, requests' HTTPBasicAuth) holds a password that is a string literal, in the code or in a configuration module it reads. Every copy of the code has the same password, and anyone who reads the repository can log in. Read the password from the environment or a secret store, and rotate the one that shipped."},
		{ID: RuleLoginLiteral, Title: "Login compares the password with a literal", Severity: threatmap.High, Property: evidence.NoHardcodedCredentials,
			Description: "A login, authenticate or basic-auth check compares a password (or secret) with a string literal (password == \"pass\"), so the account is open to anyone who reads the code: a demo user left in place, or a shared admin password. Look the user up in a store and compare a slow hash (bcrypt, argon2) of the password instead."},
		{ID: RuleSecretDefaultFallback, Title: "Signing secret falls back to a literal", Severity: threatmap.High, Property: evidence.NoDefaultSecret,
			Description: "A signing or encryption secret (SECRET_KEY, JWT_SECRET, SESSION_SECRET, APP_KEY, SIGNING_KEY ...) is read from the environment with a literal default (os.getenv(\"SECRET_KEY\", \"dev\"), config(\"SECRET_KEY\", default=...), process.env.JWT_SECRET || 'secret'). A deployment that forgets the variable signs sessions and tokens with a value published in the code, and anyone who reads it can forge them. Refuse to start when the variable is missing, and rotate the secret if a deployment ran on the default."},
		{ID: RuleSensitiveLogged, Title: "Password or token written to the log", Severity: threatmap.Medium, Property: evidence.NoSensitiveLogging,
			Description: "A request handler logs the whole request body (which carries the password on a login or sign-up) or a variable named password, secret or token. Logs are kept longer, shipped further and read by more people than the database. Log the fields you need, never credentials, and redact bodies in the logger."},
		{ID: RuleParseError, Title: "Source file could not be parsed", Severity: threatmap.Info,
			Description: "The file has a syntax error, so sinks in it may be missing."},
	}
}

// ruleByID returns a rule's metadata; the zero value for an unknown id.
func ruleByID(id string) evidence.RuleInfo {
	for _, r := range Rules() {
		if r.ID == id {
			return r
		}
	}
	return evidence.RuleInfo{ID: id, Title: id}
}
