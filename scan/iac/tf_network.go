package iac

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/iac/terraform"
)

// riskyPorts are admin, remote-access, database, cache and cluster-control
// ports that should never face the internet.
var riskyPorts = map[int]string{
	22: "SSH", 23: "Telnet", 3389: "RDP", 5900: "VNC", 2375: "Docker API", 2376: "Docker API",
	6443: "Kubernetes API", 10250: "kubelet", 2379: "etcd",
	3306: "MySQL", 5432: "PostgreSQL", 1433: "SQL Server", 1521: "Oracle", 27017: "MongoDB",
	6379: "Redis", 11211: "Memcached", 9200: "Elasticsearch", 9300: "Elasticsearch", 5601: "Kibana",
	5984: "CouchDB", 9042: "Cassandra", 7000: "Cassandra", 15672: "RabbitMQ admin", 5672: "AMQP",
	8500: "Consul", 9090: "Prometheus", 3000: "Grafana", 8080: "admin HTTP", 8443: "admin HTTPS",
}

// sharedPorts are risky ports that applications also serve themselves
// (3000 is Node's and Grafana's, 8080 every Java and Go app's and
// Jenkins'): where the image is known, they count only when it is one of
// the tools named here.
var sharedPorts = map[int][]string{
	3000: {"grafana"},
	8080: {"jenkins", "tomcat", "airflow", "keycloak", "adminer", "phpmyadmin", "traefik", "cadvisor", "spark", "flink", "zookeeper", "kafka-ui", "rabbitmq"},
	8443: {"jenkins", "tomcat", "keycloak", "kubernetes-dashboard", "traefik", "portainer"},
	9090: {"prometheus", "cockpit"},
}

// riskyPortOf names port when it should not face the internet. image is
// what runs behind it ("" when the configuration does not say, so a shared
// port still counts).
func riskyPortOf(port int, image string) (string, bool) {
	label, risky := riskyPorts[port]
	if !risky {
		return "", false
	}
	tools, shared := sharedPorts[port]
	if !shared || image == "" {
		return label, true
	}
	img := strings.ToLower(image)
	for _, t := range tools {
		if strings.Contains(img, t) {
			return label, true
		}
	}
	return "", false
}

func isWorld(cidr string) bool {
	c := strings.TrimSpace(cidr)
	return c == "0.0.0.0/0" || c == "::/0"
}

// portsLabel names the risky ports a range covers.
func riskyIn(from, to int64) []string {
	if to < from {
		from, to = to, from
	}
	var out []string
	ports := make([]int, 0, len(riskyPorts))
	for p := range riskyPorts {
		ports = append(ports, p)
	}
	sort.Ints(ports)
	for _, p := range ports {
		if int64(p) >= from && int64(p) <= to {
			out = append(out, fmt.Sprintf("%d (%s)", p, riskyPorts[p]))
		}
	}
	return out
}

// ingressRule is one world-reachable ingress, from any of the three ways
// Terraform declares them.
type ingressRule struct {
	sg       string
	file     string
	line     int
	from, to int64
	all      bool
}

func isAdminNamed(m *terraform.Module, b *terraform.Block) bool {
	text := strings.ToLower(b.Name)
	for _, a := range []string{"name", "description", "name_prefix"} {
		if s, ok := m.String(expr(terraform.Attr(b.Body, a))); ok {
			text += " " + strings.ToLower(s)
		}
	}
	if a := terraform.Attr(b.Body, "tags"); a != nil {
		text += " " + strings.ToLower(m.Text(a.Expr.Range()))
	}
	return strings.Contains(text, "admin") || strings.Contains(text, "bastion") || strings.Contains(text, "dashboard")
}

