// Command surfaces-score scores route discovery's entry points that are
// not HTTP routes (and the API Gateway routes Terraform declares) against
// hand-written ground truth: docs/surfaces-corpus/<app>.yaml names a public
// repository, the commit that was read, and each entry point with the guards
// that really protect it.
//
// Usage:
//
//	go run ./scripts/surfaces-score -src DIR [-corpus docs/surfaces-corpus] [-v]
//
// DIR holds one checkout per truth file, named owner+name (as the snapshot
// of github.com/owner/name extracts). For each app it prints the entries,
// how many were found (recall), guards claimed where the truth has none
// (false claims of protection), guards missed, and entry points reported
// that the truth does not list. Exit status 1 when a checkout is missing.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes"
)

// Truth is one app's ground truth.
type Truth struct {
	Repo   string `yaml:"repo"`
	Commit string `yaml:"commit"`
	// Scope limits scoring to routes in these files or directories, for
	// apps too large to read whole.
	Scope   []string `yaml:"scope"`
	Entries []Entry  `yaml:"entries"`
}

// Entry is one entry point: kind (bot-command, bot-webhook, server-action,
// queue, cron, or http for an API Gateway route), name (the route's path,
// or "METHOD /path" for http) and the guards that really hold.
type Entry struct {
	Kind   string   `yaml:"kind"`
	Name   string   `yaml:"name"`
	Guards []string `yaml:"guards"`
}

// scored are the guards whose presence is scored.
var scored = []string{evidence.GuardAuth, evidence.GuardPermission, evidence.GuardSignature, evidence.GuardRateLimit}

// Score is one app's result.
type Score struct {
	App                         string
	Entries, Found              int
	Claims, FalseClaims, Missed int
	Extra                       int
	Unresolved                  int
	Detail                      []string
}

func key(kind, name string) string { return kind + " " + name }

func routeKey(r evidence.Route) string {
	if r.Kind == "" {
		return key("http", r.Method+" "+r.Path)
	}
	return key(r.Kind, r.Path)
}

func inScope(file string, scope []string) bool {
	if len(scope) == 0 {
		return true
	}
	for _, s := range scope {
		if file == s || strings.HasPrefix(file, strings.TrimSuffix(s, "/")+"/") {
			return true
		}
	}
	return false
}

// ScoreApp compares the routes found in dir with the truth.
func ScoreApp(ctx context.Context, name string, t Truth, dir string) (Score, error) {
	set, err := routes.New().Scan(ctx, dir)
	if err != nil {
		return Score{}, err
	}
	found := map[string][]evidence.Route{}
	for _, r := range set.Routes {
		if (r.Kind == "" && r.Framework != "api-gateway") || !inScope(r.File, t.Scope) {
			continue
		}
		found[routeKey(r)] = append(found[routeKey(r)], r)
	}
	s := Score{App: name, Entries: len(t.Entries)}
	for _, u := range set.Unresolved {
		if inScope(u.File, t.Scope) {
			s.Unresolved++
			s.Detail = append(s.Detail, fmt.Sprintf("unresolved: %s:%d %s", u.File, u.Line, u.Reason))
		}
	}
	listed := map[string]bool{}
	for _, e := range t.Entries {
		k := key(e.Kind, e.Name)
		listed[k] = true
		rs := found[k]
		if len(rs) == 0 {
			s.Detail = append(s.Detail, "missed: "+k)
			continue
		}
		s.Found++
		// The weakest registration counts: a guard is claimed only if every
		// registration found carries it.
		for _, g := range scored {
			claimed := true
			for _, r := range rs {
				claimed = claimed && slices.Contains(r.Guards, g)
			}
			truth := slices.Contains(e.Guards, g)
			switch {
			case claimed && !truth:
				s.Claims++
				s.FalseClaims++
				s.Detail = append(s.Detail, fmt.Sprintf("false claim: %s has no %s (%s:%d)", k, g, rs[0].File, rs[0].Line))
			case claimed:
				s.Claims++
			case truth:
				s.Missed++
				s.Detail = append(s.Detail, fmt.Sprintf("guard missed: %s %s", k, g))
			}
		}
	}
	var extra []string
	for k, rs := range found {
		if !listed[k] {
			extra = append(extra, fmt.Sprintf("not in truth: %s (%s:%d)", k, rs[0].File, rs[0].Line))
		}
	}
	sort.Strings(extra)
	s.Extra = len(extra)
	s.Detail = append(s.Detail, extra...)
	return s, nil
}

// Load reads every truth file in dir.
func Load(dir string) (map[string]Truth, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	out := map[string]Truth{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var t Truth
		if err := yaml.Unmarshal(b, &t); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if t.Repo == "" || len(t.Entries) == 0 {
			return nil, fmt.Errorf("%s: needs repo and entries", f)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".yaml")] = t
	}
	return out, nil
}

func run(ctx context.Context, w io.Writer, corpus, src string, verbose bool) error {
	truths, err := Load(corpus)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(truths))
	for n := range truths {
		names = append(names, n)
	}
	sort.Strings(names)
	var total Score
	fmt.Fprintf(w, "| app | entries | found | recall | guards claimed | false claims | guards missed | not in truth | unresolved |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, n := range names {
		t := truths[n]
		dir := filepath.Join(src, strings.Replace(t.Repo, "/", "+", 1))
		if _, err := os.Stat(dir); err != nil {
			return fmt.Errorf("%s: no checkout of %s at %s (commit %s)", n, t.Repo, dir, t.Commit)
		}
		s, err := ScoreApp(ctx, n, t, dir)
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		fmt.Fprintf(w, "| %s | %d | %d | %.0f%% | %d | %d | %d | %d | %d |\n", n, s.Entries, s.Found, pct(s.Found, s.Entries), s.Claims, s.FalseClaims, s.Missed, s.Extra, s.Unresolved)
		if verbose {
			for _, d := range s.Detail {
				fmt.Fprintf(w, "    %s\n", d)
			}
		}
		total.Entries += s.Entries
		total.Found += s.Found
		total.Claims += s.Claims
		total.FalseClaims += s.FalseClaims
		total.Missed += s.Missed
		total.Extra += s.Extra
		total.Unresolved += s.Unresolved
	}
	fmt.Fprintf(w, "| **all** | %d | %d | %.1f%% | %d | %d (%.1f%% of entries) | %d | %d | %d |\n", total.Entries, total.Found, pct(total.Found, total.Entries), total.Claims, total.FalseClaims, pct(total.FalseClaims, total.Entries), total.Missed, total.Extra, total.Unresolved)
	return nil
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func main() {
	corpus := flag.String("corpus", "docs/surfaces-corpus", "directory of truth files")
	src := flag.String("src", "", "directory of checkouts named owner+name")
	verbose := flag.Bool("v", false, "list every miss, false claim and extra entry")
	flag.Parse()
	if *src == "" {
		fmt.Fprintln(os.Stderr, "surfaces-score: -src is required")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Stdout, *corpus, *src, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "surfaces-score:", err)
		os.Exit(1)
	}
}
