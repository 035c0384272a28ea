package cli

import (
	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/report"
	"github.com/threatmap/threatmap/scan/iac"
)

func (c *Command) scanIaCCmd() *cobra.Command {
	var flags scanFlags
	var reveal bool
	cmd := &cobra.Command{
		Use:   "iac [PATH]",
		Short: "Check Terraform, CloudFormation, Kubernetes, compose files and Dockerfiles for exposure, encryption, logging and container hardening",
		Long: `Check infrastructure declared in the repository: Terraform (variables, tfvars
and locals resolved where static), CloudFormation/SAM templates, Kubernetes
manifests, docker-compose files and Dockerfiles.

Flags public or unblocked buckets, storage without encryption at rest, admin
and database ports open to the internet, plain HTTP on load balancers,
ingresses and service-to-service URLs, missing access logs and audit trail,
containers running as root or privileged, images not pinned by digest, and
secrets written into configuration (masked unless --reveal-secrets).

Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or
input error (a single file that does not parse is reported as file:line:col).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := "."
			if len(args) == 1 {
				root = args[0]
			}
			return c.runScan(cmd, &iac.Scanner{RevealSecrets: reveal}, c.path(root), flags, iacRuleDocs())
		},
	}
	flags.register(cmd, "low")
	cmd.Flags().BoolVar(&reveal, "reveal-secrets", false, "show secret values in findings instead of masking them")
	return cmd
}

// iacRuleDocs converts the scanner's rule metadata for SARIF help.
func iacRuleDocs() map[string]report.RuleDoc {
	return ruleDocs(iac.Rules(), "security", "iac")
}
