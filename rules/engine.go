package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/ext"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

// costLimit bounds the work one condition may do on one element, so a
// custom rule that scans the whole model from every element cannot stall a
// run.
const costLimit = 1_000_000

// Engine evaluates compiled rules over a model.
type Engine struct {
	rules []*compiled
}

type compiled struct {
	rule   *Rule
	when   cel.Program
	detail cel.Program
	diffs  []cel.Program // nil entry for the default case
	// wording holds the rule's wording cases (rules/wording.go).
	wording []compiledWording
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
	{"model", "the whole model: components, surfaces, flows, identities, assets, boundaries"},
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
	env, err := newEnv()
	if err != nil {
		return nil, model.Diagnostics{{Message: fmt.Sprintf("rule environment: %v", err)}}
	}
	e := &Engine{}
	var diags model.Diagnostics
	for _, r := range rules {
		c := &compiled{rule: r}
		ok := true
		compile := func(expr string, pos threatmap.Position, want *cel.Type) cel.Program {
			ast, iss := env.Compile(expr)
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
			prg, err := env.Program(ast, cel.CostLimit(costLimit), cel.EvalOptions(cel.OptOptimize))
			if err != nil {
				diags = append(diags, model.Diagnostic{Pos: pos, Message: fmt.Sprintf("rule %s: %v", r.ID, err)})
				ok = false
				return nil
			}
			return prg
		}
		c.when = compile(r.When, r.Loc.At("when"), cel.BoolType)
		if r.Detail != "" {
			c.detail = compile(r.Detail, r.Loc.At("detail"), cel.StringType)
		}
		for _, d := range r.Difficulty {
			if d.When == "" {
				c.diffs = append(c.diffs, nil)
				continue
			}
			c.diffs = append(c.diffs, compile(d.When, d.Loc.At("when"), cel.BoolType))
		}
		var wok bool
		if c.wording, wok = compileWording(r, compile); !wok {
			ok = false
		}
		if ok {
			e.rules = append(e.rules, c)
		}
	}
	return e, diags
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
	vars     map[string]any
	assetIDs []string
}

// Run evaluates every rule on every element it applies to. It returns the
// threats sorted by priority, and diagnostics for rules that failed to
// evaluate (a custom rule's runtime error names the rule and element; the
// run goes on without it).
func (e *Engine) Run(m *model.Model, ix *link.Index, opts Options) ([]Threat, model.Diagnostics) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if ix == nil {
		ix = link.Build(m, evidence.Set{}, "")
	}
	g := newGraph(m, ix, opts.Now)
	var threats []Threat
	var diags model.Diagnostics
	for _, c := range e.rules {
		if slices.Contains(opts.Disabled, c.rule.ID) {
			continue
		}
		failed := false
		for _, el := range g.elements(c.rule.AppliesTo) {
			t, err := c.eval(g, el)
			if err != nil {
				if !failed {
					diags = append(diags, model.Diagnostic{Pos: c.rule.Loc.At("when"), Message: fmt.Sprintf("rule %s on %s: %v", c.rule.ID, el.id, err)})
					failed = true
				}
				continue
			}
			if t != nil {
				threats = append(threats, *t)
			}
		}
	}
	SortThreats(threats)
	return threats, diags
}

func (c *compiled) eval(g *graph, el *element) (*Threat, error) {
	out, _, err := c.when.Eval(el.vars)
	if err != nil {
		return nil, err
	}
	fire, ok := out.Value().(bool)
	if !ok {
		return nil, fmt.Errorf("condition gave %v, not a boolean", out.Type())
	}
	if !fire {
		return nil, nil
	}
	r := c.rule
	t := &Threat{
		ID: r.ID + "@" + el.id, Rule: r.ID, Title: r.Title, Stride: r.StrideCategories(),
		Element: el.id, ElementKind: el.kind, Surface: el.label, Abuse: r.Abuse, Method: r.Method,
		Mitigations: slices.Clone(r.Mitigations), Controls: slices.Clone(r.Controls),
		References: slices.Clone(r.References), Pos: el.pos,
	}
	for i, prg := range c.diffs {
		hit := prg == nil
		if !hit {
			v, _, err := prg.Eval(el.vars)
			if err != nil {
				return nil, fmt.Errorf("difficulty case %d: %w", i+1, err)
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
		v, _, err := c.detail.Eval(el.vars)
		if err != nil {
			return nil, fmt.Errorf("detail: %w", err)
		}
		if s, ok := v.Value().(string); ok {
			t.Detail = s
		}
	}
	if err := c.word(el, t); err != nil {
		return nil, err
	}
	t.Assets, t.Impact = g.atRisk(r, el)
	t.Priority = Priority(t.Impact, t.Difficulty)
	t.Summary = fmt.Sprintf("If %s is abused, an attacker could %s by %s, and this would require %s.", el.label, t.Abuse, t.Method, t.Requires)
	t.Evidence = relevantFindings(g.ix.Findings[el.id], r)
	return t, nil
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
