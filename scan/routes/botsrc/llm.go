package botsrc

import (
	"bytes"
	"context"
	"path"
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/evidence"
)

// TagLLM marks a bot handler whose code reaches a hosted language model
// client (OpenAI, Anthropic, Gemini, ...): every message it handles spends
// model tokens someone pays for.
const TagLLM = "llm"

// pyLLMModules and jsLLMPackages are the client libraries of hosted
// language models, by top-level Python module and npm package (a prefix
// ending in / names a scope). Local runtimes (ollama, transformers) are left
// out: they cost compute, not a provider's bill.
var (
	pyLLMModules = map[string]bool{"openai": true, "anthropic": true, "cohere": true, "mistralai": true, "groq": true, "litellm": true,
		"langchain": true, "langchain_openai": true, "langchain_anthropic": true, "langchain_google_genai": true, "langchain_community": true,
		"llama_index": true, "replicate": true, "together": true, "vertexai": true, "google.generativeai": true, "google.genai": true, "g4f": false}
	jsLLMPackages = []string{"openai", "@anthropic-ai/", "@google/generative-ai", "@google/genai", "ai", "@ai-sdk/", "langchain", "@langchain/",
		"cohere-ai", "groq-sdk", "replicate", "@mistralai/", "together-ai"}
)

// llmCallRE matches the call shapes of the common clients, for a client
// built elsewhere and passed in (self.client.chat.completions.create).
var llmCallRE = regexp.MustCompile(`\.(chat\.completions|completions|messages|responses|images|embeddings|audio\.transcriptions)\.(create|stream|generate)\s*\(|ChatCompletion\.a?create\s*\(|\.generate_content(_async)?\s*\(|\b(generateText|streamText|generateObject|streamObject)\s*\(`)

var (
	pyImportRE     = regexp.MustCompile(`(?m)^[ \t]*import[ \t]+([\w.]+)(?:[ \t]+as[ \t]+(\w+))?`)
	pyFromImportRE = regexp.MustCompile(`(?m)^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n]+)`)
	pyAssignRE     = regexp.MustCompile(`(?m)^(\w+)[ \t]*(?::[^=\n]+)?=[ \t]*([^\n]+)`)
	jsImportRE     = regexp.MustCompile(`(?m)^[ \t]*import[ \t]+([^'"]+?)[ \t]+from[ \t]+['"]([^'"]+)['"]`)
	jsRequireRE    = regexp.MustCompile(`(?m)(?:const|let|var)[ \t]+([\w{}, \t:]+?)[ \t]*=[ \t]*require\(\s*['"]([^'"]+)['"]\s*\)`)
	jsAssignRE     = regexp.MustCompile(`(?m)^[ \t]*(?:export[ \t]+)?(?:const|let|var)[ \t]+(\w+)[ \t]*(?::[^=\n]+)?=[ \t]*([^\n]+)`)
	identRE        = regexp.MustCompile(`[A-Za-z_$][\w$]*`)
	pyCommentRE    = regexp.MustCompile(`#[^\n]*`)
	googleGenAIRE  = regexp.MustCompile(`\bgenai\b|\bgenerativeai\b`)
)

// pyLLMModule reports whether a Python module name is a model client
// (openai, google.generativeai, langchain_openai.chat_models).
func pyLLMModule(mod string) bool {
	parts := strings.Split(mod, ".")
	if pyLLMModules[parts[0]] {
		return true
	}
	return len(parts) > 1 && pyLLMModules[parts[0]+"."+parts[1]]
}

func jsLLMPackage(spec string) bool {
	for _, p := range jsLLMPackages {
		if spec == p || strings.HasSuffix(p, "/") && strings.HasPrefix(spec, p) || strings.HasPrefix(spec, p+"/") {
			return true
		}
	}
	return false
}

// pyImportsLLM reports a Python source that imports a model client.
func pyImportsLLM(src string) bool {
	for _, m := range pyImportRE.FindAllStringSubmatch(src, -1) {
		if pyLLMModule(m[1]) {
			return true
		}
	}
	for _, m := range pyFromImportRE.FindAllStringSubmatch(src, -1) {
		if pyLLMModule(m[1]) || m[1] == "google" && googleGenAIRE.MatchString(m[2]) {
			return true
		}
	}
	return false
}

