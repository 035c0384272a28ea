package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/repofs"
)

func (c *Command) reviewCmd() *cobra.Command {
	var by, date string
	cmd := &cobra.Command{
		Use:   "review [PATH]",
		Short: "Record a review of the model (date and reviewer), keeping its comments and layout",
		Long: `review sets system.reviewed (today, or --date) and system.reviewed_by in
threatmap.yaml, changing nothing else in the file: comments, order and
formatting stay as they were. Run it after checking the model against what
actually runs; check fails when a review is overdue.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			path := "."
			if len(args) == 1 {
				path = args[0]
			}
			if by == "" {
				return usageError("review: say who reviewed it with --by NAME")
			}
			day := c.now()
			if date != "" {
				d, err := time.Parse(time.DateOnly, date)
				if err != nil {
					return usageError("review: --date %q: want YYYY-MM-DD", date)
				}
				day = d
			}
			file, err := model.Find(c.path(path))
			if err != nil {
				return inputError(err)
			}
			if _, _, err := c.loadModel(file); err != nil {
				return err
			}
			src, err := repofs.ReadNamed(file, model.MaxFileSize)
			if err != nil {
				return inputError(err)
			}
			out, err := model.SetSystemFields(file, src, map[string]string{
				"reviewed":    day.Format(time.DateOnly),
				"reviewed_by": yamlString(by),
			})
			if err != nil {
				return inputError(err)
			}
			if _, err := editInPlace(file, out); err != nil {
				return inputError(fmt.Errorf("review: %w", err))
			}
			fmt.Fprintf(c.Stdout, "%s: reviewed %s by %s\n", file, day.Format(time.DateOnly), by)
			return nil
		},
	}
	cmd.Flags().StringVar(&by, "by", "", "who reviewed the model (required)")
	cmd.Flags().StringVar(&date, "date", "", "the review's date, YYYY-MM-DD (default today)")
	return cmd
}
