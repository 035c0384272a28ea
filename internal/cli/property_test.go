package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The whole-pipeline property test. Each run builds a random repository
// tree from a seed (symbolic links in and out of the tree, link loops,
// dangling links, names with newlines and control characters, binary
// files, pipes, sparse huge files, unreadable directories when not root,
// planted secrets in env files, code, CI files and the model itself), puts
// a canary secret outside the tree behind links, and runs init, validate,
// report, check and every scan over it in every output format. For every
// command it asserts:
//
//   - no panic, and an exit code of 0, 1 or 2;
//   - nothing outside the tree is read: the canary's marker and secret
//     never appear, and no finding is located in a link;
//   - nothing outside the tree is written: the canary files are unchanged;
//   - no planted secret appears unmasked in stdout or stderr;
//   - an unreadable directory makes scans fail closed (exit 2).
//
// `go test ./internal/cli` runs propertyRuns seeds; more with
// -property.runs=N, another range with -property.seed=S.
var (
	propertyRuns = flag.Int("property.runs", 4, "random trees the whole-pipeline property test builds")
	propertySeed = flag.Uint64("property.seed", 1, "first seed of the whole-pipeline property test")
)

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

type propTree struct {
	root, outside string
	secrets       []string // planted inside the tree
	canary        []string // planted outside the tree
	unreadable    bool     // an entry no scan can read exists
	validModel    bool     // the model loads, so check reaches the scanners
	outsideSum    [32]byte
}

type gen struct{ r *rand.Rand }

func (g gen) chars(n int, set string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[g.r.IntN(len(set))]
	}
	return string(b)
}