// jsImportsLLM reports a JavaScript source that imports a model client.
func jsImportsLLM(src string) bool {
	for _, m := range jsImportRE.FindAllStringSubmatch(src, -1) {
		if jsLLMPackage(m[2]) {
			return true
		}
	}
	for _, m := range jsRequireRE.FindAllStringSubmatch(src, -1) {
		if jsLLMPackage(m[2]) {
			return true
		}
	}
	return false
}

// importedNames lists the local names an import clause binds:
// "a, b as c" -> a, c; "{ a, b as c }" -> a, c; "X, { y }" -> X, y;
// "* as X" -> X.
func importedNames(clause string) []string {
	clause = pyCommentRE.ReplaceAllString(clause, "")
	clause = strings.NewReplacer("(", " ", ")", " ", "{", ",", "}", ",", "\n", " ", "\\", " ").Replace(clause)
	var out []string
	for _, part := range strings.Split(clause, ",") {
		f := strings.Fields(part)
		if len(f) == 0 {
			continue
		}
		name := f[len(f)-1]
		if len(f) >= 3 && (f[len(f)-2] == "as" || f[len(f)-2] == ":") {
			name = f[len(f)-1]
		}
		if identRE.FindString(name) == name && name != "type" {
			out = append(out, name)
		}
	}
	return out
}

// llmIndex knows which project modules import a model client, and which
// of their functions, classes and methods reach it.
type llmIndex struct {
	ctx     context.Context
	pySrc   map[string][]byte // sources of Python files that import a client, by stem (openai_utils)
	pyMods  map[string]*pyMod // their summaries, built on first use
	stems   []string          // the keys of pySrc
	jsFiles []string          // the JavaScript files that import a client
}

// llmNeedles are substrings one of which any file that reaches a model
// holds (a client's module or package name, or a known API call): files
// without any are skipped before the regular expressions run.
var llmNeedles = [][]byte{[]byte("openai"), []byte("OpenAI"), []byte("anthropic"), []byte("Anthropic"), []byte("cohere"), []byte("mistral"), []byte("groq"),
	[]byte("litellm"), []byte("langchain"), []byte("llama_index"), []byte("replicate"), []byte("together"), []byte("vertexai"), []byte("genai"),
	[]byte("generativeai"), []byte("generative-ai"), []byte("ai-sdk"), []byte("'ai'"), []byte("\"ai\""), []byte("completions"), []byte("messages.create"),
	[]byte("generate_content"), []byte("generateText"), []byte("streamText"), []byte("generateObject"), []byte("streamObject"), []byte("ChatCompletion"),
	[]byte("responses.create"), []byte("images."), []byte("embeddings"), []byte("transcriptions")}

func hasNeedle(src []byte, extra []string) bool {
	for _, n := range llmNeedles {
		if bytes.Contains(src, n) {
			return true
		}
	}
	for _, n := range extra {
		if strings.Contains(string(src), n) {
			return true
		}
	}
	return false
}

// mayReach reports a file that may lead to a model: it names a client, a
// known API call, a project module that imports a client, or (JavaScript)
// imports a relative module, which may.
func (ix *llmIndex) mayReach(src []byte) bool {
	return hasNeedle(src, ix.stems) || len(ix.jsFiles) > 0 && bytes.Contains(src, []byte("from './")) || bytes.Contains(src, []byte("from \"./")) ||
		bytes.Contains(src, []byte("from '../")) || bytes.Contains(src, []byte("from \"../")) || bytes.Contains(src, []byte("require('./")) ||
		bytes.Contains(src, []byte("require('../")) || bytes.Contains(src, []byte("from '@/")) || bytes.Contains(src, []byte("from \"@/"))
}

func newLLMIndex(ctx context.Context, py, js []Source) *llmIndex {
	ix := &llmIndex{ctx: ctx, pySrc: map[string][]byte{}, pyMods: map[string]*pyMod{}}
	for _, s := range py {
		if hasNeedle(s.Src, nil) && pyImportsLLM(string(s.Src)) {
			stem := strings.TrimSuffix(path.Base(s.Rel), ".py")
			if stem == "__init__" {
				stem = path.Base(path.Dir(s.Rel))
			}
			ix.pySrc[stem] = s.Src
			ix.stems = append(ix.stems, stem)
		}
	}
	for _, s := range js {
		if hasNeedle(s.Src, nil) && jsImportsLLM(string(s.Src)) {
			ix.jsFiles = append(ix.jsFiles, s.Rel)
		}
	}
	return ix
}

