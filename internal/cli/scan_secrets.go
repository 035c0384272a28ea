package cli

import (
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/report"
	"github.com/threatmap/threatmap/scan/secrets"
)

func (c *Command) scanSecretsCmd() *cobra.Command {
	var (
		flags       scanFlags
		history     bool
		since       string
		staged      bool
		reveal      bool
		baseline    string
		ignoreFile  string
		allowPaths  []string
		allowValues []string
		maxFileSize int64
		workers     int
	)
	cmd := &cobra.Command{
		Use:   "secrets [PATH]",
		Short: "Find committed credentials in the working tree, the git history or the staged changes",
		Long: `Find committed credentials: provider tokens (cloud, code hosts, chat and bot
platforms, payments, model providers, messaging, package registries), private
keys, JWTs, database URLs with passwords and high-entropy values assigned to
secret-looking names; and the hygiene around them: a committed .env, a
.gitignore that does not ignore .env, secrets in Dockerfile ENV/ARG, Compose
files and CI workflows.

PATH defaults to the current directory. Secrets are masked in every output
unless --reveal is given. Exit status: 0 no findings, 1 findings, 2 usage or
input error.

Suppress a finding with a "threatmap:allow" comment on its line, by listing its
fingerprint in .threatmapignore (or --ignore-file), with --allow-path or
--allow-value, or adopt the gate on an old repository with --baseline.`,
		Example: `  threatmap scan secrets
  threatmap scan secrets --git                 # every commit, deleted secrets included
  threatmap scan secrets --git --since origin/main   # what a branch adds
  threatmap scan secrets --staged              # pre-commit hook
  threatmap scan secrets --format sarif > secrets.sarif`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := "."
			if len(args) == 1 {
				root = args[0]
			}
			if c.Dir != "" && !filepath.IsAbs(root) {
				root = filepath.Join(c.Dir, root)
			}
			opts := secrets.Options{
				Reveal:      reveal,
				IgnoreFile:  c.secretsPath(ignoreFile),
				Baseline:    c.secretsPath(baseline),
				AllowPaths:  allowPaths,
				AllowValues: allowValues,
				MaxFileSize: maxFileSize,
				Workers:     workers,
			}
			switch {
			case staged && (history || since != ""):
				return usageError("--staged cannot be combined with --git or --since")
			case staged:
				opts.Mode = secrets.Staged
			case history || since != "":
				opts.Mode = secrets.History
				opts.Since = since
			}
			if workers < 0 {
				return usageError("--workers must not be negative")
			}
			return c.runScan(cmd, secrets.New(opts), root, flags, secretsRuleDocs())
		},
	}
	flags.register(cmd, "info")
	f := cmd.Flags()
	f.BoolVar(&history, "git", false, "scan every commit reachable from any ref instead of the working tree")
	f.StringVar(&since, "since", "", "scan only the commits in `REF`..HEAD (implies --git)")
	f.BoolVar(&staged, "staged", false, "scan the changes staged for the next commit (for a pre-commit hook)")
	f.BoolVar(&reveal, "reveal", false, "print secrets in full instead of masked")
	f.StringVar(&baseline, "baseline", "", "suppress the findings listed in `FILE`, an earlier --format json report")
	f.StringVar(&ignoreFile, "ignore-file", "", "fingerprints to suppress, one per line (default PATH/"+secrets.DefaultIgnoreFile+")")
	f.StringSliceVar(&allowPaths, "allow-path", nil, "skip files matching `GLOB` (repeatable; dir/ for a directory)")
	f.StringSliceVar(&allowValues, "allow-value", nil, "do not report secrets matching `REGEXP` (repeatable)")
	f.Int64Var(&maxFileSize, "max-file-size", 0, "skip files larger than `BYTES` (0: 50 MiB, negative: no limit)")
	f.IntVar(&workers, "workers", 0, "files scanned at once (0: one per CPU)")
	return cmd
}

// secretsPath makes a user-given file name relative to the command's directory.
func (c *Command) secretsPath(name string) string {
	if name == "" || c.Dir == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(c.Dir, name)
}

// secretsRuleDocs converts the scanner's rule list into SARIF help.
func secretsRuleDocs() map[string]report.RuleDoc {
	return ruleDocs(secrets.Rules(), "secrets")
}
