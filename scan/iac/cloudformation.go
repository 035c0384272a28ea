package iac

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// isCloudFormation reports whether a document is a CloudFormation or SAM
// template: a Resources mapping whose entries have AWS:: types.
func isCloudFormation(n *yaml.Node) bool {
	if lookup(n, "AWSTemplateFormatVersion") != nil {
		return true
	}
	res := lookup(n, "Resources")
	if res == nil || res.Kind != yaml.MappingNode {
		return false
	}
	for i := 1; i < len(res.Content); i += 2 {
		if strings.HasPrefix(scalar(lookup(res.Content[i], "Type")), "AWS::") {
			return true
		}
	}
	return false
}

// cfnValue reads a property as a plain string; intrinsic functions (!Ref,
// !GetAtt, {"Fn::...": ...}) are not resolved and read as unknown.
func cfnValue(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || (strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!")) {
		return "", false
	}
	return n.Value, true
}

func cfnBool(n *yaml.Node) (value, known bool) {
	s, ok := cfnValue(n)
	if !ok {
		return false, false
	}
	switch strings.ToLower(s) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// cfnRefTarget returns the logical id a !Ref or Ref names.
func cfnRefTarget(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	if n.Tag == "!Ref" || n.Tag == "!GetAtt" {
		id, _, _ := strings.Cut(n.Value, ".")
		return id
	}
	if n.Kind == yaml.MappingNode {
		if v := lookup(n, "Ref"); v != nil {
			return v.Value
		}
		if v := lookup(n, "Fn::GetAtt"); v != nil {
			if v.Kind == yaml.SequenceNode && len(v.Content) > 0 {
				return v.Content[0].Value
			}
			id, _, _ := strings.Cut(v.Value, ".")
			return id
		}
	}
	return ""
}

// checkCloudFormation applies the storage, exposure, transport, logging
// and secret checks to a CloudFormation or SAM template.
func checkCloudFormation(r *results, rel string, n *yaml.Node, tree *treeState) {
	res := lookup(n, "Resources")
	if res == nil || res.Kind != yaml.MappingNode {
		return
	}
	type resource struct {
		id    string
		typ   string
		props *yaml.Node
		line  int
	}
	var all []resource
	for i := 0; i+1 < len(res.Content); i += 2 {
		body := res.Content[i+1]
		all = append(all, resource{res.Content[i].Value, scalar(lookup(body, "Type")), lookup(body, "Properties"), res.Content[i].Line})
	}
	if len(all) > 0 && tree.awsFile == "" {
		tree.awsFile, tree.awsLine = rel, all[0].line
	}
	logTargets := map[string]bool{}
	for _, x := range all {
		if x.typ == "AWS::S3::Bucket" {
			if t := cfnRefTarget(lookup(lookup(x.props, "LoggingConfiguration"), "DestinationBucketName")); t != "" {
				logTargets[t] = true
			}
		}
	}
	// NoEcho parameters are secrets given at deploy time; pasted into user
	// data (!Sub "${Password}") they become readable by anyone who can
	// describe the instance.
	noEcho := map[string]bool{}
	if params := lookup(n, "Parameters"); params != nil && params.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(params.Content); i += 2 {
			if v, _ := cfnBool(lookup(params.Content[i+1], "NoEcho")); v {
				noEcho[params.Content[i].Value] = true
			}
		}
	}
	var apiMethods []resource
	apiThrottled := false
	for _, x := range all {
		p := x.props
		switch x.typ {
		case "AWS::S3::Bucket":
			cfnBucket(r, rel, x.id, x.line, p, logTargets[x.id])
		case "AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster":
			cfnEncrypted(r, rel, x.id, x.line, "database storage", p, "StorageEncrypted", "KmsKeyId", false, 0)
			if v, known := cfnBool(lookup(p, "PubliclyAccessible")); known && v {
				r.finding(ruleInternetExposed, 0, rel, lookup(p, "PubliclyAccessible").Line, x.id, "public",
					fmt.Sprintf("%s is PubliclyAccessible: it gets a public address reachable from the internet", x.id))
			}
			cfnSecret(r, rel, x.id, lookup(p, "MasterUserPassword"), "MasterUserPassword")
		case "AWS::EC2::Volume":
			cfnEncrypted(r, rel, x.id, x.line, "disk", p, "Encrypted", "KmsKeyId", false, 0)
		case "AWS::EFS::FileSystem":
			cfnEncrypted(r, rel, x.id, x.line, "file system", p, "Encrypted", "KmsKeyId", false, 0)
		case "AWS::ElastiCache::ReplicationGroup":
			cfnEncrypted(r, rel, x.id, x.line, "cache", p, "AtRestEncryptionEnabled", "KmsKeyId", false, 0)
			if v, _ := cfnBool(lookup(p, "TransitEncryptionEnabled")); !v {
				r.finding(rulePlainHTTP, 0, rel, x.line, x.id, "transit", fmt.Sprintf("cache %s carries its traffic in clear (TransitEncryptionEnabled is not true)", x.id))
			}
		case "AWS::SQS::Queue":
			cfnEncrypted(r, rel, x.id, x.line, "queue", p, "SqsManagedSseEnabled", "KmsMasterKeyId", true, 0)
		case "AWS::SNS::Topic":
			cfnEncrypted(r, rel, x.id, x.line, "topic", p, "", "KmsMasterKeyId", false, threatmap.Medium)
		case "AWS::EC2::SecurityGroup":
			cfnSecurityGroup(r, rel, x.id, x.line, lookup(p, "SecurityGroupIngress"))
		case "AWS::EC2::SecurityGroupIngress":
			sg := cfnRefTarget(lookup(p, "GroupId"))
			if sg == "" {
				sg = x.id
			}
			cfnIngress(r, rel, sg, p, x.line)
		case "AWS::ElasticLoadBalancingV2::Listener":
			proto, _ := cfnValue(lookup(p, "Protocol"))
			redirect := strings.Contains(strings.ToUpper(nodeText(lookup(p, "DefaultActions"))), "HTTPS")
			plain := strings.EqualFold(proto, "HTTP") && !redirect
			if plain {
				port, _ := cfnValue(lookup(p, "Port"))
				r.finding(rulePlainHTTP, 0, rel, lookup(p, "Protocol").Line, x.id, proto,
					fmt.Sprintf("listener %s serves plain HTTP on port %s without redirecting to HTTPS", x.id, port))
			}
			r.observe(evidence.EncryptedInTransit, x.id, !plain, rel, x.line, "listener protocol "+proto)
		case "AWS::Lambda::Function", "AWS::Serverless::Function":
			env := lookup(lookup(p, "Environment"), "Variables")
			c := &container{resource: x.id, file: rel, line: x.line}
			for i := 0; env != nil && env.Kind == yaml.MappingNode && i+1 < len(env.Content); i += 2 {
				k, v := env.Content[i], env.Content[i+1]
				if v.Kind != yaml.ScalarNode {
					continue // Fn:: forms are references
				}
				// !Ref, !Sub and dynamic references are not literals.
				_, literal := cfnValue(v)
				literal = literal && !strings.Contains(v.Value, "{{resolve:")
				c.env = append(c.env, envVar{name: k.Value, value: v.Value, line: v.Line, literal: literal})
			}
			checkEnv(r, c)
		case "AWS::EC2::Instance":
			cfnUserData(r, rel, x.id, lookup(p, "UserData"), noEcho)
			if bd := lookup(p, "BlockDeviceMappings"); bd != nil {
				cfnBlockDevices(r, rel, x.id, x.line, bd)
			} else {
				r.finding(ruleUnencryptedStorage, threatmap.Medium, rel, x.line, x.id, "root",
					fmt.Sprintf("root disk %s is not encrypted at rest (no BlockDeviceMappings with Ebs.Encrypted: true)", x.id))
				r.observe(evidence.EncryptedAtRest, x.id, false, rel, x.line, "root disk not encrypted")
			}
		case "AWS::EC2::LaunchTemplate":
			data := lookup(p, "LaunchTemplateData")
			cfnUserData(r, rel, x.id, lookup(data, "UserData"), noEcho)
			cfnBlockDevices(r, rel, x.id, x.line, lookup(data, "BlockDeviceMappings"))
		case "AWS::AutoScaling::LaunchConfiguration":
			cfnUserData(r, rel, x.id, lookup(p, "UserData"), noEcho)
		case "AWS::ElasticLoadBalancing::LoadBalancer":
			cfnClassicELB(r, rel, x.id, x.line, p)
		case "AWS::Elasticsearch::Domain", "AWS::OpenSearchService::Domain":
			cfnSearchDomain(r, rel, x.id, x.line, p)
		case "AWS::ApiGateway::Method":
			apiMethods = append(apiMethods, x)
		case "AWS::ApiGateway::UsagePlan":
			if lookup(p, "Throttle") != nil {
				apiThrottled = true
			}
		case "AWS::ApiGateway::Stage":
			if strings.Contains(nodeText(lookup(p, "MethodSettings")), "Throttling") || cfnThrottled(lookup(p, "MethodSettings")) {
				apiThrottled = true
			}
		case "AWS::EKS::Cluster":
			vc := lookup(p, "ResourcesVpcConfig")
			public, known := cfnBool(lookup(vc, "EndpointPublicAccess"))
			if !known && lookup(vc, "EndpointPublicAccess") == nil {
				public = true // the default
			}
			world := true
			if cidrs := lookup(vc, "PublicAccessCidrs"); cidrs != nil {
				world = containsWorld(cidrs)
			}
			exposed := vc != nil && public && world
			if exposed {
				r.finding(ruleInternetExposed, 0, rel, x.line, x.id, "endpoint",
					fmt.Sprintf("the Kubernetes API of EKS cluster %s is reachable from the whole internet (EndpointPublicAccess defaults to true, PublicAccessCidrs to 0.0.0.0/0)", x.id))
			}
			r.observe(evidence.NotInternetExposed, x.id, !exposed, rel, x.line, "cluster endpoint")
		case "AWS::ECS::TaskDefinition":
			cfnECSHostVolumes(r, rel, x.id, lookup(p, "Volumes"))
		case "AWS::CloudTrail::Trail":
			tree.trails++
			v, known := cfnBool(lookup(p, "IsLogging"))
			if known && !v {
				r.finding(ruleAuditTrail, threatmap.High, rel, lookup(p, "IsLogging").Line, x.id, "disabled",
					fmt.Sprintf("trail %s has IsLogging: false: API calls are not recorded", x.id))
				r.observe(evidence.AuditLog, x.id, false, rel, x.line, "IsLogging: false")
				continue
			}
			tree.logging++
			r.observe(evidence.AuditLog, x.id, true, rel, x.line, "CloudTrail trail logging")
		}
	}
	for _, x := range apiMethods {
		if apiThrottled {
			break
		}
		auth := lookup(x.props, "AuthorizationType")
		v, ok := cfnValue(auth)
		method, _ := cfnValue(lookup(x.props, "HttpMethod"))
		if !ok || !strings.EqualFold(v, "NONE") || strings.EqualFold(method, "OPTIONS") {
			continue
		}
		if key, _ := cfnBool(lookup(x.props, "ApiKeyRequired")); key {
			continue
		}
		r.finding(ruleAPIOpen, 0, rel, auth.Line, x.id, "method",
			fmt.Sprintf("API Gateway method %s (%s) has AuthorizationType NONE, no API key and no throttling: anyone can call it without limit", x.id, orDefault(method, "?")))
	}
}

