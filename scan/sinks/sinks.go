// Package sinks finds code that hands input to a dangerous call: SQL built
// from strings and passed to execute or query, NoSQL filters an attacker
// shapes, shell commands built from variables, unsafe deserialization, XML
// parsers with external entities on, file reads by request-derived path,
// outbound requests to request-derived URLs, templates compiled from user
// strings, code evaluation, LDAP filters built from input, and allocations
// sized by the request. Python and JavaScript/TypeScript are read with
// tree-sitter grammars, Go with go/ast.
//
// Values are followed within one function: an assignment from a request
// object (Flask request, a Django or FastAPI handler's parameters, Express
// req, Go's *http.Request and the gin, echo and fiber contexts) makes the
// variable request-derived, and so does any expression built from it. A
// finding names the source when one was traced. Each finding carries the
// range of the function it sits in, so that a joiner outside this package
// can match it to the route that function serves.
package sinks

import (
	"context"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/repofs"
	"github.com/threatmap/threatmap/scan/secrets"
)

// ScannerName is the Scanner field of every finding.
const ScannerName = "sinks"

// maxFileSize skips generated bundles and data files with a source
// extension.
const maxFileSize = 1 << 20

// Scanner finds dangerous sinks.
type Scanner struct {
	// Reveal shows the literal of a hardcoded-credential,
	// login-literal-credential or secret-default-fallback finding in full;
	// it is masked otherwise.
	Reveal bool
}

// New returns the sinks scanner.
func New() evidence.Scanner { return Scanner{} }

// Name implements evidence.Scanner.
func (Scanner) Name() string { return ScannerName }

// Scan implements evidence.Scanner.
func (s Scanner) Scan(ctx context.Context, root string) (evidence.Set, error) {
	var py, js, goFiles []source
	opts := repofs.Options{MaxSize: maxFileSize, SkipDirs: slices.Concat(repofs.DefaultSkipDirs, testDirs)}
	err := repofs.Walk(ctx, root, opts, func(f repofs.File) error {
		if hiddenDir(f.Rel) {
			// .hygen, .storybook, .next: tooling and build output.
			return nil
		}
		lang := langOf(f.Rel)
		if lang == "" {
			return nil
		}
		src, err := os.ReadFile(f.Path)
		if err != nil {
			return fmt.Errorf("read %s: %w", f.Rel, err)
		}
		if repofs.IsBinary(src[:min(len(src), 512)]) {
			return nil
		}
		s := source{Rel: f.Rel, Src: src}
		switch lang {
		case "py":
			py = append(py, s)
		case "js":
			if !repofs.SkipIfGenerated(ctx, root, f.Rel, src) {
				js = append(js, s)
			}
		case "go":
			goFiles = append(goFiles, s)
		}
		return nil
	})
	if err != nil {
		return evidence.Set{}, err
	}
	var hits []hit
	hits = append(hits, analyzePython(ctx, py)...)
	hits = append(hits, analyzeJS(ctx, js)...)
	hits = append(hits, analyzeGo(ctx, goFiles)...)
	if err := ctx.Err(); err != nil {
		return evidence.Set{}, err
	}
	var set evidence.Set
	// The same sink may be reached twice: analysed on its own and again
	// with a caller's request values. Keep the traced one.
	at := map[string]int{}
	for _, h := range hits {
		if h.rule == rulePrivilegedKey {
			set.Observations = append(set.Observations, evidence.Observation{Scanner: ScannerName, Property: evidence.PrivilegedKeyServerOnly,
				Holds: h.holds, Detail: h.what, File: h.file, Line: h.line})
			continue
		}
		f := h.finding(s.Reveal)
		k := fmt.Sprintf("%s:%d:%d:%s", f.File, f.Line, f.Column, f.Rule)
		if i, ok := at[k]; ok {
			if set.Findings[i].Source == "" && f.Source != "" {
				set.Findings[i] = f
			}
			continue
		}
		at[k] = len(set.Findings)
		set.Findings = append(set.Findings, f)
	}
	set.Sort()
	return set, nil
}

// source is one file to analyse.
type source struct {
	Rel string
	Src []byte
}

