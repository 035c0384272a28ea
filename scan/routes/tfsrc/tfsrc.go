// Package tfsrc finds the entry points that Terraform declares: API Gateway
// REST API methods (their paths built from the resource tree) and HTTP API
// routes, with the authorization and throttling that guard them; the queues
// and streams a Lambda function consumes (event source mappings); and
// scheduled EventBridge rules and schedules with their targets. It reads
// Terraform with the HCL loader the IaC scanner uses (scan/iac/terraform).
package tfsrc

import (
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/iac/terraform"
)

// Framework names in Route.Framework.
const (
	APIGateway  = "api-gateway"
	Lambda      = "lambda"
	EventBridge = "eventbridge"
)

// ScannerName is the Scanner of the Unresolved entries.
const ScannerName = "routes"

// File is one Terraform file.
type File = terraform.File

// Result is what Extract found.
type Result struct {
	Routes      []evidence.Route
	Unresolved  []evidence.Unresolved
	Diagnostics []terraform.Diagnostic
}

var markers = []string{"aws_api_gateway_", "aws_apigatewayv2_", "aws_lambda_event_source_mapping", "aws_cloudwatch_event_rule", "aws_scheduler_schedule"}

// Extract loads each directory that declares one of the resources read
// here and returns the entry points.
func Extract(files []File) Result {
	byDir := map[string][]File{}
	wanted := map[string]bool{}
	for _, f := range files {
		if !terraform.IsTerraformFile(f.Rel) {
			continue
		}
		d := path.Dir(f.Rel)
		byDir[d] = append(byDir[d], f)
		for _, m := range markers {
			if strings.Contains(string(f.Src), m) {
				wanted[d] = true
			}
		}
	}
	dirs := make([]string, 0, len(wanted))
	for d := range wanted {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	var res Result
	for _, d := range dirs {
		m := terraform.Load(d, byDir[d])
		res.Diagnostics = append(res.Diagnostics, m.Diagnostics...)
		x := &module{m: m, res: &res}
		x.rest()
		x.httpAPI()
		x.eventSources()
		x.schedules()
	}
	return res
}

type module struct {
	m   *terraform.Module
	res *Result
}

func (x *module) add(b *terraform.Block, kind, method, p, framework, handler string, guards []string) {
	if guards == nil {
		guards = []string{}
	}
	sort.Strings(guards)
	x.res.Routes = append(x.res.Routes, evidence.Route{
		Kind: kind, Method: method, Path: p, File: b.File, Line: b.Line,
		Framework: framework, Handler: handler, Guards: guards,
	})
}

func (x *module) unresolved(b *terraform.Block, reason string) {
	x.res.Unresolved = append(x.res.Unresolved, evidence.Unresolved{Scanner: ScannerName, File: b.File, Line: b.Line, Reason: reason})
}

func (x *module) expr(b *terraform.Block, name string) hclsyntax.Expression {
	if a := terraform.Attr(b.Body, name); a != nil {
		return a.Expr
	}
	return nil
}

func (x *module) str(b *terraform.Block, name string) (string, bool) {
	return x.m.String(x.expr(b, name))
}

// refTo returns the first address of the given type that an attribute
// refers to.
func (x *module) refTo(b *terraform.Block, attr, typ string) string {
	for _, r := range terraform.References(x.expr(b, attr)) {
		if strings.HasPrefix(r, typ+".") {
			return r
		}
	}
	return ""
}

var unknownPart = regexp.MustCompile(`\$\{[^}]*\}`)

// part renders a path part, writing what is not known statically as a
// parameter.
func (x *module) part(b *terraform.Block, attr string) string {
	s := x.m.Render(x.expr(b, attr))
	if s == "" {
		return "{" + b.Name + "}"
	}
	return unknownPart.ReplaceAllString(s, "{"+b.Name+"}")
}

func (x *module) number(body *hclsyntax.Body, name string) (int64, bool) {
	a := terraform.Attr(body, name)
	if a == nil {
		return 0, false
	}
	return x.m.Int(a.Expr)
}

// throttled reports whether a settings block sets a positive rate or burst
// limit (-1, the default, leaves the account's limit).
func (x *module) throttled(body *hclsyntax.Body, rate, burst string) bool {
	r, okR := x.number(body, rate)
	bu, okB := x.number(body, burst)
	return okR && r > 0 || okB && bu > 0
}

// rest reads REST APIs: each aws_api_gateway_method on the path its
// resource chain builds.
func (x *module) rest() {
	type res struct {
		b      *terraform.Block
		parent string
	}
	resources := map[string]res{}
	for _, b := range x.m.Resources("aws_api_gateway_resource") {
		resources[b.Address()] = res{b: b, parent: x.refTo(b, "parent_id", "aws_api_gateway_resource")}
	}
	var pathOf func(addr string, depth int) (string, bool)
	pathOf = func(addr string, depth int) (string, bool) {
		r, ok := resources[addr]
		if !ok || depth > 64 {
			return "", false
		}
		prefix := ""
		if r.parent != "" {
			p, ok := pathOf(r.parent, depth+1)
			if !ok {
				return "", false
			}
			prefix = strings.TrimSuffix(p, "/")
		} else if x.refTo(r.b, "parent_id", "aws_api_gateway_rest_api") == "" {
			prefix = "{prefix}"
		}
		return prefix + "/" + x.part(r.b, "path_part"), true
	}
	// Throttling: stage method settings (per API, "*/*" or one method) and
	// usage plans (per API, for methods that require an API key).
	stageAll := map[string]bool{}
	stageOne := map[string]bool{}
	for _, b := range x.m.Resources("aws_api_gateway_method_settings") {
		api := x.refTo(b, "rest_api_id", "aws_api_gateway_rest_api")
		for _, s := range terraform.Blocks(b.Body, "settings") {
			if !x.throttled(s.Body, "throttling_rate_limit", "throttling_burst_limit") {
				continue
			}
			mp, _ := x.str(b, "method_path")
			if mp == "*/*" || mp == "" {
				stageAll[api] = true
			} else {
				stageOne[api+"|"+mp] = true
			}
		}
	}
	planned := map[string]bool{}
	for _, b := range x.m.Resources("aws_api_gateway_usage_plan") {
		throttle := false
		for _, t := range terraform.Blocks(b.Body, "throttle_settings") {
			throttle = throttle || x.throttled(t.Body, "rate_limit", "burst_limit")
		}
		for _, q := range terraform.Blocks(b.Body, "quota_settings") {
			n, ok := x.number(q.Body, "limit")
			throttle = throttle || ok && n > 0
		}
		if !throttle {
			continue
		}
		for _, s := range terraform.Blocks(b.Body, "api_stages") {
			if a := terraform.Attr(s.Body, "api_id"); a != nil {
				for _, r := range terraform.References(a.Expr) {
					planned[r] = true
				}
			}
		}
	}
	for _, b := range x.m.Resources("aws_api_gateway_rest_api") {
		if x.expr(b, "body") != nil {
			x.unresolved(b, "REST API defined by an OpenAPI body; its routes are not read")
		}
	}
	for _, b := range x.m.Resources("aws_api_gateway_method") {
		method, ok := x.str(b, "http_method")
		if !ok {
			method = "ANY"
		}
		p := "/"
		if r := x.refTo(b, "resource_id", "aws_api_gateway_resource"); r != "" {
			rp, ok := pathOf(r, 0)
			if !ok {
				x.unresolved(b, "API Gateway method on a resource whose path cannot be built: "+r)
				continue
			}
			p = rp
		} else if x.refTo(b, "resource_id", "aws_api_gateway_rest_api") == "" {
			x.unresolved(b, "API Gateway method on a resource that is not declared here")
			continue
		}
		var guards []string
		authz, known := x.str(b, "authorization")
		switch {
		case !known:
			x.unresolved(b, "API Gateway method whose authorization is not known statically")
		case strings.ToUpper(authz) != "NONE":
			guards = append(guards, evidence.GuardAuth)
		}
		api := x.refTo(b, "rest_api_id", "aws_api_gateway_rest_api")
		key, _ := x.m.Bool(x.expr(b, "api_key_required"))
		mp := strings.TrimPrefix(p, "/") + "/" + method
		if stageAll[api] || stageOne[api+"|"+mp] || key && planned[api] {
			guards = append(guards, evidence.GuardRateLimit)
		}
		x.add(b, "", strings.ToUpper(method), p, APIGateway, x.integration(b), guards)
	}
}

// integration names what a REST method calls, from the integration on the
// same resource and method.
func (x *module) integration(method *terraform.Block) string {
	res := x.m.Render(x.expr(method, "resource_id"))
	hm := x.m.Render(x.expr(method, "http_method"))
	for _, b := range x.m.Resources("aws_api_gateway_integration") {
		if x.m.Render(x.expr(b, "resource_id")) == res && (x.m.Render(x.expr(b, "http_method")) == hm || strings.Contains(x.m.Render(x.expr(b, "http_method")), method.Name)) {
			if refs := terraform.References(x.expr(b, "uri")); len(refs) > 0 {
				return refs[0]
			}
		}
	}
	return method.Address()
}

// httpAPI reads HTTP APIs: aws_apigatewayv2_route and quick-create APIs.
func (x *module) httpAPI() {
	protocol := map[string]string{}
	for _, b := range x.m.Resources("aws_apigatewayv2_api") {
		pt, _ := x.str(b, "protocol_type")
		protocol[b.Address()] = strings.ToUpper(pt)
	}
	stageAll := map[string]bool{}
	stageOne := map[string]bool{}
	for _, b := range x.m.Resources("aws_apigatewayv2_stage") {
		api := x.refTo(b, "api_id", "aws_apigatewayv2_api")
		for _, s := range terraform.Blocks(b.Body, "default_route_settings") {
			if x.throttled(s.Body, "throttling_rate_limit", "throttling_burst_limit") {
				stageAll[api] = true
			}
		}
		for _, s := range terraform.Blocks(b.Body, "route_settings") {
			if x.throttled(s.Body, "throttling_rate_limit", "throttling_burst_limit") {
				if a := terraform.Attr(s.Body, "route_key"); a != nil {
					rk, _ := x.m.String(a.Expr)
					stageOne[api+"|"+rk] = true
				}
			}
		}
	}
	emit := func(b *terraform.Block, api, routeKey, authType string, authKnown bool, handler string) {
		if protocol[api] == "WEBSOCKET" {
			x.add(b, "", "WEBSOCKET", "/"+strings.TrimPrefix(routeKey, "$"), APIGateway, handler, x.v2guards(b, authType, authKnown, stageAll[api] || stageOne[api+"|"+routeKey]))
			return
		}
		method, p, ok := strings.Cut(routeKey, " ")
		if routeKey == "$default" {
			method, p, ok = "ANY", "/{proxy}", true
		}
		if !ok {
			x.unresolved(b, "HTTP API route key that is not METHOD /path: "+routeKey)
			return
		}
		p = strings.ReplaceAll(p, "{proxy+}", "{proxy}")
		x.add(b, "", strings.ToUpper(method), p, APIGateway, handler, x.v2guards(b, authType, authKnown, stageAll[api] || stageOne[api+"|"+routeKey]))
	}
	for _, b := range x.m.Resources("aws_apigatewayv2_route") {
		api := x.refTo(b, "api_id", "aws_apigatewayv2_api")
		rk, ok := x.str(b, "route_key")
		if !ok {
			x.unresolved(b, "HTTP API route whose route_key is not known statically")
			continue
		}
		at, known := "NONE", true
		if x.expr(b, "authorization_type") != nil {
			at, known = x.str(b, "authorization_type")
		}
		handler := ""
		if refs := terraform.References(x.expr(b, "target")); len(refs) > 0 {
			handler = refs[0]
		}
		emit(b, api, rk, at, known, handler)
	}
	for _, b := range x.m.Resources("aws_apigatewayv2_api") {
		if x.expr(b, "body") != nil {
			x.unresolved(b, "HTTP API defined by an OpenAPI body; its routes are not read")
		}
		target := x.expr(b, "target")
		if target == nil {
			continue
		}
		if v := x.m.Eval(target); v.IsKnown() && v.IsNull() {
			continue // target = null (a module's default): no quick-create route
		} else if !v.IsKnown() && len(terraform.References(target)) == 0 {
			x.unresolved(b, "HTTP API whose quick-create target is not known statically")
			continue
		}
		rk := "$default"
		if s, ok := x.str(b, "route_key"); ok {
			rk = s
		}
		handler := ""
		if refs := terraform.References(x.expr(b, "target")); len(refs) > 0 {
			handler = refs[0]
		}
		emit(b, b.Address(), rk, "NONE", true, handler)
	}
}

func (x *module) v2guards(b *terraform.Block, authType string, known, throttled bool) []string {
	var g []string
	switch {
	case !known:
		x.unresolved(b, "HTTP API route whose authorization_type is not known statically")
	case strings.ToUpper(authType) != "NONE":
		g = append(g, evidence.GuardAuth)
	}
	if throttled {
		g = append(g, evidence.GuardRateLimit)
	}
	return g
}

// eventSources reads Lambda event source mappings: the queue, stream or
// topic a function consumes.
func (x *module) eventSources() {
	for _, b := range x.m.Resources("aws_lambda_event_source_mapping") {
		src := ""
		if refs := terraform.References(x.expr(b, "event_source_arn")); len(refs) > 0 {
			src = refs[0]
		} else if s, ok := x.str(b, "event_source_arn"); ok {
			src = s
		}
		if src == "" {
			if topics := x.m.Strings(x.expr(b, "topics")); len(topics) > 0 {
				src = strings.Join(topics, ",")
			}
		}
		if src == "" {
			x.unresolved(b, "Lambda event source mapping whose source is not known statically")
			continue
		}
		fn := x.m.Render(x.expr(b, "function_name"))
		if refs := terraform.References(x.expr(b, "function_name")); len(refs) > 0 {
			fn = refs[0]
		}
		x.add(b, evidence.RouteKindQueue, "CONSUME", src, Lambda, fn, nil)
	}
}

// schedules reads EventBridge rules with a schedule expression (and their
// targets) and EventBridge Scheduler schedules.
func (x *module) schedules() {
	targets := map[string][]string{}
	for _, b := range x.m.Resources("aws_cloudwatch_event_target") {
		rule := x.refTo(b, "rule", "aws_cloudwatch_event_rule")
		t := x.m.Render(x.expr(b, "arn"))
		if refs := terraform.References(x.expr(b, "arn")); len(refs) > 0 {
			t = refs[0]
		}
		targets[rule] = append(targets[rule], t)
	}
	for _, b := range x.m.Resources("aws_cloudwatch_event_rule") {
		if x.expr(b, "schedule_expression") == nil {
			continue
		}
		name, ok := x.str(b, "name")
		if !ok {
			name = b.Name
		}
		x.add(b, evidence.RouteKindCron, "SCHEDULE", name, EventBridge, strings.Join(targets[b.Address()], ","), nil)
	}
	for _, b := range x.m.Resources("aws_scheduler_schedule") {
		name, ok := x.str(b, "name")
		if !ok {
			name = b.Name
		}
		handler := ""
		for _, t := range terraform.Blocks(b.Body, "target") {
			if a := terraform.Attr(t.Body, "arn"); a != nil {
				if refs := terraform.References(a.Expr); len(refs) > 0 {
					handler = refs[0]
				}
			}
		}
		x.add(b, evidence.RouteKindCron, "SCHEDULE", name, EventBridge, handler, nil)
	}
}
