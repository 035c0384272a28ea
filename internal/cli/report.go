package cli

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/report"
	"github.com/threatmap/threatmap/report/diagram"
)

func (c *Command) reportCmd() *cobra.Command {
	var format string
	var noScan bool
	var extra []string
	var all bool
	var maxPriority int
	var output string
	cmd := &cobra.Command{
		Use:   "report [PATH]",
		Short: "Print the one-page threat map (md, html, json, sarif, svg, mermaid)",
		Long: `report loads threatmap.yaml from PATH (a directory or the model file), runs
the scanners over the model's directory, evaluates the rules, joins the
responses and prints the threat map.

Formats: md (default), html (one self-contained page with a drawn data-flow
diagram, expandable rows and filters; opens offline), json, sarif, svg (the
drawn diagram alone), mermaid (the diagram as Mermaid text).

-o FILE writes the output to FILE (atomically: a temporary file renamed into
place) instead of standard output.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "."
			if len(args) == 1 {
				path = args[0]
			}
			switch report.Format(format) {
			case report.FormatMarkdown, report.FormatJSON, report.FormatSARIF, report.FormatMermaid, report.FormatHTML, report.FormatSVG:
			default:
				return usageError("unknown --format %q (want md, html, json, sarif, svg or mermaid)", format)
			}
			an, err := c.analyze(cmd.Context(), path, analyzeOptions{noScan: noScan, extra: extra})
			if err != nil {
				return err
			}
			c.printWarnings(an)
			c.reportSkips(cmd, &an.skipped)
			render := func(w io.Writer) error {
				switch report.Format(format) {
				case report.FormatJSON:
					return report.WriteThreatMap(w, report.NewThreatMapDoc(an.result, Version, relToModelDir(an.model)(an.model.File)))
				case report.FormatSARIF:
					return report.WriteThreatsSARIF(w, an.result, an.rules, Version, relToModelDir(an.model))
				case report.FormatMermaid:
					return report.WriteMermaid(w, an.model)
				case report.FormatSVG, report.FormatHTML:
					svg := diagram.Layered{}.SVG(diagram.Build(an.model, diagram.OpenUrgent(an.result), diagram.DefaultLimits))
					if report.Format(format) == report.FormatSVG {
						_, err := w.Write(append(svg, '\n'))
						return err
					}
					outDir := c.path(".")
					if output != "" {
						outDir = filepath.Dir(c.path(output))
					}
					maxRows := report.DefaultMaxRows
					if all {
						maxRows = 0
					}
					return report.WriteHTML(w, an.result, report.HTMLOptions{
						Diagram: svg, MaxRows: maxRows, Version: Version, Rel: relToModelDir(an.model),
						Link: sourceLinks(cmd.Context(), an.model.Dir, outDir),
					})
				default:
					maxRows := report.DefaultMaxRows
					if all {
						maxPriority, maxRows = 0, 0
					}
					return report.WriteMarkdownWith(w, an.result, report.MarkdownOptions{MaxPriority: maxPriority, MaxRows: maxRows})
				}
			}
			if output == "" || output == "-" {
				return render(c.Stdout)
			}
			var buf bytes.Buffer
			safe, flush := c.sameSafety(&buf)
			if err := render(safe); err != nil {
				return err
			}
			if err := flush(); err != nil {
				return err
			}
			if err := writeFileAtomic(c.path(output), buf.Bytes()); err != nil {
				return inputError(fmt.Errorf("write %s: %w", output, err))
			}
			fmt.Fprintf(c.Stderr, "threatmap: wrote %s\n", output)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to `FILE` (atomically) instead of standard output")
	cmd.Flags().StringVarP(&format, "format", "f", "md", "output format: md, html, json, sarif, svg or mermaid")
	cmd.Flags().BoolVar(&noScan, "no-scan", false, "use the model alone; run no scanners")
	cmd.Flags().BoolVar(&all, "all", false, "list every threat in the Markdown table, whatever its priority, with no cap on rows (the default page shows at most 25 grouped rows)")
	cmd.Flags().IntVar(&maxPriority, "max-priority", 3, "leave threats of a larger priority number out of the Markdown table (they are counted); JSON and SARIF always hold every threat")
	cmd.Flags().StringArrayVar(&extra, "evidence", nil, "extra evidence to use (the JSON of threatmap probe or scan --format json); repeatable")
	return cmd
}
