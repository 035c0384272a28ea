package cli

import "github.com/spf13/cobra"

func (c *Command) sbomCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "sbom [PATH]",
		Short: "write an SBOM (not yet available)",
		RunE: func(*cobra.Command, []string) error {
			return usageError("sbom is not available yet")
		},
	}
}
