package iac

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/iac/terraform"
)

// checkTerraformServices reads the resources beyond storage and networks:
// classic load balancers, search domains, API Gateway methods, instance
// boot scripts and ECS host volumes.
func checkTerraformServices(r *results, m *terraform.Module) {
	checkClassicELB(r, m)
	checkSearchDomains(r, m)
	checkAPIGateway(r, m)
	checkUserData(r, m)
	checkECSHostVolumes(r, m)
	checkEKSEndpoint(r, m)
	checkSnapshots(r, m)
}

// checkSnapshots flags EBS snapshots of volumes declared here without
// encryption: a snapshot inherits its volume's encryption, and is the copy
// that gets shared or copied to other accounts.
func checkSnapshots(r *results, m *terraform.Module) {
	for _, b := range m.Resources("aws_ebs_snapshot") {
		for _, ref := range terraform.References(expr(terraform.Attr(b.Body, "volume_id"))) {
			vol := m.ByAddress(strings.TrimSuffix(ref, ".id"))
			if vol == nil || vol.Type != "aws_ebs_volume" {
				continue
			}
			if enc, known, _ := boolAttr(m, vol.Body, "encrypted", vol.Line); enc || !known && terraform.Attr(vol.Body, "encrypted") != nil {
				continue
			}
			r.finding(ruleUnencryptedStorage, threatmap.Medium, b.File, b.Line, b.Address(), "snapshot",
				fmt.Sprintf("snapshot %s copies the unencrypted volume %s: it is unencrypted too", b.Address(), vol.Address()))
			r.observe(evidence.EncryptedAtRest, b.Address(), false, b.File, b.Line, "snapshot of an unencrypted volume")
		}
	}
}

// checkEKSEndpoint flags EKS clusters whose API endpoint is public to the
// whole internet: endpoint_public_access defaults to true and
// public_access_cidrs to 0.0.0.0/0.
func checkEKSEndpoint(r *results, m *terraform.Module) {
	for _, b := range m.Resources("aws_eks_cluster") {
		for _, vc := range terraform.Blocks(b.Body, "vpc_config") {
			public := true
			if v, known, _ := boolAttr(m, vc.Body, "endpoint_public_access", vc.TypeRange.Start.Line); known {
				public = v
			} else if terraform.Attr(vc.Body, "endpoint_public_access") != nil {
				public = false // unknown: not judged
			}
			world := true
			if a := terraform.Attr(vc.Body, "public_access_cidrs"); a != nil {
				world = false
				for _, c := range m.Strings(a.Expr) {
					if isWorld(c) {
						world = true
					}
				}
			}
			exposed := public && world
			if exposed {
				r.finding(ruleInternetExposed, 0, b.File, vc.TypeRange.Start.Line, b.Address(), "endpoint",
					fmt.Sprintf("the Kubernetes API of EKS cluster %s is reachable from the whole internet (endpoint_public_access defaults to true, public_access_cidrs to 0.0.0.0/0)", b.Address()))
			}
			r.observe(evidence.NotInternetExposed, b.Address(), !exposed, b.File, b.Line, "cluster endpoint")
		}
	}
}

// checkClassicELB flags classic load balancer listeners that speak plain
// HTTP or TCP, and classic load balancers that keep no access log.
func checkClassicELB(r *results, m *terraform.Module) {
	for _, b := range m.Resources("aws_elb") {
		plain := false
		for _, l := range terraform.Blocks(b.Body, "listener") {
			proto, ok := m.String(expr(terraform.Attr(l.Body, "lb_protocol")))
			if !ok || !(strings.EqualFold(proto, "http") || strings.EqualFold(proto, "tcp")) {
				continue
			}
			plain = true
			port, _ := m.Int(expr(terraform.Attr(l.Body, "lb_port")))
			line := terraform.Attr(l.Body, "lb_protocol").SrcRange.Start.Line
			r.finding(rulePlainHTTP, 0, b.File, line, b.Address(), fmt.Sprintf("listener:%d", port),
				fmt.Sprintf("classic load balancer %s serves plain %s on port %d", b.Address(), strings.ToUpper(proto), port))
		}
		r.observe(evidence.EncryptedInTransit, b.Address(), !plain, b.File, b.Line, "listeners")
		logs := false
		for _, al := range terraform.Blocks(b.Body, "access_logs") {
			// enabled defaults to true once the block is there.
			if v, known, _ := boolAttr(m, al.Body, "enabled", al.TypeRange.Start.Line); v || !known {
				logs = true
			}
		}
		if !logs {
			r.finding(ruleAccessLogging, 0, b.File, b.Line, b.Address(), "lb", fmt.Sprintf("classic load balancer %s has no access_logs", b.Address()))
		}
		r.observe(evidence.AccessLogging, b.Address(), logs, b.File, b.Line, "access_logs")
		internal, _, _ := boolAttr(m, b.Body, "internal", b.Line)
		r.observe(evidence.NotInternetExposed, b.Address(), internal, b.File, b.Line, fmt.Sprintf("internal = %v", internal))
	}
}

