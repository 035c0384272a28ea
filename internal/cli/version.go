package cli

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// buildInfo reads the module version and VCS stamp the Go toolchain
// embedded in the binary; tests substitute their own.
type buildInfo func() (*debug.BuildInfo, bool)

// versionString describes this build: the release, the module version when
// it was installed from a tagged module, and the commit it was built from.
func versionString(read buildInfo) string {
	s := Version
	info, ok := read()
	if !ok || info == nil {
		return s
	}
	var extra []string
	if v := info.Main.Version; v != "" && v != "(devel)" {
		extra = append(extra, "module "+v)
	}
	var rev, when string
	modified := false
	for _, kv := range info.Settings {
		switch kv.Key {
		case "vcs.revision":
			rev = kv.Value
		case "vcs.time":
			when = kv.Value
		case "vcs.modified":
			modified = kv.Value == "true"
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		c := "commit " + rev
		if when != "" {
			c += " " + when
		}
		if modified {
			c += " (modified)"
		}
		extra = append(extra, c)
	}
	if info.GoVersion != "" {
		extra = append(extra, info.GoVersion)
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

func (c *Command) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print threatmap's version, module version and the commit it was built from",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(c.Stdout, "threatmap %s\n", versionString(debug.ReadBuildInfo))
			return nil
		},
	}
}
