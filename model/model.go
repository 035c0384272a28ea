// Package model answers "what are we working on?": it loads threatmap.yaml
// into a validated graph of assets, components, surfaces, flows, trust
// boundaries, identities, controls and responses, keeping the file, line and
// column of every element and every field so that any later stage can point
// a user at the exact place to change.
package model

// FileName is the conventional name of a model file.
const FileName = "threatmap.yaml"

// Model is a loaded, validated threat model.
type Model struct {
	System     System      `yaml:"system" jsonschema:"required" jsonschema_description:"What the system is, who owns the model and when it was last reviewed."`
	Assets     []Asset     `yaml:"assets" jsonschema_description:"What you cannot afford to lose."`
	Components []Component `yaml:"components" jsonschema_description:"Clients, services, datastores, buckets, queues, third parties, CI/CD and admin panels."`
	Surfaces   []Surface   `yaml:"surfaces" jsonschema_description:"Where data enters or leaves: endpoints, webhooks, uploads, admin panels, storage, secrets and exits."`
	Flows      []Flow      `yaml:"flows" jsonschema_description:"How data moves between components."`
	Boundaries []Boundary  `yaml:"boundaries" jsonschema_description:"Trust zones; a flow that crosses one is checked."`
	Identities []Identity  `yaml:"identities" jsonschema_description:"Service accounts, IAM roles and tokens, and who uses them."`
	Controls   []Control   `yaml:"controls" jsonschema_description:"Named defences with a claimed status; evidence verifies or fails them."`
	Responses  Responses   `yaml:"responses" jsonschema_description:"What you do about each threat, keyed by threat id (RULE@ELEMENT)."`
	Rules      RuleConfig  `yaml:"rules" jsonschema_description:"Extra rule files and rules switched off for this model."`
	Scan       ScanConfig  `yaml:"scan" jsonschema_description:"How the scanners run on this repository."`
	Policy     Policy      `yaml:"policy" jsonschema_description:"What makes threatmap check fail."`

	// File is the model's file name as given to Load; Dir is the directory
	// that relative paths in the model are resolved against.
	File string `yaml:"-" json:"-"`
	Dir  string `yaml:"-" json:"-"`
	// Source holds the file's lines for showing errors in context.
	Source []string `yaml:"-" json:"-"`
}

// System describes the whole product.
type System struct {
	Name        string    `yaml:"name" jsonschema:"required" jsonschema_description:"The product's name."`
	Description string    `yaml:"description"`
	Owner       string    `yaml:"owner" jsonschema_description:"Who answers for this model."`
	Reviewed    Date      `yaml:"reviewed" jsonschema_description:"When the model was last reviewed against what runs (YYYY-MM-DD)."`
	ReviewedBy  string    `yaml:"reviewed_by" jsonschema_description:"Who did that review."`
	ReviewEvery Period    `yaml:"review_every" jsonschema_description:"How often it must be reviewed, e.g. 90d, 12w, 3m."`
	Loc         Locations `yaml:"-" json:"-"`
}

// Asset is something that would cause real damage if lost, leaked or abused.
type Asset struct {
	ID          string    `yaml:"id" jsonschema:"required,pattern=^[a-z0-9][a-z0-9._-]*$"`
	Name        string    `yaml:"name"`
	Kind        string    `yaml:"kind" jsonschema:"required,enum=user-data,enum=credentials,enum=credits,enum=integrity,enum=availability,enum=other" jsonschema_description:"user-data, credentials, credits (metered spend), integrity (billing state, outputs, reputation), availability or other."`
	Sensitivity string    `yaml:"sensitivity" jsonschema:"enum=low,enum=medium,enum=high,enum=critical" jsonschema_description:"How bad losing it is; defaults by kind (credentials critical, others high)."`
	Description string    `yaml:"description"`
	Loc         Locations `yaml:"-" json:"-"`
}

