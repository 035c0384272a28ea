package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/report"
	"github.com/threatmap/threatmap/rules"
)

// ruleDoc is a rule as `threatmap rules --format json` prints it.
type ruleDoc struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Stride      []string `json:"stride"`
	AppliesTo   string   `json:"applies_to"`
	Mitigations []string `json:"mitigations"`
	Controls    []string `json:"controls,omitempty"`
	References  []string `json:"references,omitempty"`
	File        string   `json:"file"`
}

// rulesFor returns the built-in rules, plus the custom rules of the model
// at path when one is there.
func (c *Command) rulesFor(path string) ([]*rules.Rule, error) {
	if path == "" {
		return rules.Builtin()
	}
	if _, err := model.Find(c.path(path)); err != nil {
		return nil, inputError(err)
	}
	m, _, err := c.loadModel(path)
	if err != nil {
		return nil, err
	}
	return c.loadRules(m)
}

func (c *Command) rulesCmd() *cobra.Command {
	var format, model string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the threat rules (built-in and the model's own)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			rs, err := c.rulesFor(model)
			if err != nil {
				return err
			}
			switch format {
			case "json":
				docs := make([]ruleDoc, len(rs))
				for i, r := range rs {
					docs[i] = ruleDoc{ID: r.ID, Title: r.Title, Stride: r.Stride, AppliesTo: r.AppliesTo, Mitigations: r.Mitigations, Controls: r.Controls, References: r.References, File: r.File}
				}
				return report.WriteJSON(c.Stdout, docs)
			case "text":
				tw := tabwriter.NewWriter(c.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tSTRIDE\tAPPLIES TO\tTITLE")
				for _, r := range rs {
					letters := make([]string, 0, len(r.Stride))
					for _, s := range r.StrideCategories() {
						letters = append(letters, s.Letter())
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, strings.Join(letters, ""), r.AppliesTo, r.Title)
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				fmt.Fprintf(c.Stdout, "%d rules\n", len(rs))
				return nil
			default:
				return usageError("unknown --format %q (want text or json)", format)
			}
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	cmd.Flags().StringVar(&model, "model", "", "also list the custom rules of the model at this path")
	return cmd
}

func (c *Command) explainCmd() *cobra.Command {
	var model string
	cmd := &cobra.Command{
		Use:   "explain RULE",
		Short: "Show one rule: what it looks for, why it matters and what to do",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			rs, err := c.rulesFor(model)
			if err != nil {
				return err
			}
			id, _, _ := strings.Cut(args[0], "@")
			for _, r := range rs {
				if r.ID != id {
					continue
				}
				var b strings.Builder
				fmt.Fprintf(&b, "%s — %s\n\n", r.ID, r.Title)
				fmt.Fprintf(&b, "STRIDE:     %s\n", strings.Join(r.Stride, ", "))
				fmt.Fprintf(&b, "Applies to: %s elements where\n            %s\n", r.AppliesTo, strings.TrimSpace(r.When))
				b.WriteString("Difficulty:\n")
				for _, d := range r.Difficulty {
					cond := "otherwise"
					if d.When != "" {
						cond = "when " + strings.TrimSpace(d.When)
					}
					fmt.Fprintf(&b, "  %-6s requires %s (%s)\n", d.Level, d.Requires, cond)
				}
				fmt.Fprintf(&b, "Abuse:      an attacker could %s by %s\n", r.Abuse, r.Method)
				if len(r.Controls) > 0 {
					fmt.Fprintf(&b, "Controls:   %s\n", strings.Join(r.Controls, ", "))
				}
				fmt.Fprintf(&b, "Source:     %s\n\n", r.File)
				b.WriteString(report.RuleHelpMarkdown(r))
				_, err := fmt.Fprint(c.Stdout, b.String())
				return err
			}
			return usageError("no rule %q (see threatmap rules)", id)
		},
	}
	cmd.Flags().StringVar(&model, "model", "", "also look in the custom rules of the model at this path")
	return cmd
}