func checkSecurityGroups(r *results, m *terraform.Module) {
	var rules []ingressRule
	portRange := func(body *hclsyntax.Body, fromName, toName, protoName string) (int64, int64, bool) {
		proto, _ := m.String(expr(terraform.Attr(body, protoName)))
		from, okF := m.Int(expr(terraform.Attr(body, fromName)))
		to, okT := m.Int(expr(terraform.Attr(body, toName)))
		all := proto == "-1" || strings.EqualFold(proto, "all") || (okF && okT && from == 0 && (to == 0 || to >= 65535))
		if !okF || !okT {
			from, to = 0, 65535
		}
		return from, to, all
	}
	worldIn := func(body *hclsyntax.Body, attrs ...string) bool {
		for _, a := range attrs {
			for _, c := range m.Strings(expr(terraform.Attr(body, a))) {
				if isWorld(c) {
					return true
				}
			}
		}
		return false
	}
	for _, b := range m.Resources("aws_security_group") {
		for _, in := range terraform.Blocks(b.Body, "ingress") {
			if !worldIn(in.Body, "cidr_blocks", "ipv6_cidr_blocks") {
				continue
			}
			from, to, all := portRange(in.Body, "from_port", "to_port", "protocol")
			rules = append(rules, ingressRule{sg: b.Address(), file: b.File, line: in.TypeRange.Start.Line, from: from, to: to, all: all})
		}
	}
	sgOf := func(b *terraform.Block) string {
		for _, ref := range terraform.References(expr(terraform.Attr(b.Body, "security_group_id"))) {
			if strings.HasPrefix(ref, "aws_security_group.") {
				return ref
			}
		}
		return b.Address()
	}
	for _, b := range m.Resources("aws_security_group_rule") {
		if t, _ := m.String(expr(terraform.Attr(b.Body, "type"))); t != "ingress" {
			continue
		}
		if !worldIn(b.Body, "cidr_blocks", "ipv6_cidr_blocks") {
			continue
		}
		from, to, all := portRange(b.Body, "from_port", "to_port", "protocol")
		rules = append(rules, ingressRule{sg: sgOf(b), file: b.File, line: b.Line, from: from, to: to, all: all})
	}
	for _, b := range m.Resources("aws_vpc_security_group_ingress_rule") {
		if !worldIn(b.Body, "cidr_ipv4", "cidr_ipv6") {
			continue
		}
		from, to, all := portRange(b.Body, "from_port", "to_port", "ip_protocol")
		rules = append(rules, ingressRule{sg: sgOf(b), file: b.File, line: b.Line, from: from, to: to, all: all})
	}
	exposed := map[string][]string{}
	for _, ir := range rules {
		sgBlock := m.ByAddress(ir.sg)
		admin := sgBlock != nil && isAdminNamed(m, sgBlock)
		ports := fmt.Sprintf("%d-%d", ir.from, ir.to)
		if ir.from == ir.to {
			ports = fmt.Sprint(ir.from)
		}
		exposed[ir.sg] = append(exposed[ir.sg], ports)
		switch risky := riskyIn(ir.from, ir.to); {
		case ir.all:
			r.finding(ruleInternetExposed, threatmap.Critical, ir.file, ir.line, ir.sg, "all",
				fmt.Sprintf("security group %s allows every port from the internet", ir.sg))
		case len(risky) > 0:
			r.finding(ruleInternetExposed, 0, ir.file, ir.line, ir.sg, ports,
				fmt.Sprintf("security group %s opens %s to the internet", ir.sg, strings.Join(risky, ", ")))
		case admin:
			r.finding(ruleInternetExposed, 0, ir.file, ir.line, ir.sg, ports,
				fmt.Sprintf("security group %s guards an admin surface and allows port %s from the internet", ir.sg, ports))
		}
	}
	for _, b := range m.Resources("aws_security_group") {
		ports := exposed[b.Address()]
		detail := "no ingress from the internet"
		if len(ports) > 0 {
			detail = "ingress from the internet on " + strings.Join(ports, ", ")
		}
		r.observe(evidence.NotInternetExposed, b.Address(), len(ports) == 0, b.File, b.Line, detail)
	}
	// A Lambda function URL with authorization NONE is a public endpoint:
	// normal for a webhook that verifies signatures in code, so it is an
	// observation for the model to reconcile rather than a finding.
	for _, b := range m.Resources("aws_lambda_function_url") {
		auth, _ := m.String(expr(terraform.Attr(b.Body, "authorization_type")))
		subject := b.Address()
		for _, ref := range terraform.References(expr(terraform.Attr(b.Body, "function_name"))) {
			if strings.HasPrefix(ref, "aws_lambda_function.") {
				subject = ref
			}
		}
		r.observe(evidence.NotInternetExposed, subject, auth != "NONE", b.File, b.Line, "function URL with authorization_type "+orDefault(auth, "unknown"))
	}
	for _, b := range m.Resources("aws_db_instance", "aws_rds_cluster_instance", "aws_redshift_cluster", "aws_dms_replication_instance") {
		v, known, line := boolAttr(m, b.Body, "publicly_accessible", b.Line)
		if known && v {
			r.finding(ruleInternetExposed, 0, b.File, line, b.Address(), "public",
				fmt.Sprintf("%s is publicly_accessible: it gets a public address reachable from the internet", b.Address()))
		}
		r.observe(evidence.NotInternetExposed, b.Address(), !(known && v), b.File, b.Line, "publicly_accessible")
	}
}

