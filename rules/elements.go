package rules

import (
	"time"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/link"
	"github.com/threatmap/threatmap/model"
)

// The maps below are what CEL conditions see. Every key is always present
// (unset fields are empty strings, false, empty lists or null), so that a
// condition written against a valid model never fails on a missing key.

func optBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

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

func assetMap(a model.Asset) map[string]any {
	return map[string]any{
		"id": a.ID, "kind": a.Kind, "name": a.Name, "label": a.Name, "sensitivity": a.Sensitivity,
	}
}

func componentMap(c model.Component, zone string) map[string]any {
	return map[string]any{
		"id": c.ID, "kind": c.Kind, "name": c.Name, "label": c.Name, "path": c.Path, "runs_as": c.RunsAs,
		"stores": strs(c.Stores), "provider": c.Provider, "public": c.Public, "keys": c.Keys,
		"encrypted_at_rest": optBool(c.Encrypted), "access_logging": optBool(c.Logging),
		"audit_log": optBool(c.Audit), "refs": strs(c.Refs), "tags": strs(c.Tags), "zone": zone,
		"handles": strs(c.Handles),
	}
}

func llmMap(l *model.LLM) map[string]any {
	if l == nil {
		return map[string]any{"present": false, "input": []any{}, "output": "", "tools": []any{}, "write_tools": false, "approval": false, "shared_state": false}
	}
	return map[string]any{
		"present": true, "input": strs(l.Input), "output": l.Output, "tools": strs(l.Tools),
		"write_tools": l.WriteTools, "approval": l.Approval, "shared_state": l.SharedState,
	}
}

func surfaceMap(s model.Surface) map[string]any {
	return map[string]any{
		"id": s.ID, "kind": s.Kind, "name": s.Name, "label": s.Name, "component": s.Component,
		"method": s.Method, "path": s.Path, "params": hasParam(s.Path),
		"exposure": s.Exposure, "auth": s.Auth, "assets": strs(s.Assets), "costly": s.Costly,
		"sender": s.Sender, "signature": s.Signature, "ids": s.IDs, "exit": s.Exit,
		"content": strs(s.Content), "llm": llmMap(s.LLM), "tags": strs(s.Tags),
		"privileged": s.Privilege, "permission": s.PermCheck,
		"handles": strs(s.Handles),
	}
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

func flowMap(f model.Flow, fromKind, toKind, fromZone, toZone string) map[string]any {
	return map[string]any{
		"id": f.ID, "kind": "flow", "label": f.From + " → " + f.To, "name": f.ID,
		"from": f.From, "to": f.To, "data": strs(f.Data), "protocol": f.Protocol,
		"encrypted": optBool(f.Encrypted), "credential": f.Credential,
		"from_kind": fromKind, "to_kind": toKind, "from_zone": fromZone, "to_zone": toZone,
		"crosses_boundary": fromZone != toZone,
	}
}

func identityMap(id model.Identity) map[string]any {
	expiresDays := int64(-1)
	if !id.Expires.IsZero() && !id.Expires.Never {
		expiresDays = int64(id.Expires.Value.Hours() / 24)
	}
	return map[string]any{
		"id": id.ID, "kind": id.Kind, "name": id.Name, "label": id.Name, "used_by": strs(id.UsedBy),
		"users": int64(len(id.UsedBy)), "policy": id.Policy, "scope": id.Scope,
		"expires": id.Expires.String(), "expires_days": expiresDays, "never_expires": id.Expires.IsZero() || id.Expires.Never,
		"rotated": id.Rotated, "mfa": id.MFA, "refs": strs(id.Refs),
	}
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
