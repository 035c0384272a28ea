// Package evidence is what scanners and probes hand to the rest of the
// pipeline: findings (something is wrong), routes (a surface the code
// serves) and observations (a property holds or does not for a subject).
//
// Scanners import this package and the root threatmap package only; they
// know nothing of rules, assessments or renderers.
package evidence

import (
	"cmp"
	"context"
	"slices"

	"github.com/threatmap/threatmap"
)

// Finding is one problem a scanner or probe observed. Fields that do not
// apply to a scanner are left empty and omitted from JSON.
type Finding struct {
	// Scanner names the scanner family: secrets, deps, workflows, iam, iac,
	// routes, probe.
	Scanner string `json:"scanner"`
	// Rule is the scanner's own rule id, e.g. "aws-access-key-id".
	Rule     string             `json:"rule"`
	Severity threatmap.Severity `json:"severity"`
	Message  string             `json:"message"`
	// File is relative to the scanned root, with forward slashes.
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// Commit is set by history scans.
	Commit string `json:"commit,omitempty"`
	// Secret is masked unless the user asked for secrets to be revealed.
	Secret      string `json:"secret,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	// Resource names what the finding is about: an IaC address such as
	// aws_s3_bucket.uploads, an IAM role or policy name, a workflow job, a
	// probed URL path.
	Resource string `json:"resource,omitempty"`
	// URL is the address a probe requested: the location of a finding
	// that has no file.
	URL string `json:"url,omitempty"`
	// Package, Version, Ecosystem, Advisory, Aliases and Fixed describe a
	// dependency finding.
	Package   string   `json:"package,omitempty"`
	Version   string   `json:"version,omitempty"`
	Ecosystem string   `json:"ecosystem,omitempty"`
	Advisory  string   `json:"advisory,omitempty"`
	Aliases   []string `json:"aliases,omitempty"`
	Fixed     string   `json:"fixed,omitempty"`
	// Property is the property this finding shows does not hold (one of the
	// Property constants), so that the threat engine can match it to the
	// model's claims and controls without knowing scanner rule ids.
	Property Property `json:"property,omitempty"`
	// CodeFlow is set by code scanners that follow input to a sink.
	CodeFlow
}

// Pos returns the finding's location.
func (f Finding) Pos() threatmap.Position {
	return threatmap.Position{File: f.File, Line: f.Line, Column: f.Column}
}

// Where is the finding's location for people: file:line:col, or the URL a
// probe requested, or the resource, never a bare ":0".
func (f Finding) Where() string {
	if p := f.Pos().String(); p != "" {
		return p
	}
	if f.URL != "" {
		return f.URL
	}
	return f.Resource
}

// Route is a surface the code serves: an HTTP route, or (Kind set) an entry
// point that is not HTTP, such as a bot command or a scheduled job.
type Route struct {
	// Kind is empty for an HTTP route; otherwise one of the RouteKind
	// constants. Method and Path then name the entry point in that kind's
	// own terms (a command name, a schedule, a queue).
	Kind   string `json:"kind,omitempty"`
	Method string `json:"method"`
	// Path is normalised: parameters are written {name}, e.g. /api/documents/{id}.
	Path      string `json:"path"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Framework string `json:"framework"`
	Handler   string `json:"handler,omitempty"`
	// HandlerFile is the file that defines the handler when it is not the
	// registration's file (router.post('/x', controller.create) with
	// exports.create in controllers/x.js); HandlerFunc names the function
	// there, and HandlerLine is its first line when the file was read.
	HandlerFile string `json:"handler_file,omitempty"`
	HandlerFunc string `json:"handler_func,omitempty"`
	HandlerLine int    `json:"handler_line,omitempty"`
	// Guards lists the protections that apply: auth, auth-optional,
	// rate-limit, signature, ip-allowlist, csrf, permission.
	Guards []string `json:"guards"`
	// Tags classifies the route: debug, admin, internal, test, dev,
	// auth-endpoint (login, register, token, password reset), unmounted (the
	// app's entry point never mounts the file that registers it).
	Tags []string `json:"tags,omitempty"`
}

// Route kinds for entry points that are not HTTP routes.
const (
	RouteKindBotCommand   = "bot-command"   // a chat bot's command or handler
	RouteKindBotWebhook   = "bot-webhook"   // the HTTP endpoint a bot platform posts updates to
	RouteKindServerAction = "server-action" // a Next.js 'use server' function
	RouteKindQueue        = "queue"         // a queue or topic consumer
	RouteKindCron         = "cron"          // a scheduled job
)

// Route tags with a meaning beyond classification.
const (
	TagUnmounted    = "unmounted"
	TagAuthEndpoint = "auth-endpoint"
)

// Unresolved is a registration a scanner saw but could not turn into a
// route: a path built at run time, a router passed through an unknown call.
// It is reported so that a missing route is never silent.
type Unresolved struct {
	Scanner string `json:"scanner"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Reason  string `json:"reason"`
}

// Guard names recognised in Route.Guards.
const (
	GuardAuth        = "auth"
	GuardRateLimit   = "rate-limit"
	GuardSignature   = "signature"
	GuardIPAllowlist = "ip-allowlist"
	GuardCSRF        = "csrf"
	// GuardAuthOptional is authentication that lets anonymous callers
	// through (optional JWT, IsAuthenticatedOrReadOnly on a read): it is
	// never counted as GuardAuth.
	GuardAuthOptional = "auth-optional"
	// GuardPermission is a permission check on a bot command
	// (has_permissions, is_owner, an admin filter).
	GuardPermission = "permission"
)

// Observation records whether a property holds for a subject. Scanners emit
// observations for what they can confirm (a bucket is encrypted, a pipeline
// runs secret scanning and fails the build on findings) as well as for what
// they refute, so that a control can be verified and not only failed.
type Observation struct {
	Scanner  string   `json:"scanner"`
	Property Property `json:"property"`
	// Subject is what the property is about, in the same vocabulary as
	// Finding.Resource; empty means the whole repository.
	Subject string `json:"subject,omitempty"`
	Holds   bool   `json:"holds"`
	Detail  string `json:"detail,omitempty"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
}

