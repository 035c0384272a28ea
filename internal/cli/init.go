package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/repofs"
)

func (c *Command) initCmd() *cobra.Command {
	var name string
	var force, noScan bool
	var exclude []string
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a commented starter threatmap.yaml (with surfaces drafted from the code's routes)",
		Long: `init writes DIR/threatmap.yaml: a short, commented model that validates, with
the system, assets every product has, and the surfaces route discovery finds
in the code (each marked for review). It never overwrites an existing model
unless --force is given, and writes atomically.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			dir = c.path(dir)
			st, err := os.Stat(dir)
			if err != nil || !st.IsDir() {
				return usageError("init: %s is not a directory", dir)
			}
			target := filepath.Join(dir, model.FileName)
			if _, err := os.Stat(target); err == nil && !force {
				return usageError("init: %s already exists (use --force to overwrite)", target)
			}
			if name == "" {
				abs, _ := filepath.Abs(dir)
				name = filepath.Base(abs)
			}
			var routes []evidence.Route
			if !noScan {
				routes = c.discoverRoutes(repofs.WithExclude(cmd.Context(), exclude), dir)
			}
			authKind := "session"
			if len(routes) > 0 {
				authKind = draftAuthKind(cmd.Context(), dir)
			}
			// Several registrations can make one surface (the methods of
			// a path, a command and its aliases): surfaces counts what was
			// written.
			text, surfaces := starterModel(name, c.now().Format("2006-01-02"), routes, authKind)
			text += scanExcludeSection(exclude)
			if _, diags := model.Parse(target, []byte(text)); diags.HasErrors() {
				return fmt.Errorf("init: the drafted model does not validate (a bug):\n%s", diags)
			}
			if _, err := os.Lstat(target); err == nil {
				// --force over an existing model: rewrite the file the
				// user means, as review does (through an in-tree link,
				// keeping mode, owner and hard links).
				if _, err := editInPlace(target, []byte(text)); err != nil {
					return inputError(fmt.Errorf("init: %w", err))
				}
			} else if err := writeFileAtomic(target, []byte(text)); err != nil {
				return fmt.Errorf("init: %w", err)
			}
			fmt.Fprintf(c.Stdout, "wrote %s (%s drafted from %s found in the code); edit it, then run: threatmap report %s\n",
				target, count(surfaces, "surface", "surfaces"), count(len(routes), "entry point", "entry points"), dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the system's name (default: the directory's name)")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing threatmap.yaml")
	cmd.Flags().BoolVar(&noScan, "no-scan", false, "do not draft surfaces from the code's routes")
	cmd.Flags().StringSliceVar(&exclude, "exclude", nil, "do not read files matching `PATTERN` (dist/, **/generated/, a path; repeatable); written to the model's scan.exclude")
	return cmd
}

// scanExcludeSection renders the model's scan.exclude for init --exclude,
// "" when none was given.
func scanExcludeSection(patterns []string) string {
	if len(patterns) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n# Paths the scanners never read (init --exclude).\nscan:\n  exclude:\n")
	for _, p := range patterns {
		// A JSON string is a YAML double-quoted scalar.
		q, _ := json.Marshal(p)
		fmt.Fprintf(&b, "    - %s\n", q)
	}
	return b.String()
}

// discoverRoutes runs the route scanner, if one is wired in, over dir.
func (c *Command) discoverRoutes(ctx context.Context, dir string) []evidence.Route {
	for _, s := range c.scanners(&model.Model{Dir: dir}) {
		if s.Name() != "routes" {
			continue
		}
		set, err := s.Scan(ctx, dir)
		if err != nil {
			fmt.Fprintf(c.Stderr, "threatmap: warning: route discovery: %v\n", err)
			return nil
		}
		set.Sort()
		// Routes in files the app never mounts are not surfaces.
		return slices.DeleteFunc(set.Routes, func(r evidence.Route) bool { return slices.Contains(r.Tags, evidence.TagUnmounted) })
	}
	return nil
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it into place, so a crash never leaves a half-written file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	// CreateTemp makes the file private; a new model or report is as
	// readable as any file the user writes.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

var (
	nonID       = regexp.MustCompile(`[^a-z0-9]+`)
	plainScalar = regexp.MustCompile(`^[A-Za-z0-9/_.-][A-Za-z0-9/_. -]*$`)
)

// routeSurfaceID derives a surface id from a route: POST /api/chat gives
// post-api-chat.
func routeSurfaceID(r evidence.Route) string {
	id := strings.Trim(nonID.ReplaceAllString(strings.ToLower(r.Method+" "+r.Path), "-"), "-")
	if id == "" {
		id = "route"
	}
	return id
}

// StarterModel renders the commented starter model, with guarded routes
// drafted as auth: session.
func StarterModel(name, today string, routes []evidence.Route) string {
	return StarterModelAuth(name, today, routes, "session")
}

// StarterModelAuth renders the commented starter model; guarded routes get
// auth: authKind (session or token).
func StarterModelAuth(name, today string, routes []evidence.Route, authKind string) string {
	text, _ := starterModel(name, today, routes, authKind)
	return text
}

// starterModel renders the starter model and counts the surfaces it
// drafted from routes.
func starterModel(name, today string, routes []evidence.Route, authKind string) (string, int) {
	var b strings.Builder
	fmt.Fprintf(&b, `# yaml-language-server: $schema=https://github.com/threatmap/threatmap/docs/threatmap.schema.json
#
# The threat model for %[1]s. It answers OWASP's four questions:
#   What are we working on?            assets, components, surfaces, flows, boundaries
#   What can go wrong?                 threatmap report (the rules find the threats)
#   What are we going to do about it?  controls and responses below
#   Did we do a good job?              threatmap check (evidence verifies the controls)
# Keep it short and honest; review it whenever you add an endpoint or an integration.
system:
  name: %[2]s
  owner: ""            # who answers for this model
  reviewed: %[3]s # set to today after each review
  review_every: 90d

# What you cannot afford to lose. Kinds: user-data, credentials, credits
# (metered spend such as model tokens), integrity (billing state, outputs,
# reputation), availability, other.
assets:
  - {id: user-data, kind: user-data, name: Accounts and what users upload}
  - {id: credentials, kind: credentials, name: API keys and database passwords}

# Clients, services, datastores, buckets, queues, third parties, CI/CD, admin panels.
components:
  - {id: app, kind: service, name: %[2]s, path: .}

# Where data enters or leaves: endpoints, webhooks, uploads, admin panels,
# storage, secrets, exits (error messages, logs, emails, exports).
surfaces:
  - {id: env, kind: secret, name: .env / environment, assets: [credentials]}
`, name, yamlString(name), today)
	seen := map[string]bool{"env": true}
	// guarded collects, per guard the code shows, the surfaces it guards,
	// so that each becomes a drafted control the evidence verifies.
	guarded := map[string][]string{}
	for _, r := range routes {
		if r.Kind != "" {
			line := entryPointSurface(r, seen)
			b.WriteString(line)
			if id := checkedCommandID(r); line != "" && id != "" {
				guarded[evidence.GuardPermission] = append(guarded[evidence.GuardPermission], id)
			}
			continue
		}
		id := routeSurfaceID(r)
		if seen[id] {
			continue
		}
		seen[id] = true
		for _, g := range r.Guards {
			if g == evidence.GuardCSRF && assess.SafeMethod(r.Method) {
				// CSRF middleware checks unsafe methods only.
				continue
			}
			if _, ok := draftedControlKind[g]; ok {
				guarded[g] = append(guarded[g], id)
			}
		}
		kind, extra := "endpoint", ""
		for _, t := range r.Tags {
			if t == "admin" {
				kind = "admin"
			}
		}
		if lower := strings.ToLower(r.Path); strings.Contains(lower, "webhook") || strings.Contains(lower, "/hooks/") {
			kind = "webhook"
			for _, sender := range []string{"stripe", "github", "slack", "twilio", "discord", "telegram", "shopify", "paypal"} {
				if strings.Contains(lower, sender) {
					extra = ", sender: " + sender
				}
			}
		}
		method := strings.ToUpper(r.Method)
		switch method {
		case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS":
		default:
			method = "ANY"
		}
		auth := "none"
		for _, g := range r.Guards {
			if g == evidence.GuardAuth {
				auth = authKind
			}
		}
		note := "review exposure and assets"
		if slices.Contains(r.Tags, evidence.TagPersonalRecord) && auth == "none" && !slices.Contains(r.Tags, evidence.TagAuthEndpoint) {
			// The handler serves records of people and no session check
			// was found: what decides whether anyone can read them is the
			// accounts asset, so it is drafted. Sign-in, sign-up and reset
			// endpoints touch accounts by nature and are ranked by their
			// own rules; guarded routes are left for review.
			extra += ", assets: [user-data]"
			note = "serves records of people without a session check; review exposure"
		}
		fmt.Fprintf(&b, "  - {id: %s, kind: %s, component: app, method: %s, path: %s, auth: %s%s} # %s:%d, %s\n",
			id, kind, method, yamlString(r.Path), auth, extra, r.File, r.Line, note)
	}
	b.WriteString(`
# How data moves between components (protocol https, http, ...).
flows: []

# Trust zones: a flow that crosses one is checked.
boundaries: []

# Named defences. kind is what the control does (rate-limited,
# signature-verified, authentication, mfa, encrypted-at-rest, ...); status is
# planned or implemented, and evidence turns it into verified or failing.
controls:
  # The secret scan verifies this one on every run, and fails it the day a
  # credential is committed.
  - {id: no-committed-secrets, kind: no-secrets-in-repo, on: [env]}
`)
	for _, g := range []string{evidence.GuardAuth, evidence.GuardSignature, evidence.GuardRateLimit, evidence.GuardIPAllowlist, evidence.GuardCSRF, evidence.GuardPermission} {
		on := guarded[g]
		if len(on) == 0 {
			continue
		}
		kind := draftedControlKind[g]
		fmt.Fprintf(&b, "  # The code guards these routes with %s; the route scan verifies it on every run.\n  - {id: %s, kind: %s, on: [%s]}\n", g, kind, kind, strings.Join(on, ", "))
	}
	b.WriteString(`
# What you do about each threat, keyed by the threat id the report prints:
#   RULE@ELEMENT: {mitigate: [control-id]}
#   RULE@ELEMENT: {accept: {by: name, on: 2026-01-01, until: 2026-04-01, why: reason}}
#   RULE@ELEMENT: {transfer: {to: provider, why: reason}}
#   RULE@ELEMENT: {eliminate: {why: removed the route}}
#   RULE@ELEMENT: {not_applicable: why the rule misfired}
responses: {}
`)
	return b.String(), len(seen) - 1 // seen starts with env
}

// draftedControlKind maps a route guard to the control kind init drafts
// for the routes that carry it.
var draftedControlKind = map[string]string{
	evidence.GuardAuth:        "authentication",
	evidence.GuardSignature:   "signature-verified",
	evidence.GuardRateLimit:   "rate-limited",
	evidence.GuardIPAllowlist: "ip-allowlisted",
	evidence.GuardCSRF:        "csrf-protected",
	evidence.GuardPermission:  "authorization",
}

// yamlString quotes s for YAML when it needs it.
func yamlString(s string) string {
	if s != "" && plainScalar.MatchString(s) && !strings.HasSuffix(s, " ") && !strings.Contains(s, ": ") {
		return s
	}
	return fmt.Sprintf("%q", s)
}

// count writes n with the word for one or many.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
