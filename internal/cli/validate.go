package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/rules"
)

func (c *Command) validateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate [PATH]",
		Short: "Check threatmap.yaml and its custom rules; report every problem at once",
		Long: `validate loads the model at PATH (a directory holding threatmap.yaml, or the
file) and reports every problem at once, each as file:line:col with the
offending line: unknown keys, wrong types, values outside their set,
dangling references, duplicate ids, bad dates, responses that answer no
rule. Custom rules beside the model are compiled too.

Exit 0 when the model is valid (warnings allowed), 2 otherwise.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "."
			if len(args) == 1 {
				path = args[0]
			}
			m, warnings, err := c.loadModel(path)
			if err != nil {
				return err
			}
			rs, err := c.loadRules(m)
			if err != nil {
				return err
			}
			if _, diags := rules.NewEngine(rs); len(diags) > 0 {
				fmt.Fprint(c.Stderr, diags.Format(nil))
				return &exitError{code: ExitUsage, err: fmt.Errorf("rules: %d %s", len(diags), plural(len(diags), "problem", "problems"))}
			}
			warnings = append(warnings, responseRuleWarnings(m, rs)...)
			if len(warnings) > 0 {
				fmt.Fprint(c.Stderr, warnings.Format(m.Source))
			}
			fmt.Fprintf(c.Stdout, "%s: ok (%d assets, %d components, %d surfaces, %d flows, %d controls, %d responses; %d %s)\n",
				m.File, len(m.Assets), len(m.Components), len(m.Surfaces), len(m.Flows), len(m.Controls), len(m.Responses),
				len(warnings), plural(len(warnings), "warning", "warnings"))
			return nil
		},
	}
}

// responseRuleWarnings flags responses keyed by a rule id that no rule
// has, usually a typo that would leave the real threat unanswered.
func responseRuleWarnings(m *model.Model, rs []*rules.Rule) model.Diagnostics {
	known := map[string]bool{}
	for _, r := range rs {
		known[r.ID] = true
	}
	var out model.Diagnostics
	for _, r := range m.Responses {
		rule, _, _ := strings.Cut(r.Threat, "@")
		if rule != "" && !known[rule] {
			out = append(out, model.Diagnostic{Pos: r.Loc.At("threat"), Message: fmt.Sprintf("response %q names rule %q, which does not exist (see threatmap rules)", r.Threat, rule), Warning: true})
		}
	}
	return out
}
