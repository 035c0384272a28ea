package model

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/invopop/jsonschema"
	"go.yaml.in/yaml/v3"
)

// Date is a calendar day written YYYY-MM-DD.
type Date struct{ time.Time }

// IsZero reports whether the date was left out.
func (d Date) IsZero() bool { return d.Time.IsZero() }

// String formats the date as YYYY-MM-DD, or "" when unset.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// MarshalJSON writes the date as YYYY-MM-DD or null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

func (d *Date) decodeNode(dec *decoder, n *yaml.Node) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		dec.errorf(n, "want a date written YYYY-MM-DD, got %s", describe(n))
		return
	}
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(n.Value))
	if err != nil {
		dec.errorf(n, "bad date %q: want YYYY-MM-DD", n.Value)
		return
	}
	d.Time = t
}

// JSONSchema describes a date.
func (Date) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Format: "date", Description: "A calendar day, YYYY-MM-DD."}
}

// Period is a length of time written as a count and a unit: h (hours),
// d (days), w (weeks), m (months of 30 days) or y (years of 365 days); or
// "never".
type Period struct {
	Text  string
	Value time.Duration
	Never bool
}

var periodPattern = regexp.MustCompile(`^([0-9]{1,6})\s*(h|d|w|m|y)$`)

// ParsePeriod reads a period such as 90d.
func ParsePeriod(s string) (Period, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "never" {
		return Period{Text: t, Never: true}, nil
	}
	m := periodPattern.FindStringSubmatch(t)
	if m == nil {
		return Period{}, fmt.Errorf("bad period %q: want a number and a unit (h, d, w, m, y), e.g. 90d, or never", s)
	}
	n, _ := strconv.Atoi(m[1])
	unit := map[string]time.Duration{"h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "m": 30 * 24 * time.Hour, "y": 365 * 24 * time.Hour}[m[2]]
	return Period{Text: t, Value: time.Duration(n) * unit}, nil
}

// IsZero reports whether the period was left out.
func (p Period) IsZero() bool { return p.Text == "" }

// String returns the period as written.
func (p Period) String() string { return p.Text }

// MarshalJSON writes the period as written.
func (p Period) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(p.Text)), nil }

func (p *Period) decodeNode(dec *decoder, n *yaml.Node) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		dec.errorf(n, "want a period such as 90d, got %s", describe(n))
		return
	}
	v, err := ParsePeriod(n.Value)
	if err != nil {
		dec.errorf(n, "%v", err)
		return
	}
	*p = v
}

// JSONSchema describes a period.
func (Period) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Pattern: `^([0-9]{1,6}\s*[hdwmy]|never)$`, Description: "A period: a number and a unit (h, d, w, m, y), e.g. 90d; or never."}
}
