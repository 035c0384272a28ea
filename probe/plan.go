package probe

import (
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

// Limits that hold whatever the user asks for, so that a typo in a flag
// cannot turn a probe into a load test.
const (
	// MaxBurst caps --burst.
	MaxBurst = 2000
	// MaxRequestsCap caps --max-requests.
	MaxRequestsCap = 20000
	// maxBody is how much of a response body is kept for evaluation.
	maxBody = 64 << 10
)

// Defaults for Options fields left zero.
const (
	DefaultBurst       = 150
	DefaultMaxRequests = 1000
	DefaultTimeout     = 5 * time.Second
	DefaultProbeTime   = 30 * time.Second
	DefaultMaxTime     = 2 * time.Minute
)

// Environment variables the probes read through Options.Getenv.
const (
	EnvWebhookSecret = "THREATMAP_WEBHOOK_SECRET"
	// EnvSecretPrefix is followed by the surface id in upper case with
	// every other character turned into _, e.g. THREATMAP_SECRET_STRIPE_WEBHOOK.
	EnvSecretPrefix = "THREATMAP_SECRET_"
	EnvUserAAuth    = "THREATMAP_USER_A_AUTH"
	EnvUserBAuth    = "THREATMAP_USER_B_AUTH"
	EnvUserBObject  = "THREATMAP_USER_B_OBJECT"
)

// Options configure planning and running.
type Options struct {
	// AllowWrites lets the plan send state-changing methods (PUT, PATCH,
	// DELETE, and POST to surfaces that are not webhooks) to surfaces the
	// model declares with that method.
	AllowWrites bool
	// Burst is the number of requests in a rate-limit burst.
	Burst int
	// LimitStatus is the status that signals rate limiting (default 429).
	LimitStatus int
	// MaxRequests bounds every request of the run, bursts included.
	MaxRequests int
	// Timeout bounds each request; ProbeTime bounds each probe; MaxTime
	// bounds the whole run.
	Timeout   time.Duration
	ProbeTime time.Duration
	MaxTime   time.Duration
	// Getenv reads secrets and credentials; nil reads nothing.
	Getenv func(string) string
	// Now is the clock signatures are dated by; nil means time.Now.
	Now func() time.Time
	// HMACHeader and HMACPrefix shape the generic hmac signature scheme:
	// HMACHeader: HMACPrefix + hex(HMAC-SHA256(secret, body)).
	HMACHeader string
	HMACPrefix string
	// RootCAs replaces the system's trusted roots for certificate checks
	// (tests use it for httptest TLS servers); nil uses the system roots.
	RootCAs *x509.CertPool
	// Insecure skips certificate verification for the HTTP probes (a
	// staging service with a self-signed certificate); the TLS probe still
	// reports the certificate.
	Insecure bool
}

func (o Options) withDefaults() Options {
	if o.Burst <= 0 {
		o.Burst = DefaultBurst
	}
	o.Burst = min(o.Burst, MaxBurst)
	if o.LimitStatus == 0 {
		o.LimitStatus = http.StatusTooManyRequests
	}
	if o.MaxRequests <= 0 {
		o.MaxRequests = DefaultMaxRequests
	}
	o.MaxRequests = min(o.MaxRequests, MaxRequestsCap)
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.ProbeTime <= 0 {
		o.ProbeTime = DefaultProbeTime
	}
	if o.MaxTime <= 0 {
		o.MaxTime = DefaultMaxTime
	}
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HMACHeader == "" {
		o.HMACHeader = "X-Signature"
	}
	return o
}

// Request is one HTTP request exactly as it will be sent, minus the values
// of secret headers, which are kept apart so that printing a plan or a
// result can never show them.
type Request struct {
	Method string
	// Path is the path below the target's base path, unescaped; Query is
	// the raw query string.
	Path   string
	Query  string
	Header http.Header
	Body   []byte
	// secret holds header values read from the environment; label names
	// where each came from, for printing.
	secret map[string]string
	label  map[string]string
	// Write marks a state-changing request the plan allowed because the
	// model declares the method and the user passed --allow-writes.
	Write bool
	// webhook marks a POST to a modeled webhook, which is what the sender
	// itself sends and needs no --allow-writes.
	webhook bool
}

// setSecretHeader adds a header whose value must never be printed.
func (r *Request) setSecretHeader(name, value, label string) {
	if r.secret == nil {
		r.secret, r.label = map[string]string{}, map[string]string{}
	}
	name = http.CanonicalHeaderKey(name)
	r.secret[name] = value
	r.label[name] = label
}

// TLSHandshake is a TLS connection attempt without an HTTP request.
type TLSHandshake struct {
	// MaxVersion, when set, offers only versions up to it (to check that
	// old versions are refused).
	MaxVersion uint16
	// Verify checks the certificate chain and host name.
	Verify bool
}

// Step is one request (possibly repeated, for bursts) or one handshake.
type Step struct {
	// Name says what the step tries, e.g. "unsigned" or "as user A".
	Name    string
	Request *Request
	TLS     *TLSHandshake
	// Repeat sends the request up to this many times (bursts); 0 means once.
	Repeat int
	// StopOn ends a burst at the first response with one of these statuses.
	StopOn []int
}

// Probe is one check of one subject: the steps to send and how to judge
// the answers.
type Probe struct {
	Check string
	// Subject names what the property is about, as a model author writes
	// it: "METHOD /path" of a surface, or "" for the whole system.
	Subject string
	// Also lists further subjects the same observation is recorded for
	// (an error-exit surface, a secret surface, the whole system).
	Also []string
	// Resource is the URL path the finding is about.
	Resource string
	// Surface is the model surface id, if the probe comes from one.
	Surface string
	Steps   []Step
	// Skip, when set, says why the probe is not run (a missing secret, a
	// write the user did not allow); it is reported, not sent.
	Skip string
	eval evaluator
}

// evaluator judges a probe's responses; the context carries the plan and
// the baseline answer for recognising catch-all pages.
type evaluator func(e *evalContext, results []StepResult) Outcome

// Plan is every probe to run against one target.
type Plan struct {
	Target  *url.URL
	Probes  []*Probe
	Options Options
	// Baseline is the request for a path that cannot exist; its answer lets
	// probes tell a catch-all page from a real one.
	Baseline *Request
	// secrets lists every secret value the plan holds, for redaction.
	secrets []string
	// Notes are things the user should know about the plan (a surface that
	// could not be probed and why).
	Notes []string
}

// baselinePath cannot exist on any sane service.
const baselinePath = "/.threatmap-probe-does-not-exist-7f3c9a"

// ValidateTarget checks that target is an absolute http or https URL with
// a host and nothing that would change where requests go.
func ValidateTarget(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("target %q: %w", raw, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("target %q: scheme must be http or https", raw)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("target %q: no host", raw)
	case u.User != nil:
		return nil, fmt.Errorf("target %q: credentials in the URL are not accepted; use the THREATMAP_USER_*_AUTH variables", redactUserinfo(u))
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("target %q: must not carry a query or fragment", raw)
	case u.Opaque != "":
		return nil, fmt.Errorf("target %q: not a base URL", raw)
	}
	if p := u.Port(); p != "" {
		if _, err := net.LookupPort("tcp", p); err != nil {
			return nil, fmt.Errorf("target %q: bad port %q", raw, p)
		}
	}
	out := &url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host), Path: strings.TrimSuffix(u.Path, "/")}
	return out, nil
}

