package rules

import (
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"

	"github.com/threatmap/threatmap/link"
)

// TestVerdictsAgreeWithCEL evaluates every built-in condition (when,
// difficulty cases, wording cases) on every element of the rule
// fixtures, the examples and the dense model, with CEL and with its
// verdict in Go: where the verdict is known, CEL must give that boolean
// without an error. It also requires the verdicts to decide most
// evaluations, or the Go side has stopped reading what conditions use.
func TestVerdictsAgreeWithCEL(t *testing.T) {
	engine, diags := NewEngine(builtinRules(t))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	type cond struct {
		what  string
		prg   cel.Program
		judge judge
	}
	byKind := map[string][]cond{}
	for _, c := range engine.rules {
		conds := []cond{{c.rule.ID + " when", c.when, c.judge}}
		for i, prg := range c.diffs {
			if prg != nil {
				conds = append(conds, cond{c.rule.ID + " difficulty case", prg, c.diffJudges[i]})
			}
		}
		for _, w := range c.wording {
			if w.when != nil {
				conds = append(conds, cond{c.rule.ID + " wording case", w.when, w.judge})
			}
		}
		byKind[c.rule.AppliesTo] = append(byKind[c.rule.AppliesTo], conds...)
	}
	decided, total := 0, 0
	seen := map[verdict]int{}
	eachElement(t, func(input, kind string, el *element) {
		for _, c := range byKind[kind] {
			total++
			if c.judge == nil {
				continue
			}
			v := c.judge(el)
			seen[v]++
			if v == unknown {
				continue
			}
			decided++
			out, _, err := c.prg.Eval(&el.vars)
			if err != nil || out != types.Bool(v == yes) {
				t.Errorf("%s: %s on %s: verdict %v, CEL gives %v, %v", input, c.what, el.id, v == yes, out, err)
			}
		}
	})
	if decided*2 < total {
		t.Errorf("verdicts decided %d of %d evaluations", decided, total)
	}
	if seen[yes] == 0 || seen[no] == 0 || seen[unknown] == 0 {
		t.Errorf("verdicts seen: %v; want some of each", seen)
	}
	t.Logf("%d of %d evaluations decided in Go (%d true, %d false)", decided, total, seen[yes], seen[no])
}

// TestTextsAgreeWithCEL does the same for the string expressions of every
// built-in rule (details, wordings' abuse and method): where Go works one
// out, CEL must give the same string.
func TestTextsAgreeWithCEL(t *testing.T) {
	engine, diags := NewEngine(builtinRules(t))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	type text struct {
		what string
		prg  cel.Program
		text func(el *element) (string, bool)
	}
	byKind := map[string][]text{}
	for _, c := range engine.rules {
		var ts []text
		if c.detail != nil {
			ts = append(ts, text{c.rule.ID + " detail", c.detail, c.detailText})
		}
		for _, w := range c.wording {
			if w.abuse != nil {
				ts = append(ts, text{c.rule.ID + " wording abuse", w.abuse, w.abuseText})
			}
			if w.method != nil {
				ts = append(ts, text{c.rule.ID + " wording method", w.method, w.methodText})
			}
		}
		byKind[c.rule.AppliesTo] = append(byKind[c.rule.AppliesTo], ts...)
	}
	worked, total := 0, 0
	eachElement(t, func(input, kind string, el *element) {
		for _, x := range byKind[kind] {
			total++
			if x.text == nil {
				continue
			}
			s, ok := x.text(el)
			if !ok {
				continue
			}
			worked++
			out, _, err := x.prg.Eval(&el.vars)
			if err != nil || out != types.String(s) {
				t.Errorf("%s: %s on %s: Go gives %q, CEL %v, %v", input, x.what, el.id, s, out, err)
			}
		}
	})
	// The details' filter and map macros included, nearly all are.
	if worked*10 < total*9 {
		t.Errorf("Go worked out %d of %d texts", worked, total)
	}
	t.Logf("%d of %d texts worked out in Go", worked, total)
}