// blockFlag reads `enabled`-style flags of a nested block: whether the
// block sets name to true, and the line to report when it does not.
func blockFlag(m *terraform.Module, body *hclsyntax.Body, block, name string, fallback int) (bool, int) {
	for _, blk := range terraform.Blocks(body, block) {
		v, _, line := boolAttr(m, blk.Body, name, blk.TypeRange.Start.Line)
		return v, line
	}
	return false, fallback
}

// checkSearchDomains flags Elasticsearch and OpenSearch domains without
// encryption at rest, node-to-node encryption or enforced HTTPS, and
// access policies open to everyone.
func checkSearchDomains(r *results, m *terraform.Module) {
	for _, b := range m.Resources("aws_elasticsearch_domain", "aws_opensearch_domain") {
		addr := b.Address()
		if v, line := blockFlag(m, b.Body, "encrypt_at_rest", "enabled", b.Line); !v {
			r.finding(ruleUnencryptedStorage, 0, b.File, line, addr, "encrypt_at_rest",
				fmt.Sprintf("search domain %s stores its indexes unencrypted (encrypt_at_rest is not enabled)", addr))
			r.observe(evidence.EncryptedAtRest, addr, false, b.File, b.Line, "encrypt_at_rest not enabled")
		} else {
			r.observe(evidence.EncryptedAtRest, addr, true, b.File, b.Line, "encrypt_at_rest enabled")
		}
		n2n, n2nLine := blockFlag(m, b.Body, "node_to_node_encryption", "enabled", b.Line)
		if !n2n {
			r.finding(rulePlainHTTP, 0, b.File, n2nLine, addr, "node_to_node",
				fmt.Sprintf("search domain %s sends data between its nodes in clear (node_to_node_encryption is not enabled)", addr))
		}
		https, httpsLine := blockFlag(m, b.Body, "domain_endpoint_options", "enforce_https", b.Line)
		if !https {
			r.finding(rulePlainHTTP, 0, b.File, httpsLine, addr, "enforce_https",
				fmt.Sprintf("search domain %s accepts plain HTTP on its endpoint (domain_endpoint_options.enforce_https is not true)", addr))
		}
		r.observe(evidence.EncryptedInTransit, addr, n2n && https, b.File, b.Line, "node_to_node_encryption and enforce_https")
		if a := terraform.Attr(b.Body, "access_policies"); a != nil {
			searchPolicy(r, m, b, a, addr)
		}
	}
	for _, b := range m.Resources("aws_elasticsearch_domain_policy", "aws_opensearch_domain_policy") {
		a := terraform.Attr(b.Body, "access_policies")
		if a == nil {
			continue
		}
		subject := b.Address()
		for _, ref := range terraform.References(expr(terraform.Attr(b.Body, "domain_name"))) {
			subject = ref
			break
		}
		searchPolicy(r, m, b, a, subject)
	}
}