func redactUserinfo(u *url.URL) string {
	c := *u
	c.User = url.User("REDACTED")
	return c.String()
}

// NewPlan builds the probes for m's surfaces and for discovered routes that
// the model does not list, against target (validated with ValidateTarget).
// m may be nil: the plan then holds only the system-wide probes (files,
// debug endpoints, transport, headers, CORS).
func NewPlan(m *model.Model, target *url.URL, routes []evidence.Route, opts Options) (*Plan, error) {
	if target == nil {
		return nil, fmt.Errorf("plan: no target")
	}
	t, err := ValidateTarget(target.String())
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	opts = opts.withDefaults()
	b := &planner{opts: opts, plan: &Plan{Target: t, Options: opts}, now: opts.Now()}
	b.plan.Baseline = &Request{Method: http.MethodGet, Path: baselinePath, Header: probeHeader()}
	b.readCredentials()
	var surfaces []model.Surface
	if m != nil {
		surfaces = m.Surfaces
		b.exitErrors = surfaceIDs(m, func(s model.Surface) bool { return s.Kind == "exit" && s.Exit == "error" })
		b.secretSurfaces = surfaceIDs(m, func(s model.Surface) bool { return s.Kind == "secret" })
	}
	for _, s := range surfaces {
		if s.Path == "" || !strings.HasPrefix(s.Path, "/") {
			continue
		}
		b.surface(s)
	}
	for _, r := range unmodeled(surfaces, routes) {
		b.route(r)
	}
	b.systemProbes()
	b.rateLimitProbes(m)
	b.plan.secrets = b.secrets
	return b.plan, nil
}

// planner accumulates probes in the order they run: cheap, quiet checks
// first, bursts last, so that a rate limiter tripped by a burst cannot
// change the answer to another probe.
type planner struct {
	opts           Options
	plan           *Plan
	now            time.Time
	userA, userB   string
	objectB        string
	secrets        []string
	exitErrors     []string
	secretSurfaces []string
	reachable      map[string]bool
	// preflight is the CORS preflight, aimed at the first modeled surface.
	preflight *Request
}

func (b *planner) add(p *Probe) { b.plan.Probes = append(b.plan.Probes, p) }

