package cli

import (
	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/report"
)

func (c *Command) reportCmd() *cobra.Command {
	var format string
	var noScan bool
	var extra []string
	var all bool
	var maxPriority int
	cmd := &cobra.Command{
		Use:   "report [PATH]",
		Short: "Print the one-page threat map (md, json, sarif, mermaid)",
		Long: `report loads threatmap.yaml from PATH (a directory or the model file), runs
the scanners over the model's directory, evaluates the rules, joins the
responses and prints the threat map.

Formats: md (default), json, sarif, mermaid (the data-flow diagram alone).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "."
			if len(args) == 1 {
				path = args[0]
			}
			switch report.Format(format) {
			case report.FormatMarkdown, report.FormatJSON, report.FormatSARIF, report.FormatMermaid:
			default:
				return usageError("unknown --format %q (want md, json, sarif or mermaid)", format)
			}
			an, err := c.analyze(cmd.Context(), path, analyzeOptions{noScan: noScan, extra: extra})
			if err != nil {
				return err
			}
			c.printWarnings(an)
			switch report.Format(format) {
			case report.FormatJSON:
				return report.WriteThreatMap(c.Stdout, report.NewThreatMapDoc(an.result, Version, relToModelDir(an.model)(an.model.File)))
			case report.FormatSARIF:
				return report.WriteThreatsSARIF(c.Stdout, an.result, an.rules, Version, relToModelDir(an.model))
			case report.FormatMermaid:
				return report.WriteMermaid(c.Stdout, an.model)
			default:
				if all {
					maxPriority = 0
				}
				return report.WriteMarkdownWith(c.Stdout, an.result, report.MarkdownOptions{MaxPriority: maxPriority})
			}
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "md", "output format: md, json, sarif or mermaid")
	cmd.Flags().BoolVar(&noScan, "no-scan", false, "use the model alone; run no scanners")
	cmd.Flags().BoolVar(&all, "all", false, "list every threat in the Markdown table, whatever its priority")
	cmd.Flags().IntVar(&maxPriority, "max-priority", 3, "leave threats of a larger priority number out of the Markdown table (they are counted); JSON and SARIF always hold every threat")
	cmd.Flags().StringArrayVar(&extra, "evidence", nil, "extra evidence to use (the JSON of threatmap probe or scan --format json); repeatable")
	return cmd
}
