// Package routes discovers the HTTP routes a repository's code serves and
// what guards each one: Go (net/http, chi, gin, echo, gorilla/mux, fiber)
// read with go/ast, and Python (Flask, FastAPI, Django) and JavaScript or
// TypeScript (Express, Fastify, Next.js, NestJS) read with tree-sitter
// grammars. Prefixes from groups, blueprints, routers and mounts are joined,
// and guards applied at app, router, group, route or handler level are
// merged, so the threat model's surfaces can be compared with the code.
package routes

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/repofs"
	"github.com/threatmap/threatmap/scan/iac/terraform"
	"github.com/threatmap/threatmap/scan/routes/gosrc"
	"github.com/threatmap/threatmap/scan/routes/graph"
	"github.com/threatmap/threatmap/scan/routes/guard"
	"github.com/threatmap/threatmap/scan/routes/jssrc"
	"github.com/threatmap/threatmap/scan/routes/pysrc"
	"github.com/threatmap/threatmap/scan/routes/tfsrc"
)

// ScannerName is the Scanner field of every finding and observation.
const ScannerName = "routes"

// maxFileSize skips generated bundles and data files that happen to carry
// a source extension.
const maxFileSize = 2 << 20

// Scanner discovers routes.
type Scanner struct{}

// New returns the route scanner. Its Set carries Routes, an Observation per
// guard found on a route, and a few findings about risky routes.
func New() evidence.Scanner { return Scanner{} }

// Name implements evidence.Scanner.
func (Scanner) Name() string { return ScannerName }

// Scan implements evidence.Scanner.
func (Scanner) Scan(ctx context.Context, root string) (evidence.Set, error) {
	var goFiles []gosrc.Source
	var modules []gosrc.Module
	var pyFiles []pysrc.Source
	var jsFiles []jssrc.Source
	var tfFiles []tfsrc.File
	opts := repofs.Options{MaxSize: maxFileSize, SkipDirs: slices.Concat(repofs.DefaultSkipDirs, testDirs)}
	err := repofs.Walk(ctx, root, opts, func(f repofs.File) error {
		kind := kindOf(f.Rel)
		if kind == "" {
			return nil
		}
		src, err := os.ReadFile(f.Path)
		if err != nil {
			return fmt.Errorf("read %s: %w", f.Rel, err)
		}
		if repofs.SkipIfBinary(ctx, f.Rel, src[:min(len(src), 512)]) {
			return nil
		}
		switch kind {
		case "go":
			if goRelevant(src) {
				goFiles = append(goFiles, gosrc.Source{Rel: f.Rel, Src: src})
			}
		case "go.mod":
			if mp := modfile.ModulePath(src); mp != "" {
				modules = append(modules, gosrc.Module{Path: mp, Dir: path.Dir(f.Rel)})
			}
		case "py":
			pyFiles = append(pyFiles, pysrc.Source{Rel: f.Rel, Src: src})
		case "js":
			// A committed bundle repeats the project's routes (and its
			// dependencies') in one generated file.
			if !repofs.SkipIfGenerated(ctx, root, f.Rel, src) {
				jsFiles = append(jsFiles, jssrc.Source{Rel: f.Rel, Src: src})
			}
		case "tf":
			tfFiles = append(tfFiles, tfsrc.File{Rel: f.Rel, Src: src})
		case "yaml":
			if tfsrc.IsSAMCandidate(f.Rel, src) {
				tfFiles = append(tfFiles, tfsrc.File{Rel: f.Rel, Src: src})
			}
		}
		return nil
	})
	if err != nil {
		return evidence.Set{}, err
	}
	var set evidence.Set
	// Every extractor returns routes, the registrations it saw but could
	// not resolve, and the files it could not parse.
	goRoutes, goUnres, goErrs := gosrc.Extract(ctx, goFiles, modules)
	for _, e := range goErrs {
		set.Findings = append(set.Findings, parseFinding(e.File, e.Line, e.Col, e.Msg))
	}
	pyRoutes, pyUnres, pyErrs := extractPython(ctx, pyFiles)
	for _, e := range pyErrs {
		set.Findings = append(set.Findings, parseFinding(e.File, e.Line, e.Col, e.Msg))
	}
	jsRoutes, jsUnres, jsErrs := jssrc.Extract(ctx, jsFiles)
	for _, e := range jsErrs {
		set.Findings = append(set.Findings, parseFinding(e.File, e.Line, e.Col, e.Msg))
	}
	if err := ctx.Err(); err != nil {
		return evidence.Set{}, err
	}
	all := slices.Concat(goRoutes, pyRoutes, jsRoutes, surfaces(ctx, pyFiles, jsFiles, tfFiles, &set))
	set.Routes = finish(all)
	// Extractors of other entry points may have added theirs to set already.
	set.Unresolved = unresolved(slices.Concat(set.Unresolved, goUnres, pyUnres, jsUnres))
	for _, r := range set.Routes {
		set.Findings = append(set.Findings, check(r)...)
		set.Observations = append(set.Observations, observe(r)...)
	}
	set.Sort()
	return set, nil
}