func searchPolicy(r *results, m *terraform.Module, b *terraform.Block, a *hclsyntax.Attribute, subject string) {
	line, public := policyPublic(m, a.Expr)
	if !public {
		line, public = policyDocumentPublic(m, a.Expr)
	}
	if public {
		r.finding(rulePublicResourcePolicy, 0, a.SrcRange.Filename, line, subject, b.Address(),
			fmt.Sprintf("access policy of %s allows Principal \"*\" without a Condition: anyone who reaches the endpoint can read and write %s", b.Address(), subject))
	}
	r.observe(evidence.PublicAccessBlocked, subject, !public, b.File, b.Line, "access policy")
}

// policyDocumentPublic follows a reference to an aws_iam_policy_document
// data source and reports an Allow statement with principals "*" and no
// condition block.
func policyDocumentPublic(m *terraform.Module, e hclsyntax.Expression) (int, bool) {
	for _, ref := range terraform.References(e) {
		name, ok := strings.CutPrefix(ref, "data.aws_iam_policy_document.")
		if !ok {
			continue
		}
		name, _, _ = strings.Cut(name, ".")
		for _, d := range m.Data("aws_iam_policy_document") {
			if d.Name != name {
				continue
			}
			for _, st := range terraform.Blocks(d.Body, "statement") {
				if eff, _ := m.String(expr(terraform.Attr(st.Body, "effect"))); strings.EqualFold(eff, "Deny") {
					continue
				}
				if len(terraform.Blocks(st.Body, "condition")) > 0 {
					continue
				}
				for _, p := range terraform.Blocks(st.Body, "principals") {
					typ, _ := m.String(expr(terraform.Attr(p.Body, "type")))
					ids := terraform.Attr(p.Body, "identifiers")
					if ids == nil || typ != "*" && typ != "AWS" {
						continue
					}
					for _, id := range m.Strings(ids.Expr) {
						if id == "*" {
							return ids.SrcRange.Start.Line, true
						}
					}
				}
			}
		}
	}
	return 0, false
}

// checkAPIGateway flags REST API methods and HTTP API routes that need no
// authorization and no API key, in an API that no usage plan or stage
// setting throttles.
func checkAPIGateway(r *results, m *terraform.Module) {
	throttled := map[string]bool{} // API address, or "" for every API
	mark := func(refs []string) {
		if len(refs) == 0 {
			throttled[""] = true
		}
		for _, ref := range refs {
			throttled[strings.TrimSuffix(strings.TrimSuffix(ref, ".id"), ".api_id")] = true
		}
	}
	for _, b := range m.Resources("aws_api_gateway_usage_plan") {
		if len(terraform.Blocks(b.Body, "throttle_settings")) == 0 {
			continue
		}
		var refs []string
		for _, st := range terraform.Blocks(b.Body, "api_stages") {
			refs = append(refs, terraform.References(expr(terraform.Attr(st.Body, "api_id")))...)
		}
		mark(refs)
	}
	for _, b := range m.Resources("aws_api_gateway_method_settings") {
		for _, s := range terraform.Blocks(b.Body, "settings") {
			if terraform.Attr(s.Body, "throttling_rate_limit") != nil || terraform.Attr(s.Body, "throttling_burst_limit") != nil {
				mark(terraform.References(expr(terraform.Attr(b.Body, "rest_api_id"))))
			}
		}
	}
	for _, b := range m.Resources("aws_apigatewayv2_stage") {
		for _, typ := range []string{"default_route_settings", "route_settings"} {
			for _, s := range terraform.Blocks(b.Body, typ) {
				if terraform.Attr(s.Body, "throttling_rate_limit") != nil || terraform.Attr(s.Body, "throttling_burst_limit") != nil {
					mark(terraform.References(expr(terraform.Attr(b.Body, "api_id"))))
				}
			}
		}
	}
	isThrottled := func(apiRefs []string) bool {
		if throttled[""] {
			return true
		}
		for _, ref := range apiRefs {
			if throttled[strings.TrimSuffix(strings.TrimSuffix(ref, ".id"), ".api_id")] {
				return true
			}
		}
		return false
	}
	for _, b := range m.Resources("aws_api_gateway_method") {
		auth, ok := m.String(expr(terraform.Attr(b.Body, "authorization")))
		method, _ := m.String(expr(terraform.Attr(b.Body, "http_method")))
		if !ok || !strings.EqualFold(auth, "NONE") || strings.EqualFold(method, "OPTIONS") {
			continue
		}
		if key, _, _ := boolAttr(m, b.Body, "api_key_required", b.Line); key {
			continue
		}
		if isThrottled(terraform.References(expr(terraform.Attr(b.Body, "rest_api_id")))) {
			continue
		}
		line := terraform.Attr(b.Body, "authorization").SrcRange.Start.Line
		r.finding(ruleAPIOpen, 0, b.File, line, b.Address(), "method",
			fmt.Sprintf("API Gateway method %s (%s) has authorization NONE, no API key and no throttling: anyone can call it without limit", b.Address(), orDefault(method, "?")))
	}
	for _, b := range m.Resources("aws_apigatewayv2_route") {
		auth := "NONE"
		if a := terraform.Attr(b.Body, "authorization_type"); a != nil {
			v, ok := m.String(a.Expr)
			if !ok {
				continue
			}
			auth = v
		}
		key, _ := m.String(expr(terraform.Attr(b.Body, "route_key")))
		if !strings.EqualFold(auth, "NONE") || strings.HasPrefix(strings.ToUpper(key), "OPTIONS ") {
			continue
		}
		if req, _, _ := boolAttr(m, b.Body, "api_key_required", b.Line); req {
			continue
		}
		if isThrottled(terraform.References(expr(terraform.Attr(b.Body, "api_id")))) {
			continue
		}
		r.finding(ruleAPIOpen, 0, b.File, b.Line, b.Address(), "route",
			fmt.Sprintf("API Gateway route %s (%s) has no authorizer and its API no throttling: anyone can call it without limit", b.Address(), orDefault(key, "?")))
	}
}

