package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/osvdb"
)

func (c *Command) dbCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Keep the local advisory database that scan deps, report and check read",
	}
	cmd.AddCommand(c.dbUpdateCmd(), c.dbPathCmd())
	return cmd
}

func (c *Command) dbUpdateCmd() *cobra.Command {
	var (
		dir, base  string
		ecosystems []string
	)
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Download the OSV advisory exports into the local cache",
		Long: `Download the per-ecosystem all.zip exports of the OSV database (Go, npm, PyPI,
crates.io, RubyGems) into the cache directory that scan deps, report and check
read when no other database is named ($XDG_CACHE_HOME/threatmap/osv, or
~/.cache/threatmap/osv).

Each download is checked before it replaces the copy in use: its size must be
what the server announced, its MD5 what the server's x-goog-hash says when it
says one, and every record in it must decode as OSV. A failed or interrupted
download leaves the previous copy untouched. This is the only command that
touches the network; --url points it at a mirror.

Exit status: 0 updated, 2 usage error, download or check failure.`,
		Example: `  threatmap db update
  threatmap db update --ecosystem PyPI --ecosystem npm
  threatmap db update --url https://mirror.internal/osv --dir /var/cache/osv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if dir == "" {
				d, err := osvdb.DefaultDir(c.Getenv)
				if err != nil {
					return usageError("%v; name one with --dir", err)
				}
				dir = d
			} else {
				dir = c.depsPath(dir)
			}
			metas, err := osvdb.Update(cmd.Context(), osvdb.Options{Dir: dir, URL: base, Ecosystems: ecosystems, Now: c.now})
			for _, m := range metas {
				fmt.Fprintf(c.Stdout, "%s: %d advisories, %d bytes, sha256 %s\n", m.Ecosystem, m.Records, m.Size, m.SHA256)
			}
			if err != nil {
				return inputError(fmt.Errorf("db update: %w", err))
			}
			fmt.Fprintf(c.Stdout, "advisory database updated in %s\n", dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "cache `DIR` (default $XDG_CACHE_HOME/threatmap/osv)")
	cmd.Flags().StringVar(&base, "url", osvdb.DefaultURL, "base `URL` of the exports (a mirror with <ecosystem>/all.zip under it)")
	cmd.Flags().StringSliceVar(&ecosystems, "ecosystem", nil, "fetch only this `ECOSYSTEM` ("+strings.Join(osvdb.Ecosystems, ", ")+"; repeatable; default all)")
	return cmd
}

func (c *Command) dbPathCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "path",
		Short: "Print the cache directory and what it holds",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := osvdb.DefaultDir(c.Getenv)
			if err != nil {
				return usageError("%v", err)
			}
			fmt.Fprintln(c.Stdout, dir)
			metas := osvdb.ReadMeta(dir)
			if len(metas) == 0 {
				fmt.Fprintln(c.Stderr, "threatmap: no advisory database there yet: run threatmap db update")
			}
			for _, m := range metas {
				fmt.Fprintf(c.Stdout, "%s: %d advisories, fetched %s from %s\n", m.Ecosystem, m.Records, m.Fetched.Format("2006-01-02 15:04 MST"), m.URL)
			}
			return nil
		},
	}
}

// defaultOSVDB returns the advisory database to use when none is named:
// $THREATMAP_OSV_DB, else the cache `db update` fills when it holds one.
func (c *Command) defaultOSVDB() string {
	if env := c.Getenv(osvDBEnv); env != "" {
		return c.depsPath(env)
	}
	dir, err := osvdb.DefaultDir(c.Getenv)
	if err != nil || !osvdb.Present(dir) {
		return ""
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return ""
	}
	return dir
}
