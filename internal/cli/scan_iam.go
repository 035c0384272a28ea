package cli

import (
	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/report"
	"github.com/threatmap/threatmap/scan/iam"
)

func (c *Command) scanIAMCmd() *cobra.Command {
	var flags scanFlags
	cmd := &cobra.Command{
		Use:   "iam [PATH]",
		Short: "Check AWS IAM policies (JSON, Terraform, CloudFormation/SAM) for least privilege and shared identities",
		Long: `Check AWS IAM policies wherever the repository declares them: standalone JSON
policy documents, Terraform (aws_iam_policy, aws_iam_role_policy, inline
policies, jsonencode(...), aws_iam_policy_document data sources) and
CloudFormation/SAM templates in JSON or YAML.

Flags wildcard actions and resources, administrator-equivalent grants,
Allow with NotAction/NotResource, privilege-escalation paths, read and
delete rights across a whole service, sensitive actions without conditions,
roles anyone may assume, and identities shared by several components.

Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or
input error (a single file that does not parse is reported as file:line:col).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := "."
			if len(args) == 1 {
				root = args[0]
			}
			return c.runScan(cmd, iam.New(), c.path(root), flags, iamRuleDocs())
		},
	}
	flags.register(cmd, "low")
	return cmd
}

// iamRuleDocs converts the scanner's rule metadata for SARIF help.
func iamRuleDocs() map[string]report.RuleDoc {
	return ruleDocs(iam.Rules(), "security", "iam")
}
