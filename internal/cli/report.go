package cli

import "github.com/spf13/cobra"

func (c *Command) reportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "report",
		Short: "report (not yet available)",
		RunE: func(*cobra.Command, []string) error {
			return usageError("report is not available yet")
		},
	}
}
