package assess

import (
	"fmt"
	"slices"
	"strings"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

// guardProperty maps a route guard to the property a control of that kind
// claims.
var guardProperty = map[string]evidence.Property{
	evidence.GuardAuth:        evidence.Authentication,
	evidence.GuardRateLimit:   evidence.RateLimited,
	evidence.GuardSignature:   evidence.SignatureVerified,
	evidence.GuardIPAllowlist: evidence.IPAllowlisted,
	evidence.GuardCSRF:        evidence.CSRFProtected,
	evidence.GuardPermission:  evidence.Authorization,
}

// assessControl computes a control's status: evidence refuting its
// property on any element it protects makes a claimed control failing;
// evidence confirming it (and none refuting) makes it verified; otherwise
// the claim stands, except that a claim of verified with no evidence behind
// it is only implemented, and a planned control stays planned while the
// evidence shows it absent.
func assessControl(m *model.Model, c model.Control, ix *link.Index) Control {
	out := Control{ID: c.ID, Name: c.Name, Kind: c.Kind, On: c.On, Claimed: c.Status, Pos: c.Loc.At("")}
	if out.On == nil {
		out.On = []string{}
	}
	targets := c.On
	if len(targets) == 0 {
		targets = []string{model.SystemElement}
	}
	prop := evidence.Property(c.Kind)
	for _, t := range targets {
		for _, o := range ix.Observations[t] {
			if o.Property != prop || (o.Scanner == "routes" && len(ix.Routes[t]) > 0) {
				// Route guards are read from the routes themselves below,
				// which also show where a guard is missing.
				continue
			}
			where := o.File
			if o.Line > 0 {
				where = fmt.Sprintf("%s:%d", o.File, o.Line)
			}
			msg := fmt.Sprintf("%s: %s", o.Scanner, firstNonEmpty(o.Detail, string(o.Property)))
			if where != "" {
				msg += " (" + where + ")"
			}
			if o.Holds {
				out.Support = append(out.Support, msg)
			} else {
				out.Refute = append(out.Refute, msg)
			}
		}
		for _, f := range ix.Findings[t] {
			if f.Property == prop {
				where := f.Where()
				out.Refute = append(out.Refute, fmt.Sprintf("%s: %s (%s)", f.Scanner, f.Message, where))
			}
		}
		for _, r := range ix.Routes[t] {
			for guard, p := range guardProperty {
				if p != prop || !guardCounts(r, guard) {
					continue
				}
				loc := fmt.Sprintf("%s %s at %s:%d", r.Method, r.Path, r.File, r.Line)
				if slices.Contains(r.Guards, guard) {
					out.Support = append(out.Support, "routes: "+guard+" guard on "+loc)
				} else {
					out.Refute = append(out.Refute, "routes: no "+guard+" guard on "+loc)
				}
			}
		}
	}
	if strings.HasPrefix(c.Kind, "ci-") && len(out.Support) > 0 {
		// A pipeline property holds when some workflow provides it: the
		// workflows that do not (an issue triager, a docs build) do not
		// refute it.
		out.Refute = slices.DeleteFunc(out.Refute, func(s string) bool { return strings.HasPrefix(s, "workflows: ") })
	}
	slices.Sort(out.Support)
	out.Support = slices.Compact(out.Support)
	slices.Sort(out.Refute)
	out.Refute = slices.Compact(out.Refute)
	switch {
	case c.Status == ControlPlanned && len(out.Support) == 0:
		// Evidence that a planned control is not there yet confirms the
		// plan; it does not contradict a claim.
		out.Status = ControlPlanned
	case len(out.Refute) > 0 || c.Status == ControlFailing:
		out.Status = ControlFailing
	case len(out.Support) > 0:
		out.Status = ControlVerified
	case c.Status == ControlVerified:
		out.Status = ControlImplemented
	default:
		out.Status = c.Status
	}
	return out
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
