package tfsrc

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// samThrottle is what a SAM template throttles on one API: every route
// (stage-wide method settings, default route settings), some routes
// ("GET /items" or "* /items"), and the routes that need an API key when a
// usage plan with a throttle or a quota covers the API.
type samThrottle struct {
	all    bool
	one    map[string]bool
	plan   bool
	keyReq bool
}

// covers tells whether the throttling applies to a route of the API; key
// is the event's own Auth.ApiKeyRequired (nil when it does not say).
func (t samThrottle) covers(method, path string, key *bool) bool {
	if t.all || t.one[method+" "+path] || t.one["* "+path] || method == "ANY" && t.one["ANY "+path] {
		return true
	}
	needsKey := t.keyReq
	if key != nil {
		needsKey = *key
	}
	return t.plan && needsKey
}

// merge adds what another source (the template's Globals) throttles.
func (t samThrottle) merge(o samThrottle) samThrottle {
	out := samThrottle{all: t.all || o.all, plan: t.plan || o.plan, keyReq: t.keyReq || o.keyReq, one: map[string]bool{}}
	for k := range t.one {
		out.one[k] = true
	}
	for k := range o.one {
		out.one[k] = true
	}
	return out
}

// positive reads a limit: a number, or a !Ref to a template parameter
// whose Default is one. Zero and negative values (-1 is "unset") and values
// only known at deploy time do not count.
func positive(root, n *yaml.Node) bool {
	if n == nil {
		return false
	}
	v := scalar(n)
	if v == "" && n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float") {
		v = n.Value
	}
	if name := refName(n); name != "" {
		v = scalar(get(root, "Parameters", name, "Default"))
		if d := get(root, "Parameters", name, "Default"); v == "" && d != nil && d.Kind == yaml.ScalarNode {
			v = d.Value
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	return err == nil && f > 0
}

// samRestThrottle reads the throttling of a REST API's properties (an
// AWS::Serverless::Api's Properties, or Globals.Api): MethodSettings
// entries with a positive ThrottlingRateLimit or ThrottlingBurstLimit, and
// Auth.UsagePlan with a positive Throttle or Quota.
func samRestThrottle(root, props *yaml.Node) samThrottle {
	t := samThrottle{one: map[string]bool{}}
	if ms := get(props, "MethodSettings"); ms != nil && ms.Kind == yaml.SequenceNode {
		for _, s := range ms.Content {
			if !positive(root, get(s, "ThrottlingRateLimit")) && !positive(root, get(s, "ThrottlingBurstLimit")) {
				continue
			}
			method := strings.ToUpper(scalar(get(s, "HttpMethod")))
			res := scalar(get(s, "ResourcePath"))
			if method == "" {
				method = "*"
			}
			if res == "" || res == "/*" {
				if method == "*" {
					t.all = true
				}
				continue
			}
			// A resource path escapes its slashes: /~1items~1{id}.
			p := strings.ReplaceAll(strings.ReplaceAll(res, "~1", "/"), "~0", "~")
			p = "/" + strings.TrimLeft(p, "/")
			t.one[method+" "+p] = true
		}
	}
	auth := get(props, "Auth")
	t.keyReq = strings.EqualFold(scalar(get(auth, "ApiKeyRequired")), "true")
	if up := get(auth, "UsagePlan"); up != nil && !strings.EqualFold(scalar(get(up, "CreateUsagePlan")), "NONE") {
		t.plan = positive(root, get(up, "Throttle", "RateLimit")) || positive(root, get(up, "Throttle", "BurstLimit")) || positive(root, get(up, "Quota", "Limit"))
	}
	return t
}

// samHTTPThrottle reads the throttling of an HTTP API's properties:
// DefaultRouteSettings for every route, RouteSettings by route key.
func samHTTPThrottle(root, props *yaml.Node) samThrottle {
	t := samThrottle{one: map[string]bool{}}
	throttled := func(s *yaml.Node) bool {
		return positive(root, get(s, "ThrottlingRateLimit")) || positive(root, get(s, "ThrottlingBurstLimit"))
	}
	t.all = throttled(get(props, "DefaultRouteSettings"))
	if rs := get(props, "RouteSettings"); rs != nil && rs.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(rs.Content); i += 2 {
			if !throttled(rs.Content[i+1]) {
				continue
			}
			method, p, ok := strings.Cut(strings.TrimSpace(rs.Content[i].Value), " ")
			if !ok {
				continue // $default and other keys without a path
			}
			t.one[strings.ToUpper(method)+" "+strings.TrimSpace(p)] = true
		}
	}
	return t
}

// eventKeyRequired reads an Api event's Auth.ApiKeyRequired, nil when the
// event does not set it.
func eventKeyRequired(props *yaml.Node) *bool {
	n := get(props, "Auth", "ApiKeyRequired")
	if n == nil {
		return nil
	}
	v := strings.EqualFold(scalar(n), "true")
	return &v
}
