// Command routescore scores the route scanner against hand-written ground
// truth: one YAML file per app in a corpus directory, each naming a public
// repository, the commit that was read and every route the app serves with
// the authentication it really enforces.
//
//	go run ./scripts/routescore -corpus docs/routes-corpus -checkouts /tmp/routes-corpus
//
// A checkout of repo owner/name at the file's commit is expected at
// CHECKOUTS/owner+name (the layout fetch uses for its mirrors). It prints,
// per app and in total: route recall, required-auth recall, the share of
// truth routes where auth is claimed but the app has it optional or none,
// and the truth routes missing with no unresolved registration reported in
// the same file (silent drops).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes"
)

// Truth is one ground-truth file, docs/routes-corpus/<app>.yaml.
type Truth struct {
	Repo      string       `yaml:"repo"`
	Commit    string       `yaml:"commit"`
	Framework string       `yaml:"framework"`
	Root      string       `yaml:"root"`
	Routes    []TruthRoute `yaml:"routes"`
}

// TruthRoute is a route the app serves. Auth is none, optional or
// required; File, when given, is where the route is registered (relative to
// the repository, not to Root) and lets a miss be matched with an
// unresolved registration reported in that file.
type TruthRoute struct {
	Method string `yaml:"method"`
	Path   string `yaml:"path"`
	Auth   string `yaml:"auth"`
	File   string `yaml:"file"`
}

// Score is the tally for one app or for the corpus.
type Score struct {
	Routes, Found           int
	Required, RequiredFound int
	// OverClaimed counts truth routes with auth none or optional that the
	// scanner reports as requiring auth.
	OverClaimed int
	// Silent counts missing routes with no unresolved registration in the
	// same file.
	Silent int
	// Extra counts scanned HTTP routes that match no truth route.
	Extra      int
	Unresolved int
}

func (s *Score) add(o Score) {
	s.Routes += o.Routes
	s.Found += o.Found
	s.Required += o.Required
	s.RequiredFound += o.RequiredFound
	s.OverClaimed += o.OverClaimed
	s.Silent += o.Silent
	s.Extra += o.Extra
	s.Unresolved += o.Unresolved
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "routescore:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("routescore", flag.ContinueOnError)
	corpus := fs.String("corpus", "docs/routes-corpus", "directory of ground-truth YAML files")
	checkouts := fs.String("checkouts", "", "directory holding a checkout per app at CHECKOUTS/owner+name")
	only := fs.String("app", "", "score only the apps whose file name contains this")
	verbose := fs.Bool("v", false, "list every miss, over-claim and extra route")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *checkouts == "" {
		return errors.New("-checkouts is required")
	}
	files, err := filepath.Glob(filepath.Join(*corpus, "*.yaml"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "app\troutes\trecall\trequired-auth recall\tauth over-claimed\tsilent misses\textra\tunresolved\t")
	var total Score
	var details bytes.Buffer
	n := 0
	for _, f := range files {
		app := strings.TrimSuffix(filepath.Base(f), ".yaml")
		if *only != "" && !strings.Contains(app, *only) {
			continue
		}
		t, err := load(f)
		if err != nil {
			return err
		}
		dir := filepath.Join(*checkouts, strings.ReplaceAll(t.Repo, "/", "+"), filepath.FromSlash(t.Root))
		if _, err := os.Stat(dir); err != nil {
			return fmt.Errorf("%s: checkout of %s: %w", f, t.Repo, err)
		}
		set, err := routes.New().Scan(context.Background(), dir)
		if err != nil {
			return fmt.Errorf("%s: scan %s: %w", f, dir, err)
		}
		s, lines := score(t, set)
		total.add(s)
		n++
		row(tw, app, s)
		if *verbose && len(lines) > 0 {
			fmt.Fprintf(&details, "\n%s:\n", app)
			for _, l := range lines {
				fmt.Fprintf(&details, "  %s\n", l)
			}
		}
	}
	row(tw, fmt.Sprintf("total (%d apps)", n), total)
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = stdout.Write(details.Bytes())
	return err
}

func row(w io.Writer, app string, s Score) {
	fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%d\t%d\t%d\t\n", app, s.Routes,
		pct(s.Found, s.Routes), pct(s.RequiredFound, s.Required), pct(s.OverClaimed, s.Routes), s.Silent, s.Extra, s.Unresolved)
}