func (b *planner) note(format string, args ...any) {
	b.plan.Notes = append(b.plan.Notes, fmt.Sprintf(format, args...))
}

func (b *planner) readCredentials() {
	b.userA = strings.TrimSpace(b.opts.Getenv(EnvUserAAuth))
	b.userB = strings.TrimSpace(b.opts.Getenv(EnvUserBAuth))
	b.objectB = strings.TrimSpace(b.opts.Getenv(EnvUserBObject))
	for _, v := range []string{b.userA, b.userB} {
		if v != "" {
			b.secrets = append(b.secrets, v)
			if _, val, ok := splitHeaderValue(v); ok {
				b.secrets = append(b.secrets, val)
			}
		}
	}
}

// secretFor returns the webhook signing secret for surface id and the
// variable it came from.
func (b *planner) secretFor(id string) (string, string) {
	name := EnvSecretPrefix + envSuffix(id)
	if v := b.opts.Getenv(name); v != "" {
		b.secrets = append(b.secrets, v)
		return v, name
	}
	if v := b.opts.Getenv(EnvWebhookSecret); v != "" {
		b.secrets = append(b.secrets, v)
		return v, EnvWebhookSecret
	}
	return "", name
}

// envSuffix turns a surface id into the tail of an environment variable
// name: upper case, every other character an underscore.
func envSuffix(id string) string {
	var sb strings.Builder
	for _, r := range strings.ToUpper(id) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			sb.WriteRune(r)
		} else {
			sb.WriteByte('_')
		}
	}
	return sb.String()
}

var headerLine = regexp.MustCompile(`^([A-Za-z0-9-]+):\s*(.+)$`)

// splitHeaderValue reads a credential written as "Header-Name: value".
func splitHeaderValue(v string) (name, value string, ok bool) {
	m := headerLine.FindStringSubmatch(v)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// withCredential adds a user's credential: "Header: value" sets that
// header, anything else is the Authorization header's value.
func withCredential(r *Request, cred, label string) {
	if name, value, ok := splitHeaderValue(cred); ok {
		r.setSecretHeader(name, value, label)
		return
	}
	r.setSecretHeader("Authorization", cred, label)
}

func surfaceIDs(m *model.Model, keep func(model.Surface) bool) []string {
	var ids []string
	for _, s := range m.Surfaces {
		if keep(s) {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// unmodeled returns discovered routes that match no surface, in a stable
// order without duplicates.
func unmodeled(surfaces []model.Surface, routes []evidence.Route) []evidence.Route {
	var out []evidence.Route
	seen := map[string]bool{}
	for _, r := range routes {
		if r.Path == "" || !strings.HasPrefix(r.Path, "/") {
			continue
		}
		matched := slices.ContainsFunc(surfaces, func(s model.Surface) bool {
			return s.Path != "" && link.MethodMatches(s.Method, r.Method) && link.NormalizePath(s.Path) == link.NormalizePath(r.Path)
		})
		key := strings.ToUpper(r.Method) + " " + link.NormalizePath(r.Path)
		if matched || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b evidence.Route) int {
		return strings.Compare(a.Method+" "+a.Path, b.Method+" "+b.Path)
	})
	return out
}

// probeHeader is the header every probe request starts from; the
// User-Agent lets operators find probe traffic in their logs.
func probeHeader() http.Header {
	return http.Header{"User-Agent": {"threatmap-probe/1"}}
}

// isSafeMethod reports whether a method does not change state by HTTP's
// definition.
func isSafeMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

// probeMethod is the method sent to a surface: its own, or GET for ANY.
func probeMethod(s model.Surface) string {
	m := strings.ToUpper(s.Method)
	if m == "" || m == "ANY" {
		return http.MethodGet
	}
	return m
}

// subject writes a surface the way the model does: "METHOD /path" with the
// path as written, the method sent when the model says ANY.
func subject(method, path string) string { return method + " " + path }

var paramSegment = regexp.MustCompile(`^(:[A-Za-z_][A-Za-z0-9_]*|\{[^/}]*\}|<[^/>]*>|\[[^/\]]*\]|\*[A-Za-z_]*)$`)

// hasParam reports whether a path has a parameter segment.
func hasParam(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if paramSegment.MatchString(seg) {
			return true
		}
	}
	return false
}

// fillParams replaces every parameter segment with value; only the last
// parameter gets value when there are several, the others get "1", since the
// object under test is the innermost one.
func fillParams(p, value string) string {
	segs := strings.Split(p, "/")
	last := -1
	for i, seg := range segs {
		if paramSegment.MatchString(seg) {
			last = i
		}
	}
	for i, seg := range segs {
		if paramSegment.MatchString(seg) {
			if i == last {
				segs[i] = value
			} else {
				segs[i] = "1"
			}
		}
	}
	return strings.Join(segs, "/")
}