// Component is a running or third-party part of the system.
type Component struct {
	ID          string    `yaml:"id" jsonschema:"required,pattern=^[a-z0-9][a-z0-9._-]*$"`
	Name        string    `yaml:"name"`
	Kind        string    `yaml:"kind" jsonschema:"required,enum=client,enum=service,enum=function,enum=datastore,enum=bucket,enum=queue,enum=cache,enum=third-party,enum=ci,enum=admin,enum=registry,enum=other"`
	Description string    `yaml:"description"`
	Path        string    `yaml:"path" jsonschema_description:"Where the component's code lives, relative to the model."`
	RunsAs      string    `yaml:"runs_as" jsonschema_description:"The identity the component runs as."`
	Stores      []string  `yaml:"stores" jsonschema_description:"Assets the component stores."`
	Provider    string    `yaml:"provider" jsonschema_description:"For third parties: who runs it (stripe, openai, github, ...)."`
	Public      bool      `yaml:"public" jsonschema_description:"Reachable or readable from the internet without credentials (buckets, admin panels, datastores)."`
	Keys        string    `yaml:"keys" jsonschema:"enum=predictable,enum=opaque" jsonschema_description:"For buckets and stores: whether object keys can be guessed."`
	Encrypted   *bool     `yaml:"encrypted_at_rest" jsonschema_description:"Whether stored data is encrypted at rest."`
	Logging     *bool     `yaml:"access_logging" jsonschema_description:"Whether access to it is logged."`
	Audit       *bool     `yaml:"audit_log" jsonschema_description:"Whether changes made through it are recorded with who made them."`
	Refs        []string  `yaml:"refs" jsonschema_description:"Infrastructure resources that define it, e.g. aws_s3_bucket.uploads."`
	Handles     []string  `yaml:"handles" jsonschema:"enum=sql,enum=nosql,enum=ldap,enum=command,enum=xml,enum=deserialize,enum=file-path,enum=fetch-url,enum=template,enum=search,enum=eval,enum=allocate" jsonschema_description:"What the code does with caller input: builds sql, nosql or ldap queries, runs a command, parses xml, deserializes objects, opens a file-path by name, fetches a URL (fetch-url), renders a template, evals code, or sizes an allocation by it (allocate)."`
	Tags        []string  `yaml:"tags"`
	Loc         Locations `yaml:"-" json:"-"`
}

// Surface is a place where data enters or leaves the system.
type Surface struct {
	ID        string    `yaml:"id" jsonschema:"required,pattern=^[a-z0-9][a-z0-9._-]*$"`
	Name      string    `yaml:"name" jsonschema_description:"The label shown in the threat map; defaults to METHOD path for endpoints."`
	Kind      string    `yaml:"kind" jsonschema:"required,enum=endpoint,enum=webhook,enum=upload,enum=admin,enum=storage,enum=secret,enum=exit,enum=page,enum=queue,enum=command,enum=action,enum=job" jsonschema_description:"endpoint, webhook, upload, admin, storage, secret, exit, page, queue (a queue or its consumer), command (a chat bot's command or handler), action (a server action such as a Next.js 'use server' function), job (a scheduled job)."`
	Component string    `yaml:"component" jsonschema_description:"The component that serves or holds it."`
	Method    string    `yaml:"method" jsonschema:"enum=GET,enum=POST,enum=PUT,enum=PATCH,enum=DELETE,enum=HEAD,enum=OPTIONS,enum=ANY"`
	Path      string    `yaml:"path" jsonschema_description:"URL path, with parameters as :id or {id}; for commands the command (/ban), for actions file#export, for queues the queue or task, for jobs the job's name."`
	Exposure  string    `yaml:"exposure" jsonschema:"enum=public,enum=authenticated,enum=internal,enum=private" jsonschema_description:"Who can reach it: public (anyone), authenticated (any signed-up account), internal (private network), private (nobody outside the process)."`
	Auth      string    `yaml:"auth" jsonschema:"enum=none,enum=session,enum=token,enum=api-key,enum=basic,enum=mfa,enum=oauth,enum=mtls,enum=signature" jsonschema_description:"How callers prove who they are."`
	Assets    []string  `yaml:"assets" jsonschema_description:"Assets reachable through it."`
	Costly    bool      `yaml:"costly" jsonschema_description:"Each call spends metered credits (model tokens, paid API calls, compute)."`
	Sender    string    `yaml:"sender" jsonschema_description:"For webhooks: who sends them (stripe, github, slack, ...); for commands the chat platform (discord, telegram, slack)."`
	Privilege bool      `yaml:"privileged" jsonschema_description:"For commands, actions and jobs: it does what only some users may (moderation, configuration, broadcasts, spending, deleting)."`
	PermCheck string    `yaml:"permission" jsonschema:"enum=none,enum=role,enum=owner,enum=allowlist,enum=platform" jsonschema_description:"For commands: who may run it: none (anyone who can reach the bot; the default), role (a role or chat permission), owner (the bot's owner), allowlist (listed user ids), platform (the platform's default member permissions)."`
	Signature string    `yaml:"signature" jsonschema:"enum=none,enum=stripe,enum=github,enum=slack,enum=hmac,enum=other" jsonschema_description:"For webhooks: the signature scheme the sender uses."`
	IDs       string    `yaml:"ids" jsonschema:"enum=sequential,enum=uuid,enum=opaque" jsonschema_description:"How the objects it returns are identified."`
	Exit      string    `yaml:"exit" jsonschema:"enum=error,enum=log,enum=email,enum=export,enum=third-party-call,enum=response" jsonschema_description:"For exits: what kind of exit."`
	Content   []string  `yaml:"content" jsonschema_description:"What it carries when that matters: files, html, stack-traces, request-bodies, auth-headers, pii."`
	LLM       *LLM      `yaml:"llm" jsonschema_description:"Set when the surface feeds a language model or runs its output."`
	Handles   []string  `yaml:"handles" jsonschema:"enum=sql,enum=nosql,enum=ldap,enum=command,enum=xml,enum=deserialize,enum=file-path,enum=fetch-url,enum=template,enum=search,enum=eval,enum=allocate" jsonschema_description:"What the code does with caller input: builds sql, nosql or ldap queries, runs a command, parses xml, deserializes objects, opens a file-path by name, fetches a URL (fetch-url), renders a template, evals code, or sizes an allocation by it (allocate)."`
	Tags      []string  `yaml:"tags"`
	Loc       Locations `yaml:"-" json:"-"`
}

