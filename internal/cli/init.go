package cli

import "github.com/spf13/cobra"

func (c *Command) initCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "init (not yet available)",
		RunE: func(*cobra.Command, []string) error {
			return usageError("init is not available yet")
		},
	}
}
