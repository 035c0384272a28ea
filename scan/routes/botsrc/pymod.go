package botsrc

import (
	"context"
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// pyMod summarises a project module that imports a model client: which of
// its functions, classes and methods reach the model, and which module
// variables hold an instance of which class.
type pyMod struct {
	funcs   map[string]bool            // top-level function -> reaches
	classes map[string]map[string]bool // class -> method -> reaches
	inst    map[string]string          // module variable -> class
}

var (
	selfCallRE = regexp.MustCompile(`\bself\s*\.\s*(\w+)\s*\(`)
	bareCallRE = regexp.MustCompile(`(?:^|[^.\w])(\w+)\s*\(`)
	queuePutRE = regexp.MustCompile(`\bself\s*\.\s*(\w+)\s*\.\s*(?:put|put_nowait)\s*\(`)
	queueGetRE = regexp.MustCompile(`\bself\s*\.\s*(\w+)\s*\.\s*(?:get|get_nowait)\s*\(`)
)

// calls reports whether a dotted call into the module reaches the model:
// [fn], [Class], [Class, method], [instance, method].
func (m *pyMod) calls(parts []string) bool {
	if m == nil || len(parts) == 0 {
		return false
	}
	name := parts[0]
	if len(parts) == 1 {
		if m.funcs[name] {
			return true
		}
		// Building the client class: it exists to be called.
		for _, r := range m.classes[name] {
			if r {
				return true
			}
		}
		return false
	}
	cls := name
	if c, ok := m.inst[name]; ok {
		cls = c
	}
	return m.classes[cls][parts[1]]
}

// summarize parses a module and works out what reaches the model: a body
// that calls a client (or a known API shape) directly, or calls, through
// self.method(), a module function, or an asyncio/queue.Queue that
// another method consumes, something that does.
func summarize(ctx context.Context, src []byte) *pyMod {
	m := &pyMod{funcs: map[string]bool{}, classes: map[string]map[string]bool{}, inst: map[string]string{}}
	tree, err := Parse(ctx, src)
	if err != nil || tree == nil {
		return m
	}
	defer tree.Close()
	f := &file{src: src}
	sdk := llmNames{sdk: map[string]bool{}, selfSDK: map[string]bool{}, selfObjs: map[string]selfObj{}}
	for _, mm := range pyImportRE.FindAllStringSubmatch(string(src), -1) {
		if pyLLMModule(mm[1]) {
			local := mm[2]
			if local == "" {
				local = strings.Split(mm[1], ".")[0]
			}
			sdk.sdk[local] = true
		}
	}
	for _, mm := range pyFromImportRE.FindAllStringSubmatch(string(src), -1) {
		if pyLLMModule(mm[1]) {
			for _, n := range importedNames(mm[2]) {
				sdk.sdk[n] = true
			}
		}
	}
	derived(string(src), pyAssignRE, sdk.sdk)
	sdk.selfAttributes(string(src))

	type def struct {
		cls, name, text string
	}
	var defs []def
	unwrap := func(n *sitter.Node) *sitter.Node {
		if n.Type() == "decorated_definition" {
			return n.ChildByFieldName("definition")
		}
		return n
	}
	root := tree.RootNode()
	for i := 0; i < int(root.NamedChildCount()); i++ {
		n := unwrap(root.NamedChild(i))
		if n == nil {
			continue
		}
		switch n.Type() {
		case "function_definition":
			defs = append(defs, def{name: f.text(n.ChildByFieldName("name")), text: f.text(n.ChildByFieldName("body"))})
		case "class_definition":
			cls := f.text(n.ChildByFieldName("name"))
			m.classes[cls] = map[string]bool{}
			body := n.ChildByFieldName("body")
			for j := 0; body != nil && j < int(body.NamedChildCount()); j++ {
				if d := unwrap(body.NamedChild(j)); d != nil && d.Type() == "function_definition" {
					defs = append(defs, def{cls: cls, name: f.text(d.ChildByFieldName("name")), text: f.text(d.ChildByFieldName("body"))})
				}
			}
		case "expression_statement":
			if a := n.NamedChild(0); a != nil && a.Type() == "assignment" {
				l, r := a.ChildByFieldName("left"), a.ChildByFieldName("right")
				if l != nil && r != nil && l.Type() == "identifier" && r.Type() == "call" {
					m.inst[f.text(l)] = f.text(r.ChildByFieldName("function"))
				}
			}
		}
	}
	reach := make([]bool, len(defs))
	for i, d := range defs {
		reach[i] = reaches(d.text, sdk)
	}
	for changed := true; changed; {
		changed = false
		for i, d := range defs {
			if reach[i] {
				continue
			}
			for j, e := range defs {
				if !reach[j] || i == j {
					continue
				}
				if e.cls == d.cls && d.cls != "" && hasCall(selfCallRE, d.text, e.name) ||
					e.cls == "" && hasCall(bareCallRE, d.text, e.name) ||
					e.cls == d.cls && d.cls != "" && sharesQueue(d.text, e.text) {
					reach[i], changed = true, true
					break
				}
			}
		}
	}
	for i, d := range defs {
		if d.cls == "" {
			m.funcs[d.name] = reach[i]
		} else {
			m.classes[d.cls][d.name] = reach[i]
		}
	}
	return m
}

func hasCall(re *regexp.Regexp, text, name string) bool {
	for _, mm := range re.FindAllStringSubmatch(text, -1) {
		if mm[1] == name {
			return true
		}
	}
	return false
}

// sharesQueue reports a producer that puts on a queue attribute the
// consumer takes from: the work the producer enqueues is done there.
func sharesQueue(producer, consumer string) bool {
	for _, p := range queuePutRE.FindAllStringSubmatch(producer, -1) {
		for _, c := range queueGetRE.FindAllStringSubmatch(consumer, -1) {
			if p[1] == c[1] {
				return true
			}
		}
	}
	return false
}