func checkTransport(r *results, m *terraform.Module) {
	lbPlain := map[string]bool{}
	for _, b := range m.Resources("aws_lb_listener", "aws_alb_listener") {
		proto, ok := m.String(expr(terraform.Attr(b.Body, "protocol")))
		port, _ := m.Int(expr(terraform.Attr(b.Body, "port")))
		if !ok {
			proto = "HTTP"
			if terraform.Attr(b.Body, "certificate_arn") != nil || port == 443 {
				proto = "HTTPS"
			}
		}
		redirect := false
		for _, da := range terraform.Blocks(b.Body, "default_action") {
			if t, _ := m.String(expr(terraform.Attr(da.Body, "type"))); t == "redirect" {
				for _, rb := range terraform.Blocks(da.Body, "redirect") {
					if p, _ := m.String(expr(terraform.Attr(rb.Body, "protocol"))); strings.EqualFold(p, "HTTPS") {
						redirect = true
					}
				}
			}
		}
		lbs := terraform.References(expr(terraform.Attr(b.Body, "load_balancer_arn")))
		plain := (strings.EqualFold(proto, "HTTP") || strings.EqualFold(proto, "TCP")) && !redirect
		if plain {
			for _, lb := range lbs {
				lbPlain[lb] = true
			}
			where := "on"
			for _, lb := range lbs {
				if lbb := m.ByAddress(lb); lbb != nil {
					if internal, known, _ := boolAttr(m, lbb.Body, "internal", lbb.Line); known && internal {
						where = "on the internal load balancer " + lb + ","
					}
				}
			}
			a := terraform.Attr(b.Body, "protocol")
			line := b.Line
			if a != nil {
				line = a.SrcRange.Start.Line
			}
			r.finding(rulePlainHTTP, 0, b.File, line, b.Address(), proto,
				fmt.Sprintf("listener %s serves plain %s %s port %d without redirecting to HTTPS", b.Address(), strings.ToUpper(proto), where, port))
		}
		r.observe(evidence.EncryptedInTransit, b.Address(), !plain, b.File, b.Line, "listener protocol "+strings.ToUpper(proto))
	}
	for _, b := range m.Resources("aws_lb", "aws_alb") {
		r.observe(evidence.EncryptedInTransit, b.Address(), !lbPlain[b.Address()], b.File, b.Line, "listeners")
		internal, _, line := boolAttr(m, b.Body, "internal", b.Line)
		if !internal {
			// An internet-facing load balancer is normal for the public
			// site; for an admin surface it is the exposure itself.
			if isAdminNamed(m, b) {
				r.finding(ruleInternetExposed, 0, b.File, line, b.Address(), "lb",
					fmt.Sprintf("load balancer %s fronts an admin surface and is internet-facing (internal is not true)", b.Address()))
			}
		}
		r.observe(evidence.NotInternetExposed, b.Address(), internal, b.File, b.Line, fmt.Sprintf("internal = %v", internal))
		logs := false
		for _, al := range terraform.Blocks(b.Body, "access_logs") {
			if v, known, _ := boolAttr(m, al.Body, "enabled", al.TypeRange.Start.Line); v || !known && terraform.Attr(al.Body, "enabled") != nil {
				logs = true
			}
		}
		if !logs {
			r.finding(ruleAccessLogging, 0, b.File, b.Line, b.Address(), "lb", fmt.Sprintf("load balancer %s has no access_logs enabled", b.Address()))
		}
		r.observe(evidence.AccessLogging, b.Address(), logs, b.File, b.Line, "access_logs")
	}
	for _, b := range m.Resources("aws_elasticache_replication_group") {
		v, known, line := boolAttr(m, b.Body, "transit_encryption_enabled", b.Line)
		if !v {
			why := "transit_encryption_enabled is not set"
			if known {
				why = "transit_encryption_enabled = false"
			}
			r.finding(rulePlainHTTP, 0, b.File, line, b.Address(), "transit",
				fmt.Sprintf("cache %s carries its traffic in clear (%s)", b.Address(), why))
		}
		r.observe(evidence.EncryptedInTransit, b.Address(), v, b.File, b.Line, "transit_encryption_enabled")
	}
}

// checkEnvironments reads environment variables of functions and
// container definitions for plain-HTTP URLs and literal secrets.
func checkEnvironments(r *results, m *terraform.Module) {
	for _, b := range m.Blocks {
		if b.Kind != "resource" {
			continue
		}
		for _, env := range terraform.Blocks(b.Body, "environment") {
			a := terraform.Attr(env.Body, "variables")
			if a == nil {
				continue
			}
			n := m.Node(a.Expr)
			c := &container{resource: b.Address(), file: b.File, line: b.Line, root: rootUnknown}
			c.env = envFromMapping(n)
			checkEnv(r, c)
		}
		if b.Type == "aws_ecs_task_definition" {
			if a := terraform.Attr(b.Body, "container_definitions"); a != nil {
				for _, c := range ecsContainers(b.Address(), b.File, m.Node(a.Expr)) {
					checkContainer(r, c)
				}
			}
		}
	}
}

