package rules

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/ext"
	"github.com/google/cel-go/interpreter"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/internal/pages"
	"github.com/threatmap/threatmap/internal/workers"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

// costLimit bounds the work one condition may do on one element, so a
// custom rule that scans the whole model from every element cannot stall a
// run. cel-go enforces it by observing every evaluation step, which costs
// about a third of the evaluation; the built-in rules are evaluated without
// that observer, since TestBuiltinRuleCostIsIndependentOfModelSize proves
// their cost per element does not grow with the model.
const costLimit = 1_000_000

// Engine evaluates compiled rules over a model.
type Engine struct {
	rules []*compiled
}

type compiled struct {
	rule   *Rule
	when   cel.Program
	detail cel.Program
	// detailText is the detail worked out in Go, where it can be
	// (verdict.go); nil for none.
	detailText func(el *element) (string, bool)
	diffs      []cel.Program // nil entry for the default case
	// wording holds the rule's wording cases (rules/wording.go).
	wording []compiledWording
	// heading and guidance are what all the rule's threats say alike,
	// made once and pointed to by each (its lists clipped, so an append
	// by a reader copies).
	heading  Heading
	guidance Guidance
	// kinds are the element kinds the condition admits, when restricted
	// (dispatch.go).
	kinds      []string
	restricted bool
	// judge, for a rule evaluated without the cost tracker, is the
	// condition's verdict in Go (verdict.go): CEL runs only where it is
	// unknown; nil for none. A rule under the tracker is always
	// evaluated, so a condition that exceeds the limit is reported
	// whatever its other conjuncts give. diffJudges are the difficulty
	// cases' (nil where none).
	judge      judge
	diffJudges []judge
}

// Variables lists the names a condition can use, with what each holds; it
// is the documentation `threatmap explain` and the docs show.
var Variables = []struct{ Name, Doc string }{
	{"e", "the element the rule applies to (its fields as written in the model, with defaults filled in, plus label)"},
	{"system", "the system: name, owner, reviewed, review_every, review_age_days, review_every_days"},
	{"component", "the component that serves a surface (for a component, itself; otherwise an empty component)"},
	{"identity", "the identity the component runs as (an empty identity if none)"},
	{"zone", "the id of the trust boundary the component sits in, or \"\""},
	{"assets", "the assets the element carries, stores or exposes"},
	{"flows_in", "flows into the component"},
	{"flows_out", "flows out of the component"},
	{"controls", "kinds of the controls declared on the element, its component or the whole system"},
	{"findings", "scanner and probe findings linked to the element"},
	{"observations", "scanner and probe observations linked to the element (property, holds, detail)"},
	{"routes", "routes discovered in code that match the surface"},
	{"model", "the whole model: components, surfaces, flows, identities, assets, boundaries; asset_kinds, component_kinds, surface_kinds, identity_kinds (kind to count) and zones (boundary id to component ids) to look up without scanning"},
}

func newEnv() (*cel.Env, error) {
	opts := []cel.EnvOption{ext.Strings(), ext.Lists(), ext.Sets()}
	for _, v := range Variables {
		switch v.Name {
		case "assets", "flows_in", "flows_out", "findings", "observations", "routes":
			opts = append(opts, cel.Variable(v.Name, cel.ListType(cel.DynType)))
		case "controls":
			opts = append(opts, cel.Variable(v.Name, cel.ListType(cel.StringType)))
		case "zone":
			opts = append(opts, cel.Variable(v.Name, cel.StringType))
		default:
			opts = append(opts, cel.Variable(v.Name, cel.DynType))
		}
	}
	return cel.NewEnv(opts...)
}

// NewEngine compiles rules. A rule whose CEL does not compile is reported
// with its file and field position and left out.
func NewEngine(rules []*Rule) (*Engine, model.Diagnostics) {
	return newEngine(rules, false, nil)
}

// Precompiled holds rules compiled ahead of the engine that runs them:
// the built-in rules, compiled while the model is read.
type Precompiled struct {
	byRule map[*Rule]*compiled
}

