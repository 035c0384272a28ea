package cli

import "github.com/spf13/cobra"

func (c *Command) validateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "validate (not yet available)",
		RunE: func(*cobra.Command, []string) error {
			return usageError("validate is not available yet")
		},
	}
}
