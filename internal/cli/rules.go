package cli

import "github.com/spf13/cobra"

func (c *Command) rulesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "rules",
		Short: "rules (not yet available)",
		RunE: func(*cobra.Command, []string) error {
			return usageError("rules is not available yet")
		},
	}
}
