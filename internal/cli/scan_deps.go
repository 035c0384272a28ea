package cli

import "github.com/spf13/cobra"

func (c *Command) scanDepsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "deps [PATH]",
		Short: "scan deps (not yet available)",
		RunE: func(*cobra.Command, []string) error {
			return usageError("scan deps is not available yet")
		},
	}
}
