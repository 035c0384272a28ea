// Package rules answers "what can go wrong?". A rule is data: which kind of
// element it applies to, a CEL condition over the element and its
// neighbourhood (its component, identity, flows, trust zone, controls and
// the evidence linked to it), how hard the attack is, what it costs, and
// what to do about it. The built-in rules ship inside the binary as one
// YAML file each; a repository adds its own beside its model in the same
// format.
package rules

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/internal/workers"
	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/repofs"
)

// Rule is one threat pattern.
type Rule struct {
	ID        string   `yaml:"id" jsonschema:"required,pattern=^[a-z0-9][a-z0-9-]*$"`
	Title     string   `yaml:"title" jsonschema:"required"`
	Stride    []string `yaml:"stride" jsonschema:"required,enum=spoofing,enum=tampering,enum=repudiation,enum=information-disclosure,enum=denial-of-service,enum=elevation-of-privilege"`
	AppliesTo string   `yaml:"applies_to" jsonschema:"required,enum=system,enum=asset,enum=component,enum=surface,enum=flow,enum=boundary,enum=identity,enum=route"`
	// When is a CEL expression that is true where the threat exists.
	When string `yaml:"when" jsonschema:"required"`
	// Assets lists the asset kinds at risk; the element's own assets of
	// those kinds are used, or else the model's.
	Assets []string `yaml:"assets" jsonschema:"enum=user-data,enum=credentials,enum=credits,enum=integrity,enum=availability,enum=other"`
	// Impact fixes the impact; when empty it is the highest sensitivity of
	// the assets at risk.
	Impact     string       `yaml:"impact" jsonschema:"enum=low,enum=medium,enum=high,enum=critical"`
	Difficulty []Difficulty `yaml:"difficulty" jsonschema:"required"`
	// Abuse and Method complete the sentence "If [surface] is abused, an
	// attacker could [abuse] by [method], and this would require
	// [requires]."
	Abuse  string `yaml:"abuse" jsonschema:"required"`
	Method string `yaml:"method" jsonschema:"required"`
	// Wording optionally derives Abuse and Method from the element: the
	// first case whose when holds replaces them.
	Wording []Wording `yaml:"wording"`
	// Detail is an optional CEL expression giving a string with specifics
	// (where a secret was found, which policy grants what).
	Detail      string   `yaml:"detail"`
	Mitigations []string `yaml:"mitigations" jsonschema:"required"`
	// Controls lists control kinds that mitigate the threat when the model
	// declares them on the element.
	Controls []string `yaml:"controls"`
	// SecondaryTo lists control kinds that answer the same attack first:
	// when one of them is verified on the element, the threat is defence in
	// depth (an IP allowlist on a signed webhook) and does not fail check.
	SecondaryTo []string `yaml:"secondary_to"`
	// Family names rules that describe one attack from different angles
	// (draining a budget by volume and by prompt size): on one element the
	// threat map shows them as one row.
	Family     string   `yaml:"family" jsonschema:"pattern=^[a-z0-9-]+$"`
	References []string `yaml:"references"`
	Explain    string   `yaml:"explain" jsonschema:"required"`

	Loc model.Locations `yaml:"-" json:"-"`
	// File is where the rule was read from ("builtin/<id>.yaml" for
	// built-in rules).
	File string `yaml:"-" json:"-"`
	// builtin marks the rules shipped in the binary, whose cost per
	// element a test bounds (see costLimit).
	builtin bool
}

// Difficulty is one case of a rule's difficulty: the first case whose When
// holds (or that has none) applies.
type Difficulty struct {
	When     string          `yaml:"when"`
	Level    string          `yaml:"level" jsonschema:"required,enum=low,enum=medium,enum=high"`
	Requires string          `yaml:"requires" jsonschema:"required"`
	Loc      model.Locations `yaml:"-" json:"-"`
}

// StrideCategories returns the rule's categories as typed values.
func (r *Rule) StrideCategories() []threatmap.Stride {
	out := make([]threatmap.Stride, 0, len(r.Stride))
	for _, s := range r.Stride {
		if c, err := threatmap.ParseStride(s); err == nil {
			out = append(out, c)
		}
	}
	return out
}

//go:embed builtin/*.yaml
var builtinFS embed.FS

