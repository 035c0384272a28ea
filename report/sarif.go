package report

import (
	"fmt"
	"io"
	"sort"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/threatmap/threatmap"
)

// ToolName and ToolURI identify threatmap in SARIF output.
const (
	ToolName = "threatmap"
	ToolURI  = "https://github.com/threatmap/threatmap"
)

// SARIFRule describes one rule in a SARIF run: the text GitHub code scanning
// shows beside an alert.
type SARIFRule struct {
	ID           string
	Name         string
	Short        string
	HelpMarkdown string
	HelpURI      string
	Tags         []string
	Severity     threatmap.Severity
}

// SARIFResult is one alert.
type SARIFResult struct {
	RuleID   string
	Severity threatmap.Severity
	Message  string
	Pos      threatmap.Position
	// Fingerprint identifies the result across commits (it must not depend
	// on line numbers when the thing itself did not change).
	Fingerprint string
	Properties  map[string]any
}

// WriteSARIF writes a SARIF 2.1.0 log with one run. Rules are written in id
// order and results in the order given, so the output is deterministic.
func WriteSARIF(w io.Writer, version string, rules []SARIFRule, results []SARIFResult) error {
	run := sarif.NewRunWithInformationURI(ToolName, ToolURI)
	if version != "" {
		run.Tool.Driver.Version = &version
	}
	sorted := append([]SARIFRule(nil), rules...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	for _, r := range sorted {
		d := run.AddRule(r.ID)
		if r.Name != "" {
			d.WithName(r.Name)
		}
		short := r.Short
		if short == "" {
			short = r.ID
		}
		d.WithShortDescription(sarif.NewMultiformatMessageString().WithText(short))
		if r.HelpMarkdown != "" {
			d.WithHelp(sarif.NewMultiformatMessageString().WithText(r.HelpMarkdown).WithMarkdown(r.HelpMarkdown))
		}
		if r.HelpURI != "" {
			d.WithHelpURI(r.HelpURI)
		}
		props := sarif.NewPropertyBag()
		if tags := uniqueSorted(r.Tags); len(tags) > 0 {
			props.WithTags(tags)
		}
		props.Add("security-severity", SecuritySeverity(r.Severity))
		d.WithProperties(props)
		d.WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(Level(r.Severity)))
	}
	for _, res := range results {
		if run.GetRuleIndex(res.RuleID) < 0 {
			return fmt.Errorf("sarif: result names unknown rule %q", res.RuleID)
		}
		r := run.CreateResultForRule(res.RuleID).
			WithLevel(Level(res.Severity)).
			WithMessage(sarif.NewTextMessage(res.Message))
		if res.Pos.File != "" {
			region := sarif.NewRegion()
			if res.Pos.Line > 0 {
				region.WithStartLine(res.Pos.Line)
			} else {
				region.WithStartLine(1)
			}
			if res.Pos.Column > 0 {
				region.WithStartColumn(res.Pos.Column)
			}
			loc := sarif.NewPhysicalLocation().
				WithArtifactLocation(sarif.NewSimpleArtifactLocation(res.Pos.File).WithURIBaseID("%SRCROOT%")).
				WithRegion(region)
			r.WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(loc)})
		}
		if res.Fingerprint != "" {
			r.WithPartialFingerprints(map[string]string{"threatmap/v1": res.Fingerprint})
		}
		if len(res.Properties) > 0 {
			props := sarif.NewPropertyBag()
			keys := make([]string, 0, len(res.Properties))
			for k := range res.Properties {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				props.Add(k, res.Properties[k])
			}
			r.WithProperties(props)
		}
	}
	log := sarif.NewReport()
	log.AddRun(run)
	if err := log.PrettyWrite(w); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// uniqueSorted returns tags sorted with duplicates removed, as SARIF
// requires tags to be unique.
func uniqueSorted(tags []string) []string {
	out := append([]string(nil), tags...)
	sort.Strings(out)
	j := 0
	for i, t := range out {
		if i == 0 || t != out[j-1] {
			out[j] = t
			j++
		}
	}
	return out[:j]
}

// Level maps a severity to a SARIF result level.
func Level(s threatmap.Severity) string {
	switch {
	case s >= threatmap.High:
		return "error"
	case s >= threatmap.Medium:
		return "warning"
	default:
		return "note"
	}
}

// SecuritySeverity maps a severity to the 0-10 score GitHub code scanning
// reads from the security-severity property.
func SecuritySeverity(s threatmap.Severity) string {
	switch s {
	case threatmap.Critical:
		return "9.5"
	case threatmap.High:
		return "8.0"
	case threatmap.Medium:
		return "5.5"
	case threatmap.Low:
		return "3.0"
	default:
		return "1.0"
	}
}