func pct(a, b int) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%% (%d/%d)", 100*float64(a)/float64(b), a, b)
}

func load(file string) (Truth, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return Truth{}, err
	}
	var t Truth
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return Truth{}, fmt.Errorf("%s: %w", file, err)
	}
	if t.Repo == "" || !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(t.Commit) {
		return Truth{}, fmt.Errorf("%s: repo and a 40-hex commit are required", file)
	}
	for i, r := range t.Routes {
		if r.Method == "" || !strings.HasPrefix(r.Path, "/") {
			return Truth{}, fmt.Errorf("%s: route %d: method and a path starting with / are required", file, i+1)
		}
		switch r.Auth {
		case "none", "optional", "required":
		default:
			return Truth{}, fmt.Errorf("%s: route %d (%s %s): auth %q is not none, optional or required", file, i+1, r.Method, r.Path, r.Auth)
		}
	}
	return t, nil
}

var param = regexp.MustCompile(`\{[^}]*\}`)

// key normalises a route for matching: upper-case method, parameter names
// dropped (a * or *name segment is a parameter too), no trailing slash.
func key(method, path string) string {
	p := param.ReplaceAllString(path, "{}")
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "*") {
			segs[i] = "{}"
		}
	}
	p = strings.Join(segs, "/")
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	return strings.ToUpper(method) + " " + p
}

// score matches truth routes with scanned ones: same method (a scanned ANY
// answers every method) and path. A route the scanner tags unmounted is
// not drafted as a surface, so it counts as missing.
func score(t Truth, set evidence.Set) (Score, []string) {
	var s Score
	var lines []string
	rootRel := func(file string) string {
		if t.Root == "" {
			return file
		}
		return strings.TrimSuffix(t.Root, "/") + "/" + file
	}
	byKey := map[string][]int{}
	var http []evidence.Route
	for _, r := range set.Routes {
		if r.Kind != "" || slices.Contains(r.Tags, evidence.TagUnmounted) {
			continue
		}
		byKey[key(r.Method, r.Path)] = append(byKey[key(r.Method, r.Path)], len(http))
		http = append(http, r)
	}
	used := make([]bool, len(http))
	unresolvedIn := map[string]bool{}
	for _, u := range set.Unresolved {
		unresolvedIn[rootRel(u.File)] = true
	}
	s.Unresolved = len(set.Unresolved)
	pick := func(k string) int {
		for _, i := range byKey[k] {
			if !used[i] {
				return i
			}
		}
		// A route registered once can stand for two truth entries only
		// when the truth lists the same route twice; reuse is allowed.
		if ids := byKey[k]; len(ids) > 0 {
			return ids[0]
		}
		return -1
	}
	for _, tr := range t.Routes {
		s.Routes++
		if tr.Auth == "required" {
			s.Required++
		}
		i := pick(key(tr.Method, tr.Path))
		if i < 0 {
			i = pick(key("ANY", tr.Path))
		}
		if i < 0 {
			silent := tr.File == "" || !unresolvedIn[tr.File]
			if silent {
				s.Silent++
			}
			lines = append(lines, fmt.Sprintf("missing %s %s (%s)%s", tr.Method, tr.Path, orDash(tr.File), map[bool]string{true: " silent", false: " unresolved reported"}[silent]))
			continue
		}
		used[i] = true
		s.Found++
		r := http[i]
		hasAuth := slices.Contains(r.Guards, evidence.GuardAuth)
		switch {
		case tr.Auth == "required" && hasAuth:
			s.RequiredFound++
		case tr.Auth == "required":
			lines = append(lines, fmt.Sprintf("auth missed %s %s (%s:%d guards=%s)", tr.Method, tr.Path, r.File, r.Line, strings.Join(r.Guards, ",")))
		case hasAuth:
			s.OverClaimed++
			lines = append(lines, fmt.Sprintf("auth over-claimed %s %s (truth %s; %s:%d guards=%s)", tr.Method, tr.Path, tr.Auth, r.File, r.Line, strings.Join(r.Guards, ",")))
		}
	}
	for i, r := range http {
		if !used[i] {
			s.Extra++
			lines = append(lines, fmt.Sprintf("extra %s %s (%s:%d)", r.Method, r.Path, r.File, r.Line))
		}
	}
	for _, u := range set.Unresolved {
		lines = append(lines, fmt.Sprintf("unresolved %s:%d %s", u.File, u.Line, u.Reason))
	}
	return s, lines
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