// nodeText flattens a node's scalars, to look for a value anywhere in it.
func nodeText(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var walk func(*yaml.Node, int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 32 || b.Len() > 1<<16 {
			return
		}
		b.WriteString(n.Value)
		b.WriteByte(' ')
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

func cfnBucket(r *results, rel, id string, line int, p *yaml.Node, logTarget bool) {
	pab := lookup(p, "PublicAccessBlockConfiguration")
	var gaps []string
	for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
		if v, _ := cfnBool(lookup(pab, k)); !v {
			gaps = append(gaps, k)
		}
	}
	switch {
	case pab == nil:
		r.finding(ruleS3PublicAccessBlock, 0, rel, line, id, "missing", fmt.Sprintf("bucket %s has no PublicAccessBlockConfiguration; one permissive ACL or policy makes it public", id))
	case len(gaps) > 0:
		r.finding(ruleS3PublicAccessBlock, 0, rel, keyLine(p, "PublicAccessBlockConfiguration"), id, "gaps", fmt.Sprintf("bucket %s leaves %s off", id, strings.Join(gaps, ", ")))
	}
	public := false
	if acl, ok := cfnValue(lookup(p, "AccessControl")); ok {
		lower := map[string]string{"PublicRead": "public-read", "PublicReadWrite": "public-read-write", "AuthenticatedRead": "authenticated-read"}[acl]
		if lower != "" {
			public = true
			r.finding(ruleS3PublicACL, 0, rel, lookup(p, "AccessControl").Line, id, lower, fmt.Sprintf("bucket %s has AccessControl %s: its objects are readable by anyone", id, acl))
		}
	}
	r.observe(evidence.PublicAccessBlocked, id, pab != nil && len(gaps) == 0 && !public, rel, line, "PublicAccessBlockConfiguration")
	if lookup(p, "BucketEncryption") == nil {
		r.finding(ruleS3EncryptionUndeclared, 0, rel, line, id, "sse", fmt.Sprintf("bucket %s declares no BucketEncryption; it relies on the S3 default (SSE-S3)", id))
	}
	r.observe(evidence.EncryptedAtRest, id, true, rel, line, "S3 encrypts objects at rest")
	logging := lookup(p, "LoggingConfiguration") != nil || logTarget
	if !logging {
		r.finding(ruleAccessLogging, 0, rel, line, id, "s3", fmt.Sprintf("bucket %s has no LoggingConfiguration", id))
	}
	r.observe(evidence.AccessLogging, id, logging, rel, line, "LoggingConfiguration")
}

// cfnEncrypted checks one storage resource's encryption flag and key.
func cfnEncrypted(r *results, rel, id string, line int, what string, p *yaml.Node, flag, key string, onByDefault bool, sev threatmap.Severity) {
	hasKey := key != "" && lookup(p, key) != nil
	on, known := false, false
	at := line
	if flag != "" {
		if n := lookup(p, flag); n != nil {
			at = n.Line
			on, known = cfnBool(n)
			if !known {
				// A parameter or condition decides; do not guess.
				on = true
			}
		}
	}
	encrypted := hasKey || on || (onByDefault && !(known && !on))
	if !encrypted {
		why := fmt.Sprintf("%s is not set", flag)
		switch {
		case flag == "":
			why = "no " + key
		case known:
			why = flag + ": false"
		}
		r.finding(ruleUnencryptedStorage, sev, rel, at, id, what, fmt.Sprintf("%s %s is not encrypted at rest (%s)", what, id, why))
	}
	r.observe(evidence.EncryptedAtRest, id, encrypted, rel, line, what)
}

func cfnSecurityGroup(r *results, rel, id string, line int, ingress *yaml.Node) {
	open := false
	if ingress != nil && ingress.Kind == yaml.SequenceNode {
		for _, rule := range ingress.Content {
			if cfnIngress(r, rel, id, rule, rule.Line) {
				open = true
			}
		}
	}
	r.observe(evidence.NotInternetExposed, id, !open, rel, line, "SecurityGroupIngress")
}

// cfnIngress checks one ingress rule; it reports whether the rule admits
// the internet at all.
func cfnIngress(r *results, rel, sg string, rule *yaml.Node, line int) bool {
	cidr, _ := cfnValue(lookup(rule, "CidrIp"))
	cidr6, _ := cfnValue(lookup(rule, "CidrIpv6"))
	if !isWorld(cidr) && !isWorld(cidr6) {
		return false
	}
	proto, _ := cfnValue(lookup(rule, "IpProtocol"))
	fromS, okF := cfnValue(lookup(rule, "FromPort"))
	toS, okT := cfnValue(lookup(rule, "ToPort"))
	from, errF := strconv.ParseInt(fromS, 10, 64)
	to, errT := strconv.ParseInt(toS, 10, 64)
	all := proto == "-1" || !okF || !okT || errF != nil || errT != nil
	ports := fmt.Sprintf("%d-%d", from, to)
	switch risky := riskyIn(from, to); {
	case all:
		r.finding(ruleInternetExposed, threatmap.Critical, rel, line, sg, "all", fmt.Sprintf("security group %s allows every port from the internet", sg))
	case len(risky) > 0:
		r.finding(ruleInternetExposed, 0, rel, line, sg, ports, fmt.Sprintf("security group %s opens %s to the internet", sg, strings.Join(risky, ", ")))
	case strings.Contains(strings.ToLower(sg), "admin"):
		r.finding(ruleInternetExposed, 0, rel, line, sg, ports, fmt.Sprintf("security group %s guards an admin surface and allows port %s from the internet", sg, ports))
	}
	return true
}

func cfnSecret(r *results, rel, id string, n *yaml.Node, name string) {
	v, ok := cfnValue(n)
	if !ok || looksLikePlaceholder(v) || strings.HasPrefix(v, "{{resolve:") {
		return
	}
	f := r.finding(ruleSecretLiteral, 0, rel, n.Line, id, name, fmt.Sprintf("%s sets %s to a literal value in the template", id, name))
	f.Secret = r.mask(v)
}

// cfnThrottled reports whether stage method settings set a throttling
// limit.
func cfnThrottled(n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.SequenceNode {
		return false
	}
	for _, s := range n.Content {
		if lookup(s, "ThrottlingRateLimit") != nil || lookup(s, "ThrottlingBurstLimit") != nil {
			return true
		}
	}
	return false
}

// cfnUserData reads an instance's boot script, however it is wrapped
// (Fn::Base64, !Sub, Fn::Join of lines), for credentials written in clear.
func cfnUserData(r *results, rel, id string, n *yaml.Node, noEcho map[string]bool) {
	if n == nil {
		return
	}
	var found []scriptSecret
	first := 0
	var walk func(x *yaml.Node)
	walk = func(x *yaml.Node) {
		if x.Kind == yaml.ScalarNode {
			start := x.Line
			if x.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				start++ // the content starts below the | or > indicator
			}
			text := cfnSubParam.ReplaceAllStringFunc(x.Value, func(ph string) string {
				if name := cfnSubParam.FindStringSubmatch(ph)[1]; noEcho[name] {
					return "NoEcho-parameter-" + name
				}
				return ph
			})
			for _, s := range scriptSecrets(text) {
				if len(found) == 0 {
					first = start
				}
				s.line += start - first
				found = append(found, s)
			}
			return
		}
		for _, c := range x.Content {
			walk(c)
		}
	}
	walk(n)
	reportUserData(r, rel, first, id, found)
}

