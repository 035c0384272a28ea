package tfsrc

import (
	"bytes"
	"errors"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/iac/terraform"
)

// samMarker is in every AWS SAM template: its Transform, and the type of
// its functions.
const samMarker = "AWS::Serverless"

// IsSAMCandidate reports whether a file could be an AWS SAM template worth
// parsing: YAML (the usual template.yaml) that names a serverless type.
func IsSAMCandidate(rel string, src []byte) bool {
	return (strings.HasSuffix(rel, ".yaml") || strings.HasSuffix(rel, ".yml")) && bytes.Contains(src, []byte(samMarker))
}

// yamlLine reads the line of a yaml.v3 parse error ("yaml: line 7: ...").
var yamlLine = regexp.MustCompile(`line (\d+)`)

// ExtractSAM returns each Api and HttpApi event of an
// AWS::Serverless::Function as an API Gateway route. A route has the auth
// guard when its event names an authorizer other than NONE, or when the
// API it belongs to (by RestApiId or ApiId, or the template's Globals) has
// a default authorizer and the event does not opt out. A route has the
// rate-limit guard when its API throttles it: method settings (REST) or
// route settings (HTTP) with a positive rate or burst limit, in the API's
// properties or the template's Globals, or a usage plan with a throttle or
// a quota when the route needs an API key.
func ExtractSAM(files []File) Result {
	var res Result
	for _, f := range files {
		if !IsSAMCandidate(f.Rel, f.Src) {
			continue
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(f.Src, &doc); err != nil {
			d := terraform.Diagnostic{File: f.Rel, Line: 1, Column: 1, Message: "SAM template not read: " + err.Error()}
			var te *yaml.TypeError
			if m := yamlLine.FindStringSubmatch(err.Error()); m != nil && !errors.As(err, &te) {
				var n int
				for _, c := range m[1] {
					n = n*10 + int(c-'0')
				}
				d.Line = n
			}
			res.Diagnostics = append(res.Diagnostics, d)
			continue
		}
		if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
			continue
		}
		samTemplate(&res, f.Rel, doc.Content[0])
	}
	return res
}

// get returns the value of key in a mapping node, or nil.
func get(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
				break
			}
		}
		n = next
	}
	return n
}

// scalar returns a plain scalar's value ("" for !Ref and other tags).
func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || (n.Tag != "" && n.Tag != "!!str" && n.Tag != "!!bool") {
		return ""
	}
	return n.Value
}

// refName returns the logical id a !Ref or {Ref: X} points to.
func refName(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!Ref" {
		return n.Value
	}
	return scalar(get(n, "Ref"))
}

// hasAuthorizer reports whether an Auth node names an authorizer (for a
// default authorizer, key DefaultAuthorizer; for an event, Authorizer)
// other than NONE.
func hasAuthorizer(auth *yaml.Node, key string) (set, on bool) {
	a := get(auth, key)
	if a == nil {
		return false, false
	}
	return true, !strings.EqualFold(scalar(a), "NONE")
}

func samTemplate(res *Result, rel string, root *yaml.Node) {
	resources := get(root, "Resources")
	if resources == nil || resources.Kind != yaml.MappingNode {
		return
	}
	defaults := map[string]bool{} // API logical id, or "Api"/"HttpApi" for Globals
	for _, kind := range []string{"Api", "HttpApi"} {
		if _, on := hasAuthorizer(get(root, "Globals", kind, "Auth"), "DefaultAuthorizer"); on {
			defaults[kind] = true
		}
	}
	// Globals apply to every API of their kind, the implicit one included.
	throttles := map[string]samThrottle{
		"Api":     samRestThrottle(root, get(root, "Globals", "Api")),
		"HttpApi": samHTTPThrottle(root, get(root, "Globals", "HttpApi")),
	}
	for i := 0; i+1 < len(resources.Content); i += 2 {
		id, r := resources.Content[i].Value, resources.Content[i+1]
		switch typ := scalar(get(r, "Type")); typ {
		case "AWS::Serverless::Api", "AWS::Serverless::HttpApi":
			if _, on := hasAuthorizer(get(r, "Properties", "Auth"), "DefaultAuthorizer"); on {
				defaults[id] = true
			}
			if typ == "AWS::Serverless::Api" {
				throttles[id] = samRestThrottle(root, get(r, "Properties")).merge(throttles["Api"])
			} else {
				throttles[id] = samHTTPThrottle(root, get(r, "Properties")).merge(throttles["HttpApi"])
			}
		}
	}
	var routes []evidence.Route
	for i := 0; i+1 < len(resources.Content); i += 2 {
		fn, r := resources.Content[i].Value, resources.Content[i+1]
		if scalar(get(r, "Type")) != "AWS::Serverless::Function" {
			continue
		}
		events := get(r, "Properties", "Events")
		if events == nil || events.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j+1 < len(events.Content); j += 2 {
			ev := events.Content[j+1]
			kind := scalar(get(ev, "Type"))
			if kind != "Api" && kind != "HttpApi" {
				continue
			}
			props := get(ev, "Properties")
			method := strings.ToUpper(scalar(get(props, "Method")))
			p := scalar(get(props, "Path"))
			switch {
			case get(props, "Path") != nil && p == "", get(props, "Method") != nil && method == "":
				res.Unresolved = append(res.Unresolved, evidence.Unresolved{Scanner: ScannerName, File: rel, Line: events.Content[j].Line,
					Reason: "SAM " + kind + " event " + events.Content[j].Value + " of " + fn + " whose path or method is not a literal"})
				continue
			case kind == "HttpApi" && p == "" && method == "":
				// The $default route of the HTTP API: every path and method.
				p, method = "/{proxy+}", "ANY"
			case method == "" || method == "ANY" || method == "X-AMAZON-APIGATEWAY-ANY-METHOD":
				method = "ANY"
			}
			api := refName(get(props, "RestApiId"))
			if kind == "HttpApi" {
				api = refName(get(props, "ApiId"))
			}
			auth := defaults[kind]
			throttle := throttles[kind]
			if api != "" {
				auth = defaults[api]
				// An API declared outside the serverless types takes no
				// Globals; its own stage settings are not read here.
				throttle = throttles[api]
			}
			if set, on := hasAuthorizer(get(props, "Auth"), "Authorizer"); set {
				auth = on
			}
			guards := []string{}
			if auth {
				guards = append(guards, evidence.GuardAuth)
			}
			if throttle.covers(method, p, eventKeyRequired(props)) {
				guards = append(guards, evidence.GuardRateLimit)
			}
			routes = append(routes, evidence.Route{Method: method, Path: p, File: rel, Line: events.Content[j].Line,
				Framework: APIGateway, Handler: fn, Guards: guards})
		}
	}
	sort.SliceStable(routes, func(a, b int) bool { return routes[a].Line < routes[b].Line })
	res.Routes = append(res.Routes, routes...)
}
