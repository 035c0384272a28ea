package cli

import "github.com/spf13/cobra"

func (c *Command) scanIAMCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "iam [PATH]",
		Short: "scan iam (not yet available)",
		RunE: func(*cobra.Command, []string) error {
			return usageError("scan iam is not available yet")
		},
	}
}