// checkAudit records AWS usage and CloudTrail trails for the tree-wide
// audit-trail check.
func checkAudit(r *results, m *terraform.Module, tree *treeState) {
	// The finding points at the aws provider block when there is one, else
	// at the first AWS resource.
	for _, b := range m.Blocks {
		switch {
		case b.Kind == "provider" && b.Type == "aws" && !tree.awsProvider:
			tree.awsFile, tree.awsLine, tree.awsProvider = b.File, b.Line, true
		case b.Kind == "resource" && strings.HasPrefix(b.Type, "aws_") && tree.awsFile == "":
			tree.awsFile, tree.awsLine = b.File, b.Line
		}
	}
	for _, b := range m.Resources("aws_cloudtrail") {
		tree.trails++
		v, known, line := boolAttr(m, b.Body, "enable_logging", b.Line)
		if known && !v {
			r.finding(ruleAuditTrail, threatmap.High, b.File, line, b.Address(), "disabled",
				fmt.Sprintf("trail %s has enable_logging = false: API calls are not recorded", b.Address()))
			r.observe(evidence.AuditLog, b.Address(), false, b.File, b.Line, "enable_logging = false")
			continue
		}
		tree.logging++
		r.observe(evidence.AuditLog, b.Address(), true, b.File, b.Line, "CloudTrail trail logging")
	}
}

// treeState holds what is decided over the whole tree, not per module.
type treeState struct {
	awsFile     string
	awsLine     int
	awsProvider bool
	trails      int
	logging     int
}

// finish decides the account-wide audit trail. Its observation has no
// subject: a trail covers every identity and resource of the account, so it
// speaks for the system as a whole.
func (t *treeState) finish(r *results) {
	if t.awsFile == "" {
		return
	}
	switch {
	case t.trails == 0:
		r.finding(ruleAuditTrail, 0, t.awsFile, t.awsLine, "aws_cloudtrail", "absent",
			"the configuration declares AWS resources but no aws_cloudtrail: API calls made with a stolen key leave no record")
		r.observe(evidence.AuditLog, "", false, t.awsFile, t.awsLine, "no CloudTrail trail declared")
	case t.logging > 0:
		r.observe(evidence.AuditLog, "", true, t.awsFile, t.awsLine, fmt.Sprintf("%d CloudTrail trail(s) logging", t.logging))
	default:
		r.observe(evidence.AuditLog, "", false, t.awsFile, t.awsLine, "every CloudTrail trail has logging disabled")
	}
}

// checkTerraform applies every Terraform check to a module.
func checkTerraform(r *results, m *terraform.Module, tree *treeState) {
	checkS3(r, m)
	checkResourcePolicies(r, m)
	checkEncryption(r, m)
	checkSecurityGroups(r, m)
	checkTransport(r, m)
	checkEnvironments(r, m)
	checkTerraformSecrets(r, m)
	checkTerraformServices(r, m)
	checkAudit(r, m, tree)
}

// secretAttributes are Terraform arguments that hold credentials.
var secretAttributes = map[string]bool{
	"password": true, "master_password": true, "auth_token": true, "secret_key": true, "access_key": true,
	"master_user_password": true, "admin_password": true, "client_secret": true, "api_key": true, "token": true,
	"private_key": true, "secret": true,
}

func checkTerraformSecrets(r *results, m *terraform.Module) {
	var walk func(addr string, body *hclsyntax.Body, depth int)
	walk = func(addr string, body *hclsyntax.Body, depth int) {
		for name, a := range body.Attributes {
			if !secretAttributes[name] {
				continue
			}
			v, ok := m.String(a.Expr)
			if !ok || looksLikePlaceholder(v) {
				continue
			}
			f := r.finding(ruleSecretLiteral, 0, a.SrcRange.Filename, a.SrcRange.Start.Line, addr, name,
				fmt.Sprintf("%s sets %s to a literal value in the configuration", addr, name))
			f.Secret = r.mask(v)
		}
		if depth < 3 {
			for _, blk := range body.Blocks {
				walk(addr, blk.Body, depth+1)
			}
		}
	}
	for _, b := range m.Blocks {
		if b.Kind == "resource" || b.Kind == "provider" {
			walk(b.Address(), b.Body, 0)
		}
	}
}