// LLM describes how a surface involves a language model.
type LLM struct {
	Input       []string  `yaml:"input" jsonschema_description:"What reaches the prompt: user, documents, web, email, tool-results."`
	Output      string    `yaml:"output" jsonschema:"enum=text,enum=html,enum=markdown,enum=code,enum=sql,enum=shell,enum=tool-calls" jsonschema_description:"What is done with the model's output."`
	Tools       []string  `yaml:"tools" jsonschema_description:"Tools the model may call on its own."`
	WriteTools  bool      `yaml:"write_tools" jsonschema_description:"Some tools change state, spend money or send messages."`
	Approval    bool      `yaml:"approval" jsonschema_description:"A person approves state-changing tool calls."`
	SharedState bool      `yaml:"shared_state" jsonschema_description:"Context, memory or cache is shared across users."`
	Loc         Locations `yaml:"-" json:"-"`
}

// Flow is data moving from one component to another.
type Flow struct {
	ID         string    `yaml:"id" jsonschema:"pattern=^[a-z0-9][a-z0-9._-]*$" jsonschema_description:"Defaults to FROM-to-TO."`
	From       string    `yaml:"from" jsonschema:"required"`
	To         string    `yaml:"to" jsonschema:"required"`
	Data       []string  `yaml:"data" jsonschema_description:"Assets carried."`
	Protocol   string    `yaml:"protocol" jsonschema_description:"https, http, grpc, tls, tcp, sql, amqp, ..."`
	Encrypted  *bool     `yaml:"encrypted" jsonschema_description:"Encrypted in transit; defaults from the protocol."`
	Credential string    `yaml:"credential" jsonschema_description:"The secret surface or identity used to authenticate."`
	Loc        Locations `yaml:"-" json:"-"`
}

// Boundary is a trust zone.
type Boundary struct {
	ID         string    `yaml:"id" jsonschema:"required,pattern=^[a-z0-9][a-z0-9._-]*$"`
	Name       string    `yaml:"name"`
	Components []string  `yaml:"components" jsonschema_description:"Components inside this zone."`
	Loc        Locations `yaml:"-" json:"-"`
}

