package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/report"
	"github.com/threatmap/threatmap/scan/deps"
)

// osvDBEnv names the environment variable that supplies --osv-db's
// default, so CI can point every run at one mirrored database.
const osvDBEnv = "THREATMAP_OSV_DB"

func (c *Command) scanDepsCmd() *cobra.Command {
	var (
		flags  scanFlags
		osvDB  string
		ignore []string
		filter deps.Filter
	)
	cmd := &cobra.Command{
		Use:   "deps [PATH]",
		Short: "Match dependencies against an offline OSV database and check supply-chain hygiene",
		Long: `Read every lockfile and manifest under PATH — Go (go.mod), npm
(package-lock.json v1-v3, yarn.lock, pnpm-lock.yaml), Python (requirements*.txt,
poetry.lock, Pipfile.lock, uv.lock), Rust (Cargo.lock) and Ruby (Gemfile.lock) —
and report:

  known-vulnerability         a package version inside an OSV advisory's affected
                              range (needs --osv-db), with aliases and the fix
  missing-lockfile            a manifest with dependencies and no lockfile
  unpinned-requirement        a requirements line without an exact == pin
  unpinned-source             a dependency from git or a URL without a pinned commit
                              or hash
  extra-index-url             --extra-index-url without hashes (dependency confusion)
  unparsable-dependency-file  a lockfile that could not be read (file:line:col)

--osv-db names a folder of OSV records (JSON or YAML) or of the per-ecosystem
all.zip exports osv.dev publishes (default $` + osvDBEnv + `, else the cache that
threatmap db update fills). Versions are compared with
each ecosystem's own ordering. Nothing is fetched from the network.

Lockfiles under testdata, test, tests, __tests__, fixtures, __fixtures__,
fixture and docs directories are test fixtures or documentation and are not
read; --include PATTERN reads them anyway, --exclude PATTERN leaves out more.

Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage or input error.`,
		Example: `  threatmap scan deps --osv-db ~/osv
  threatmap scan deps services/api --osv-db osv-db --format json
  threatmap scan deps --osv-db osv-db --fail-on high --format sarif > deps.sarif`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := "."
			if len(args) == 1 {
				root = args[0]
			}
			if osvDB != "" {
				osvDB = c.depsPath(osvDB)
			} else {
				osvDB = c.defaultOSVDB()
			}
			if osvDB != "" {
				st, err := os.Stat(osvDB)
				if err != nil {
					return usageError("--osv-db: %v", err)
				}
				if !st.IsDir() {
					return usageError("--osv-db %s: not a directory (want a folder of OSV JSON records or all.zip exports)", osvDB)
				}
			} else {
				fmt.Fprintln(c.Stderr, "threatmap: no advisory database (--osv-db, $"+osvDBEnv+", or the cache threatmap db update fills): checking supply-chain hygiene only, not known vulnerabilities")
			}
			return c.runScan(cmd, deps.New(deps.Options{OSVDB: osvDB, Ignore: ignore, Exclude: filter.Exclude, Include: filter.Include}), c.depsPath(root), flags, depsRuleDocs())
		},
	}
	flags.register(cmd, "low")
	cmd.Flags().StringSliceVar(&ignore, "ignore", nil, "do not report the advisory `ID` (GHSA-..., CVE-..., any alias; repeatable)")
	registerFilterFlags(cmd, &filter)
	cmd.Flags().StringVar(&osvDB, "osv-db", "", "offline OSV database: a `DIR` of OSV records or all.zip exports (default $"+osvDBEnv+", else the threatmap db update cache)")
	return cmd
}

// depsPath makes a user-given path relative to the command's directory.
func (c *Command) depsPath(name string) string {
	if c.Dir == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(c.Dir, name)
}

// depsRuleDocs converts the deps scanner's rule list into SARIF help.
func depsRuleDocs() map[string]report.RuleDoc {
	return ruleDocs(deps.Rules(), "supply-chain", "dependencies")
}

// registerFilterFlags adds --include and --exclude, which choose the
// lockfiles that scan deps and sbom read.
func registerFilterFlags(cmd *cobra.Command, f *deps.Filter) {
	cmd.Flags().StringSliceVar(&f.Include, "include", nil, "read lockfiles matching `PATTERN` even under a directory skipped by default (testdata, test, tests, fixtures, docs…; repeatable)")
	cmd.Flags().StringSliceVar(&f.Exclude, "exclude", nil, "do not read lockfiles matching `PATTERN` (vendor/, **/examples/, a path; repeatable)")
}
