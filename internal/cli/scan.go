package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/repofs"
	"github.com/threatmap/threatmap/report"
)

func (c *Command) scanCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Gather evidence from the repository: secrets, deps, workflows, iam, iac, routes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(
		c.scanSecretsCmd(),
		c.scanDepsCmd(),
		c.scanWorkflowsCmd(),
		c.scanIAMCmd(),
		c.scanIaCCmd(),
		c.scanRoutesCmd(),
		c.scanSinksCmd(),
	)
	// Every scan leaves out the paths --exclude names (scan deps has its
	// own flag, which does the same and more).
	for _, sub := range cmd.Commands() {
		if sub.Flags().Lookup("exclude") == nil {
			sub.Flags().StringSlice("exclude", nil, "do not read files matching `PATTERN` (dist/, **/generated/, *.min.js, a path; repeatable)")
		}
	}
	return cmd
}

// excludeFlag returns the --exclude patterns of a command, if it has the
// flag.
func excludeFlag(cmd *cobra.Command) []string {
	if cmd.Flags().Lookup("exclude") == nil {
		return nil
	}
	p, _ := cmd.Flags().GetStringSlice("exclude")
	return p
}

// scanFlags are the flags every scan subcommand shares.
type scanFlags struct {
	format string
	failOn string
}

func (f *scanFlags) register(cmd *cobra.Command, defaultFailOn string) {
	cmd.Flags().StringVarP(&f.format, "format", "f", "text", "output format: text, json or sarif")
	cmd.Flags().StringVar(&f.failOn, "fail-on", defaultFailOn, "exit 1 on findings at or above this severity: info, low, medium, high, critical, or none")
}

// runScan runs one scanner over root, renders its evidence and turns the
// findings into an exit code.
func (c *Command) runScan(cmd *cobra.Command, s evidence.Scanner, root string, flags scanFlags, docs map[string]report.RuleDoc) error {
	format := report.Format(flags.format)
	switch format {
	case report.FormatText, report.FormatJSON, report.FormatSARIF:
	default:
		return usageError("unknown --format %q (want text, json or sarif)", flags.format)
	}
	gate := flags.failOn != "none"
	var threshold threatmap.Severity
	if gate {
		var err error
		if threshold, err = threatmap.ParseSeverity(flags.failOn); err != nil {
			return usageError("--fail-on: %v", err)
		}
	}
	var tally repofs.Tally
	set, err := s.Scan(repofs.WithExclude(repofs.WithTally(cmd.Context(), &tally), excludeFlag(cmd)), root)
	if err != nil {
		// An unreadable path, like any failure to read the tree, is an
		// input error (exit 2): the gate fails closed.
		return inputError(err)
	}
	if err := report.WriteFindingsSkipped(c.Stdout, format, set, docs, c.skips(cmd, &tally)); err != nil {
		return err
	}
	c.reportSkips(cmd, &tally)
	if gate {
		for _, f := range set.Findings {
			if f.Severity >= threshold {
				return errFindings
			}
		}
	}
	return nil
}

// skips is the account of what a scan did not read, for JSON output: the
// counts always, the list with --verbose.
func (c *Command) skips(cmd *cobra.Command, t *repofs.Tally) report.Skips {
	s := report.Skips{Counts: t.Counts()}
	if flagSet(cmd, "verbose") {
		for _, k := range t.Skipped() {
			s.Files = append(s.Files, report.SkippedFile{Path: k.Rel, Reason: k.Reason})
		}
	}
	return s
}

// reportSkips tells the user on stderr what a scan did not read: every
// path with --verbose; otherwise a one-line count when files were skipped
// for their size or as binary (excluded directories and links are the
// expected case and are only counted).
func (c *Command) reportSkips(cmd *cobra.Command, t *repofs.Tally) {
	if flagSet(cmd, "verbose") {
		for _, k := range t.Skipped() {
			fmt.Fprintf(c.Stderr, "threatmap: skipped %s (%s)\n", displayName(k.Rel), k.Reason)
		}
		return
	}
	counts := t.Counts()
	if n := counts[repofs.SkipSize] + counts[repofs.SkipBinary]; n > 0 {
		fmt.Fprintf(c.Stderr, "threatmap: %d %s not read (%d too large, %d binary); --verbose lists them\n",
			n, plural(n, "file", "files"), counts[repofs.SkipSize], counts[repofs.SkipBinary])
	}
	// Generated bundles are left out on a guess, so the guess is said.
	if n := counts[repofs.SkipGenerated]; n > 0 {
		fmt.Fprintf(c.Stderr, "threatmap: %d generated JavaScript %s (minified, or build output) not read by the code scanners; --verbose lists them, --exclude leaves out more\n",
			n, plural(n, "bundle", "bundles"))
	}
}

// ruleDocs turns a scanner's rule list into SARIF help, tagging each rule
// with tags and the property its findings refute.
func ruleDocs(rules []evidence.RuleInfo, tags ...string) map[string]report.RuleDoc {
	docs := make(map[string]report.RuleDoc, len(rules))
	for _, r := range rules {
		t := append([]string(nil), tags...)
		if r.Property != "" {
			t = append(t, string(r.Property))
		}
		docs[r.ID] = report.RuleDoc{ID: r.ID, Title: r.Title, Help: r.Description, Severity: r.Severity, Tags: t}
	}
	return docs
}
