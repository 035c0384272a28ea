package cli

import "github.com/spf13/cobra"

func (c *Command) scanIaCCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "iac [PATH]",
		Short: "scan iac (not yet available)",
		RunE: func(*cobra.Command, []string) error {
			return usageError("scan iac is not available yet")
		},
	}
}
