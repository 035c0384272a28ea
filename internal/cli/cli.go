// Package cli is threatmap's command line: one file per command, each
// wiring flags to the stage packages and turning results into exit codes.
//
// Exit codes: 0 ok, 1 the command found what it gates on, 2 usage or input
// error.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"
)

// Exit codes shared by every command.
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitUsage    = 2
)

// Version is the threatmap version printed by --version and written into
// SARIF output.
const Version = "0.1.0"

// Command is one invocation of threatmap with its streams and environment,
// so that tests run it in-process without touching globals.
type Command struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// Dir is the working directory relative paths are read from; empty
	// means the process's.
	Dir string
	// Now is the clock reviews and acceptances are measured against; nil
	// means time.Now.
	Now func() time.Time
	// Streaming, when set, is called as each phase of a command that
	// analyzes a model (report, check, export) starts: with true for the
	// scanners, which stream a tree's files, and with false for reading
	// the model and building the threat map, which make what the run
	// keeps until it exits. The command's caller may tune the garbage
	// collector for each.
	Streaming func(bool)
}

// exitError carries an exit code through cobra's error return.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError marks a usage or input error (exit 2).
func usageError(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// inputError wraps an error reading the user's input (exit 2).
func inputError(err error) error {
	return &exitError{code: ExitUsage, err: err}
}

// errFindings is returned when a command found what it gates on (exit 1).
// Its output has already been written, so nothing more is printed.
var errFindings = &exitError{code: ExitFindings}

// Main runs threatmap with args (without the program name) and returns the
// process exit code.
func (c *Command) Main(args []string) int {
	return c.MainContext(context.Background(), args)
}

// MainContext is Main with a context for cancellation.
func (c *Command) MainContext(ctx context.Context, args []string) int {
	if c.Stdin == nil {
		c.Stdin = os.Stdin
	}
	if c.Stdout == nil {
		c.Stdout = os.Stdout
	}
	if c.Stderr == nil {
		c.Stderr = os.Stderr
	}
	if c.Getenv == nil {
		c.Getenv = os.Getenv
	}
	// Every byte the command prints goes through a safeWriter: secrets
	// masked unless --reveal, control characters escaped.
	masker := &lazyMasker{}
	var reveal bool
	stdout := &safeWriter{w: c.Stdout, mask: masker, reveal: &reveal}
	stderr := &safeWriter{w: c.Stderr, mask: masker, reveal: &reveal}
	savedOut, savedErr := c.Stdout, c.Stderr
	c.Stdout, c.Stderr = stdout, stderr
	defer func() {
		stdout.Flush()
		stderr.Flush()
		c.Stdout, c.Stderr = savedOut, savedErr
	}()
	root := c.rootCmd()
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		reveal = flagSet(cmd, "reveal") || flagSet(cmd, "reveal-secrets")
		return nil
	}
	root.SetArgs(args)
	root.SetIn(c.Stdin)
	root.SetOut(c.Stdout)
	root.SetErr(c.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(c.Stderr, "threatmap: %s\n", displayName(ee.err.Error()))
		}
		return ee.code
	}
	// Errors cobra raises itself (unknown flag, wrong argument count) are
	// usage errors.
	fmt.Fprintf(c.Stderr, "threatmap: %s\n", displayName(err.Error()))
	return ExitUsage
}

// flagSet reports whether cmd has a boolean flag name set to true.
func flagSet(cmd *cobra.Command, name string) bool {
	f := cmd.Flags().Lookup(name)
	return f != nil && f.Value.String() == "true"
}

func (c *Command) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "threatmap",
		Short: "A threat model that lives in the repository and proves its own claims",
		Long: `threatmap reads threatmap.yaml beside your code, finds the threats that matter
first (low difficulty, high impact), gathers evidence from the code, the
dependencies, the pipelines and the infrastructure files, and prints a
one-page threat map, JSON, SARIF, or a CI verdict.

The four questions:
  What are we working on?            threatmap init, validate, scan routes
  What can go wrong?                 threatmap report, rules, explain
  What are we going to do about it?  responses: in threatmap.yaml
  Did we do a good job?              threatmap check, diff, probe, review`,
		Version:       versionString(debug.ReadBuildInfo),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().Bool("reveal", false, "print secrets in full instead of masked, in every output")
	root.PersistentFlags().BoolP("verbose", "v", false, "list what the scanners skipped (size, binary, excluded directories, links)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return usageError("%v", err)
	})
	// The explicit command list: adding a command means adding a line here.
	root.AddCommand(
		c.reportCmd(),
		c.checkCmd(),
		c.diffCmd(),
		c.reviewCmd(),
		c.validateCmd(),
		c.initCmd(),
		c.schemaCmd(),
		c.rulesCmd(),
		c.explainCmd(),
		c.scanCmd(),
		c.sbomCmd(),
		c.dbCmd(),
		c.probeCmd(),
		c.importCmd(),
		c.exportCmd(),
		c.versionCmd(),
	)
	root.SetVersionTemplate("threatmap {{.Version}}\n")
	return root
}

// path resolves a user-supplied path against the command's directory.
func (c *Command) path(p string) string {
	if p == "" {
		p = "."
	}
	if c.Dir == "" || isAbs(p) {
		return p
	}
	return c.Dir + string(os.PathSeparator) + p
}

func isAbs(p string) bool { return len(p) > 0 && p[0] == os.PathSeparator }
