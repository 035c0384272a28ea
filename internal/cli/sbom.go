package cli

import (
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/sbom"
	"github.com/threatmap/threatmap/scan/deps"
)

func (c *Command) sbomCmd() *cobra.Command {
	var format, output, name string
	var filter deps.Filter
	cmd := &cobra.Command{
		Use:   "sbom [PATH]",
		Short: "Write a CycloneDX 1.6 or SPDX 2.3 JSON SBOM of the dependencies under PATH",
		Long: `Write a software bill of materials listing every dependency read from the
lockfiles and manifests under PATH (Go, npm, Python, Rust, Ruby), with package
URLs, direct or transitive where the lockfile tells, and the file and line each
came from.

--format cyclonedx (default) writes CycloneDX 1.6 JSON; --format spdx writes
SPDX 2.3 JSON. -o FILE writes the file atomically (a temporary file renamed into
place); without it the SBOM goes to standard output. The timestamp is now, or
$SOURCE_DATE_EPOCH when set, for reproducible output. Lockfiles under testdata,
test, tests, __tests__, fixtures, __fixtures__, fixture and docs directories are
left out unless --include names them.

Exit status: 0 written, 2 usage or input error.`,
		Example: `  threatmap sbom -o sbom.cdx.json
  threatmap sbom services/api --format spdx -o api.spdx.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := "."
			if len(args) == 1 {
				root = args[0]
			}
			f, err := sbom.ParseFormat(format)
			if err != nil {
				return usageError("--format: %v", err)
			}
			ts := c.now()
			if epoch := c.Getenv("SOURCE_DATE_EPOCH"); epoch != "" {
				secs, err := strconv.ParseInt(epoch, 10, 64)
				if err != nil {
					return usageError("SOURCE_DATE_EPOCH=%q: not a number of seconds", epoch)
				}
				ts = time.Unix(secs, 0)
			}
			abs, err := filepath.Abs(c.depsPath(root))
			if err != nil {
				return inputError(err)
			}
			inv, err := deps.CollectWith(cmd.Context(), abs, filter)
			if err != nil {
				return inputError(err)
			}
			for _, fd := range inv.Findings {
				if fd.Rule == deps.RuleUnparsable {
					fmt.Fprintf(c.Stderr, "threatmap: warning: %s\n", fd.Message)
				}
			}
			if n := len(inv.Excluded); n > 0 {
				fmt.Fprintf(c.Stderr, "threatmap: %d lockfiles under test, fixture or docs directories not read (--include to read them)\n", n)
			}
			if len(inv.Packages) == 0 {
				fmt.Fprintf(c.Stderr, "threatmap: warning: no lockfile or manifest with dependencies found under %s\n", root)
			}
			if name == "" {
				name = filepath.Base(abs)
			}
			doc := sbom.Document{Name: name, ToolVersion: Version, Timestamp: ts, Packages: inv.Packages}
			if output == "" || output == "-" {
				return sbom.Write(c.Stdout, f, doc)
			}
			if err := sbom.WriteFile(c.depsPath(output), f, doc); err != nil {
				return inputError(err)
			}
			fmt.Fprintf(c.Stderr, "threatmap: wrote %s SBOM of %d packages to %s\n", f, len(inv.Packages), output)
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "cyclonedx", "SBOM format: cyclonedx or spdx")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the SBOM to `FILE` atomically instead of standard output")
	registerFilterFlags(cmd, &filter)
	cmd.Flags().StringVar(&name, "name", "", "project name recorded in the SBOM (default: the directory's name)")
	return cmd
}