// Precompile compiles rs. A rule that does not compile is left out: an
// engine given it compiles it again and reports why.
func Precompile(rs []*Rule) *Precompiled {
	p := &Precompiled{byRule: map[*Rule]*compiled{}}
	if e, _ := newEngine(rs, false, nil); e != nil {
		for _, c := range e.rules {
			p.byRule[c.rule] = c
		}
	}
	return p
}

// NewEngineWith is NewEngine taking the rules pre compiled (the same
// *Rule) as they are.
func NewEngineWith(pre *Precompiled, rules []*Rule) (*Engine, model.Diagnostics) {
	return newEngine(rules, false, pre)
}

// newEngine compiles rules, but those pre holds; with trackAll, the
// built-in rules too are evaluated under the cost tracker, so their cost
// can be measured.
func newEngine(rules []*Rule, trackAll bool, pre *Precompiled) (*Engine, model.Diagnostics) {
	env, err := newEnv()
	if err != nil {
		return nil, model.Diagnostics{{Message: fmt.Sprintf("rule environment: %v", err)}}
	}
	e := &Engine{}
	var diags model.Diagnostics
	// The built-in rules' expressions come checked (checked.go), read at
	// the first built-in rule compiled here (an engine given them
	// precompiled reads nothing); a file that cannot be read only means
	// they are compiled from their text.
	checked := sync.OnceValue(func() checkedExprs {
		c, _ := readChecked(checkedBin)
		return c
	})
	// The rules are compiled on every core, and kept in their order.
	type result struct {
		c     *compiled
		diags model.Diagnostics
		ok    bool
	}
	results := make([]result, len(rules))
	workers.Each(len(rules), func(_, i int) {
		r := rules[i]
		if pre != nil {
			if c, ok := pre.byRule[r]; ok {
				results[i] = result{c: c, ok: true}
				return
			}
		}
		c, ds, ok := compileRule(env, r, trackAll, checked)
		results[i] = result{c, ds, ok}
	})
	for _, res := range results {
		diags = append(diags, res.diags...)
		if res.ok {
			e.rules = append(e.rules, res.c)
		}
	}
	return e, diags
}

