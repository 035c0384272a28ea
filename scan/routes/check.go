package routes

import (
	"fmt"
	"slices"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// Rule ids of the route scanner's findings.
const (
	RuleDebugRoute        = "debug-route"
	RuleDevRoute          = "dev-route"
	RuleAdminWithoutAuth  = "admin-route-without-auth"
	RuleUnguardedMutation = "unguarded-state-changing-route"
	RuleParseError        = "parse-error"
)

// RuleDoc describes one rule of the scanner.
type RuleDoc struct {
	ID       string
	Title    string
	Help     string
	Severity threatmap.Severity
}

// Docs describes the rules for SARIF and the docs page.
var Docs = map[string]RuleDoc{
	RuleDebugRoute: {
		ID: RuleDebugRoute, Title: "Debug or profiling route registered", Severity: threatmap.Medium,
		Help: "A /debug, pprof or expvar route is registered. Profiling and variable dumps reveal memory, configuration and timing to anyone who reaches them, and profiling endpoints can be used to burn CPU. Serve them on a separate loopback-only listener or remove them from production builds.",
	},
	RuleDevRoute: {
		ID: RuleDevRoute, Title: "Development or test route registered", Severity: threatmap.Medium,
		Help: "A /dev or /test route is registered in code that ships. Routes written for development are rarely guarded and are forgotten after launch; remove them or register them only in development builds.",
	},
	RuleAdminWithoutAuth: {
		ID: RuleAdminWithoutAuth, Title: "Admin route without an authentication guard", Severity: threatmap.High,
		Help: "An /admin route has no authentication guard that the scanner could see at app, router, group, route or handler level. Put admin surfaces behind strong authentication (and ideally an IP allowlist), or mark the control in the model if it is enforced elsewhere, such as at a proxy.",
	},
	RuleUnguardedMutation: {
		ID: RuleUnguardedMutation, Title: "State-changing route with no guard at all", Severity: threatmap.Low,
		Help: "A POST, PUT, PATCH or DELETE route has no authentication, rate limit, signature check, IP allowlist or CSRF protection that the scanner could see. Unguarded writes are where forgotten endpoints get abused; add the guard that fits or model why none is needed.",
	},
	RuleParseError: {
		ID: RuleParseError, Title: "Source file could not be parsed", Severity: threatmap.Info,
		Help: "The file has a syntax error, so routes it registers may be missing from the list.",
	},
}

// check returns the findings a single route raises.
func check(r evidence.Route) []evidence.Finding {
	var out []evidence.Finding
	// A route nothing mounts is listed (tagged unmounted) but not served:
	// it raises nothing.
	if slices.Contains(r.Tags, evidence.TagUnmounted) {
		return nil
	}
	add := func(rule string, prop evidence.Property, msg string) {
		out = append(out, evidence.Finding{
			Scanner:  ScannerName,
			Rule:     rule,
			Severity: Docs[rule].Severity,
			Message:  msg,
			File:     r.File,
			Line:     r.Line,
			Resource: Subject(r),
			Property: prop,
		})
	}
	switch {
	case slices.Contains(r.Tags, TagDebug):
		add(RuleDebugRoute, evidence.NotPubliclyReachable, fmt.Sprintf("debug route %s is registered (%s)", Subject(r), r.Framework))
	case slices.Contains(r.Tags, TagDev) || slices.Contains(r.Tags, TagTest):
		add(RuleDevRoute, evidence.NotPubliclyReachable, fmt.Sprintf("development or test route %s is registered (%s)", Subject(r), r.Framework))
	}
	if slices.Contains(r.Tags, TagAdmin) && !slices.Contains(r.Guards, evidence.GuardAuth) && !slices.Contains(r.Guards, evidence.GuardPermission) {
		add(RuleAdminWithoutAuth, evidence.Authentication, fmt.Sprintf("admin route %s has no authentication guard", Subject(r)))
	}
	switch r.Method {
	case "POST", "PUT", "PATCH", "DELETE":
		// Optional authentication lets anyone through: it is no guard here.
		if !slices.ContainsFunc(r.Guards, func(g string) bool { return g != evidence.GuardAuthOptional }) {
			add(RuleUnguardedMutation, evidence.Authentication, fmt.Sprintf("%s changes state and has no guard (no auth, rate limit, signature, IP allowlist or CSRF check found)", Subject(r)))
		}
	}
	return out
}
