package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/interchange"
	"github.com/threatmap/threatmap/model"
)

// importers maps the import formats to their functions.
var importers = map[string]func(string, []byte) (*interchange.Imported, error){
	"threagile":     interchange.ImportThreagile,
	"otm":           interchange.ImportOTM,
	"threat-dragon": interchange.ImportThreatDragon,
}

// exporters maps the export formats to their functions.
var exporters = map[string]func(*model.Model, *assess.Assessment) ([]byte, error){
	"otm":           interchange.ExportOTM,
	"threat-dragon": interchange.ExportThreatDragon,
}

func (c *Command) exportCmd() *cobra.Command {
	var out string
	var noScan bool
	var extra []string
	cmd := &cobra.Command{
		Use:   "export FORMAT [PATH]",
		Short: "Write the model and its assessed threats as OTM or Threat Dragon JSON",
		Long: `export loads threatmap.yaml from PATH (a directory or the model file), runs
the same analysis as report (scanners, rules, responses) and writes the
model with every computed threat and its status in another tool's format.

Formats: ` + strings.Join(formatNames(exporters), ", ") + `.

Written to standard output, or atomically to -o FILE.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			exp, ok := exporters[args[0]]
			if !ok {
				return usageError("unknown export format %q (want %s)", args[0], strings.Join(formatNames(exporters), ", "))
			}
			path := "."
			if len(args) == 2 {
				path = args[1]
			}
			an, err := c.analyze(cmd.Context(), path, analyzeOptions{noScan: noScan, extra: extra})
			if err != nil {
				return err
			}
			c.printWarnings(an)
			data, err := exp(an.model, an.result)
			if err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err := c.Stdout.Write(data)
				return err
			}
			return writeFileAtomic(c.path(out), data)
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of standard output")
	cmd.Flags().BoolVar(&noScan, "no-scan", false, "use the model alone; run no scanners")
	cmd.Flags().StringArrayVar(&extra, "evidence", nil, "extra evidence to use (the JSON of threatmap probe or scan --format json); repeatable")
	return cmd
}

func (c *Command) importCmd() *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "import FORMAT FILE",
		Short: "Turn a Threagile, OTM or Threat Dragon model into threatmap.yaml",
		Long: `import reads a threat model kept by another tool and writes a commented
threatmap.yaml that validates: components, assets, flows, boundaries,
surfaces, identities, controls and responses where the source has an
equivalent, and comments listing what it has none for.

Formats: ` + strings.Join(formatNames(importers), ", ") + `.

The model is written to -o (default threatmap.yaml), atomically; an existing
file is kept unless --force is given. Errors in the source are reported as
file:line:col.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			imp, ok := importers[args[0]]
			if !ok {
				return usageError("unknown import format %q (want %s)", args[0], strings.Join(formatNames(importers), ", "))
			}
			src := c.path(args[1])
			data, err := readLimited(src, interchange.MaxInputSize)
			if err != nil {
				return inputError(err)
			}
			im, err := imp(args[1], data)
			if err != nil {
				return inputError(fmt.Errorf("import %s: %w", args[0], err))
			}
			text, err := im.YAML()
			if err != nil {
				return err
			}
			target := c.path(out)
			// What is written must load: a model that fails validation is a
			// bug in the importer, not something to leave for the user.
			if _, diags := model.Parse(target, text); diags.HasErrors() {
				return fmt.Errorf("import %s: the imported model does not validate:\n%s", args[0], diags.Format(strings.Split(string(text), "\n")))
			}
			ruleFiles, err := im.RuleFiles()
			if err != nil {
				return err
			}
			if out == "-" {
				if len(ruleFiles) > 0 {
					fmt.Fprintf(c.Stderr, "threatmap: %d custom %s for the source's own threats not written (give -o to write them to %s/)\n",
						len(ruleFiles), plural(len(ruleFiles), "rule", "rules"), interchange.RulesDir)
				}
				_, err := c.Stdout.Write(text)
				return err
			}
			// Check every file before writing any, so that a refusal
			// leaves nothing half-written.
			rulesDir := filepath.Join(filepath.Dir(target), interchange.RulesDir)
			names := formatNames(ruleFiles)
			if !force {
				if _, err := os.Stat(target); err == nil {
					return usageError("import: %s already exists (use --force to overwrite, or -o another file)", target)
				}
				for _, n := range names {
					if _, err := os.Stat(filepath.Join(rulesDir, n)); err == nil {
						return usageError("import: %s already exists (use --force to overwrite)", filepath.Join(rulesDir, n))
					}
				}
			}
			if len(names) > 0 {
				if err := os.MkdirAll(rulesDir, 0o755); err != nil {
					return fmt.Errorf("import: %w", err)
				}
				for _, n := range names {
					if err := writeFileAtomic(filepath.Join(rulesDir, n), ruleFiles[n]); err != nil {
						return err
					}
				}
			}
			if err := writeFileAtomic(target, text); err != nil {
				return err
			}
			st := im.Stats()
			fmt.Fprintf(c.Stdout, "%s: %d components, %d assets, %d flows, %d boundaries, %d surfaces, %d identities, %d controls, %d responses; %d custom %s; %d %s left as comments\n",
				out, st["components"], st["assets"], st["flows"], st["boundaries"], st["surfaces"], st["identities"], st["controls"], st["responses"],
				len(names), plural(len(names), "rule", "rules"), len(im.Notes), plural(len(im.Notes), "item", "items"))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", model.FileName, "where to write the model (- for standard output)")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing file")
	return cmd
}

// readLimited reads at most limit bytes of a file, failing beyond.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("read %s: larger than %d bytes", path, limit)
	}
	return data, nil
}

func formatNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