// cfnBlockDevices flags EBS block device mappings that are not encrypted.
func cfnBlockDevices(r *results, rel, id string, line int, n *yaml.Node) {
	if n == nil || n.Kind != yaml.SequenceNode {
		return
	}
	for _, bd := range n.Content {
		ebs := lookup(bd, "Ebs")
		if ebs == nil {
			continue
		}
		if v, _ := cfnBool(lookup(ebs, "Encrypted")); v {
			r.observe(evidence.EncryptedAtRest, id, true, rel, line, "block device encrypted")
			continue
		}
		dev, _ := cfnValue(lookup(bd, "DeviceName"))
		r.finding(ruleUnencryptedStorage, threatmap.Medium, rel, ebs.Line, id, "ebs:"+dev,
			fmt.Sprintf("instance disk %s of %s is not encrypted (Ebs.Encrypted is not true)", orDefault(dev, "?"), id))
		r.observe(evidence.EncryptedAtRest, id, false, rel, line, "block device not encrypted")
	}
}

// cfnClassicELB flags plain HTTP/TCP listeners and a missing access log on
// a classic load balancer.
func cfnClassicELB(r *results, rel, id string, line int, p *yaml.Node) {
	plain := false
	if ls := lookup(p, "Listeners"); ls != nil && ls.Kind == yaml.SequenceNode {
		for _, l := range ls.Content {
			proto, _ := cfnValue(lookup(l, "Protocol"))
			if strings.EqualFold(proto, "HTTP") || strings.EqualFold(proto, "TCP") {
				plain = true
				port, _ := cfnValue(lookup(l, "LoadBalancerPort"))
				r.finding(rulePlainHTTP, 0, rel, lookup(l, "Protocol").Line, id, "listener:"+port,
					fmt.Sprintf("classic load balancer %s serves plain %s on port %s", id, strings.ToUpper(proto), port))
			}
		}
	}
	r.observe(evidence.EncryptedInTransit, id, !plain, rel, line, "listeners")
	logs, _ := cfnBool(lookup(lookup(p, "AccessLoggingPolicy"), "Enabled"))
	if !logs {
		r.finding(ruleAccessLogging, 0, rel, line, id, "lb", fmt.Sprintf("classic load balancer %s has no AccessLoggingPolicy enabled", id))
	}
	r.observe(evidence.AccessLogging, id, logs, rel, line, "AccessLoggingPolicy")
}

