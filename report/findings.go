// Package report renders the pipeline's outputs: the one-page threat map
// (Markdown, JSON, SARIF, Mermaid) and scanner findings (text, JSON, SARIF).
// It reads the assessment and evidence; nothing upstream imports it.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// Format names an output format.
type Format string

// Output formats.
const (
	FormatText     Format = "text"
	FormatMarkdown Format = "md"
	FormatJSON     Format = "json"
	FormatSARIF    Format = "sarif"
	FormatMermaid  Format = "mermaid"
	FormatHTML     Format = "html"
	FormatSVG      Format = "svg"
)

// FindingsDoc is the JSON shape of `threatmap scan ... --format json`.
type FindingsDoc struct {
	Findings     []evidence.Finding     `json:"findings"`
	Routes       []evidence.Route       `json:"routes,omitempty"`
	Observations []evidence.Observation `json:"observations,omitempty"`
	// Unresolved lists what a scanner saw but could not decide (a route
	// registration it could not resolve, dependencies it could not check),
	// so that a gap is never silent.
	Unresolved []evidence.Unresolved `json:"unresolved,omitempty"`
	// Skipped counts the paths the scan left unread on purpose, by reason
	// (size, binary, excluded-dir, symlink, special).
	Skipped map[string]int `json:"skipped,omitempty"`
	// SkippedFiles lists them, with --verbose.
	SkippedFiles []SkippedFile `json:"skipped_files,omitempty"`
}

// SkippedFile is one path a scan left unread, and why.
type SkippedFile struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Skips is what a scan left unread, for WriteFindingsSkipped.
type Skips struct {
	Counts map[string]int
	Files  []SkippedFile
}

// RuleDoc describes a scanner rule for SARIF help text.
type RuleDoc struct {
	ID       string
	Title    string
	Help     string
	Severity threatmap.Severity
	Tags     []string
}

// WriteFindings renders a scanner's evidence in the given format. docs, which
// may be nil, supplies rule descriptions for SARIF.
func WriteFindings(w io.Writer, format Format, set evidence.Set, docs map[string]RuleDoc) error {
	return WriteFindingsSkipped(w, format, set, docs, Skips{})
}

// WriteFindingsSkipped is WriteFindings with the account of what the scan
// did not read, which the JSON output carries.
func WriteFindingsSkipped(w io.Writer, format Format, set evidence.Set, docs map[string]RuleDoc, skips Skips) error {
	set.Sort()
	if set.Findings == nil {
		set.Findings = []evidence.Finding{}
	}
	switch format {
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(FindingsDoc{Findings: set.Findings, Routes: set.Routes, Observations: set.Observations, Unresolved: set.Unresolved, Skipped: skips.Counts, SkippedFiles: skips.Files})
	case FormatSARIF:
		return writeFindingsSARIF(w, set.Findings, docs)
	case FormatText, "":
		return writeFindingsText(w, set)
	default:
		return fmt.Errorf("unknown format %q (want text, json or sarif)", format)
	}
}

func writeFindingsText(w io.Writer, set evidence.Set) error {
	var b strings.Builder
	for _, f := range set.Findings {
		pos := f.Where()
		fmt.Fprintf(&b, "%s: %s: %s [%s]", OneLine(pos), f.Severity, OneLine(f.Message), f.Rule)
		if f.Commit != "" {
			fmt.Fprintf(&b, " commit %s", shortCommit(f.Commit))
		}
		b.WriteByte('\n')
	}
	for _, r := range set.Routes {
		guards := "none"
		if len(r.Guards) > 0 {
			guards = strings.Join(r.Guards, ",")
		}
		fmt.Fprintf(&b, "%s:%d: %s %s [%s] guards=%s", OneLine(r.File), r.Line, OneLine(r.Method), OneLine(r.Path), r.Framework, guards)
		if len(r.Tags) > 0 {
			fmt.Fprintf(&b, " tags=%s", strings.Join(r.Tags, ","))
		}
		b.WriteByte('\n')
	}
	for _, u := range set.Unresolved {
		loc := u.File
		if u.Line > 0 {
			loc = fmt.Sprintf("%s:%d", u.File, u.Line)
		}
		what := "unresolved"
		if u.Scanner == "routes" {
			what = "unresolved route registration"
		}
		fmt.Fprintf(&b, "%s: %s: %s\n", loc, what, u.Reason)
	}
	switch n := len(set.Findings); n {
	case 0:
		b.WriteString("no findings\n")
	case 1:
		b.WriteString("1 finding\n")
	default:
		fmt.Fprintf(&b, "%d findings\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// lineBreaks are what OneLine escapes.
var lineBreaks = strings.NewReplacer("\n", `\n`, "\r", `\r`, "\u2028", `\u2028`, "\u2029", `\u2029`)

// OneLine escapes line breaks in a file name or message printed on one line
// of text output, so that a file named "x\ncheck passed" cannot forge a
// line. Other control characters are escaped by the command line's output
// writer.
func OneLine(s string) string {
	if !strings.ContainsAny(s, "\n\r\u2028\u2029") {
		return s
	}
	return lineBreaks.Replace(s)
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

func writeFindingsSARIF(w io.Writer, findings []evidence.Finding, docs map[string]RuleDoc) error {
	seen := map[string]bool{}
	var rules []SARIFRule
	results := make([]SARIFResult, 0, len(findings))
	for _, f := range findings {
		id := f.Scanner + "/" + f.Rule
		if !seen[id] {
			seen[id] = true
			doc, ok := docs[f.Rule]
			rule := SARIFRule{ID: id, Name: f.Rule, Severity: f.Severity, Tags: []string{"security", f.Scanner}}
			if ok {
				rule.Short = doc.Title
				rule.HelpMarkdown = doc.Help
				rule.Severity = doc.Severity
				rule.Tags = append(rule.Tags, doc.Tags...)
			}
			rules = append(rules, rule)
		}
		props := map[string]any{}
		for k, v := range map[string]string{
			"commit": f.Commit, "secret": f.Secret, "resource": f.Resource, "package": f.Package,
			"version": f.Version, "ecosystem": f.Ecosystem, "advisory": f.Advisory, "fixed": f.Fixed,
		} {
			if v != "" {
				props[k] = v
			}
		}
		if len(f.Aliases) > 0 {
			props["aliases"] = f.Aliases
		}
		fp := f.Fingerprint
		if fp == "" {
			fp = FindingFingerprint(f)
		}
		results = append(results, SARIFResult{
			RuleID: id, Severity: f.Severity, Message: f.Message, Pos: f.Pos(), Fingerprint: fp, Properties: props,
		})
	}
	return WriteSARIF(w, "", rules, results)
}

// FindingFingerprint derives a stable identity for a finding that lacks one:
// scanner, rule, file, resource and package, but not the line, so that the
// alert survives edits above it.
func FindingFingerprint(f evidence.Finding) string {
	return strings.Join([]string{f.Scanner, f.Rule, f.File, f.Resource, f.Package, f.Advisory}, ":")
}
