package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/interpreter"
	"golang.org/x/tools/txtar"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/internal/modeltest"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

// contractExprs are conditions a custom rule may write that no built-in
// rule does: a record must behave as the map it replaces as a whole (keys,
// size, equality, presence, conversion, concatenation), not only field by
// field.
var contractExprs = []string{
	`e.size()`,
	`"id" in e && !("no_such_field" in e)`,
	`has(e.id) && !has(e.no_such_field)`,
	`e == e && component == component && identity == identity`,
	`e.exists(k, k == "label")`,
	`e.all(k, k != "")`,
	`type(e) == map && type(component) == map && type(assets) == list`,
	`component.stores.size() + component.surfaces.size() + component.in_degree + component.out_degree`,
	`component.zone + ":" + component.kind + ":" + identity.kind + ":" + string(identity.credential_flows)`,
	`identity.expires_days + identity.users`,
	`string(identity.never_expires) + string(component.encrypted_at_rest == null)`,
	`(flows_in + flows_out).size()`,
	`flows_in + flows_out == flows_out + flows_in`,
	`flows_out.map(f, f.to_component.id + "/" + f.to_kind + "/" + f.to_zone + "/" + f.label)`,
	`flows_in.map(f, f.from_component)`,
	`flows_out.filter(f, f.encrypted != null && f.encrypted).size()`,
	`flows_out.exists(f, f.from_component == component)`,
	`flows_out.size() > 0 ? flows_out[0].data : []`,
	`flows_out.size() > 0 && flows_out[0] in flows_out`,
	`assets.map(a, a.id + ":" + a.sensitivity + ":" + string(a.stored_by.size() + a.exposed_by.size() + a.carried_by.size()))`,
	`assets.all(a, a in model.assets)`,
	`model.components.filter(c, c.kind == component.kind).size()`,
	`model.surfaces.map(s, s.llm.present ? s.llm.tools.size() : -1)`,
	`model.surfaces.filter(s, s.params).map(s, s.path)`,
	`model.surfaces.exists(s, s.llm == e) || model.flows.exists(f, f == e)`,
	`model.flows.filter(f, f.crosses_boundary).map(f, f.id)`,
	`model.identities.map(i, i.credential_flows)`,
	`model.assets.size() > 0 ? model.assets[0] : {}`,
	`model.components.size() > 0 ? model.components[model.components.size() - 1].authed_surface_kinds : []`,
	`component.kind == "" ? component : {}`,
	`identity.kind == "" ? identity : {}`,
	`component.no_such_field`,
	`model.components[100000]`,
	`flows_out.size() > 0 ? flows_out[0].llm : null`,
	`e.kind == "surface" ? e.llm : {}`,
	`e.kind == "surface" ? e.llm.size() : 0`,
}

