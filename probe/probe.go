// Package probe tests a running service's defences by sending a few
// requests: it builds a Plan from the threat model's surfaces (and routes
// discovered in the code), prints it for a dry run, or runs it against the
// one host the user named and turns what came back into evidence the threat
// engine understands.
//
// Planning and running are separate so that a dry run shows every request
// that would be sent, byte for byte, and sends nothing. Running is bounded in
// requests (a global budget and per-probe caps) and in time (a per-request
// timeout, a per-probe limit and an overall deadline), never follows a
// redirect, never dials any host but the target, and never sends a
// state-changing request the model does not declare and the user has not
// allowed.
package probe

import (
	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// ScannerName is the Scanner field of every finding and observation a probe
// emits.
const ScannerName = "probe"

// Check describes one kind of probe: what it sends, what property it
// verifies and how serious a failure is. Checks are listed explicitly in
// Checks so that docs, SARIF rule help and the CLI share one source.
type Check struct {
	ID       string
	Title    string
	Property evidence.Property
	// Severity is the default severity of a failure; a probe may raise or
	// lower it for what it saw (an exposed .git/config is worse than a
	// missing header).
	Severity threatmap.Severity
	Help     string
}

// Check ids, also the Rule field of findings.
const (
	CheckAuth         = "probe-auth-required"
	CheckRateLimit    = "probe-rate-limit"
	CheckWebhookSig   = "probe-webhook-signature"
	CheckWebhookStale = "probe-webhook-replay"
	CheckObjectAuthz  = "probe-object-authorization"
	CheckUnreachable  = "probe-not-reachable"
	CheckVerboseError = "probe-verbose-errors"
	CheckTLS          = "probe-tls"
	CheckHeaders      = "probe-security-headers"
	CheckCORS         = "probe-cors"
	CheckExposedFile  = "probe-exposed-file"
)

// Checks is every check the probe runner knows, in the order plans list
// them.
var Checks = []Check{
	{ID: CheckExposedFile, Title: "Files that must never be served are not served", Property: evidence.NoExposedFiles, Severity: threatmap.Critical,
		Help: "Requests .env, .git/config, .git/HEAD, database dumps and backup archives and fails when the response body looks like the real file (a catch-all page that answers 200 for everything does not count). An exposed .env or .git is found by automated scanners within minutes; remove the files from the web root or deny dot-files and archives at the server."},
	{ID: CheckUnreachable, Title: "Admin, debug and internal paths are not reachable from outside", Property: evidence.NotPubliclyReachable, Severity: threatmap.High,
		Help: "Requests every admin, debug, dev and internal surface (from the model and from routes discovered in code) and well-known debug endpoints (pprof, expvar, actuator, server-status) without credentials. A 2xx answer fails; 401, 403 and 404 pass. Serve admin panels on a private network or behind strong authentication and an allowlist, and remove debug routes from production builds."},
	{ID: CheckAuth, Title: "Authenticated surfaces refuse requests without credentials", Property: evidence.Authentication, Severity: threatmap.High,
		Help: "Sends each surface that the model says needs authentication a request with no credentials; anything but 401, 403 or a redirect to a login page fails. Apply the authentication middleware to the route (or its router group) rather than checking inside some handlers."},
	{ID: CheckObjectAuthz, Title: "A user cannot read another user's object", Property: evidence.ObjectAuthorization, Severity: threatmap.High,
		Help: "With two users' credentials (THREATMAP_USER_A_AUTH, THREATMAP_USER_B_AUTH) and an object owned by user B (THREATMAP_USER_B_OBJECT), asks for B's object as B (must succeed, or the probe is inconclusive) and then as A (must be refused with 401, 403 or 404). Check ownership in the query that loads the object, and prefer opaque ids to sequential ones."},
	{ID: CheckWebhookSig, Title: "Webhooks reject unsigned and wrongly signed payloads", Property: evidence.SignatureVerified, Severity: threatmap.Critical,
		Help: "Posts the sender's kind of event to each webhook without a signature and with a signature made with the wrong secret; both must be refused. With the signing secret in THREATMAP_SECRET_<SURFACE_ID> or THREATMAP_WEBHOOK_SECRET, a correctly signed payload must also be accepted. Verify the signature over the raw body with the provider's library before parsing it."},
	{ID: CheckWebhookStale, Title: "Webhooks reject replayed payloads with a stale timestamp", Property: evidence.ReplayProtected, Severity: threatmap.High,
		Help: "For schemes that sign a timestamp (Stripe, Slack), posts a payload correctly signed an hour ago; it must be refused, while the same payload signed now is accepted. Needs the signing secret. Enforce the provider's tolerance (five minutes) and record event ids to make processing idempotent."},
	{ID: CheckVerboseError, Title: "Malformed input does not return stack traces, SQL or internal paths", Property: evidence.NoVerboseErrors, Severity: threatmap.Medium,
		Help: "Sends malformed input (a quote-laden id, a truncated JSON body) and fails when the response carries a stack trace, a database error or a server file path. Log the details server-side and answer with a generic message and a request id."},
	{ID: CheckTLS, Title: "HTTPS with TLS 1.2 or later and a valid certificate", Property: evidence.EncryptedInTransit, Severity: threatmap.High,
		Help: "For an https target, completes a verified TLS handshake (the certificate must chain to a trusted root and name the host) and checks that a handshake offering only TLS 1.0 and 1.1 is refused. A plain http target that is not loopback fails. Terminate TLS 1.2+ with a certificate from a public CA."},
	{ID: CheckHeaders, Title: "Responses carry the basic security headers", Property: evidence.SecurityHeaders, Severity: threatmap.Low,
		Help: "Checks that the service answers with X-Content-Type-Options: nosniff, framing protection (X-Frame-Options or a Content-Security-Policy frame-ancestors directive) and, over https, Strict-Transport-Security. Set them in one middleware for every response."},
	{ID: CheckCORS, Title: "CORS does not grant arbitrary origins access with credentials", Property: evidence.StrictCORS, Severity: threatmap.High,
		Help: "Sends a request and a preflight with an unknown Origin; fails when the response allows that origin (echoed, or *) together with Access-Control-Allow-Credentials: true, which lets any web page act as the logged-in user. Allow a fixed list of origins."},
	{ID: CheckRateLimit, Title: "A bounded burst is rate limited", Property: evidence.RateLimited, Severity: threatmap.Medium,
		Help: "Sends a bounded burst (--burst, default 150) to each reachable surface and passes when the service answers 429 (or the configured status) before the burst ends; the observed limit is reported. Costly endpoints without a limit let free accounts drain metered credits. Limit per client (for example 100 requests per minute per IP) and alert on spikes."},
}

// CheckByID returns the check with id.
func CheckByID(id string) (Check, bool) {
	for _, c := range Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}
