package cli

import "github.com/spf13/cobra"

func (c *Command) explainCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "explain",
		Short: "explain (not yet available)",
		RunE: func(*cobra.Command, []string) error {
			return usageError("explain is not available yet")
		},
	}
}
