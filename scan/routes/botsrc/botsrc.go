// Package botsrc finds the entry points of a program that are not HTTP
// routes, reading Python, JavaScript and TypeScript with the tree-sitter
// grammars the route extractors use: chat bot commands and handlers
// (discord.py, python-telegram-bot, aiogram, Slack Bolt, discord.js,
// Telegraf, grammY) with the permission checks that guard them, the webhook
// servers bot frameworks start (with or without the platform's secret
// token), Next.js server actions ('use server') with or without a session
// check, queue consumers (Celery, Dramatiq, Kafka, BullMQ) and scheduled
// jobs (Celery beat, APScheduler, discord.py tasks, the Telegram job queue,
// node-cron).
//
// What it sees but cannot name (a command registered under a name built at
// run time) is returned as evidence.Unresolved, never dropped in silence.
package botsrc

import (
	"context"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/jssrc"
	"github.com/threatmap/threatmap/scan/routes/tsparse"
)

// Source is one file.
type Source = tsparse.Source

// ParseError is a file whose syntax tree has errors.
type ParseError = tsparse.ParseError

// ScannerName is the Scanner of the Unresolved entries this package reports.
const ScannerName = "routes"

// Framework names, as they appear in Route.Framework.
const (
	DiscordPy  = "discord.py"
	PTB        = "python-telegram-bot"
	Aiogram    = "aiogram"
	SlackBolt  = "slack-bolt"
	Celery     = "celery"
	Dramatiq   = "dramatiq"
	Kafka      = "kafka"
	APS        = "apscheduler"
	NextJS     = "nextjs"
	DiscordJS  = "discord.js"
	Telegraf   = "telegraf"
	Grammy     = "grammy"
	BullMQ     = "bullmq"
	NodeCron   = "node-cron"
	methodCmd  = "COMMAND"
	methodMsg  = "MESSAGE"
	methodEvt  = "EVENT"
	methodCB   = "CALLBACK"
	methodJob  = "SCHEDULE"
	methodCons = "CONSUME"
)

// Result is what Extract found.
type Result struct {
	Routes     []evidence.Route
	Unresolved []evidence.Unresolved
	Errors     []ParseError
}

// pyMarkers and jsMarkers select the files worth parsing: only those that
// name one of the frameworks read here. Everything else costs one substring
// search.
var pyMarkers = []string{"discord", "telegram", "aiogram", "slack_bolt", "celery", "shared_task", "apscheduler", "dramatiq", "KafkaConsumer", "job_queue", "beat_schedule"}

var jsMarkers = []string{"use server", "@slack/bolt", "discord.js", "SlashCommandBuilder", "telegraf", "grammy", "bullmq", "node-cron", "CronJob", "kafkajs", ".command("}