// Property is a security property that evidence can confirm or refute. The
// model's controls name the property they rely on, which is how a control's
// status is computed from evidence.
type Property string

// Properties that scanners and probes report on.
const (
	// Repository hygiene.
	NoSecretsInRepo Property = "no-secrets-in-repo"
	EnvIgnored      Property = "env-ignored"

	// Route guards and live behaviour.
	Authentication       Property = "authentication"
	RateLimited          Property = "rate-limited"
	SignatureVerified    Property = "signature-verified"
	ReplayProtected      Property = "replay-protected"
	IPAllowlisted        Property = "ip-allowlisted"
	CSRFProtected        Property = "csrf-protected"
	ObjectAuthorization  Property = "object-authorization"
	NotPubliclyReachable Property = "not-publicly-reachable"
	NoVerboseErrors      Property = "no-verbose-errors"
	SecurityHeaders      Property = "security-headers"
	StrictCORS           Property = "strict-cors"
	NoExposedFiles       Property = "no-exposed-files"

	// Infrastructure.
	EncryptedAtRest     Property = "encrypted-at-rest"
	EncryptedInTransit  Property = "encrypted-in-transit"
	PublicAccessBlocked Property = "public-access-blocked"
	NotInternetExposed  Property = "not-internet-exposed"
	AccessLogging       Property = "access-logging"
	NonRootContainer    Property = "non-root-container"
	PinnedImage         Property = "pinned-image"
	SecretsNotInConfig  Property = "secrets-not-in-config"

	// Identities.
	LeastPrivilege   Property = "least-privilege"
	UnsharedIdentity Property = "unshared-identity"

	// Supply chain and pipelines.
	NoKnownVulnerabilities Property = "no-known-vulnerabilities"
	DependenciesPinned     Property = "dependencies-pinned"
	ActionsPinned          Property = "actions-pinned"
	WorkflowPermissions    Property = "workflow-permissions"
	NoWorkflowInjection    Property = "no-workflow-injection"
	CISecretScanning       Property = "ci-secret-scanning"
	CIVulnScanning         Property = "ci-vulnerability-scanning"
	CISBOM                 Property = "ci-sbom"

	// AuditLog: an account-wide audit trail (CloudTrail) records API calls.
	AuditLog Property = "audit-log"
)

// Set is everything gathered from one or more scanners.
type Set struct {
	Findings     []Finding     `json:"findings"`
	Routes       []Route       `json:"routes,omitempty"`
	Observations []Observation `json:"observations,omitempty"`
	Unresolved   []Unresolved  `json:"unresolved,omitempty"`
}

// Add appends the contents of other to s.
func (s *Set) Add(other Set) {
	s.Findings = append(s.Findings, other.Findings...)
	s.Routes = append(s.Routes, other.Routes...)
	s.Observations = append(s.Observations, other.Observations...)
	s.Unresolved = append(s.Unresolved, other.Unresolved...)
}

// Sort puts every list in a stable order (file, line, column, rule, ...),
// so that output is deterministic whatever order scanners worked in.
func (s *Set) Sort() {
	slices.SortStableFunc(s.Findings, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Commit, b.Commit),
			cmp.Compare(a.Resource, b.Resource),
			cmp.Compare(a.Package, b.Package),
			cmp.Compare(a.Advisory, b.Advisory),
			cmp.Compare(a.Fingerprint, b.Fingerprint),
			cmp.Compare(a.Message, b.Message),
		)
	})
	slices.SortStableFunc(s.Routes, func(a, b Route) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Method, b.Method),
			cmp.Compare(a.Kind, b.Kind),
		)
	})
	slices.SortStableFunc(s.Unresolved, func(a, b Unresolved) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Scanner, b.Scanner),
			cmp.Compare(a.Reason, b.Reason),
		)
	})
	slices.SortStableFunc(s.Observations, func(a, b Observation) int {
		return cmp.Or(
			cmp.Compare(a.Property, b.Property),
			cmp.Compare(a.Subject, b.Subject),
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			compareBool(a.Holds, b.Holds),
			cmp.Compare(a.Detail, b.Detail),
		)
	})
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	default:
		return 1
	}
}

// Scanner gathers evidence from a directory tree. Implementations must not
// follow symlinks out of root, must honour ctx cancellation, and must mask
// secrets unless configured otherwise. Paths in the returned Set are relative
// to root with forward slashes.
type Scanner interface {
	Name() string
	Scan(ctx context.Context, root string) (Set, error)
}

// RuleInfo describes one of a scanner's rules: what `--format sarif` shows
// as help and the docs list. Every scanner exports its rules as RuleInfo.
type RuleInfo struct {
	ID          string
	Title       string
	Description string
	// Severity is the rule's usual severity; a finding may carry another
	// (an advisory's own rating, a trigger that raises the stakes).
	Severity threatmap.Severity
	// Property is the property a finding of this rule refutes, if any.
	Property Property
}