// goMarkers are byte strings at least one of which every Go file that
// registers, mounts or guards a route holds: an import of net/http or of a
// router package, or a string literal that starts with a slash (a path or a
// prefix constant).
var goMarkers = [][]byte{
	[]byte(`"net/http"`), []byte("github.com/go-chi/chi"), []byte("github.com/gin-gonic/gin"),
	[]byte("github.com/labstack/echo"), []byte("github.com/gorilla/mux"), []byte("github.com/gofiber/fiber"),
	[]byte("github.com/go-ozzo/ozzo-routing"),
	[]byte(`"/`), []byte("`/"),
}

// goRelevant reports whether a Go file can take part in routing. Skipping
// the others before parsing keeps a large tree (the Go distribution's own
// source: 4,817 files, of which about 480 pass) from being held in memory
// as syntax trees.
func goRelevant(src []byte) bool {
	for _, m := range goMarkers {
		if bytes.Contains(src, m) {
			return true
		}
	}
	return false
}

// testDirs hold test code and fixtures: routes registered there are test
// apps, not surfaces anyone can reach. PATH itself may be one of them.
var testDirs = []string{"testdata", "__tests__", "__mocks__", "test", "tests", "e2e", "cypress"}

// isTestFile reports test sources by their naming conventions.
func isTestFile(base string) bool {
	if strings.HasPrefix(base, "test_") && strings.HasSuffix(base, ".py") || strings.HasSuffix(base, "_test.py") || base == "conftest.py" {
		return true
	}
	for _, marker := range []string{".test.", ".spec.", ".e2e."} {
		if strings.Contains(base, marker) {
			return true
		}
	}
	return false
}

// kindOf tells which extractor reads a file.
func kindOf(rel string) string {
	base := path.Base(rel)
	if isTestFile(base) {
		return ""
	}
	switch {
	case base == "go.mod":
		return "go.mod"
	case strings.HasSuffix(base, ".go"):
		return "go"
	case strings.HasSuffix(base, ".py"):
		return "py"
	case terraform.IsTerraformFile(base):
		return "tf"
	case strings.HasSuffix(base, ".d.ts"), strings.HasSuffix(base, ".min.js"):
		return ""
	}
	switch path.Ext(base) {
	case ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts":
		return "js"
	case ".yaml", ".yml":
		return "yaml" // read only when it is an AWS SAM template
	}
	return ""
}

// finish tags routes and drops exact duplicates (one registration reached
// twice through the same mount).
func finish(rs []evidence.Route) []evidence.Route {
	seen := map[string]bool{}
	out := make([]evidence.Route, 0, len(rs))
	for _, r := range rs {
		if r.Guards == nil {
			r.Guards = []string{}
		}
		r.Tags = Tags(r)
		k := fmt.Sprintf("%s|%s|%s|%d|%s", r.Method, r.Path, r.File, r.Line, strings.Join(r.Guards, ","))
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, r)
	}
	return out
}

// unresolved stamps the scanner's name on every unresolved registration
// and puts them in a stable order without duplicates.
func unresolved(us []evidence.Unresolved) []evidence.Unresolved {
	for i := range us {
		us[i].Scanner = ScannerName
	}
	return graph.SortUnresolved(us)
}

// observe emits a positive observation for each guard on a route.
func observe(r evidence.Route) []evidence.Observation {
	var out []evidence.Observation
	for _, g := range r.Guards {
		if guard.Property(g) == "" {
			continue // auth-optional and permission confirm no property
		}
		out = append(out, evidence.Observation{
			Scanner:  ScannerName,
			Property: guard.Property(g),
			Subject:  Subject(r),
			Holds:    true,
			Detail:   fmt.Sprintf("%s guard found on %s route (handler %s)", g, r.Framework, orNone(r.Handler)),
			File:     r.File,
			Line:     r.Line,
		})
	}
	return out
}

// Subject is how a model author names a route: "METHOD /path".
func Subject(r evidence.Route) string { return r.Method + " " + r.Path }

func orNone(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func parseFinding(file string, line, col int, msg string) evidence.Finding {
	return evidence.Finding{
		Scanner:  ScannerName,
		Rule:     RuleParseError,
		Severity: threatmap.Info,
		Message:  "could not parse the file, so routes it registers may be missing: " + msg,
		File:     file,
		Line:     line,
		Column:   col,
	}
}