// TestVerdictsOfEdgeCases holds conditions no built-in rule has to the
// same agreement with CEL, on every element of every kind: missing
// fields and other errors (which && and || absorb only on a settling
// side), values of other types, strings where lists are expected.
func TestVerdictsOfEdgeCases(t *testing.T) {
	env, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	exprs := []string{
		`e.nosuch == "x"`,
		`e.nosuch == "x" && false`,
		`e.nosuch == "x" || true`,
		`false || e.nosuch`,
		`!e.nosuch`,
		`e.kind == 1`,
		`e.kind != 1`,
		`e.kind in [1, "endpoint"]`,
		`"x" in e.kind`,
		`e.name.size() > 3`,
		`size(e.tags) == 0 || e.tags.size() > 1`,
		`component.handles.size() > 0 && component.nosuch`,
		`e.llm.present || e.llm.nosuch`,
		`e.llm.nosuch.deeper == "x"`,
		`e.llm.nosuch == ""`,
		`component.nosuch == ""`,
		`findings.all(f, false) && routes.exists(r, true)`,
		`zone == "" && identity.id == ""`,
		`e.path.matches("(?i)login") || e.id.matches("^s1")`,
		`assets.exists(a, a.kind == "credentials")`,
		`flows_in.size() >= 1 && flows_out.size() < 2`,
		`e.encrypted == null`,
		`"rate-limited" in controls`,
		`e.users > 1`,
		`e.kind in component.handles`,
		`(e.kind + "/" + e.id).matches("^surface/")`,
		`(e.nosuch + "x") == "x" || true`,
		`(e.tags.size() > 0 ? e.tags.join(", ") : "none") == "none"`,
		`e.tags.join() == ""`,
		`(e.tags + ["x"]).size() > 0`,
		`assets.exists(a, a.kind == "credentials" && a.nosuch)`,
		`assets.all(a, a.kind != "credentials")`,
		`e.surface_kinds.exists(k, k in ["endpoint", "page"])`,
		`model.boundaries.size() > 0 && system.name != ""`,
		`routes.exists(e, e.method == "GET")`,
		`flows_in.exists(f, flows_out.exists(g, g.id == f.id))`,
		`assets.filter(a, a.kind == "credentials").size() > 0`,
		`assets.map(a, a.id).join(",") != ""`,
		`assets.filter(a, a.nosuch == "x").size() == 0`,
		`assets.map(a, a.nosuch).size() >= 0`,
		`assets.map(a, a.kind == "credentials", a.id).join(", ") == ""`,
		`assets.filter(e, e.kind == "credentials").map(e, e.id).size() >= 0`,
		`e.tags.map(t, t + "!").join() != ""`,
		`e.kind.map(k, k).size() > 0`,
		`flows_in.map(f, assets.filter(b, b.id == f.id).size()).size() >= 0`,
		`string(e.users) == "1"`,
		`string(e.id) == e.id`,
		`string(e.encrypted) == "true"`,
		`findings.filter(f, f.scanner == "secrets").map(f, f.file + ":" + string(f.line)).size() >= 0`,
	}
	var judges []judge
	var prgs []cel.Program
	for _, x := range exprs {
		ast, iss := env.Compile(x)
		if iss.Err() != nil {
			t.Fatalf("%s: %v", x, iss.Err())
		}
		prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
		if err != nil {
			t.Fatal(err)
		}
		judges = append(judges, boolJudge(ast.NativeRep().Expr()))
		prgs = append(prgs, prg)
	}
	decided := map[string]int{}
	eachElement(t, func(input, _ string, el *element) {
		for k, j := range judges {
			if j == nil {
				continue
			}
			v := j(el)
			if v == unknown {
				continue
			}
			decided[exprs[k]]++
			out, _, err := prgs[k].Eval(&el.vars)
			if err != nil || out != types.Bool(v == yes) {
				t.Errorf("%s: %s on %s: verdict %v, CEL gives %v, %v", input, exprs[k], el.id, v == yes, out, err)
			}
		}
	})
	for _, x := range []string{`e.nosuch == "x" && false`, `e.kind == 1`, `zone == "" && identity.id == ""`, `e.encrypted == null`,
		`assets.all(a, a.kind != "credentials")`, `routes.exists(e, e.method == "GET")`, `(e.kind + "/" + e.id).matches("^surface/")`,
		`(e.tags.size() > 0 ? e.tags.join(", ") : "none") == "none"`, `assets.map(a, a.id).join(",") != ""`,
		`assets.map(a, a.kind == "credentials", a.id).join(", ") == ""`, `string(e.id) == e.id`, `string(e.users) == "1"`,
		`assets.filter(e, e.kind == "credentials").map(e, e.id).size() >= 0`} {
		if decided[x] == 0 {
			t.Errorf("%s was never decided in Go", x)
		}
	}
}

// eachElement calls fn on every element, of every kind, of the rule
// fixtures, the examples and the dense model (celInputs).
func eachElement(t *testing.T, fn func(input, kind string, el *element)) {
	t.Helper()
	for _, in := range celInputs(t) {
		g := newGraph(in.m, link.Build(in.m, in.ev, ""), fixtureNow)
		for _, kind := range []string{"system", "asset", "component", "surface", "flow", "boundary", "identity", "route"} {
			for i := range g.count(kind) {
				fn(in.name, kind, g.element(kind, i))
			}
		}
	}
}
