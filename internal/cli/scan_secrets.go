package cli

import "github.com/spf13/cobra"

func (c *Command) scanSecretsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "secrets [PATH]",
		Short: "scan secrets (not yet available)",
		RunE: func(*cobra.Command, []string) error {
			return usageError("scan secrets is not available yet")
		},
	}
}