// Identity is who a component runs as.
type Identity struct {
	ID      string    `yaml:"id" jsonschema:"required,pattern=^[a-z0-9][a-z0-9._-]*$"`
	Name    string    `yaml:"name" jsonschema_description:"The identity's name in its platform, e.g. super_bot_admin."`
	Kind    string    `yaml:"kind" jsonschema:"enum=iam-role,enum=iam-user,enum=service-account,enum=api-key,enum=bot-token,enum=user,enum=other"`
	UsedBy  []string  `yaml:"used_by" jsonschema_description:"Components that use it (also inferred from runs_as)."`
	Policy  string    `yaml:"policy" jsonschema_description:"Path of its policy document."`
	Scope   string    `yaml:"scope" jsonschema:"enum=least,enum=broad,enum=admin" jsonschema_description:"What the policy grants: least privilege, broad, or admin."`
	Expires Period    `yaml:"expires" jsonschema_description:"How long its credentials live, e.g. 1h, 90d; empty or never means they never expire."`
	Rotated bool      `yaml:"rotated" jsonschema_description:"Credentials are rotated on a schedule."`
	MFA     bool      `yaml:"mfa"`
	Refs    []string  `yaml:"refs" jsonschema_description:"Infrastructure resources that define it."`
	Loc     Locations `yaml:"-" json:"-"`
}

// Control is a named defence.
type Control struct {
	ID       string    `yaml:"id" jsonschema:"required,pattern=^[a-z0-9][a-z0-9._-]*$"`
	Name     string    `yaml:"name"`
	Kind     string    `yaml:"kind" jsonschema:"required" jsonschema_description:"What the control does, e.g. rate-limited, signature-verified, authentication, mfa, encrypted-at-rest. Kinds that evidence can check are verified or failed by it."`
	On       []string  `yaml:"on" jsonschema_description:"Elements it protects (surface, component, flow or identity ids); empty means the whole system."`
	Status   string    `yaml:"status" jsonschema:"enum=planned,enum=implemented,enum=verified,enum=failing" jsonschema_description:"The claimed status; evidence overrides implemented with verified or failing."`
	Evidence string    `yaml:"evidence" jsonschema_description:"Where the control can be seen (a file, a dashboard, a ticket)."`
	Owner    string    `yaml:"owner"`
	Loc      Locations `yaml:"-" json:"-"`
}

// RuleConfig adds and removes rules for this model.
type RuleConfig struct {
	Dirs    []string  `yaml:"dirs" jsonschema_description:"Directories of custom rule files, relative to the model (default: threatmap.rules if it exists)."`
	Disable []string  `yaml:"disable" jsonschema_description:"Rule ids switched off for this model."`
	Loc     Locations `yaml:"-" json:"-"`
}

// ScanConfig tunes the scanners for this repository.
type ScanConfig struct {
	Disable []string  `yaml:"disable" jsonschema_description:"Scanners not to run: secrets, deps, workflows, iam, iac, routes."`
	Exclude []string  `yaml:"exclude" jsonschema_description:"Paths (relative to the model) the scanners skip."`
	Include []string  `yaml:"include" jsonschema_description:"Paths the dependency scan reads although they are under a directory it skips by default (testdata, fixtures, test, tests, __tests__, docs)."`
	OSVDB   string    `yaml:"osv_db" jsonschema_description:"Offline OSV database for dependency scanning (a folder of OSV JSON or all.zip exports)."`
	Loc     Locations `yaml:"-" json:"-"`
}

// Policy says what makes `threatmap check` fail.
type Policy struct {
	FailPriority      int       `yaml:"fail_priority" jsonschema:"minimum=0,maximum=5" jsonschema_description:"Open threats of this priority or more urgent fail the gate (default 2; 0 turns it off)."`
	FailingControls   *bool     `yaml:"failing_controls" jsonschema_description:"Controls contradicted by evidence fail the gate (default true)."`
	ExpiredAccepts    *bool     `yaml:"expired_acceptances" jsonschema_description:"Accepted risks past their revisit date fail the gate (default true)."`
	Secrets           *bool     `yaml:"secrets" jsonschema_description:"Secrets found in the repository fail the gate (default true)."`
	Unmodeled         *bool     `yaml:"unmodeled_surfaces" jsonschema_description:"Routes in the code but not in the model fail the gate (default true)."`
	ReviewOverdue     *bool     `yaml:"review_overdue" jsonschema_description:"A model not reviewed within review_every fails the gate (default true)."`
	UnclaimedFindings *bool     `yaml:"unclaimed_findings" jsonschema_description:"Scanner findings of high or critical severity that no threat takes as evidence fail the gate (default true)."`
	AdvisoryDB        *bool     `yaml:"advisory_db" jsonschema_description:"Dependencies not checked against an advisory database fail the gate (default false)."`
	Loc               Locations `yaml:"-" json:"-"`
}
