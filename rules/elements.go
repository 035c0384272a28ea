package rules

import (
	"time"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

// The maps and records below are what CEL conditions see. Every key is
// always present (unset fields are empty strings, false, empty lists or
// null), so that a condition written against a valid model never fails on
// a missing key.

func strs(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func systemMap(m *model.Model, now time.Time) map[string]any {
	s := m.System
	ageDays := int64(-1)
	if !s.Reviewed.IsZero() {
		ageDays = int64(now.Sub(s.Reviewed.Time).Hours() / 24)
	}
	everyDays := int64(-1)
	if !s.ReviewEvery.IsZero() && !s.ReviewEvery.Never {
		everyDays = int64(s.ReviewEvery.Value.Hours() / 24)
	}
	return map[string]any{
		"id": model.SystemElement, "kind": "system", "name": s.Name, "label": s.Name,
		"owner": s.Owner, "reviewed": s.Reviewed.String(), "review_every": s.ReviewEvery.String(),
		"review_age_days": ageDays, "review_every_days": everyDays,
	}
}

// The fields of the records (values.go) of each kind.

var assetSchema = &schema{
	keys: []string{"id", "kind", "name", "label", "sensitivity", "stored_by", "exposed_by", "carried_by"},
	field: func(r record, key string) (ref.Val, bool) {
		a := &r.g.m.Assets[r.i]
		switch key {
		case "id":
			return types.String(a.ID), true
		case "kind":
			return types.String(a.Kind), true
		case "name", "label":
			return types.String(a.Name), true
		case "sensitivity":
			return types.String(a.Sensitivity), true
		case "stored_by":
			return strList(r.g.storedBy[r.i]), true
		case "exposed_by":
			return strList(r.g.exposedBy[r.i]), true
		case "carried_by":
			return strList(r.g.carriedBy[r.i]), true
		}
		return nil, false
	},
}

var blankComponent model.Component

var componentSchema = &schema{
	keys: []string{"id", "kind", "name", "label", "path", "runs_as", "stores", "provider", "public", "keys",
		"encrypted_at_rest", "access_logging", "audit_log", "refs", "tags", "zone", "handles",
		"in_degree", "out_degree", "surfaces", "surface_kinds", "authed_surface_kinds"},
	field: func(r record, key string) (ref.Val, bool) {
		c, g := &blankComponent, r.g
		if r.i >= 0 {
			c = &g.m.Components[r.i]
		}
		switch key {
		case "id":
			return types.String(c.ID), true
		case "kind":
			return types.String(c.Kind), true
		case "name", "label":
			return types.String(c.Name), true
		case "path":
			return types.String(c.Path), true
		case "runs_as":
			return types.String(c.RunsAs), true
		case "stores":
			return strList(c.Stores), true
		case "provider":
			return types.String(c.Provider), true
		case "public":
			return types.Bool(c.Public), true
		case "keys":
			return types.String(c.Keys), true
		case "encrypted_at_rest":
			return optBoolVal(c.Encrypted), true
		case "access_logging":
			return optBoolVal(c.Logging), true
		case "audit_log":
			return optBoolVal(c.Audit), true
		case "refs":
			return strList(c.Refs), true
		case "tags":
			return strList(c.Tags), true
		case "handles":
			return strList(c.Handles), true
		}
		if r.i < 0 {
			switch key {
			case "zone":
				return types.String(""), true
			case "in_degree", "out_degree":
				return types.IntZero, true
			case "surfaces", "surface_kinds", "authed_surface_kinds":
				return strList(nil), true
			}
			return nil, false
		}
		switch key {
		case "zone":
			return types.String(g.zoneAt(r.i, c.ID)), true
		case "in_degree":
			return types.Int(g.inDeg[r.i]), true
		case "out_degree":
			return types.Int(g.outDeg[r.i]), true
		case "surfaces":
			return strList(g.surfacesOf[r.i]), true
		case "surface_kinds":
			return strList(g.surfKindsOf[r.i]), true
		case "authed_surface_kinds":
			return strList(g.authedKindsOf[r.i]), true
		}
		return nil, false
	},
}

var surfaceSchema = &schema{
	keys: []string{"id", "kind", "name", "label", "component", "method", "path", "params", "exposure", "auth",
		"assets", "costly", "sender", "signature", "ids", "exit", "content", "llm", "tags", "privileged",
		"permission", "handles"},
	field: func(r record, key string) (ref.Val, bool) {
		s := &r.g.m.Surfaces[r.i]
		switch key {
		case "id":
			return types.String(s.ID), true
		case "kind":
			return types.String(s.Kind), true
		case "name", "label":
			return types.String(s.Name), true
		case "component":
			return types.String(s.Component), true
		case "method":
			return types.String(s.Method), true
		case "path":
			return types.String(s.Path), true
		case "params":
			return types.Bool(r.g.params[r.i]), true
		case "exposure":
			return types.String(s.Exposure), true
		case "auth":
			return types.String(s.Auth), true
		case "assets":
			return strList(s.Assets), true
		case "costly":
			return types.Bool(s.Costly), true
		case "sender":
			return types.String(s.Sender), true
		case "signature":
			return types.String(s.Signature), true
		case "ids":
			return types.String(s.IDs), true
		case "exit":
			return types.String(s.Exit), true
		case "content":
			return strList(s.Content), true
		case "llm":
			return record{g: r.g, s: llmSchema, i: r.i}, true
		case "tags":
			return strList(s.Tags), true
		case "privileged":
			return types.Bool(s.Privilege), true
		case "permission":
			return types.String(s.PermCheck), true
		case "handles":
			return strList(s.Handles), true
		}
		return nil, false
	},
}

var blankLLM model.LLM

// llmSchema reads the llm field of the surface at r.i; a surface without
// one has present false and empty values.
var llmSchema = &schema{
	keys: []string{"present", "input", "output", "tools", "write_tools", "approval", "shared_state"},
	field: func(r record, key string) (ref.Val, bool) {
		l := r.g.m.Surfaces[r.i].LLM
		present := l != nil
		if l == nil {
			l = &blankLLM
		}
		switch key {
		case "present":
			return types.Bool(present), true
		case "input":
			return strList(l.Input), true
		case "output":
			return types.String(l.Output), true
		case "tools":
			return strList(l.Tools), true
		case "write_tools":
			return types.Bool(l.WriteTools), true
		case "approval":
			return types.Bool(l.Approval), true
		case "shared_state":
			return types.Bool(l.SharedState), true
		}
		return nil, false
	},
}

func hasParam(p string) bool {
	n := link.NormalizePath(p)
	for i := 0; i+1 < len(n); i++ {
		if n[i] == '{' && n[i+1] == '}' {
			return true
		}
	}
	return false
}

// flowSchema adds to a flow the components at both ends (and their kinds
// and zones), so conditions can look at what a flow connects without
// scanning the model.
var flowSchema = &schema{
	keys: []string{"id", "kind", "label", "name", "from", "to", "data", "protocol", "encrypted", "credential",
		"from_kind", "to_kind", "from_zone", "to_zone", "crosses_boundary", "from_component", "to_component"},
	field: func(r record, key string) (ref.Val, bool) {
		f, g := &r.g.m.Flows[r.i], r.g
		switch key {
		case "id", "name":
			return types.String(f.ID), true
		case "kind":
			return types.String("flow"), true
		case "label":
			return types.String(f.From + " → " + f.To), true
		case "from":
			return types.String(f.From), true
		case "to":
			return types.String(f.To), true
		case "data":
			return strList(f.Data), true
		case "protocol":
			return types.String(f.Protocol), true
		case "encrypted":
			return optBoolVal(f.Encrypted), true
		case "credential":
			return types.String(f.Credential), true
		case "from_kind":
			return types.String(g.componentKind(g.flowFrom[r.i])), true
		case "to_kind":
			return types.String(g.componentKind(g.flowTo[r.i])), true
		case "from_zone":
			return types.String(g.zoneAt(g.flowFrom[r.i], f.From)), true
		case "to_zone":
			return types.String(g.zoneAt(g.flowTo[r.i], f.To)), true
		case "crosses_boundary":
			return types.Bool(g.zoneAt(g.flowFrom[r.i], f.From) != g.zoneAt(g.flowTo[r.i], f.To)), true
		case "from_component":
			return record{g: g, s: componentSchema, i: g.flowFrom[r.i]}, true
		case "to_component":
			return record{g: g, s: componentSchema, i: g.flowTo[r.i]}, true
		}
		return nil, false
	},
}

var blankIdentity model.Identity

var identitySchema = &schema{
	keys: []string{"id", "kind", "name", "label", "used_by", "users", "policy", "scope", "expires", "expires_days",
		"never_expires", "rotated", "mfa", "refs", "credential_flows"},
	field: func(r record, key string) (ref.Val, bool) {
		id := &blankIdentity
		if r.i >= 0 {
			id = &r.g.m.Identities[r.i]
		}
		switch key {
		case "id":
			return types.String(id.ID), true
		case "kind":
			return types.String(id.Kind), true
		case "name", "label":
			return types.String(id.Name), true
		case "used_by":
			return strList(id.UsedBy), true
		case "users":
			return types.Int(len(id.UsedBy)), true
		case "policy":
			return types.String(id.Policy), true
		case "scope":
			return types.String(id.Scope), true
		case "expires":
			return types.String(id.Expires.String()), true
		case "expires_days":
			if !id.Expires.IsZero() && !id.Expires.Never {
				return types.Int(int64(id.Expires.Value.Hours() / 24)), true
			}
			return types.Int(-1), true
		case "never_expires":
			return types.Bool(id.Expires.IsZero() || id.Expires.Never), true
		case "rotated":
			return types.Bool(id.Rotated), true
		case "mfa":
			return types.Bool(id.MFA), true
		case "refs":
			return strList(id.Refs), true
		case "credential_flows":
			if r.i < 0 {
				return types.IntZero, true
			}
			return types.Int(len(r.g.credentialFlows[id.ID])), true
		}
		return nil, false
	},
}

func boundaryMap(b model.Boundary) map[string]any {
	return map[string]any{"id": b.ID, "kind": "boundary", "name": b.Name, "label": b.Name, "components": strs(b.Components)}
}

func routeMap(r evidence.Route) map[string]any {
	return map[string]any{
		"id": RouteElementID("", r), "kind": "route", "label": r.Method + " " + r.Path, "name": r.Method + " " + r.Path,
		"method": r.Method, "path": r.Path, "file": r.File, "line": int64(r.Line),
		"framework": r.Framework, "handler": r.Handler, "guards": strs(r.Guards), "tags": strs(r.Tags),
		"component": "", "route_kind": r.Kind,
	}
}

// RouteElementID is the element id of a discovered route that the model
// does not describe, as used in threat ids: route:COMPONENT:METHOD:/path,
// or route:METHOD:/path when no component's path holds the code. Naming the
// component keeps the ids of the same route served by two components apart.
func RouteElementID(component string, r evidence.Route) string {
	if component != "" {
		return "route:" + component + ":" + r.Method + ":" + r.Path
	}
	return "route:" + r.Method + ":" + r.Path
}

func findingMap(f evidence.Finding) map[string]any {
	return map[string]any{
		"scanner": f.Scanner, "rule": f.Rule, "severity": f.Severity.String(), "message": f.Message,
		"file": f.File, "line": int64(f.Line), "column": int64(f.Column), "commit": f.Commit,
		"secret": f.Secret, "resource": f.Resource, "package": f.Package, "version": f.Version,
		"ecosystem": f.Ecosystem, "advisory": f.Advisory, "fixed": f.Fixed, "property": string(f.Property),
		"url": f.URL, "where": f.Where(),
	}
}

func observationMap(o evidence.Observation) map[string]any {
	return map[string]any{
		"scanner": o.Scanner, "property": string(o.Property), "subject": o.Subject, "holds": o.Holds,
		"detail": o.Detail, "file": o.File, "line": int64(o.Line),
	}
}
