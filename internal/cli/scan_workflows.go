package cli

import (
	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/report"
	"github.com/threatmap/threatmap/scan/workflows"
)

func (c *Command) scanWorkflowsCmd() *cobra.Command {
	var flags scanFlags
	cmd := &cobra.Command{
		Use:   "workflows [PATH]",
		Short: "Audit GitHub Actions workflows for pipeline and supply-chain risks",
		Long: `Audit every .github/workflows/*.yml and every action.yml (composite and Docker
actions) under PATH, or the one workflow file PATH names, and report:

  unpinned-action            uses: by branch or tag instead of a full commit SHA
  missing-permissions        no permissions: on the workflow or the job
  broad-permissions          write-all, or write scopes given to every job
  untrusted-checkout         pull_request_target / workflow_run checking out the
                             untrusted head
  script-injection           attacker-controlled ${{ }} values (issue titles,
                             comment bodies, branch names) inside run: scripts,
                             inputs of actions that run code, composite actions
                             and reusable workflows
  secret-exposure            secrets printed (also encoded or derived), over-
                             provisioned, written as literals, or given to
                             unpinned third-party code
  unpinned-image             job, service and Docker-action images without a digest
  self-hosted-runner-public  self-hosted runners on triggers outsiders can fire
  unparsable-workflow        a workflow that is not valid YAML

With --format json the output also lists observations: for each workflow,
whether it runs secret scanning, vulnerability scanning and SBOM generation,
and whether the scan gates the build.

Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage or input error.`,
		Example: `  threatmap scan workflows
  threatmap scan workflows .github/workflows/release.yml
  threatmap scan workflows --format sarif > workflows.sarif`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := "."
			if len(args) == 1 {
				root = args[0]
			}
			return c.runScan(cmd, workflows.New(), c.depsPath(root), flags, workflowsRuleDocs())
		},
	}
	flags.register(cmd, "low")
	return cmd
}

// workflowsRuleDocs converts the workflows scanner's rule list into SARIF
// help.
func workflowsRuleDocs() map[string]report.RuleDoc {
	return ruleDocs(workflows.Rules(), "supply-chain", "ci")
}