// TestRecordsMatchMaps evaluates every expression of every built-in rule
// (condition, difficulty cases, detail, wording) and the contract
// expressions above on every element of the rule fixtures, the examples
// and the dense model, once with records over the model's structs and once
// with the map[string]any view they replaced (mapref_test.go), and
// requires the same value or the same error each time.
func TestRecordsMatchMaps(t *testing.T) {
	env, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	type prog struct {
		name string
		prg  cel.Program
	}
	progs := map[string][]prog{}
	compile := func(kind, name, expr string) {
		ast, iss := env.Compile(expr)
		if iss != nil && iss.Err() != nil {
			t.Fatalf("%s: %v", name, iss.Err())
		}
		prg, err := env.Program(ast)
		if err != nil {
			t.Fatal(err)
		}
		progs[kind] = append(progs[kind], prog{name, prg})
	}
	for _, r := range builtinRules(t) {
		compile(r.AppliesTo, r.ID+" when", r.When)
		for _, d := range r.Difficulty {
			if d.When != "" {
				compile(r.AppliesTo, r.ID+" difficulty", d.When)
			}
		}
		if r.Detail != "" {
			compile(r.AppliesTo, r.ID+" detail", r.Detail)
		}
		for _, w := range r.Wording {
			for _, x := range []string{w.When, w.Abuse, w.Method} {
				if x != "" {
					compile(r.AppliesTo, r.ID+" wording", x)
				}
			}
		}
	}
	kinds := []string{"system", "asset", "component", "surface", "flow", "boundary", "identity", "route"}
	for _, k := range kinds {
		for i, x := range contractExprs {
			compile(k, "contract "+string(rune('a'+i)), x)
		}
	}

	inputs := celInputs(t)
	evals := 0
	for _, in := range inputs {
		ix := link.Build(in.m, in.ev, "")
		g, ref := newGraph(in.m, ix, fixtureNow), newMapGraph(in.m, ix, fixtureNow)
		for _, kind := range kinds {
			for i := range g.count(kind) {
				el, old := g.element(kind, i), ref.element(kind, i)
				if el.id != old.id || el.label != old.label || el.pos != old.pos {
					t.Fatalf("%s: %s %d: element %s %q %v, reference %s %q %v", in.name, kind, i, el.id, el.label, el.pos, old.id, old.label, old.pos)
				}
				for _, p := range progs[kind] {
					same(t, in.name+": "+p.name+" on "+el.id, p.prg, &el.vars, &old.vars)
					evals++
				}
			}
		}
	}
	t.Logf("%d inputs, %d evaluations", len(inputs), evals)
}

// celInput is a model and its evidence to evaluate conditions on.
type celInput struct {
	name string
	m    *model.Model
	ev   evidence.Set
}

// celInputs returns the models of the rule fixtures, with their evidence,
// the examples and a dense model.
func celInputs(t *testing.T) []celInput {
	t.Helper()
	var inputs []celInput
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "rules", "*.txtar"))
	for _, path := range fixtures {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range fixtureCases(t, ar) {
			m, diags := model.Parse(c.name+".yaml", c.model)
			if diags.HasErrors() {
				t.Fatalf("%s %s: %v", path, c.name, diags.Errors()[0])
			}
			inputs = append(inputs, celInput{path + ":" + c.name, m, c.evidence})
		}
	}
	examples, _ := filepath.Glob(filepath.Join("..", "examples", "*", "threatmap.yaml"))
	for _, path := range examples {
		m, diags, err := model.Load(path)
		if err != nil || diags.HasErrors() {
			t.Fatalf("%s: %v %v", path, err, diags)
		}
		inputs = append(inputs, celInput{path, m, evidence.Set{}})
	}
	m := modeltest.Dense(t, 120)
	inputs = append(inputs, celInput{"dense", m, evidence.Set{}})
	if len(fixtures) == 0 || len(examples) == 0 {
		t.Fatal("no fixtures or examples found")
	}

	return inputs
}

func same(t *testing.T, what string, prg cel.Program, a, b interpreter.Activation) {
	t.Helper()
	got, _, gerr := prg.Eval(a)
	want, _, werr := prg.Eval(b)
	switch {
	case gerr != nil || werr != nil:
		if gerr == nil || werr == nil || gerr.Error() != werr.Error() {
			t.Errorf("%s: error %v, reference %v", what, gerr, werr)
		}
	case types.Equal(got, want) != types.True:
		t.Errorf("%s: %v, reference %v", what, got, want)
	}
}

