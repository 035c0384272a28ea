package evidence

// Properties of application logic that code evidence can refute: a
// finding of the sinks scanner names the one it shows does not hold, and
// the rules that list the property among their controls pick it up.
const (
	// PaymentVerified: an order or plan is marked paid only after the
	// server asked the payment provider (or a signed webhook said so).
	PaymentVerified Property = "payment-verified"
	// LoginProof: a session is created only for a caller who proved who
	// they are (a password, a one-time code, a verified token).
	LoginProof Property = "login-proof"
	// HTTPOnlyCookies: browser sessions live in cookies scripts cannot
	// read, not in localStorage or sessionStorage.
	HTTPOnlyCookies Property = "httponly-cookies"
	// UploadValidation: an upload handler checks what kind of file it
	// takes; UploadSizeLimit: it caps how large.
	UploadValidation Property = "upload-validation"
	UploadSizeLimit  Property = "upload-size-limit"
	// SecretsServerSide: secrets are read only by server code, never
	// through a variable the bundler copies into the browser build.
	SecretsServerSide Property = "secrets-server-side"
	// PrivilegedKeyServerOnly: a key that bypasses the backend's own
	// authorization (a Supabase service-role key, a Firebase Admin service
	// account, the Hasura admin secret) is read only in server code. The
	// sinks scanner observes each read: holds in server code, does not
	// where the bundler ships it to the browser.
	PrivilegedKeyServerOnly Property = "privileged-key-server-only"
	// ResetTokenSingleUse: a password-reset token is good for one use: the
	// reset flow checks or clears stored state (a stored token, a used
	// flag, the password hash in the signing key), not only the signature
	// and expiry of a self-contained token.
	ResetTokenSingleUse Property = "reset-token-single-use"
	// Authorization: a bot command checks the caller's role, user id or
	// an allowlist (the route scanner's permission guard) before it acts.
	Authorization Property = "authorization"
	// NoHardcodedCredentials: no login, basic-auth account or credential
	// check accepts a password written in the code or its configuration.
	NoHardcodedCredentials Property = "no-hardcoded-credentials"
	// NoSensitiveLogging: handlers do not write passwords, tokens or whole
	// request bodies to the logs.
	NoSensitiveLogging Property = "no-sensitive-logging"
	// NoDefaultSecret: no signing or encryption secret read from the
	// environment falls back to a literal written in the code.
	NoDefaultSecret Property = "no-default-secret"
)