// llmNames are the names of a file that lead to a model client.
type llmNames struct {
	// sdk: a client library, or a value built from one (client =
	// AsyncOpenAI()); any call through it counts.
	sdk map[string]bool
	// mods: a project module that imports a client (import openai_utils).
	mods map[string]*pyMod
	// objs: a name imported from such a module (from src.aclient import
	// discordClient), with the module.
	objs map[string]*pyMod
	// self: an attribute of the handler's object that holds a client or an
	// instance of a project class (self.openai = openai, where the
	// constructor's parameter is typed OpenAIHelper), by attribute name.
	selfSDK  map[string]bool
	selfObjs map[string]selfObj
}

// selfObj is an attribute holding an instance of a project module's class.
type selfObj struct {
	mod *pyMod
	cls string
}

func (n llmNames) empty() bool { return len(n.sdk)+len(n.mods)+len(n.objs) == 0 }

var (
	pyInitParamsRE = regexp.MustCompile(`def\s+__init__\s*\(\s*self\s*,([^)]*)\)`)
	pyTypedParamRE = regexp.MustCompile(`(\w+)\s*:\s*['"]?([\w.]+)`)
	pySelfAssignRE = regexp.MustCompile(`self\.(\w+)\s*(?::\s*[\w.\[\]]+\s*)?=\s*([\w.]+)\s*(\()?`)
)

// selfAttributes types the attributes a class sets from its constructor's
// typed parameters or from calls: self.openai = openai (openai:
// OpenAIHelper), self.client = AsyncOpenAI().
func (n llmNames) selfAttributes(src string) {
	params := map[string]string{}
	for _, m := range pyInitParamsRE.FindAllStringSubmatch(src, -1) {
		for _, p := range pyTypedParamRE.FindAllStringSubmatch(m[1], -1) {
			params[p[1]] = p[2]
		}
	}
	for _, m := range pySelfAssignRE.FindAllStringSubmatch(src, -1) {
		typ := m[2]
		if m[3] == "" {
			typ = params[m[2]]
		}
		if typ == "" {
			continue
		}
		head, rest, _ := strings.Cut(typ, ".")
		switch {
		case n.sdk[head]:
			n.selfSDK[m[1]] = true
		case n.objs[typ] != nil:
			n.selfObjs[m[1]] = selfObj{mod: n.objs[typ], cls: typ}
		case n.mods[head] != nil && rest != "":
			n.selfObjs[m[1]] = selfObj{mod: n.mods[head], cls: rest}
		}
	}
}

// mod returns the summary of a project module by stem, or nil.
func (ix *llmIndex) mod(stem string) *pyMod {
	if m, ok := ix.pyMods[stem]; ok {
		return m
	}
	src, ok := ix.pySrc[stem]
	if !ok {
		return nil
	}
	m := summarize(ix.ctx, src)
	ix.pyMods[stem] = m
	return m
}

// names returns the names of a file that lead to a model client.
func (ix *llmIndex) names(f *file, isPy bool) llmNames {
	src := string(f.src)
	out := llmNames{sdk: map[string]bool{}, mods: map[string]*pyMod{}, objs: map[string]*pyMod{}, selfSDK: map[string]bool{}, selfObjs: map[string]selfObj{}}
	if isPy {
		for _, m := range pyImportRE.FindAllStringSubmatch(src, -1) {
			mod := m[1]
			last := mod[strings.LastIndex(mod, ".")+1:]
			local := m[2]
			if local == "" {
				local = strings.Split(mod, ".")[0]
			}
			switch {
			case pyLLMModule(mod):
				out.sdk[local] = true
			case ix.mod(last) != nil && local == last || ix.mod(last) != nil && m[2] != "":
				out.mods[local] = ix.mod(last)
			}
		}
		for _, m := range pyFromImportRE.FindAllStringSubmatch(src, -1) {
			mod := strings.TrimLeft(m[1], ".")
			last := mod[strings.LastIndex(mod, ".")+1:]
			for _, n := range importedNames(m[2]) {
				switch {
				case pyLLMModule(mod) || m[1] == "google" && (n == "genai" || n == "generativeai"):
					out.sdk[n] = true
				case last != "" && ix.mod(last) != nil:
					out.objs[n] = ix.mod(last)
				case ix.mod(n) != nil:
					// from . import openai_utils
					out.mods[n] = ix.mod(n)
				}
			}
		}
		derived(src, pyAssignRE, out.sdk)
		out.selfAttributes(src)
		return out
	}
	bind := func(clause, spec string) {
		if jsLLMPackage(spec) {
			for _, n := range importedNames(clause) {
				out.sdk[n] = true
			}
			return
		}
		if strings.HasPrefix(spec, ".") || strings.HasPrefix(spec, "@/") || strings.HasPrefix(spec, "~/") {
			if ix.jsModuleImportsLLM(f.rel, spec) {
				for _, n := range importedNames(clause) {
					out.sdk[n] = true
				}
			}
		}
	}
	for _, m := range jsImportRE.FindAllStringSubmatch(src, -1) {
		bind(m[1], m[2])
	}
	for _, m := range jsRequireRE.FindAllStringSubmatch(src, -1) {
		bind(m[1], m[2])
	}
	derived(src, jsAssignRE, out.sdk)
	return out
}

