package model

import (
	"github.com/invopop/jsonschema"
	"go.yaml.in/yaml/v3"
)

// Response is what the team decided to do about one threat. Exactly one of
// Mitigate, Eliminate, Accept, Transfer or NotApplicable is set.
type Response struct {
	// Threat is the threat id (RULE@ELEMENT) this response answers; it is
	// the key under responses: in the file.
	Threat        string       `yaml:"-"`
	Mitigate      []string     `yaml:"mitigate" jsonschema_description:"Controls that mitigate the threat; only implemented or verified controls count."`
	Eliminate     *Elimination `yaml:"eliminate" jsonschema_description:"The surface was removed."`
	Accept        *Acceptance  `yaml:"accept" jsonschema_description:"The risk is accepted: by whom, on what date, until when and why are all required."`
	Transfer      *Transfer    `yaml:"transfer" jsonschema_description:"The risk is carried by someone else: a provider, an insurer, the users' terms."`
	NotApplicable string       `yaml:"not_applicable" jsonschema_description:"The rule misfired for this element: say why."`
	Note          string       `yaml:"note"`
	Loc           Locations    `yaml:"-" json:"-"`
}

// Kind names the response: mitigate, eliminate, accept, transfer or
// not-applicable; empty if none is set.
func (r Response) Kind() string {
	switch {
	case r.NotApplicable != "":
		return "not-applicable"
	case r.Eliminate != nil:
		return "eliminate"
	case r.Accept != nil:
		return "accept"
	case r.Transfer != nil:
		return "transfer"
	case len(r.Mitigate) > 0:
		return "mitigate"
	}
	return ""
}

// Elimination records a removed surface.
type Elimination struct {
	Why string    `yaml:"why" jsonschema:"required"`
	On  Date      `yaml:"on"`
	Loc Locations `yaml:"-" json:"-"`
}

// Acceptance records an accepted risk.
type Acceptance struct {
	By    string    `yaml:"by" jsonschema:"required"`
	On    Date      `yaml:"on" jsonschema:"required"`
	Until Date      `yaml:"until" jsonschema:"required" jsonschema_description:"When the acceptance must be revisited; past it the threat is open again."`
	Why   string    `yaml:"why" jsonschema:"required"`
	Loc   Locations `yaml:"-" json:"-"`
}

// Transfer records a risk carried by someone else.
type Transfer struct {
	To  string    `yaml:"to" jsonschema:"required"`
	Why string    `yaml:"why"`
	Loc Locations `yaml:"-" json:"-"`
}

// Responses is the responses: mapping, kept in file order.
type Responses []Response

// Get returns the response for a threat id.
func (rs Responses) Get(threat string) (Response, bool) {
	for _, r := range rs {
		if r.Threat == threat {
			return r, true
		}
	}
	return Response{}, false
}

func (rs *Responses) decodeNode(d *decoder, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "responses must be a mapping from threat id (RULE@ELEMENT) to a response, not %s", describe(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "a threat id must be a plain string")
			continue
		}
		if seen[k.Value] {
			d.errorf(k, "duplicate response for threat %q", k.Value)
			continue
		}
		seen[k.Value] = true
		var r Response
		d.decodeValue(v, &r, "responses."+k.Value)
		r.Threat = k.Value
		r.Loc.set(d.locs, "", d.pos(k))
		r.Loc.set(d.locs, "threat", d.pos(k))
		*rs = append(*rs, r)
	}
}

// JSONSchema describes responses as a map from threat id to Response.
func (Responses) JSONSchema() *jsonschema.Schema {
	r := &jsonschema.Reflector{FieldNameTag: "yaml", RequiredFromJSONSchemaTags: true, DoNotReference: true}
	return &jsonschema.Schema{
		Type:                 "object",
		Description:          "Responses keyed by threat id (RULE@ELEMENT).",
		AdditionalProperties: r.Reflect(&Response{}),
	}
}