// testDirs hold tests and fixtures, whose sinks are not reachable by
// users, and static assets served to browsers, whose code does not run on
// the server.
var testDirs = []string{"testdata", "__tests__", "__mocks__", "test", "tests", "e2e", "cypress", "static", "staticfiles", "public", "assets", "dist", "build", "vendor"}

// hiddenDir reports a file under a directory whose name starts with a dot.
func hiddenDir(rel string) bool {
	dir := path.Dir(rel)
	for _, part := range strings.Split(dir, "/") {
		if len(part) > 1 && part[0] == '.' && part != ".." {
			return true
		}
	}
	return false
}

// langOf tells which analyser reads a file, skipping tests by name.
func langOf(rel string) string {
	base := path.Base(rel)
	switch {
	case strings.HasSuffix(base, "_test.go"), strings.HasPrefix(base, "test_") && strings.HasSuffix(base, ".py"),
		strings.HasSuffix(base, "_test.py"), base == "conftest.py",
		strings.Contains(base, ".test."), strings.Contains(base, ".spec."),
		strings.HasSuffix(base, ".d.ts"), strings.HasSuffix(base, ".min.js"):
		return ""
	}
	switch path.Ext(base) {
	case ".go":
		return "go"
	case ".py":
		return "py"
	case ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts":
		return "js"
	}
	return ""
}

// fn is the function a sink sits in. Line is where its head starts (its
// first decorator, or the call an inline callback is passed to) and Head the
// line of the def, func or arrow itself, so that a route registered by a
// decorator or by the call around a callback falls in [Line, Head].
type fn struct {
	Name            string
	Line, Head, End int
}

// hit is one sink found by an analyser.
type hit struct {
	rule      string
	file      string
	line, col int
	sink      string
	source    string // request-derived origin, "" when none was traced
	what      string // what reaches the sink, for the message
	severity  threatmap.Severity
	fn        fn
	holds     bool // for rulePrivilegedKey: the read is in server code
	// secret is the literal password a credential rule found; the
	// finding carries it masked unless the scan reveals secrets.
	secret string
}

func (h hit) finding(reveal bool) evidence.Finding {
	if h.rule == RuleParseError {
		return parseFinding(h.file, h.line, h.col, h.what)
	}
	info := ruleByID(h.rule)
	msg := info.Title + ": " + h.sink
	switch {
	case logicRule(h.rule) && h.what != "":
		msg += ", " + h.what
	case h.what != "":
		msg += " receives " + h.what
	}
	if h.source != "" && !strings.HasSuffix(h.what, h.source) {
		msg += ", taken from " + h.source
	}
	shown := ""
	if h.secret != "" {
		shown = secrets.Mask(h.secret)
		if reveal {
			shown = h.secret
		}
	}
	return evidence.Finding{
		Secret:   shown,
		Scanner:  ScannerName,
		Rule:     h.rule,
		Severity: h.severity,
		Message:  msg,
		File:     h.file,
		Line:     h.line,
		Column:   h.col,
		Property: info.Property,
		CodeFlow: evidence.CodeFlow{
			Sink: h.sink, Source: h.source, Function: h.fn.Name, FunctionLine: h.fn.Line, FunctionEnd: h.fn.End, FunctionHead: h.fn.Head,
		},
	}
}

// severityFor grades a sink: a traced request source raises a finding to
// the rule's severity for request input, critical for code and command
// execution; without one the input's origin is unknown, which is medium.
func severityFor(rule, src string) threatmap.Severity {
	if src == "" {
		if rule == RuleAllocation {
			return threatmap.Low
		}
		return threatmap.Medium
	}
	switch rule {
	case RuleCommand, RuleCode, RuleDeserialize:
		return threatmap.Critical
	case RuleAllocation:
		return threatmap.Medium
	}
	return threatmap.High
}

// parseFinding reports a file the scanner could not read as code.
func parseFinding(file string, line, col int, msg string) evidence.Finding {
	return evidence.Finding{
		Scanner:  ScannerName,
		Rule:     RuleParseError,
		Severity: threatmap.Info,
		Message:  "could not parse the file, so sinks in it may be missing: " + msg,
		File:     file,
		Line:     line,
		Column:   col,
	}
}
