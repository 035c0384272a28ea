package cli

import "github.com/spf13/cobra"

func (c *Command) scanRoutesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "routes [PATH]",
		Short: "scan routes (not yet available)",
		RunE: func(*cobra.Command, []string) error {
			return usageError("scan routes is not available yet")
		},
	}
}
