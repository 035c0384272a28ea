package cli

import "github.com/spf13/cobra"

func (c *Command) scanWorkflowsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "workflows [PATH]",
		Short: "scan workflows (not yet available)",
		RunE: func(*cobra.Command, []string) error {
			return usageError("scan workflows is not available yet")
		},
	}
}
