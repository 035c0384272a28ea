package rules

import (
	"fmt"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/model"
)

// Wording is one case of a rule's sentence: when its condition holds (or it
// has none), its Abuse and Method, CEL expressions giving strings, replace
// the rule's fixed ones. It lets a row say what this element really risks
// (the secret kinds found, what a sender's webhook grants, a human or a
// workload identity) instead of one sentence for every system.
type Wording struct {
	When   string          `yaml:"when"`
	Abuse  string          `yaml:"abuse"`
	Method string          `yaml:"method"`
	Loc    model.Locations `yaml:"-" json:"-"`
}

type compiledWording struct {
	when, abuse, method cel.Program
	// judge is when's verdict in Go, and abuseText and methodText work
	// out the strings in Go where they can; nil for none (verdict.go).
	judge                 judge
	abuseText, methodText func(el *element) (string, bool)
}

// compileWording compiles a rule's wording cases with compile, which
// reports its own errors and returns nil for an expression that failed.
func compileWording(r *Rule, compile func(expr string, pos threatmap.Position, want *cel.Type) cel.Program, judged func(cel.Program) judge, texted func(cel.Program) func(el *element) (string, bool)) ([]compiledWording, bool) {
	var out []compiledWording
	ok := true
	for i, w := range r.Wording {
		var cw compiledWording
		at := func(key string) threatmap.Position { return r.Wording[i].Loc.At(key) }
		if w.When != "" {
			if cw.when = compile(w.When, at("when"), cel.BoolType); cw.when == nil {
				ok = false
			}
			cw.judge = judged(cw.when)
		}
		if w.Abuse != "" {
			if cw.abuse = compile(w.Abuse, at("abuse"), cel.StringType); cw.abuse == nil {
				ok = false
			}
			cw.abuseText = texted(cw.abuse)
		}
		if w.Method != "" {
			if cw.method = compile(w.Method, at("method"), cel.StringType); cw.method == nil {
				ok = false
			}
			cw.methodText = texted(cw.method)
		}
		out = append(out, cw)
	}
	return out, ok
}

// word applies the first wording case that holds to t.
func (c *compiled) word(el *element, t *Threat) error {
	for i, w := range c.wording {
		v := unknown
		if w.judge != nil {
			v = w.judge(el)
		}
		if v == no {
			continue
		}
		if w.when != nil && v == unknown {
			v, _, err := w.when.Eval(&el.vars)
			if err != nil {
				return fmt.Errorf("wording case %d: %w", i+1, err)
			}
			if v != types.True {
				continue
			}
		}
		for _, p := range []struct {
			prg  cel.Program
			text func(el *element) (string, bool)
			dst  *string
		}{{w.abuse, w.abuseText, &t.Abuse}, {w.method, w.methodText, &t.Method}} {
			if p.prg == nil {
				continue
			}
			s, err := c.text(p.prg, p.text, el)
			if err != nil {
				return fmt.Errorf("wording case %d: %w", i+1, err)
			}
			if s != "" {
				*p.dst = s
			}
		}
		return nil
	}
	return nil
}
