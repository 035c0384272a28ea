package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/probe"
	"github.com/threatmap/threatmap/report"
	"github.com/threatmap/threatmap/scan/routes"
)

type probeFlags struct {
	target      string
	dryRun      bool
	allowWrites bool
	format      string
	timeout     time.Duration
	probeTime   time.Duration
	maxTime     time.Duration
	maxRequests int
	burst       int
	limitStatus int
	insecure    bool
	noRoutes    bool
	hmacHeader  string
	hmacPrefix  string
}

func (c *Command) probeCmd() *cobra.Command {
	var f probeFlags
	cmd := &cobra.Command{
		Use:   "probe --target URL [PATH]",
		Short: "Test a running service's defences with a few bounded requests",
		Long: `Build a probe plan from the model's surfaces (and the routes discovered in the
code that the model does not list) and run it against the base URL given with
--target:

  authentication    surfaces that need credentials refuse requests without them
  object access     user A cannot read user B's object (needs THREATMAP_USER_A_AUTH,
                    THREATMAP_USER_B_AUTH and THREATMAP_USER_B_OBJECT)
  webhooks          unsigned and wrongly signed payloads are refused (Stripe,
                    GitHub, Slack, generic HMAC); with the signing secret in
                    THREATMAP_SECRET_<SURFACE_ID> or THREATMAP_WEBHOOK_SECRET, a
                    correctly signed payload is accepted and one signed an hour
                    ago is refused
  reachability      admin, debug, dev and internal paths do not answer outsiders
  verbose errors    malformed input returns no stack trace, SQL error or file path
  transport         https with TLS 1.2+ and a valid certificate; security headers;
                    CORS that does not grant unknown origins credentials
  exposed files     .env, .git/config, dumps and backups are not served
  rate limiting     a bounded burst (--burst) gets 429 before it ends

Requests go only to the scheme, host and port of --target; redirects are
never followed. Every run is bounded by --max-requests, --timeout per
request, --probe-time per probe and --max-time in all. PUT, PATCH, DELETE and
POST to surfaces that are not webhooks are sent only to surfaces the model
declares with that method, and only with --allow-writes. --dry-run prints
every request the plan would send (as JSON with --format json) and sends
nothing. Secret values read from
the environment never appear in output.

PATH is a directory holding threatmap.yaml, or the model file; without it the
current directory's model is used if there is one, and otherwise only the
whole-service probes run.

Exit codes: 0 every probe that ran passed (or --dry-run), 1 a probe failed,
2 usage or input error (bad URL, model errors).`,
		Example: `  threatmap probe --target http://127.0.0.1:8080 --dry-run
  THREATMAP_WEBHOOK_SECRET=whsec_... threatmap probe --target https://bot.example.com
  threatmap probe --target https://staging.example.com --format json ./service > probe.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.runProbe(cmd, args, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.target, "target", "", "base URL of the running service (required), e.g. https://api.example.com")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print every request the plan would send and send nothing")
	fl.BoolVar(&f.allowWrites, "allow-writes", false, "send state-changing methods to surfaces the model declares with them")
	fl.StringVarP(&f.format, "format", "f", "text", "output format: text, json or sarif")
	fl.DurationVar(&f.timeout, "timeout", probe.DefaultTimeout, "limit for each request")
	fl.DurationVar(&f.probeTime, "probe-time", probe.DefaultProbeTime, "limit for each probe (a burst included)")
	fl.DurationVar(&f.maxTime, "max-time", probe.DefaultMaxTime, "limit for the whole run")
	fl.IntVar(&f.maxRequests, "max-requests", probe.DefaultMaxRequests, fmt.Sprintf("most requests the run may send, bursts included (at most %d)", probe.MaxRequestsCap))
	fl.IntVar(&f.burst, "burst", probe.DefaultBurst, fmt.Sprintf("requests in each rate-limit burst (at most %d)", probe.MaxBurst))
	fl.IntVar(&f.limitStatus, "limit-status", 429, "status code the service answers when it rate limits")
	fl.BoolVar(&f.insecure, "insecure", false, "do not verify the certificate for HTTP probes (the TLS probe still reports it)")
	fl.BoolVar(&f.noRoutes, "no-routes", false, "do not discover routes in the code to add unmodeled ones to the plan")
	fl.StringVar(&f.hmacHeader, "hmac-header", "X-Signature", "header carrying the signature for webhooks with signature: hmac")
	fl.StringVar(&f.hmacPrefix, "hmac-prefix", "", `text before the hex digest in --hmac-header, e.g. "sha256="`)
	return cmd
}

func (c *Command) runProbe(cmd *cobra.Command, args []string, f probeFlags) error {
	format := report.Format(f.format)
	switch format {
	case report.FormatText, report.FormatJSON, report.FormatSARIF:
	default:
		return usageError("unknown --format %q (want text, json or sarif)", f.format)
	}
	if f.target == "" {
		return usageError("probe: --target URL is required")
	}
	target, err := probe.ValidateTarget(f.target)
	if err != nil {
		return usageError("probe: %v", err)
	}
	switch {
	case f.burst < 1 || f.burst > probe.MaxBurst:
		return usageError("probe: --burst must be between 1 and %d", probe.MaxBurst)
	case f.maxRequests < 1 || f.maxRequests > probe.MaxRequestsCap:
		return usageError("probe: --max-requests must be between 1 and %d", probe.MaxRequestsCap)
	case f.timeout <= 0 || f.probeTime <= 0 || f.maxTime <= 0:
		return usageError("probe: --timeout, --probe-time and --max-time must be positive")
	case f.limitStatus < 100 || f.limitStatus > 599:
		return usageError("probe: --limit-status must be an HTTP status code")
	}

	var m *model.Model
	if len(args) == 1 {
		if m, _, err = c.loadModel(args[0]); err != nil {
			return err
		}
	} else if _, ferr := model.Find(c.path(".")); ferr == nil {
		if m, _, err = c.loadModel("."); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(c.Stderr, "threatmap: note: no threatmap.yaml here; running only the whole-service probes (give PATH to probe the model's surfaces)")
	}
	var found []evidence.Route
	if m != nil && !f.noRoutes {
		set, err := routes.New().Scan(cmd.Context(), m.Dir)
		if err != nil {
			fmt.Fprintf(c.Stderr, "threatmap: warning: route discovery: %v\n", err)
		}
		found = set.Routes
	}
	plan, err := probe.NewPlan(m, target, found, probe.Options{
		AllowWrites: f.allowWrites,
		Burst:       f.burst,
		LimitStatus: f.limitStatus,
		MaxRequests: f.maxRequests,
		Timeout:     f.timeout,
		ProbeTime:   f.probeTime,
		MaxTime:     f.maxTime,
		Getenv:      c.Getenv,
		// Probes sign with the wall clock, not the command's clock: the
		// service they talk to checks timestamps against its own.
		HMACHeader: f.hmacHeader,
		HMACPrefix: f.hmacPrefix,
		Insecure:   f.insecure,
	})
	if err != nil {
		return usageError("probe: %v", err)
	}
	if f.dryRun {
		if format == report.FormatJSON {
			return writeProbeJSON(c.Stdout, plan.JSON())
		}
		return plan.WriteDryRun(c.Stdout)
	}
	rep, err := probe.Execute(cmd.Context(), plan)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	switch format {
	case report.FormatJSON:
		if err := writeProbeJSON(c.Stdout, rep.JSON()); err != nil {
			return err
		}
	case report.FormatSARIF:
		if err := report.WriteFindings(c.Stdout, report.FormatSARIF, rep.Evidence(), probeRuleDocs()); err != nil {
			return err
		}
	default:
		for _, n := range plan.Notes {
			fmt.Fprintf(c.Stderr, "threatmap: note: %s\n", n)
		}
		if err := rep.WriteText(c.Stdout); err != nil {
			return err
		}
	}
	if rep.Failed() {
		return errFindings
	}
	return nil
}

func writeProbeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func probeRuleDocs() map[string]report.RuleDoc {
	docs := make(map[string]report.RuleDoc, len(probe.Checks))
	for _, ck := range probe.Checks {
		docs[ck.ID] = report.RuleDoc{ID: ck.ID, Title: ck.Title, Help: ck.Help, Severity: ck.Severity, Tags: []string{"probe", string(ck.Property)}}
	}
	return docs
}