// jsModuleImportsLLM reports whether the project module an import names
// (relative, or rooted with @/ or ~/) is one of the files that import a
// model client; a project in a subdirectory is matched by suffix.
func (ix *llmIndex) jsModuleImportsLLM(from, spec string) bool {
	var bases []string
	switch {
	case strings.HasPrefix(spec, "."):
		bases = []string{path.Join(path.Dir(from), spec)}
	case strings.HasPrefix(spec, "@/"), strings.HasPrefix(spec, "~/"):
		bases = []string{spec[2:], path.Join("src", spec[2:])}
	}
	for _, f := range ix.jsFiles {
		for _, b := range bases {
			for _, e := range []string{"", ".ts", ".tsx", ".js", ".jsx", ".mjs", "/index.ts", "/index.js"} {
				if f == b+e || strings.HasSuffix(f, "/"+b+e) {
					return true
				}
			}
		}
	}
	return false
}

// derived adds the module-level names assigned from a client name, twice
// over (client = OpenAI(); chat = client.chat).
func derived(src string, re *regexp.Regexp, out map[string]bool) {
	for range 2 {
		for _, m := range re.FindAllStringSubmatch(src, -1) {
			if out[m[1]] {
				continue
			}
			for _, id := range identRE.FindAllString(m[2], -1) {
				if out[id] {
					out[m[1]] = true
					break
				}
			}
		}
	}
}

// callRE matches a call and its dotted callee: await discordClient.enqueue_message(.
var callRE = regexp.MustCompile(`([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\(`)

// reaches reports whether code text calls a model: a known API shape, a
// call through a client library, or a call into a project module's
// function, class or method that reaches one. Reading or setting an
// attribute of a shared client object (discordClient.isPrivate = True)
// does not count.
func reaches(text string, names llmNames) bool {
	if llmCallRE.MatchString(text) {
		return true
	}
	for _, m := range callRE.FindAllStringSubmatch(text, -1) {
		parts := strings.Split(strings.Join(strings.Fields(m[1]), ""), ".")
		head := parts[0]
		if names.sdk[head] {
			return true
		}
		if mod := names.mods[head]; mod != nil && len(parts) > 1 && mod.calls(parts[1:]) {
			return true
		}
		if mod := names.objs[head]; mod != nil && mod.calls(parts) {
			return true
		}
		if head == "self" && len(parts) > 2 {
			if names.selfSDK[parts[1]] {
				return true
			}
			if o, ok := names.selfObjs[parts[1]]; ok && o.mod.classes[o.cls][parts[2]] {
				return true
			}
		}
	}
	return false
}

