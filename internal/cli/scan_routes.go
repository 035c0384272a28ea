package cli

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/report"
	"github.com/threatmap/threatmap/scan/routes"
)

func (c *Command) scanRoutesCmd() *cobra.Command {
	var flags scanFlags
	cmd := &cobra.Command{
		Use:   "routes [PATH]",
		Short: "List every HTTP route the code serves and the guards that protect it",
		Long: `List every HTTP route the code serves, with its method, path (parameters
written {name}), the file and line that registers it, the framework, the
handler, the guards that apply to it (auth, auth-optional, rate-limit,
signature, ip-allowlist, csrf) wherever they were applied (app, router, group,
blueprint, route or inside the handler), and tags for debug, admin, internal,
test and dev surfaces, authentication endpoints (auth-endpoint) and routes in
code the app never mounts (unmounted).

A registration the scanner saw but could not resolve (a path computed at run
time, handlers registered by generated or third-party code) is listed as
"unresolved route registration" with its file and line, and in the JSON
output's unresolved list, so that a missing route is never silent.

Go (net/http, chi, gin, echo, gorilla/mux, fiber) is read with go/ast; Python
(Flask, FastAPI, Django) and JavaScript/TypeScript (Express, Fastify, Next.js,
NestJS) with tree-sitter grammars.

PATH defaults to the current directory. The command lists and exits 0; with
--fail-on it exits 1 when a finding (a debug or dev route, an admin route
without auth, a state-changing route with no guard) reaches that severity.
Exit 2 on a usage or input error.`,
		Example: `  threatmap scan routes
  threatmap scan routes --format json ./services/api
  threatmap scan routes --fail-on medium      # fail CI on debug or dev routes`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := "."
			if len(args) == 1 {
				root = args[0]
			}
			if c.Dir != "" && !filepath.IsAbs(root) {
				root = filepath.Join(c.Dir, root)
			}
			if _, err := os.Stat(root); err != nil {
				return usageError("scan routes: %v", err)
			}
			return c.runScan(cmd, routes.New(), root, flags, routeRuleDocs())
		},
	}
	flags.register(cmd, "none")
	return cmd
}

func routeRuleDocs() map[string]report.RuleDoc {
	docs := make(map[string]report.RuleDoc, len(routes.Docs))
	for id, d := range routes.Docs {
		docs[id] = report.RuleDoc{ID: d.ID, Title: d.Title, Help: d.Help, Severity: d.Severity, Tags: []string{"routes"}}
	}
	return docs
}