// compileRule compiles one rule in env (the built-in rules from checked,
// the file of their checked expressions). false: it does not compile,
// and diags say why.
func compileRule(env *cel.Env, r *Rule, trackAll bool, checked func() checkedExprs) (*compiled, model.Diagnostics, bool) {
	var diags model.Diagnostics
	c := &compiled{rule: r,
		heading: Heading{Rule: r.ID, Title: r.Title, Stride: slices.Clip(r.StrideCategories())},
		guidance: Guidance{Mitigations: slices.Clip(r.Mitigations), Controls: slices.Clip(r.Controls),
			Family: r.Family, References: slices.Clip(r.References)}}
	if len(r.SecondaryTo) > 0 {
		c.guidance.SecondaryTo = slices.Clip(r.SecondaryTo)
	}
	ok := true
	var lastAST *cel.Ast
	compile := func(expr string, pos threatmap.Position, want *cel.Type) cel.Program {
		ast, found := (*cel.Ast)(nil), false
		var iss *cel.Issues
		if r.builtin {
			ast, found = checked().ast(expr)
		}
		if !found {
			ast, iss = env.Compile(expr)
		}
		lastAST = ast
		if iss != nil && iss.Err() != nil {
			diags = append(diags, model.Diagnostic{Pos: pos, Message: fmt.Sprintf("rule %s: %s", r.ID, strings.ReplaceAll(iss.Err().Error(), "\n", " "))})
			ok = false
			return nil
		}
		if !ast.OutputType().IsExactType(want) && !ast.OutputType().IsExactType(cel.DynType) {
			diags = append(diags, model.Diagnostic{Pos: pos, Message: fmt.Sprintf("rule %s: expression gives %s, want %s", r.ID, ast.OutputType(), want)})
			ok = false
			return nil
		}
		popts := []cel.ProgramOption{cel.EvalOptions(cel.OptOptimize)}
		if trackAll || !r.builtin {
			popts = append(popts, cel.CostLimit(costLimit))
		}
		prg, err := env.Program(ast, popts...)
		if err != nil {
			diags = append(diags, model.Diagnostic{Pos: pos, Message: fmt.Sprintf("rule %s: %v", r.ID, err)})
			ok = false
			return nil
		}
		return prg
	}
	// judged compiles the verdict of the last expression compiled,
	// for a built-in rule evaluated without the cost tracker.
	judged := func(prg cel.Program) judge {
		if prg == nil || trackAll || !r.builtin {
			return nil
		}
		return boolJudge(lastAST.NativeRep().Expr())
	}
	// texted is judged for a string expression.
	texted := func(prg cel.Program) func(el *element) (string, bool) {
		if prg == nil || trackAll || !r.builtin {
			return nil
		}
		return textOf(lastAST.NativeRep().Expr())
	}
	c.when = compile(r.When, r.Loc.At("when"), cel.BoolType)
	c.judge = judged(c.when)
	if c.when != nil && !trackAll && r.builtin {
		c.kinds, c.restricted = kindsOf(lastAST.NativeRep().Expr())
	}
	if r.Detail != "" {
		c.detail = compile(r.Detail, r.Loc.At("detail"), cel.StringType)
		c.detailText = texted(c.detail)
	}
	for _, d := range r.Difficulty {
		if d.When == "" {
			c.diffs = append(c.diffs, nil)
			c.diffJudges = append(c.diffJudges, nil)
			continue
		}
		prg := compile(d.When, d.Loc.At("when"), cel.BoolType)
		c.diffs = append(c.diffs, prg)
		c.diffJudges = append(c.diffJudges, judged(prg))
	}
	var wok bool
	if c.wording, wok = compileWording(r, compile, judged, texted); !wok {
		ok = false
	}
	return c, diags, ok
}

// Rules returns the compiled rules in id order.
func (e *Engine) Rules() []*Rule {
	out := make([]*Rule, len(e.rules))
	for i, c := range e.rules {
		out[i] = c.rule
	}
	return out
}

// Options tunes a run.
type Options struct {
	// Now is the date reviews and expiries are measured against.
	Now time.Time
	// Disabled lists rule ids not to run.
	Disabled []string
}

// element is one thing a rule can apply to, with its neighbourhood.
type element struct {
	id, kind string
	label    string
	pos      threatmap.Position
	vars     activation
	assetIDs []string
	// near caches nearAssets: every rule of the element that names asset
	// kinds the element lacks asks for it.
	near     []int32
	nearDone bool
	// fields caches the fields of e, component and identity verdicts
	// read (verdict.go).
	fields []fieldCache
	// binds holds the variables of the macros a verdict is inside.
	binds []binding
	// assetPos, when set before the element is built, are the positions
	// of its assets the graph keeps (shared: never appended to);
	// assetBuf is the buffer the positions of others are looked up into.
	assetPos, assetBuf []int32
}

// activation holds the variables a condition sees on one element. It
// resolves names with a switch instead of a map, so building one costs a
// single allocation.
type activation struct {
	// e is a record (values.go) or, for the system, a boundary or a
	// route, a map.
	e                         any
	component, identity       record
	system, model             map[string]any
	zone                      string
	assets, flowsIn, flowsOut recList
	controls                  []any
	findings, observations    []any
	routes                    []any
}

func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case "e":
		return a.e, true
	case "system":
		return a.system, true
	case "component":
		return a.component, true
	case "identity":
		return a.identity, true
	case "zone":
		return a.zone, true
	case "assets":
		return a.assets, true
	case "flows_in":
		return a.flowsIn, true
	case "flows_out":
		return a.flowsOut, true
	case "controls":
		return a.controls, true
	case "findings":
		return a.findings, true
	case "observations":
		return a.observations, true
	case "routes":
		return a.routes, true
	case "model":
		return a.model, true
	}
	return nil, false
}

func (a *activation) Parent() interpreter.Activation { return nil }