// TestRecordFieldsMatchMapKeys checks that every kind of record has
// exactly the keys of the map it replaces, so a field added to one and
// not the other fails here.
func TestRecordFieldsMatchMapKeys(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "examples", "docqa", "threatmap.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m, diags := model.Parse("threatmap.yaml", data)
	if diags.HasErrors() {
		t.Fatal(diags.Errors()[0])
	}
	ix := link.Build(m, evidence.Set{}, "")
	g, ref := newGraph(m, ix, fixtureNow), newMapGraph(m, ix, fixtureNow)
	if len(m.Surfaces) == 0 || len(m.Flows) == 0 || len(m.Identities) == 0 {
		t.Fatal("the example lacks a kind of element")
	}
	for _, tc := range []struct {
		rec  record
		want map[string]any
	}{
		{record{g, componentSchema, 0}, ref.comps[m.Components[0].ID]},
		{record{g, componentSchema, -1}, ref.blankC},
		{record{g, surfaceSchema, 0}, ref.surfMaps[0]},
		{record{g, llmSchema, 0}, ref.surfMaps[0]["llm"].(map[string]any)},
		{record{g, flowSchema, 0}, ref.flowMaps[0]},
		{record{g, assetSchema, 0}, ref.assets[m.Assets[0].ID]},
		{record{g, identitySchema, 0}, ref.idents[m.Identities[0].ID]},
		{record{g, identitySchema, -1}, ref.blankI},
	} {
		var keys []string
		for k := range tc.want {
			keys = append(keys, k)
			if _, ok := tc.rec.s.field(tc.rec, k); !ok {
				t.Errorf("record %v lacks %q", tc.rec.s.keys[:2], k)
			}
		}
		if len(keys) != len(tc.rec.s.keys) {
			t.Errorf("record has keys %s, map %s", strings.Join(tc.rec.s.keys, " "), strings.Join(keys, " "))
		}
		if got := tc.rec.Equal(types.DefaultTypeAdapter.NativeToValue(tc.want)); got != types.True {
			t.Errorf("record %v differs from its map %v", tc.rec.Value(), tc.want)
		}
	}
}

// TestAtRiskMatchesMaps compares the assets and impact every built-in rule
// would give on every element, read from positions, with those read from
// the map view, on the inputs of TestRecordsMatchMaps and on an identity
// whose components reach more assets than the short list holds.
func TestAtRiskMatchesMaps(t *testing.T) {
	var src strings.Builder
	src.WriteString("system: {name: x}\nidentities:\n  - {id: shared, kind: iam-role}\nassets:\n")
	for i := range 50 {
		fmt.Fprintf(&src, "  - {id: a%d, kind: %s, sensitivity: %s}\n", i, []string{"user-data", "credentials", "integrity"}[i%3], []string{"low", "medium", "high", "critical"}[i%4])
	}
	src.WriteString("components:\n")
	for i := range 40 {
		fmt.Fprintf(&src, "  - {id: c%d, kind: service, runs_as: shared, stores: [a%d, a%d, a%d]}\n", i, i%50, (i*7)%50, (i*13)%50)
	}
	src.WriteString("flows:\n")
	for i := range 39 {
		fmt.Fprintf(&src, "  - {from: c%d, to: c%d, data: [a%d, a%d], protocol: https}\n", i, i+1, (i*3)%50, (i*11+5)%50)
	}
	m, diags := model.Parse("wide.yaml", []byte(src.String()))
	if diags.HasErrors() {
		t.Fatal(diags.Errors()[0])
	}
	inputs := append(celInputs(t), celInput{"wide", m, evidence.Set{}})
	rs := builtinRules(t)
	checked := 0
	for _, in := range inputs {
		ix := link.Build(in.m, in.ev, "")
		g, ref := newGraph(in.m, ix, fixtureNow), newMapGraph(in.m, ix, fixtureNow)
		for _, r := range rs {
			for i := range g.count(r.AppliesTo) {
				el, old := g.element(r.AppliesTo, i), ref.element(r.AppliesTo, i)
				ids, impact := g.atRisk(r, el)
				wids, wimpact := ref.atRisk(r, old)
				if !slices.Equal(ids, wids) || impact != wimpact {
					t.Fatalf("%s: rule %s on %s: %v %v, reference %v %v", in.name, r.ID, el.id, ids, impact, wids, wimpact)
				}
				checked++
			}
		}
		if in.name == "wide" && len(g.nearAssets(g.element("identity", 0))) <= 32 {
			t.Errorf("the wide model's identity reaches %d assets, too few to need the set", len(g.nearAssets(g.element("identity", 0))))
		}
	}
	t.Logf("%d checked", checked)
}
