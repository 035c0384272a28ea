package cli

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/scan/sinks"
)

func (c *Command) scanSinksCmd() *cobra.Command {
	var flags scanFlags
	cmd := &cobra.Command{
		Use:   "sinks [PATH]",
		Short: "Find input reaching dangerous calls: SQL, shell, files, URLs, templates, deserialization, XML",
		Long: `Find code that hands input to a dangerous call: SQL built from strings and
passed to execute or query, NoSQL filters shaped by the request, shell commands
built from variables, eval of request input, unsafe deserialization (pickle,
yaml.load, unserialize), XML parsers with external entities on, file reads and
sends by request-derived path, outbound requests to request-derived URLs
(SSRF), templates compiled from request input, LDAP filters built from input,
and allocations sized by the request.

Python and JavaScript/TypeScript are read with tree-sitter grammars, Go with
go/ast. Values are followed within each function from the request (Flask
request, Django and FastAPI handler parameters, Express req, Go's
*http.Request, gin, echo and fiber contexts); "source" names the request value
when one was traced, and "route" the route whose handler holds the sink, found
by running the route scanner over the same tree.

PATH defaults to the current directory. The command lists and exits 0; with
--fail-on it exits 1 when a finding reaches that severity. Exit 2 on a usage
or input error.`,
		Example: `  threatmap scan sinks
  threatmap scan sinks --format json ./api
  threatmap scan sinks --fail-on high      # fail CI on request input reaching a sink`,
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
				return usageError("scan sinks: %v", err)
			}
			return c.runScan(cmd, linkedSinks{reveal: flagSet(cmd, "reveal")}, root, flags, ruleDocs(sinks.Rules(), "sinks"))
		},
	}
	flags.register(cmd, "none")
	return cmd
}