// token returns a secret in one of the shapes the detectors know.
func (g gen) token() string {
	switch g.r.IntN(4) {
	case 0:
		return "ghp_" + g.chars(36, alnum)
	case 1:
		return "AKIA" + g.chars(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
	case 2:
		return "sk_live_" + g.chars(24, alnum)
	default:
		return "xoxb-" + g.chars(12, "0123456789") + "-" + g.chars(13, "0123456789") + "-" + g.chars(24, alnum)
	}
}

var oddNames = []string{
	"plain.txt", "with space.py", "new\nline.env", "carriage\rreturn.yml", "esc\x1b[31mred.js",
	"tab\tname.go", "-dash-first.sh", "ünïcødé.md", "bidi\u202eevil.txt", ".hidden", "x\x07bell.json",
	strings.Repeat("long", 50) + ".txt",
}

// buildTree writes one random tree; everything it creates lives under dir.
func buildTree(t *testing.T, seed uint64) *propTree {
	t.Helper()
	g := gen{rand.New(rand.NewPCG(seed, seed*0x9e3779b97f4a7c15+1))}
	base := t.TempDir()
	pt := &propTree{root: filepath.Join(base, "repo"), outside: filepath.Join(base, "outside")}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
	write := func(rel, body string) {
		p := filepath.Join(pt.root, rel)
		must(os.MkdirAll(filepath.Dir(p), 0o755))
		must(os.WriteFile(p, []byte(body), 0o644))
	}
	must(os.MkdirAll(pt.root, 0o755))
	must(os.MkdirAll(pt.outside, 0o755))

	// The canary: a marker line and a secret outside the tree.
	marker := "CANARY-OUTSIDE-" + g.chars(12, "ABCDEFGHJKLMNPQRSTUVWXYZ")
	canaryTok := g.token()
	pt.canary = []string{marker, canaryTok}
	// Every line carries the marker, so that whichever line a diagnostic
	// echoes gives the read away.
	canaryBody := "system: {name: " + marker + "}  # " + marker + "\n" +
		"- " + marker + " unexpected list item\n" +
		"API_TOKEN=" + canaryTok + " # " + marker + "\n" +
		"  password: " + canaryTok + " # " + marker + "\n"
	must(os.WriteFile(filepath.Join(pt.outside, "shadow"), []byte(canaryBody), 0o600))
	must(os.MkdirAll(filepath.Join(pt.outside, "dir"), 0o755))
	must(os.WriteFile(filepath.Join(pt.outside, "dir", ".env"), []byte(canaryBody), 0o600))
	must(os.WriteFile(filepath.Join(pt.outside, "dir", "leak.yaml"), []byte(canaryBody), 0o600))
	must(os.WriteFile(filepath.Join(pt.outside, "dir", "app.py"), []byte("# "+marker+"\nTOKEN = \""+canaryTok+"\"\n"), 0o600))

	// The model: real, missing, linked out of the tree, or with a token
	// typed into it (which diagnostics echo).
	modelTok := g.token()
	switch g.r.IntN(4) {
	case 0:
		must(os.Symlink(filepath.Join(pt.outside, "shadow"), filepath.Join(pt.root, "threatmap.yaml")))
	case 1:
		write("threatmap.yaml", "system:\n  name: prop\n  tokn: "+modelTok+"\n")
		pt.secrets = append(pt.secrets, modelTok)
	case 2:
		pt.validModel = true
		write("threatmap.yaml", "system:\n  name: prop\n  reviewed: 2026-11-01\n  review_every: 90d\n"+
			"surfaces:\n  - {id: api, kind: endpoint, method: GET, path: /api/x, description: \"key "+modelTok+"\"}\n")
		pt.secrets = append(pt.secrets, modelTok)
	default:
		// no model: init writes one
		pt.validModel = true
	}
	if g.r.IntN(2) == 0 {
		must(os.Symlink(filepath.Join(pt.outside, "dir"), filepath.Join(pt.root, "threatmap.rules")))
	}

	// Files with planted secrets and odd names.
	for i := range 4 + g.r.IntN(8) {
		tok := g.token()
		pt.secrets = append(pt.secrets, tok)
		dir := []string{"", "src/", "config/", ".github/workflows/", "deep/a/b/c/"}[g.r.IntN(5)]
		name := oddNames[g.r.IntN(len(oddNames))]
		var body string
		switch g.r.IntN(5) {
		case 0:
			name = ".env"
			body = "API_TOKEN=" + tok + "\nDEBUG=1\n"
		case 1:
			name = "settings.py"
			body = "import os\nSECRET = \"" + tok + "\"\n"
		case 2:
			dir, name = ".github/workflows/", fmt.Sprintf("ci%d.yml", i)
			body = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    env:\n      TOKEN: " + tok + "\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n"
		case 3:
			name = "server.js"
			body = "const express = require('express');\nconst app = express();\nconst key = '" + tok + "';\napp.get('/api/users/:id', (req, res) => res.send(key));\napp.post('/admin/users/:id/delete', (req, res) => res.end());\n"
		default:
			body = "note " + tok + "\n"
		}
		write(dir+name, body)
	}
	// Binary with a secret inside, and a sparse file over every size limit.
	tok := g.token()
	pt.secrets = append(pt.secrets, tok)
	write("bin/tool.bin", "\x7fELF\x00\x00\x00"+tok+"\x00")
	if g.r.IntN(2) == 0 {
		f, err := os.Create(filepath.Join(pt.root, "huge.log"))
		must(err)
		must(f.Truncate(64 << 20))
		must(f.Close())
	}
	// Links: out of the tree (file and directory), loops, dangling, in-tree.
	links := map[string]string{
		"leak.env":        filepath.Join(pt.outside, "shadow"),
		"outdir":          filepath.Join(pt.outside, "dir"),
		"loop-a":          "loop-b",
		"loop-b":          "loop-a",
		"self":            ".",
		"up":              "..",
		"dangling.yml":    "does-not-exist.yml",
		"src/proc-env":    "/proc/self/environ",
		"src/in-tree.txt": "../bin/tool.bin",
	}
	for name, target := range links {
		if g.r.IntN(3) == 0 {
			continue
		}
		p := filepath.Join(pt.root, name)
		must(os.MkdirAll(filepath.Dir(p), 0o755))
		must(os.Symlink(target, p))
	}
	// A pipe, which must never be opened for reading (it would block).
	if g.r.IntN(2) == 0 {
		must(os.MkdirAll(filepath.Join(pt.root, "src"), 0o755))
		must(syscall.Mkfifo(filepath.Join(pt.root, "src", "pipe.env"), 0o644))
	}
	// Unreadable entries: a path longer than the system allows (unreadable
	// even for root), and a directory without permissions when they bind.
	if g.r.IntN(3) == 0 {
		makeTooDeep(t, pt.root)
		pt.unreadable = true
	}
	if os.Geteuid() != 0 && g.r.IntN(3) == 0 {
		write("private/creds.txt", "password = \""+g.chars(20, alnum)+"\"\n")
		must(os.Chmod(filepath.Join(pt.root, "private"), 0))
		t.Cleanup(func() { os.Chmod(filepath.Join(pt.root, "private"), 0o755) })
		pt.unreadable = true
	}
	pt.outsideSum = sumDir(t, pt.outside)
	return pt
}

// makeTooDeep builds, under dir, a chain of directories whose full path is
// longer than PATH_MAX, with a file at the bottom: an entry nothing can open
// by name, even as root.
func makeTooDeep(t *testing.T, dir string) {
	t.Helper()
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	seg := strings.Repeat("d", 200)
	for range 24 {
		if err := syscall.Mkdirat(fd, seg, 0o755); err != nil {
			t.Fatal(err)
		}
		next, err := syscall.Openat(fd, seg, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
		syscall.Close(fd)
		if err != nil {
			t.Fatal(err)
		}
		fd = next
	}
	if f, err := syscall.Openat(fd, ".env", syscall.O_CREAT|syscall.O_WRONLY, 0o644); err == nil {
		syscall.Close(f)
	}
	syscall.Close(fd)
}

// sumDir hashes every file name and content under dir.
func sumDir(t *testing.T, dir string) [32]byte {
	t.Helper()
	h := sha256.New()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00", p)
		if d.Type().IsRegular() {
			data, _ := os.ReadFile(p)
			h.Write(data)
		}
		return nil
	})
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return s
}