// cfnSearchDomain checks an Elasticsearch or OpenSearch domain's
// encryption and access policy.
func cfnSearchDomain(r *results, rel, id string, line int, p *yaml.Node) {
	if v, _ := cfnBool(lookup(lookup(p, "EncryptionAtRestOptions"), "Enabled")); !v {
		r.finding(ruleUnencryptedStorage, 0, rel, line, id, "encrypt_at_rest", fmt.Sprintf("search domain %s stores its indexes unencrypted (EncryptionAtRestOptions is not enabled)", id))
		r.observe(evidence.EncryptedAtRest, id, false, rel, line, "EncryptionAtRestOptions not enabled")
	} else {
		r.observe(evidence.EncryptedAtRest, id, true, rel, line, "EncryptionAtRestOptions enabled")
	}
	n2n, _ := cfnBool(lookup(lookup(p, "NodeToNodeEncryptionOptions"), "Enabled"))
	if !n2n {
		r.finding(rulePlainHTTP, 0, rel, line, id, "node_to_node", fmt.Sprintf("search domain %s sends data between its nodes in clear (NodeToNodeEncryptionOptions is not enabled)", id))
	}
	https, _ := cfnBool(lookup(lookup(p, "DomainEndpointOptions"), "EnforceHTTPS"))
	if !https {
		r.finding(rulePlainHTTP, 0, rel, line, id, "enforce_https", fmt.Sprintf("search domain %s accepts plain HTTP on its endpoint (DomainEndpointOptions.EnforceHTTPS is not true)", id))
	}
	r.observe(evidence.EncryptedInTransit, id, n2n && https, rel, line, "node-to-node encryption and enforced HTTPS")
	if ap := lookup(p, "AccessPolicies"); ap != nil {
		public := false
		st := lookup(ap, "Statement")
		items := []*yaml.Node{st}
		if st != nil && st.Kind == yaml.SequenceNode {
			items = st.Content
		}
		for _, s := range items {
			if s == nil || lookup(s, "Condition") != nil || strings.EqualFold(scalar(lookup(s, "Effect")), "Deny") {
				continue
			}
			pr := lookup(s, "Principal")
			if scalar(pr) == "*" || containsScalar(lookup(pr, "AWS"), "*") || scalar(lookup(pr, "AWS")) == "*" {
				public = true
				r.finding(rulePublicResourcePolicy, 0, rel, pr.Line, id, "access-policy",
					fmt.Sprintf("access policy of %s allows Principal \"*\" without a Condition: anyone who reaches the endpoint can read and write it", id))
				break
			}
		}
		r.observe(evidence.PublicAccessBlocked, id, !public, rel, line, "access policy")
	}
}

// cfnECSHostVolumes flags task definition volumes on a host path.
func cfnECSHostVolumes(r *results, rel, id string, n *yaml.Node) {
	if n == nil || n.Kind != yaml.SequenceNode {
		return
	}
	for _, v := range n.Content {
		sp := lookup(lookup(v, "Host"), "SourcePath")
		p, ok := cfnValue(sp)
		if !ok || !strings.HasPrefix(p, "/") {
			continue
		}
		sev, why := hostPathRisk(p)
		r.finding(ruleHostMount, sev, rel, sp.Line, id, p, fmt.Sprintf("task definition %s mounts the host path %s: %s", id, p, why))
	}
}

// cfnSubParam matches a ${Name} substitution of Fn::Sub.
var cfnSubParam = regexp.MustCompile(`\$\{([A-Za-z0-9]+)\}`)
