package cli

import "github.com/spf13/cobra"

func (c *Command) schemaCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "schema (not yet available)",
		RunE: func(*cobra.Command, []string) error {
			return usageError("schema is not available yet")
		},
	}
}
