package cli

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/report"
	"github.com/threatmap/threatmap/rules"
)

// checkDoc is the JSON shape of `threatmap check --format json`.
type checkDoc struct {
	Passed   bool             `json:"passed"`
	Problems []assess.Problem `json:"problems"`
	Counts   map[string]int   `json:"counts"`
	// Skipped counts what the scanners left unread, by reason.
	Skipped map[string]int `json:"skipped,omitempty"`
}

func (c *Command) checkCmd() *cobra.Command {
	var format string
	var probeResults []string
	var noScan bool
	cmd := &cobra.Command{
		Use:   "check [PATH]",
		Short: "The CI gate: fail on what the model's policy names",
		Long: `check runs the model, the scanners and the rules, and exits 1 when the
repository fails the model's policy (policy: in threatmap.yaml). By default
it fails on open threats of priority 1 or 2, controls the evidence
contradicts, accepted risks past their revisit date, secrets found, routes
in the code that the model lacks, and a model not reviewed within its
review_every.

Output is one line per problem, file:line:col first. In GitHub Actions
(GITHUB_ACTIONS=true) each problem is also written as an annotation.
--format json and --format sarif are for machines and code scanning.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "."
			if len(args) == 1 {
				path = args[0]
			}
			switch format {
			case "text", "json", "sarif", "github":
			default:
				return usageError("unknown --format %q (want text, json, sarif or github)", format)
			}
			an, err := c.analyze(cmd.Context(), path, analyzeOptions{noScan: noScan, extra: probeResults})
			if err != nil {
				return err
			}
			c.printWarnings(an)
			c.reportSkips(cmd, &an.skipped)
			if len(an.scanErrs) > 0 {
				return &exitError{code: ExitUsage, err: fmt.Errorf("check: %d %s failed; the gate cannot judge without them", len(an.scanErrs), plural(len(an.scanErrs), "scanner", "scanners"))}
			}
			problems := an.result.Gate()
			for i := range problems {
				problems[i].Pos.File = c.display(problems[i].Pos.File)
			}
			switch format {
			case "json":
				doc := checkDoc{Passed: len(problems) == 0, Problems: problems, Counts: map[string]int{}, Skipped: an.skipped.Counts()}
				if doc.Problems == nil {
					doc.Problems = []assess.Problem{}
				}
				for _, p := range problems {
					doc.Counts[p.Kind]++
				}
				if err := report.WriteJSON(c.Stdout, doc); err != nil {
					return err
				}
			case "sarif":
				if err := writeProblemsSARIF(c, problems, an.rules); err != nil {
					return err
				}
			case "github":
				writeAnnotations(c, problems)
			default:
				writeProblemsText(c, an.result.GroupProblems(problems))
				if c.Getenv("GITHUB_ACTIONS") == "true" {
					writeAnnotations(c, problems)
				}
			}
			if len(problems) > 0 {
				return errFindings
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text, json, sarif or github (annotations)")
	cmd.Flags().StringArrayVar(&probeResults, "evidence", nil, "extra evidence to use (the JSON of threatmap probe or scan --format json); repeatable")
	cmd.Flags().BoolVar(&noScan, "no-scan", false, "use the model alone; run no scanners")
	return cmd
}

// display renders a path relative to the command's directory when it can.
func (c *Command) display(p string) string {
	if p == "" {
		return p
	}
	base := c.Dir
	if base == "" {
		base = "."
	}
	absBase, err1 := filepath.Abs(base)
	absP, err2 := filepath.Abs(p)
	if !filepath.IsAbs(p) && c.Dir != "" {
		absP, err2 = filepath.Abs(filepath.Join(c.Dir, p))
	}
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(absBase, absP); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(p)
}

func writeProblemsText(c *Command, groups [][]assess.Problem) {
	var b strings.Builder
	counts := map[string]int{}
	var order []string
	total := 0
	for _, g := range groups {
		p := g[0]
		pos := p.Pos.String()
		if pos == "" {
			pos = "threatmap"
		}
		msg := p.Message
		if len(g) > 1 {
			var ids []string
			for _, q := range g[1:] {
				ids = append(ids, q.ID)
			}
			shown := ids
			if len(shown) > 5 {
				shown = append(slices.Clone(shown[:5]), fmt.Sprintf("and %d more", len(ids)-5))
			}
			msg += fmt.Sprintf(" [the same on %d more: %s]", len(ids), strings.Join(shown, ", "))
		}
		fmt.Fprintf(&b, "%s: %s: %s\n", report.OneLine(pos), p.Kind, report.OneLine(msg))
		for _, q := range g {
			if counts[q.Kind] == 0 {
				order = append(order, q.Kind)
			}
			counts[q.Kind]++
			total++
		}
	}
	if total == 0 {
		b.WriteString("check passed: no open threats at the gated priority, no failing controls, no secrets, no drift\n")
	} else {
		var parts []string
		for _, k := range order {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
		}
		grouped := ""
		if len(groups) < total {
			grouped = fmt.Sprintf(", shown as %d %s", len(groups), plural(len(groups), "line", "lines"))
		}
		fmt.Fprintf(&b, "check failed: %d %s (%s)%s\n", total, plural(total, "problem", "problems"), strings.Join(parts, ", "), grouped)
	}
	fmt.Fprint(c.Stdout, b.String())
}

// annotationEscaper escapes workflow-command data and properties as the
// GitHub Actions runner expects.
var (
	annotationData = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	annotationProp = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func writeAnnotations(c *Command, problems []assess.Problem) {
	var b strings.Builder
	for _, p := range problems {
		level := "error"
		if p.Kind == assess.ProblemReviewOverdue || p.Kind == assess.ProblemUnmodeled {
			level = "warning"
		}
		var props []string
		if p.Pos.File != "" {
			props = append(props, "file="+annotationProp.Replace(p.Pos.File))
			if p.Pos.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", p.Pos.Line))
			}
			if p.Pos.Column > 0 {
				props = append(props, fmt.Sprintf("col=%d", p.Pos.Column))
			}
		}
		props = append(props, "title="+annotationProp.Replace("threatmap "+p.Kind+": "+p.Title))
		fmt.Fprintf(&b, "::%s %s::%s\n", level, strings.Join(props, ","), annotationData.Replace(p.Message))
	}
	fmt.Fprint(c.Stdout, b.String())
}

func writeProblemsSARIF(c *Command, problems []assess.Problem, rs []*rules.Rule) error {
	byID := map[string]*rules.Rule{}
	for _, r := range rs {
		byID[r.ID] = r
	}
	seen := map[string]bool{}
	var srules []report.SARIFRule
	var results []report.SARIFResult
	for _, p := range problems {
		id := "threatmap/" + p.Kind
		sr := report.SARIFRule{ID: id, Name: p.Kind, Short: strings.ReplaceAll(p.Kind, "-", " "), Severity: p.Severity, Tags: []string{"security"}}
		if r := byID[p.Rule]; r != nil && (p.Kind == assess.ProblemOpenThreat || p.Kind == assess.ProblemExpired || (p.Kind == assess.ProblemFailing && strings.Contains(p.ID, "@"))) {
			id = r.ID
			sr = report.SARIFRule{ID: r.ID, Name: r.Title, Short: r.Title, HelpMarkdown: report.RuleHelpMarkdown(r), Severity: p.Severity, Tags: append([]string{"security", "threat-model"}, r.Stride...)}
		}
		if !seen[id] {
			seen[id] = true
			srules = append(srules, sr)
		}
		results = append(results, report.SARIFResult{RuleID: id, Severity: p.Severity, Message: p.Message, Pos: p.Pos, Fingerprint: p.Kind + ":" + p.ID,
			Properties: map[string]any{"kind": p.Kind, "id": p.ID}})
	}
	return report.WriteSARIF(c.Stdout, Version, srules, results)
}