// propertyCommands is every command the property test runs, in order.
var propertyCommands = [][]string{
	{"init", "."},
	{"validate", "."},
	{"report", "."},
	{"report", "--format", "json", "."},
	{"report", "--format", "sarif", "."},
	{"check", "."},
	{"check", "--format", "json", "."},
	{"check", "--format", "github", "."},
	{"scan", "secrets", "."},
	{"scan", "secrets", "--format", "json", "--verbose", "."},
	{"scan", "secrets", "--format", "sarif", "."},
	{"scan", "deps", "."},
	{"scan", "workflows", "--format", "json", "."},
	{"scan", "iam", "."},
	{"scan", "iac", "--format", "json", "."},
	{"scan", "routes", "--format", "json", "."},
	{"review", "--by", "prop", "."},
}

func TestWholePipelineProperty(t *testing.T) {
	if testing.Short() && *propertyRuns > 2 {
		*propertyRuns = 2
	}
	if os.Geteuid() == 0 {
		t.Log("running as root: permission bits do not stop reads, so no mode-000 directory is built; paths longer than PATH_MAX stand in as unreadable entries")
	}
	start := time.Now()
	commands := 0
	for i := range *propertyRuns {
		seed := *propertySeed + uint64(i)
		t.Run(fmt.Sprintf("seed-%d", seed), func(t *testing.T) {
			commands += runPropertyTree(t, seed)
		})
	}
	t.Logf("%d random trees, %d commands, in %s", *propertyRuns, commands, time.Since(start).Round(time.Millisecond))
}

func runPropertyTree(t *testing.T, seed uint64) int {
	pt := buildTree(t, seed)
	n := 0
	for _, args := range propertyCommands {
		out, errOut, code := runGuarded(t, seed, pt.root, args)
		n++
		all := out + errOut
		if code < 0 || code > 2 {
			t.Errorf("seed %d %v: exit %d", seed, args, code)
		}
		for _, c := range pt.canary {
			if strings.Contains(all, c) {
				t.Errorf("seed %d %v: output shows content from outside the tree (%.12s...):\n%s", seed, args, c, all)
			}
		}
		for _, s := range pt.secrets {
			if strings.Contains(all, s) {
				t.Errorf("seed %d %v: output shows a planted secret unmasked (%.8s...):\n%s", seed, args, s, all)
			}
		}
		if strings.ContainsAny(out, "\x1b\x07\r") || strings.ContainsAny(errOut, "\x1b\x07\r") {
			t.Errorf("seed %d %v: raw control characters in output: %q", seed, args, all)
		}
		if pt.unreadable && code != ExitUsage && (args[0] == "scan" || (args[0] == "check" && pt.validModel)) {
			t.Errorf("seed %d %v: an unreadable entry did not fail closed (exit %d)", seed, args, code)
		}
		if args[0] == "scan" && args[1] == "secrets" && strings.Contains(strings.Join(args, " "), "json") && code != ExitUsage {
			checkFindingFiles(t, seed, pt.root, out)
		}
	}
	if sumDir(t, pt.outside) != pt.outsideSum {
		t.Errorf("seed %d: a file outside the tree was changed", seed)
	}
	return n
}

// checkFindingFiles asserts that every finding is located in a regular
// file inside the tree, never in a link.
func checkFindingFiles(t *testing.T, seed uint64, root, out string) {
	var doc struct {
		Findings []struct{ File string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Errorf("seed %d: scan secrets JSON: %v", seed, err)
		return
	}
	for _, f := range doc.Findings {
		info, err := os.Lstat(filepath.Join(root, filepath.FromSlash(f.File)))
		if err != nil || !info.Mode().IsRegular() {
			t.Errorf("seed %d: finding in %q, which is not a regular file in the tree", seed, f.File)
		}
	}
}

// runGuarded runs one command with a time limit, turning a panic into a
// test failure that names the seed.
func runGuarded(t *testing.T, seed uint64, dir string, args []string) (out, errOut string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	c := &Command{Stdout: &o, Stderr: &e, Dir: dir, Now: fixedNow, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("seed %d %v: panic: %v\n%s", seed, args, r, debug.Stack())
				code = -1
			}
		}()
		code = c.MainContext(ctx, args)
	}()
	if ctx.Err() != nil {
		t.Errorf("seed %d %v: did not finish within the time limit", seed, args)
	}
	return o.String(), e.String(), code
}
