package interchange

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// RulesDir is where an import writes the custom rules it makes, beside
// the model (the directory threatmap reads custom rules from by default).
const RulesDir = "threatmap.rules"

// customThreat is a source's own threat that no threatmap rule finds. It
// is written as a custom rule that fires on the elements it was recorded
// on, so that the threat map keeps showing it, and its status becomes a
// response to that rule.
type customThreat struct {
	rule        string
	title       string
	description string
	mitigation  string
	stride      string
	impact      string
	appliesTo   string
	elements    []string
}

var ruleBad = regexp.MustCompile(`[^a-z0-9-]+`)

// addCustom records a foreign threat on elem (a component or flow id) and
// returns the rule id that will find it there.
func (im *Imported) addCustom(prefix, title, description, mitigation, stride, impact, appliesTo, elem string) string {
	key := appliesTo + "\x00" + title + "\x00" + description
	for i := range im.custom {
		c := &im.custom[i]
		if c.appliesTo+"\x00"+c.title+"\x00"+c.description == key {
			if !slices.Contains(c.elements, elem) {
				c.elements = append(c.elements, elem)
			}
			return c.rule
		}
	}
	base := strings.Trim(ruleBad.ReplaceAllString(strings.ToLower(prefix+"-"+title), "-"), "-")
	if len(base) > 60 {
		base = strings.TrimRight(base[:60], "-")
	}
	id := base
	for n := 2; im.ruleTaken(id); n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	im.custom = append(im.custom, customThreat{rule: id, title: orID(strings.TrimSpace(title), id), description: oneLine(description),
		mitigation: oneLine(mitigation), stride: stride, impact: impact, appliesTo: appliesTo, elements: []string{elem}})
	return id
}

func (im *Imported) ruleTaken(id string) bool {
	for _, c := range im.custom {
		if c.rule == id {
			return true
		}
	}
	return false
}

// RuleFiles returns the custom rules the import made, by file name under
// RulesDir.
func (im *Imported) RuleFiles() (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, c := range im.custom {
		quoted := make([]string, len(c.elements))
		sort.Strings(c.elements)
		for i, e := range c.elements {
			quoted[i] = fmt.Sprintf("%q", e)
		}
		what := c.description
		if what == "" {
			what = c.title
		}
		mitigations := []string{"Decide and record what is done about it"}
		if c.mitigation != "" {
			mitigations = []string{c.mitigation}
		}
		rule := struct {
			ID          string   `yaml:"id"`
			Title       string   `yaml:"title"`
			Stride      []string `yaml:"stride"`
			AppliesTo   string   `yaml:"applies_to"`
			When        string   `yaml:"when"`
			Impact      string   `yaml:"impact"`
			Difficulty  []any    `yaml:"difficulty"`
			Abuse       string   `yaml:"abuse"`
			Method      string   `yaml:"method"`
			Mitigations []string `yaml:"mitigations"`
			Explain     string   `yaml:"explain"`
		}{
			ID: c.rule, Title: c.title, Stride: []string{c.stride}, AppliesTo: c.appliesTo,
			When:        "e.id in [" + strings.Join(quoted, ", ") + "]",
			Impact:      c.impact,
			Difficulty:  []any{map[string]string{"level": "medium", "requires": "what the source model says about it (it records no difficulty)"}},
			Abuse:       fmt.Sprintf("carry out the threat recorded as %q", c.title),
			Method:      fmt.Sprintf("what %s records of it: %s", im.Source, what),
			Mitigations: mitigations,
			Explain:     fmt.Sprintf("Imported from %s, where this threat was recorded by hand: %s", im.Source, what),
		}
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "# Imported from %s by threatmap import: a threat recorded there that no\n# built-in rule finds. It fires on the elements it was recorded on.\n", im.Source)
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(rule); err != nil {
			return nil, fmt.Errorf("write rule %s: %w", c.rule, err)
		}
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("write rule %s: %w", c.rule, err)
		}
		out[c.rule+".yaml"] = buf.Bytes()
	}
	return out, nil
}

// strideOf reads a STRIDE category (or a CIA one) from a foreign name.
func strideOf(name string) string {
	n := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(name)), " ", "-")
	switch n {
	case "spoofing", "tampering", "repudiation", "information-disclosure", "denial-of-service", "elevation-of-privilege":
		return n
	case "confidentiality":
		return "information-disclosure"
	case "availability":
		return "denial-of-service"
	}
	return "tampering"
}
