package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/rules"
)

// WriteThreatsSARIF writes the open threats as SARIF results, one rule per
// threat rule, located at the element in the model (or the route in code),
// with the threat id as the fingerprint so alerts track across commits.
// relModel rewrites a model-file position into a path relative to the
// repository root that code scanning resolves.
func WriteThreatsSARIF(w io.Writer, a *assess.Assessment, ruleSet []*rules.Rule, version string, relPath func(string) string) error {
	byID := map[string]*rules.Rule{}
	for _, r := range ruleSet {
		byID[r.ID] = r
	}
	seen := map[string]bool{}
	var srules []SARIFRule
	var results []SARIFResult
	for _, t := range a.Threats {
		if !assess.IsOpen(t.Status) {
			continue
		}
		if !seen[t.Rule] {
			seen[t.Rule] = true
			sr := SARIFRule{ID: t.Rule, Name: t.Title, Short: t.Title, Severity: t.Impact, Tags: []string{"security", "threat-model"}}
			if r := byID[t.Rule]; r != nil {
				sr.HelpMarkdown = RuleHelpMarkdown(r)
				sr.Tags = append(sr.Tags, r.Stride...)
				for _, ref := range r.References {
					if strings.HasPrefix(ref, "CWE-") {
						sr.Tags = append(sr.Tags, "external/cwe/"+strings.ToLower(ref))
					}
				}
			}
			srules = append(srules, sr)
		}
		pos := t.Pos
		if relPath != nil && pos.File != "" {
			pos.File = relPath(pos.File)
		}
		msg := t.Summary()
		if t.Detail != "" {
			msg += " " + t.Detail
		}
		msg += fmt.Sprintf(" [%s, priority %d, status %s]", t.ID, t.Priority, t.Status)
		props := map[string]any{"threat": t.ID, "priority": t.Priority, "status": t.Status, "difficulty": t.Difficulty.String()}
		if len(t.Group) > 0 {
			props["group"] = t.Group
			if t.GroupSize != 0 {
				props["group_size"] = t.GroupSize
			}
		}
		if t.Secondary {
			props["secondary"] = true
		}
		results = append(results, SARIFResult{
			RuleID: t.Rule, Severity: sarifSeverity(t), Message: msg, Pos: pos, Fingerprint: t.ID,
			Properties: props,
		})
	}
	return WriteSARIF(w, version, srules, results)
}

// sarifSeverity raises the level of urgent threats: priority 1 is an
// error whatever the impact.
func sarifSeverity(t assess.Threat) threatmap.Severity {
	if t.Priority == 1 && t.Impact < threatmap.High {
		return threatmap.High
	}
	return t.Impact
}

// RuleHelpMarkdown is a rule's explanation with its mitigations and
// references, the same text `threatmap explain` prints.
func RuleHelpMarkdown(r *rules.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** (%s)\n\n", r.Title, strings.Join(r.Stride, ", "))
	b.WriteString(strings.TrimSpace(r.Explain))
	b.WriteString("\n\nMitigations:\n")
	for _, m := range r.Mitigations {
		fmt.Fprintf(&b, "- %s\n", m)
	}
	if len(r.References) > 0 {
		fmt.Fprintf(&b, "\nReferences: %s\n", strings.Join(r.References, ", "))
	}
	return b.String()
}