// tagLLM marks the bot handlers whose code, or the code of the functions
// of their file they call (two calls deep), reaches a model client.
func tagLLM(ctx context.Context, res *Result, files []*file, pyFlags []bool, py, js []Source) {
	ix := newLLMIndex(ctx, py, js)
	byRel := map[string]int{}
	for i, f := range files {
		byRel[f.rel] = i
	}
	// Per file, computed once: the names that lead to a model (nil when
	// the file has none and no known API call), and its function index.
	type fileInfo struct {
		names llmNames
		none  bool
		defs  map[string]*sitter.Node
		calls map[int]*sitter.Node // JavaScript: the outermost call starting on each line
	}
	infos := map[*file]*fileInfo{}
	info := func(f *file, isPy bool) *fileInfo {
		if in, ok := infos[f]; ok {
			return in
		}
		in := &fileInfo{none: !ix.mayReach(f.src)}
		if !in.none {
			in.names = ix.names(f, isPy)
			in.none = in.names.empty() && !llmCallRE.Match(f.src)
		}
		infos[f] = in
		return in
	}
	for i := range res.Routes {
		r := &res.Routes[i]
		if r.Kind != evidence.RouteKindBotCommand {
			continue
		}
		fi, ok := byRel[r.File]
		if !ok {
			continue
		}
		f, isPy := files[fi], pyFlags[fi]
		hf := f
		var ref funcRef
		if isPy {
			if r.Handler == "" {
				continue
			}
			if ref, ok = f.resolve(r.Handler); !ok {
				continue
			}
			hf = ref.f
		}
		in := info(hf, isPy)
		if in.none {
			continue
		}
		if in.defs == nil {
			in.defs = funcDefs(hf, isPy)
		}
		var body *sitter.Node
		switch {
		case isPy:
			body = ref.def
		case r.Framework == DiscordJS:
			// One command per module: the file is the command.
			body = f.root
		case r.Handler != "" && in.defs[r.Handler] != nil:
			body = in.defs[r.Handler]
		default:
			if in.calls == nil {
				in.calls = outermostCalls(f)
			}
			body = in.calls[r.Line]
		}
		if body != nil && reaches(withCallees(hf, body, isPy, in.defs), in.names) {
			r.Tags = append(r.Tags, TagLLM)
		}
	}
}

// funcDefs indexes a file's functions by name: every def (methods too) in
// Python; declarations and functions assigned to a name in JavaScript.
func funcDefs(f *file, isPy bool) map[string]*sitter.Node {
	if !isPy {
		return jsFuncDefs(f)
	}
	defs := map[string]*sitter.Node{}
	walk(f.root, func(n *sitter.Node) bool {
		if n.Type() == "function_definition" {
			defs[f.text(n.ChildByFieldName("name"))] = n
		}
		return true
	})
	return defs
}

// withCallees returns a function's text followed by the text of the
// functions of its file it calls by name, two levels deep.
func withCallees(f *file, body *sitter.Node, isPy bool, defs map[string]*sitter.Node) string {
	var b strings.Builder
	seen := map[*sitter.Node]bool{body: true}
	level := []*sitter.Node{body}
	for depth := 0; depth <= 2 && len(level) > 0; depth++ {
		var next []*sitter.Node
		for _, n := range level {
			t := f.text(n)
			b.WriteString(t)
			b.WriteByte('\n')
			for _, m := range callRE.FindAllStringSubmatch(t, -1) {
				// Only a plain call of a function of the file, or of a
				// method on self (not a mention in text), follows it.
				name := m[1]
				if isPy && strings.HasPrefix(name, "self.") && strings.Count(name, ".") == 1 {
					// self.prompt(...): a method of the handler's class.
					name = strings.TrimPrefix(name, "self.")
				} else if strings.Contains(name, ".") {
					continue
				}
				if d := defs[name]; d != nil && !seen[d] {
					seen[d] = true
					next = append(next, d)
				}
			}
		}
		level = next
	}
	return b.String()
}

// jsFuncDefs indexes a JavaScript file's named functions (declarations and
// functions assigned to a const).
func jsFuncDefs(f *file) map[string]*sitter.Node {
	defs := map[string]*sitter.Node{}
	walk(f.root, func(n *sitter.Node) bool {
		switch n.Type() {
		case "function_declaration", "generator_function_declaration":
			defs[f.text(n.ChildByFieldName("name"))] = n
		case "variable_declarator":
			if v := n.ChildByFieldName("value"); v != nil && (v.Type() == "arrow_function" || v.Type() == "function_expression" || v.Type() == "function") {
				defs[f.text(n.ChildByFieldName("name"))] = v
			}
		}
		return true
	})
	return defs
}

// outermostCalls maps each line to the outermost call that starts on it:
// the registration bot.on('message', async (ctx) => ...) with its inline
// handler.
func outermostCalls(f *file) map[int]*sitter.Node {
	out := map[int]*sitter.Node{}
	walk(f.root, func(n *sitter.Node) bool {
		if n.Type() == "call_expression" {
			line := int(n.StartPoint().Row) + 1
			if _, ok := out[line]; !ok {
				out[line] = n
			}
		}
		return true
	})
	return out
}