// chunkSize is how many elements one worker takes at a time: large enough
// that handing out work costs nothing, small enough that the cores stay
// busy to the end.
const chunkSize = 256

// blockSize is how many threats a block of a task's threats holds.
const blockSize = 64

// Run evaluates every rule on every element it applies to. It returns the
// threats sorted by priority, and diagnostics for rules that failed to
// evaluate (a custom rule's runtime error names the rule and element; the
// run goes on without it). Elements are evaluated in parallel; the result
// does not depend on how many cores there are.
func (e *Engine) Run(m *model.Model, ix *link.Index, opts Options) ([]Threat, model.Diagnostics) {
	chunks, diags := e.RunChunks(m, ix, opts)
	n := 0
	for _, c := range chunks {
		n += len(c)
	}
	threats := make([]Threat, 0, n)
	for i, c := range chunks {
		threats = append(threats, c...)
		chunks[i] = nil
	}
	SortThreats(threats)
	return threats, diags
}

// RunChunks is Run without the final sort and concatenation: the threats
// come in separately allocated chunks, in element order (which does not
// depend on the number of cores), so that a consumer that orders them
// itself (assess.AssessChunks) can let each chunk go once it has read it,
// instead of holding every threat twice.
func (e *Engine) RunChunks(m *model.Model, ix *link.Index, opts Options) ([][]Threat, model.Diagnostics) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if ix == nil {
		ix = link.Build(m, evidence.Set{}, "")
	}
	g := newGraph(m, ix, opts.Now)
	// Group the rules by the kind of element they apply to, so each
	// element's neighbourhood is built once for all its rules.
	var kinds []string
	byKind := map[string][]int{}
	for i, c := range e.rules {
		if slices.Contains(opts.Disabled, c.rule.ID) {
			continue
		}
		k := c.rule.AppliesTo
		if _, ok := byKind[k]; !ok {
			kinds = append(kinds, k)
		}
		byKind[k] = append(byKind[k], i)
	}
	dispatches := map[string]*dispatch{}
	for k, idx := range byKind {
		d := newDispatch(e.rules, idx)
		dispatches[k] = &d
	}
	type task struct {
		kind       string
		start, end int
	}
	var tasks []task
	for _, k := range kinds {
		n := g.count(k)
		for s := 0; s < n; s += chunkSize {
			tasks = append(tasks, task{k, s, min(n, s+chunkSize)})
		}
	}
	// Each task writes its own slot; the first error of each rule is
	// kept per task, so the one reported is the first in element order
	// whatever the scheduling.
	type result struct {
		// blocks hold the task's threats, blockSize at most each: a
		// threat is built in place and never moved by a slice's growth,
		// and the blocks become the chunks the assessment keeps.
		blocks [][]Threat
		errs   map[int]error
		at     map[int]string
	}
	results := make([]result, len(tasks))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(tasks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// scratch is rebuilt for every element of the worker's tasks.
			var scratch element
			for {
				ti := int(next.Add(1)) - 1
				if ti >= len(tasks) {
					return
				}
				t, res := tasks[ti], &results[ti]
				d := dispatches[t.kind]
				for i := t.start; i < t.end; i++ {
					el := g.elementInto(&scratch, t.kind, i)
					for _, ri := range d.rules(el) {
						v := unknown
						if j := e.rules[ri].judge; j != nil {
							if v = j(el); v == no {
								continue
							}
						}
						if n := len(res.blocks); n == 0 || len(res.blocks[n-1]) == cap(res.blocks[n-1]) {
							blk := make([]Threat, 0, blockSize)
							pages.Touch(blk)
							res.blocks = append(res.blocks, blk)
						}
						b := &res.blocks[len(res.blocks)-1]
						*b = append(*b, Threat{})
						fired, err := e.rules[ri].eval(g, el, v, &(*b)[len(*b)-1])
						if !fired {
							*b = (*b)[:len(*b)-1]
						}
						if err != nil {
							if res.errs == nil {
								res.errs, res.at = map[int]error{}, map[int]string{}
							}
							if _, seen := res.errs[ri]; !seen {
								res.errs[ri], res.at[ri] = err, el.id
							}
							continue
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	var chunks [][]Threat
	failed := map[int]int{} // rule index -> task index of its first error
	for ti, r := range results {
		for bi, b := range r.blocks {
			if len(b) == 0 {
				continue
			}
			// The last block, if mostly empty, is copied to its size:
			// the assessment keeps the blocks.
			if bi == len(r.blocks)-1 && len(b) < cap(b)/2 {
				b = slices.Clone(b)
			}
			chunks = append(chunks, b)
		}
		for ri := range r.errs {
			if _, ok := failed[ri]; !ok {
				failed[ri] = ti
			}
		}
		results[ti].blocks = nil
	}
	var diags model.Diagnostics
	for ri, c := range e.rules {
		if ti, ok := failed[ri]; ok {
			r := results[ti]
			diags = append(diags, model.Diagnostic{Pos: c.rule.Loc.At("when"), Message: fmt.Sprintf("rule %s on %s: %v", c.rule.ID, r.at[ri], r.errs[ri])})
		}
	}
	return chunks, diags
}

// eval evaluates the rule on the element; when it fires, it fills t and
// returns true. t is the caller's slot, so a threat is built where it is
// kept.
func (c *compiled) eval(g *graph, el *element, v verdict, t *Threat) (bool, error) {
	switch v {
	case no:
		return false, nil
	case unknown:
		out, _, err := c.when.Eval(&el.vars)
		if err != nil {
			return false, err
		}
		fire, ok := out.Value().(bool)
		if !ok {
			return false, fmt.Errorf("condition gave %v, not a boolean", out.Type())
		}
		if !fire {
			return false, nil
		}
	}
	r := c.rule
	*t = Threat{
		ID: r.ID + "@" + el.id, Heading: &c.heading, Guidance: &c.guidance,
		Element: el.id, ElementKind: el.kind, Surface: el.label, Abuse: r.Abuse, Method: r.Method, Pos: el.pos,
	}
	for i, prg := range c.diffs {
		hit := prg == nil
		if !hit && c.diffJudges[i] != nil {
			switch c.diffJudges[i](el) {
			case yes:
				hit = true
			case no:
				continue
			}
		}
		if !hit {
			v, _, err := prg.Eval(&el.vars)
			if err != nil {
				return false, fmt.Errorf("difficulty case %d: %w", i+1, err)
			}
			hit = v == types.True
		}
		if hit {
			d := r.Difficulty[i]
			t.Difficulty, _ = threatmap.ParseDifficulty(d.Level)
			t.Requires = d.Requires
			break
		}
	}
	if c.detail != nil {
		var err error
		if t.Detail, err = c.text(c.detail, c.detailText, el); err != nil {
			return false, fmt.Errorf("detail: %w", err)
		}
	}
	if err := c.word(el, t); err != nil {
		return false, err
	}
	t.Assets, t.Impact = g.atRisk(r, el)
	t.Priority = Priority(t.Impact, t.Difficulty)
	t.Evidence = relevantFindings(g.ix.Findings[el.id], r)
	return true, nil
}

// text evaluates a string expression: in Go where text (may be nil)
// works it out, else with CEL. A value that is not a string gives "".
func (c *compiled) text(prg cel.Program, text func(el *element) (string, bool), el *element) (string, error) {
	if text != nil {
		if s, ok := text(el); ok {
			return s, nil
		}
	}
	v, _, err := prg.Eval(&el.vars)
	if err != nil {
		return "", err
	}
	s, _ := v.Value().(string)
	return s, nil
}

// relevantFindings keeps the element's findings that bear on the rule:
// those refuting a property the rule's controls provide.
func relevantFindings(fs []evidence.Finding, r *Rule) []evidence.Finding {
	var out []evidence.Finding
	for _, f := range fs {
		if f.Property != "" && slices.Contains(r.Controls, string(f.Property)) {
			out = append(out, f)
		}
	}
	return out
}