// Builtin returns the built-in rules in id order.
func Builtin() ([]*Rule, error) {
	rules, diags := loadFS(builtinFS, "builtin", "builtin")
	if diags.HasErrors() {
		return nil, fmt.Errorf("built-in rules: %w", diags)
	}
	for _, r := range rules {
		r.builtin = true
	}
	return rules, nil
}

// LoadDir reads every *.yaml and *.yml rule file in dir.
func LoadDir(dir string) ([]*Rule, model.Diagnostics) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, model.Diagnostics{{Pos: threatmap.Position{File: dir}, Message: fmt.Sprintf("rules directory: %v", err)}}
	}
	if !info.IsDir() {
		return nil, model.Diagnostics{{Pos: threatmap.Position{File: dir}, Message: "rules directory: not a directory"}}
	}
	return loadFS(namedFS{dir}, ".", dir)
}

// namedFS reads a custom rules directory under repofs's rule for named
// files: a rule file that is a link out of the directory, a pipe or a
// device is refused, never read.
type namedFS struct{ dir string }

func (n namedFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return os.Open(n.dir)
	}
	return repofs.Open(n.dir, filepath.FromSlash(name))
}

func (n namedFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name != "." {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return os.ReadDir(n.dir)
}

func loadFS(fsys fs.FS, root, display string) ([]*Rule, model.Diagnostics) {
	entries, err := fs.ReadDir(fsys, root)
	if err != nil {
		return nil, model.Diagnostics{{Pos: threatmap.Position{File: display}, Message: err.Error()}}
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			continue
		}
		names = append(names, name)
	}
	// The files are read and decoded on every core, through one Types
	// (a rule's struct types are read once, not once a file), and their
	// results gathered in the directory's order.
	type result struct {
		rule  *Rule
		diags model.Diagnostics
	}
	results := make([]result, len(names))
	types := model.NewTypes()
	workers.Each(len(names), func(_, i int) {
		data, err := fs.ReadFile(fsys, filepath.ToSlash(filepath.Join(root, names[i])))
		file := filepath.ToSlash(filepath.Join(display, names[i]))
		if err != nil {
			results[i].diags = model.Diagnostics{{Pos: threatmap.Position{File: file}, Message: err.Error()}}
			return
		}
		results[i].rule, results[i].diags = parseRuleWith(types, file, data)
	})
	var rules []*Rule
	var diags model.Diagnostics
	for _, res := range results {
		diags = append(diags, res.diags...)
		if res.rule != nil {
			rules = append(rules, res.rule)
		}
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules, diags
}

// ParseRule decodes one rule file. It checks the rule's shape; the CEL in
// it is checked when an Engine compiles it.
func ParseRule(file string, data []byte) (*Rule, model.Diagnostics) {
	return parseRuleWith(nil, file, data)
}

// parseRuleWith is ParseRule reading the struct types through types
// (nil: on its own).
func parseRuleWith(types *model.Types, file string, data []byte) (*Rule, model.Diagnostics) {
	r := &Rule{File: file}
	diags := model.DecodeWith(types, file, data, r)
	if diags.HasErrors() {
		return nil, diags
	}
	if n := len(r.Difficulty); n > 0 && r.Difficulty[n-1].When != "" {
		diags = append(diags, model.Diagnostic{Pos: r.Difficulty[n-1].Loc.At("when"), Message: "the last difficulty case must have no when: it is the default"})
	}
	for i, d := range r.Difficulty[:max(len(r.Difficulty)-1, 0)] {
		if d.When == "" {
			diags = append(diags, model.Diagnostic{Pos: r.Difficulty[i].Loc.At(""), Message: "only the last difficulty case may leave out when"})
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return r, diags
}

// Merge adds custom rules to the built-in ones. A custom rule with a
// built-in rule's id is an error: custom rules extend, they do not
// silently replace.
func Merge(builtin, custom []*Rule) ([]*Rule, model.Diagnostics) {
	var diags model.Diagnostics
	out := slices.Clone(builtin)
	ids := map[string]*Rule{}
	for _, r := range builtin {
		ids[r.ID] = r
	}
	for _, r := range custom {
		if prev, ok := ids[r.ID]; ok {
			diags = append(diags, model.Diagnostic{Pos: r.Loc.At("id"), Message: fmt.Sprintf("rule id %q is already used by %s; choose another id", r.ID, prev.File)})
			continue
		}
		ids[r.ID] = r
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, diags
}