// checkUserData reads the boot scripts of instances, launch templates and
// launch configurations for credentials written in clear.
func checkUserData(r *results, m *terraform.Module) {
	for _, b := range m.Resources("aws_instance", "aws_launch_template", "aws_launch_configuration", "aws_spot_instance_request") {
		a := terraform.Attr(b.Body, "user_data")
		if a == nil {
			a = terraform.Attr(b.Body, "user_data_base64")
		}
		if a == nil {
			continue
		}
		// The source text, heredoc markers and all: its lines map to the
		// file's lines, and interpolations stay visible as non-literals.
		src := substituteVars(m, m.Text(a.Expr.Range()))
		reportUserData(r, a.SrcRange.Filename, a.Expr.Range().Start.Line, b.Address(), scriptSecrets(src))
	}
}

// checkECSHostVolumes flags task definition volumes that mount a host
// path, the container runtime's socket above all.
func checkECSHostVolumes(r *results, m *terraform.Module) {
	for _, b := range m.Resources("aws_ecs_task_definition") {
		for _, v := range terraform.Blocks(b.Body, "volume") {
			a := terraform.Attr(v.Body, "host_path")
			if a == nil {
				continue
			}
			p, ok := m.String(a.Expr)
			if !ok || !strings.HasPrefix(p, "/") {
				continue
			}
			sev, why := hostPathRisk(p)
			r.finding(ruleHostMount, sev, b.File, a.SrcRange.Start.Line, b.Address(), p,
				fmt.Sprintf("task definition %s mounts the host path %s: %s", b.Address(), p, why))
		}
	}
}

// interpolation matches ${var.x} and ${local.x.y} inside a template.
var interpolation = regexp.MustCompile(`\$\{\s*((?:var|local)\.[A-Za-z0-9_.-]+)\s*\}`)

// substituteVars replaces interpolations of variables and locals whose
// value is a known single-line string, so that a password given as a
// variable default and pasted into a boot script is seen as the literal it
// becomes.
func substituteVars(m *terraform.Module, src string) string {
	return interpolation.ReplaceAllStringFunc(src, func(ph string) string {
		ref := interpolation.FindStringSubmatch(ph)[1]
		e, diags := hclsyntax.ParseExpression([]byte(ref), "", hcl.Pos{Line: 1, Column: 1})
		if diags.HasErrors() {
			return ph
		}
		v, ok := m.String(e)
		if !ok || strings.ContainsAny(v, "\n$") {
			return ph
		}
		return v
	})
}