func hasAny(src []byte, markers []string) bool {
	s := string(src)
	for _, m := range markers {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// Parse parses a Python file; it is the entry point of the fuzz test.
func Parse(ctx context.Context, src []byte) (*sitter.Tree, error) {
	p := sitter.NewParser()
	defer p.Close()
	p.SetLanguage(python.GetLanguage())
	return p.ParseCtx(ctx, nil, src)
}

// Extract parses the candidate files and returns the entry points found.
func Extract(ctx context.Context, py, js []Source) Result {
	var cands []Source
	var inputs []tsparse.Input
	var isPy []bool
	for _, s := range py {
		if hasAny(s.Src, pyMarkers) {
			cands = append(cands, s)
			inputs = append(inputs, tsparse.Input{Src: s.Src, Lang: python.GetLanguage()})
			isPy = append(isPy, true)
		}
	}
	for _, s := range js {
		if hasAny(s.Src, jsMarkers) {
			cands = append(cands, s)
			inputs = append(inputs, tsparse.Input{Src: s.Src, Lang: jssrc.Language(s.Rel)})
			isPy = append(isPy, false)
		}
	}
	var res Result
	var files []*file
	var pyFlags []bool
	global := map[string][]funcRef{}
	lookup := jsModules(js)
	pkgs := map[string]bool{}
	for _, s := range py {
		if path.Base(s.Rel) == "__init__.py" {
			pkgs[path.Dir(s.Rel)] = true
		}
	}
	for i, pr := range tsparse.All(ctx, inputs) {
		s := cands[i]
		if pr.Err != nil {
			if pr.Tree != nil {
				pr.Tree.Close()
			}
			if ctx.Err() == nil {
				res.Errors = append(res.Errors, ParseError{File: s.Rel, Line: 1, Col: 1, Msg: pr.Err.Error()})
			}
			continue
		}
		f := &file{rel: s.Rel, src: s.Src, root: pr.Tree.RootNode(), res: &res, tree: pr.Tree, global: global, lookup: lookup, pkgs: pkgs}
		if pe, ok := tsparse.SyntaxError(s.Rel, f.root); ok {
			res.Errors = append(res.Errors, pe)
		}
		if isPy[i] {
			// Handlers are often defined in another module than the one
			// that registers them: index every function first.
			walk(f.root, func(n *sitter.Node) bool {
				if n.Type() == "function_definition" {
					name := f.text(n.ChildByFieldName("name"))
					global[name] = append(global[name], funcRef{f: f, def: n})
				}
				return true
			})
		}
		files = append(files, f)
		pyFlags = append(pyFlags, isPy[i])
	}
	for i, f := range files {
		if ctx.Err() != nil {
			break
		}
		if pyFlags[i] {
			f.python()
		} else {
			f.js()
		}
	}
	if ctx.Err() == nil {
		tagLLM(ctx, &res, files, pyFlags, py, js)
	}
	for _, f := range files {
		f.tree.Close()
	}
	sort.SliceStable(res.Routes, func(i, j int) bool {
		a, b := res.Routes[i], res.Routes[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return res
}

// file is one parsed source file.
type file struct {
	rel  string
	src  []byte
	root *sitter.Node
	res  *Result
	// funcs indexes function definitions by name, for handler bodies.
	funcs map[string]*sitter.Node
	tree  *sitter.Tree
	// global indexes the Python functions of every file by name.
	global map[string][]funcRef
	// lookup returns the source of a JavaScript module imported from a
	// file, by the import's specifier.
	lookup func(from, spec string) ([]byte, bool)
	// pkgs holds the directories that are Python packages.
	pkgs map[string]bool
	// routerFilters holds the aiogram routers whose message handlers all
	// pass a privilege filter.
	routerFilters map[string]bool
	// jsGuarded holds the Telegraf and grammY bots and composers that a
	// privilege middleware or filter guards.
	jsGuarded map[string]bool
}

// module returns the dotted name Python imports a file by: its path from
// the outermost directory of its package chain (src/documents/tasks.py is
// documents.tasks when src has no __init__.py).
func (f *file) module() string {
	name := strings.TrimSuffix(path.Base(f.rel), ".py")
	parts := []string{}
	if name != "__init__" {
		parts = append(parts, name)
	}
	for dir := path.Dir(f.rel); dir != "." && dir != "/" && f.pkgs[dir]; dir = path.Dir(dir) {
		parts = append([]string{path.Base(dir)}, parts...)
	}
	return strings.Join(parts, ".")
}

// funcRef is a function definition in some file.
type funcRef struct {
	f   *file
	def *sitter.Node
}

// resolve finds the definition a handler reference names: in the same
// file, or else the one function of that name in the scanned files, or the
// one whose file path holds the reference's qualifier
// (admin_handlers.stats in handlers/admin/...).
func (f *file) resolve(ref string) (funcRef, bool) {
	name := lastName(ref)
	if def := f.funcs[name]; def != nil {
		return funcRef{f: f, def: def}, true
	}
	cands := f.global[name]
	if len(cands) == 1 {
		return cands[0], true
	}
	qual := strings.TrimSuffix(ref, "."+name)
	if qual == ref {
		return funcRef{}, false
	}
	qual = strings.TrimSuffix(strings.TrimSuffix(lastName(qual), "_handlers"), "_handler")
	var match []funcRef
	for _, c := range cands {
		if strings.Contains(c.f.rel, qual) {
			match = append(match, c)
		}
	}
	if len(match) == 1 {
		return match[0], true
	}
	return funcRef{}, false
}

func (f *file) text(n *sitter.Node) string {
	if n == nil {
		return ""
	}
	return n.Content(f.src)
}

func line(n *sitter.Node) int { return int(n.StartPoint().Row) + 1 }

func (f *file) add(n *sitter.Node, kind, method, p, framework, handler string, guards []string) {
	if guards == nil {
		guards = []string{}
	}
	f.res.Routes = append(f.res.Routes, evidence.Route{
		Kind: kind, Method: method, Path: p, File: f.rel, Line: line(n),
		Framework: framework, Handler: handler, Guards: dedupe(guards),
	})
}

// TagContextMenu marks a Discord context-menu command (a user or message
// menu entry): its name is a label such as "Remove spoilers" that acts on
// the item the caller picked, so a verb in it says nothing about privilege.
const TagContextMenu = "context-menu"

// tagLast adds a tag to the entry point added last.
func (f *file) tagLast(tag string) {
	if n := len(f.res.Routes); n > 0 {
		f.res.Routes[n-1].Tags = append(f.res.Routes[n-1].Tags, tag)
	}
}

func (f *file) unresolved(n *sitter.Node, reason string) {
	f.res.Unresolved = append(f.res.Unresolved, evidence.Unresolved{Scanner: ScannerName, File: f.rel, Line: line(n), Reason: reason})
}

func dedupe(gs []string) []string {
	out := []string{}
	for _, g := range gs {
		dup := false
		for _, o := range out {
			dup = dup || o == g
		}
		if !dup {
			out = append(out, g)
		}
	}
	sort.Strings(out)
	return out
}

// walk visits every named node under n, depth first.
func walk(n *sitter.Node, visit func(*sitter.Node) bool) {
	if n == nil || !visit(n) {
		return
	}
	for i := 0; i < int(n.NamedChildCount()); i++ {
		walk(n.NamedChild(i), visit)
	}
}

// commandPath writes a command name as the platforms do: /name.
func commandPath(name string) string {
	name = strings.TrimSpace(name)
	if strings.HasPrefix(name, "/") {
		return name
	}
	return "/" + name
}

// lastName returns the last identifier of a dotted name: bot.tree.command
// gives command.
func lastName(s string) string {
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// ident reports whether s is a plain identifier.
func ident(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r == '$' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))) {
			return false
		}
	}
	return true
}

// negative matches a condition that tests for the caller not being allowed.
var negative = regexp.MustCompile(`\bnot\b|!=|^\s*\(?\s*!|\|\|\s*!|&&\s*!`)

// guardClause reports whether a handler body refuses callers by a check
// that re matches: an if whose negative condition matches and whose branch
// returns or raises (if user.id not in ADMINS: return), or an if that is the last
// statement of its block, so that everything the handler does sits under
// it. A check that only filters what is shown (if not owner: continue)
// is not a guard.
func (f *file) guardClause(body *sitter.Node, re *regexp.Regexp) bool {
	found := false
	walk(body, func(n *sitter.Node) bool {
		if found {
			return false
		}
		if n.Type() != "if_statement" {
			return true
		}
		cond := n.ChildByFieldName("condition")
		if cond == nil || !re.MatchString(f.text(cond)) {
			return true
		}
		cons := n.ChildByFieldName("consequence")
		exits := false
		walk(cons, func(c *sitter.Node) bool {
			switch c.Type() {
			case "return_statement", "raise_statement", "throw_statement":
				exits = true
			case "function_definition", "function_declaration", "arrow_function", "for_statement", "while_statement", "for_in_statement":
				return false
			}
			return !exits
		})
		if exits && negative.MatchString(f.text(cond)) {
			found = true
			return false
		}
		if p := n.Parent(); p != nil && p.NamedChild(int(p.NamedChildCount())-1) == n {
			found = p.Parent() != nil && (p.Parent().Type() == "function_definition" || p.Parent().Type() == "function_declaration" || p.Parent().Type() == "arrow_function" || p.Parent().Type() == "method_definition" || p.Parent().Type() == "function_expression")
		}
		return !found
	})
	return found
}

// jsModules resolves an import specifier (relative, or rooted at the
// project with @/ or ~/) to one of the scanned JavaScript files.
func jsModules(js []Source) func(from, spec string) ([]byte, bool) {
	byPath := map[string][]byte{}
	for _, s := range js {
		byPath[s.Rel] = s.Src
	}
	exts := []string{"", ".ts", ".tsx", ".js", ".jsx", ".mjs", "/index.ts", "/index.js"}
	return func(from, spec string) ([]byte, bool) {
		var bases []string
		switch {
		case strings.HasPrefix(spec, "."):
			bases = append(bases, path.Join(path.Dir(from), spec))
		case strings.HasPrefix(spec, "@/"), strings.HasPrefix(spec, "~/"):
			rest := spec[2:]
			bases = append(bases, rest, path.Join("src", rest))
		default:
			return nil, false
		}
		for _, b := range bases {
			for _, e := range exts {
				if src, ok := byPath[b+e]; ok {
					return src, true
				}
			}
		}
		// A project in a subdirectory: match by suffix.
		for _, b := range bases {
			for _, e := range exts {
				for rel, src := range byPath {
					if strings.HasSuffix(rel, "/"+b+e) {
						return src, true
					}
				}
			}
		}
		return nil, false
	}
}
