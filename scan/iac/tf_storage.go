package iac

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/iac/terraform"
)

// related returns the blocks of a type whose attr refers to target, by
// reference or by the target's name.
func related(m *terraform.Module, typ, attr string, target *terraform.Block, name string) []*terraform.Block {
	var out []*terraform.Block
	for _, b := range m.Resources(typ) {
		a := terraform.Attr(b.Body, attr)
		if a == nil {
			continue
		}
		hit := false
		for _, ref := range terraform.References(a.Expr) {
			if ref == target.Address() {
				hit = true
			}
		}
		if !hit && name != "" {
			if s, ok := m.String(a.Expr); ok && s == name {
				hit = true
			}
		}
		if hit {
			out = append(out, b)
		}
	}
	return out
}

func expr(a *hclsyntax.Attribute) hclsyntax.Expression {
	if a == nil {
		return nil
	}
	return a.Expr
}

// boolAttr reads a bool attribute: its value, whether it is present and
// known, and its line (the block's when absent).
func boolAttr(m *terraform.Module, body *hclsyntax.Body, name string, blockLine int) (value, known bool, line int) {
	a := terraform.Attr(body, name)
	if a == nil {
		return false, false, blockLine
	}
	v, ok := m.Bool(a.Expr)
	return v, ok, a.SrcRange.Start.Line
}

var publicACLs = map[string]bool{"public-read": true, "public-read-write": true, "authenticated-read": true}

func checkS3(r *results, m *terraform.Module) {
	accountBlocked := false
	for _, b := range m.Resources("aws_s3_account_public_access_block") {
		if _, complete := publicAccessBlockGaps(m, b); complete {
			accountBlocked = true
		}
	}
	logTargets := map[string]bool{}
	for _, b := range m.Resources("aws_s3_bucket_logging") {
		for _, ref := range terraform.References(expr(terraform.Attr(b.Body, "target_bucket"))) {
			logTargets[ref] = true
		}
	}
	for _, b := range m.Resources("aws_s3_bucket") {
		for _, lb := range terraform.Blocks(b.Body, "logging") {
			for _, ref := range terraform.References(expr(terraform.Attr(lb.Body, "target_bucket"))) {
				logTargets[ref] = true
			}
		}
	}
	for _, b := range m.Resources("aws_s3_bucket") {
		addr := b.Address()
		name, _ := m.String(expr(terraform.Attr(b.Body, "bucket")))
		checkBucketPublic(r, m, b, name, accountBlocked)
		// Encryption at rest.
		sse := len(terraform.Blocks(b.Body, "server_side_encryption_configuration")) > 0
		detail := "server-side encryption declared"
		for _, e := range related(m, "aws_s3_bucket_server_side_encryption_configuration", "bucket", b, name) {
			sse = true
			if strings.Contains(m.Text(e.Body.SrcRange), "aws:kms") {
				detail = "server-side encryption with KMS declared"
			}
		}
		if !sse {
			r.finding(ruleS3EncryptionUndeclared, 0, b.File, b.Line, addr, "sse",
				fmt.Sprintf("bucket %s declares no server-side encryption; it relies on the S3 default (SSE-S3)", addr))
			detail = "no encryption declared; S3 encrypts new objects with SSE-S3 by default"
		}
		r.observe(evidence.EncryptedAtRest, addr, true, b.File, b.Line, detail)
		// Access logging, except on buckets that receive other buckets' logs.
		logging := len(terraform.Blocks(b.Body, "logging")) > 0 || len(related(m, "aws_s3_bucket_logging", "bucket", b, name)) > 0
		switch {
		case logging:
			r.observe(evidence.AccessLogging, addr, true, b.File, b.Line, "server access logging enabled")
		case logTargets[addr]:
			r.observe(evidence.AccessLogging, addr, true, b.File, b.Line, "log target bucket")
		default:
			r.finding(ruleAccessLogging, 0, b.File, b.Line, addr, "s3", fmt.Sprintf("bucket %s has no server access logging", addr))
			r.observe(evidence.AccessLogging, addr, false, b.File, b.Line, "no server access logging")
		}
	}
}

// publicAccessBlockGaps lists the settings of a public access block that
// are not true.
func publicAccessBlockGaps(m *terraform.Module, b *terraform.Block) (gaps []string, complete bool) {
	for _, name := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
		if v, known, _ := boolAttr(m, b.Body, name, b.Line); !known || !v {
			gaps = append(gaps, name)
		}
	}
	return gaps, len(gaps) == 0
}

func checkBucketPublic(r *results, m *terraform.Module, b *terraform.Block, name string, accountBlocked bool) {
	addr := b.Address()
	public := false
	acls := []*hclsyntax.Attribute{terraform.Attr(b.Body, "acl")}
	for _, ab := range related(m, "aws_s3_bucket_acl", "bucket", b, name) {
		acls = append(acls, terraform.Attr(ab.Body, "acl"))
	}
	for _, a := range acls {
		if a == nil {
			continue
		}
		if acl, ok := m.String(a.Expr); ok && publicACLs[acl] {
			public = true
			r.finding(ruleS3PublicACL, 0, a.SrcRange.Filename, a.SrcRange.Start.Line, addr, acl,
				fmt.Sprintf("bucket %s has the canned ACL %q: its objects are readable by anyone", addr, acl))
		}
	}
	for _, pb := range related(m, "aws_s3_bucket_policy", "bucket", b, name) {
		a := terraform.Attr(pb.Body, "policy")
		if a == nil {
			continue
		}
		if line, ok := policyPublic(m, a.Expr); ok {
			public = true
			r.finding(ruleS3PublicACL, 0, a.SrcRange.Filename, line, addr, "policy",
				fmt.Sprintf("bucket policy %s allows Principal \"*\" without a Condition on bucket %s", pb.Address(), addr))
		}
	}
	blocks := related(m, "aws_s3_bucket_public_access_block", "bucket", b, name)
	complete := accountBlocked
	for _, pab := range blocks {
		gaps, ok := publicAccessBlockGaps(m, pab)
		if ok {
			complete = true
			continue
		}
		if !accountBlocked {
			r.finding(ruleS3PublicAccessBlock, 0, pab.File, pab.Line, addr, "gaps",
				fmt.Sprintf("public access block %s for bucket %s leaves %s off", pab.Address(), addr, strings.Join(gaps, ", ")))
		}
	}
	if len(blocks) == 0 && !accountBlocked {
		r.finding(ruleS3PublicAccessBlock, 0, b.File, b.Line, addr, "missing",
			fmt.Sprintf("bucket %s has no public access block; one permissive ACL or policy makes it public", addr))
	}
	detail := "public access block with all four settings"
	if accountBlocked {
		detail = "account-level public access block"
	}
	if public {
		detail = "bucket is public"
	} else if !complete {
		detail = "no complete public access block"
	}
	r.observe(evidence.PublicAccessBlocked, addr, complete && !public, b.File, b.Line, detail)
}

// policyPublic looks for an Allow statement with Principal "*" and no
// Condition in a bucket policy written as jsonencode(...) or a JSON string.
func policyPublic(m *terraform.Module, e hclsyntax.Expression) (int, bool) {
	n := m.Node(e)
	if n.Kind == yaml.ScalarNode {
		parsed, err := decodeYAML(n.Value)
		if err != nil {
			return 0, false
		}
		parsed.Line = e.Range().Start.Line
		n = parsed
	}
	st := lookup(n, "Statement")
	items := []*yaml.Node{st}
	if st != nil && st.Kind == yaml.SequenceNode {
		items = st.Content
	}
	for _, s := range items {
		if s == nil || s.Kind != yaml.MappingNode {
			continue
		}
		if eff := lookup(s, "Effect"); eff != nil && strings.EqualFold(eff.Value, "Deny") {
			continue
		}
		if lookup(s, "Condition") != nil {
			continue
		}
		p := lookup(s, "Principal")
		if p == nil {
			continue
		}
		if p.Kind == yaml.ScalarNode && p.Value == "*" {
			return max(p.Line, e.Range().Start.Line), true
		}
		if aws := lookup(p, "AWS"); aws != nil && (aws.Value == "*" || containsScalar(aws, "*")) {
			return max(aws.Line, e.Range().Start.Line), true
		}
	}
	return 0, false
}

func containsScalar(n *yaml.Node, v string) bool {
	for _, c := range n.Content {
		if c.Value == v {
			return true
		}
	}
	return false
}

// decodeYAML parses a JSON or YAML string into nodes.
func decodeYAML(s string) (n *yaml.Node, err error) {
	defer func() {
		if rec := recover(); rec != nil {
			n, err = nil, fmt.Errorf("YAML parser failed: %v", rec)
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(s), &doc); err != nil {
		return nil, err
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return doc.Content[0], nil
	}
	return &doc, nil
}

func lookup(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// encryptionSpec says how a storage resource declares encryption at rest.
type encryptionSpec struct {
	typ string
	// attr must be true (in nested block, if set) for encryption.
	attr   string
	nested string
	// keys are attributes whose presence means encryption with a KMS key.
	keys []string
	// onByDefault is true when the service encrypts unless attr is set
	// to false explicitly.
	onByDefault bool
	what        string
	sev         threatmap.Severity
}

var encryptionSpecs = []encryptionSpec{
	{typ: "aws_db_instance", attr: "storage_encrypted", keys: []string{"kms_key_id"}, what: "database storage"},
	{typ: "aws_rds_cluster", attr: "storage_encrypted", keys: []string{"kms_key_id"}, what: "database cluster storage"},
	{typ: "aws_docdb_cluster", attr: "storage_encrypted", keys: []string{"kms_key_id"}, what: "document database storage"},
	{typ: "aws_neptune_cluster", attr: "storage_encrypted", keys: []string{"kms_key_arn"}, what: "graph database storage"},
	{typ: "aws_ebs_volume", attr: "encrypted", keys: []string{"kms_key_id"}, what: "disk"},
	{typ: "aws_efs_file_system", attr: "encrypted", keys: []string{"kms_key_id"}, what: "file system"},
	{typ: "aws_elasticache_replication_group", attr: "at_rest_encryption_enabled", keys: []string{"kms_key_id"}, what: "cache"},
	{typ: "aws_sqs_queue", attr: "sqs_managed_sse_enabled", keys: []string{"kms_master_key_id"}, onByDefault: true, what: "queue"},
	{typ: "aws_sns_topic", keys: []string{"kms_master_key_id"}, what: "topic", sev: threatmap.Medium},
	{typ: "aws_kinesis_stream", keys: []string{"kms_key_id"}, what: "stream", sev: threatmap.Medium},
	{typ: "aws_instance", attr: "encrypted", nested: "root_block_device", keys: []string{"kms_key_id"}, onByDefault: false, what: "root disk", sev: threatmap.Medium},
	{typ: "aws_dynamodb_table", attr: "enabled", nested: "server_side_encryption", keys: []string{"kms_key_arn"}, onByDefault: true, what: "table"},
}

func checkEncryption(r *results, m *terraform.Module) {
	// Account-level EBS encryption by default covers volumes and instance
	// disks that do not set it themselves.
	ebsDefault := false
	for _, b := range m.Resources("aws_ebs_encryption_by_default") {
		if v, known, _ := boolAttr(m, b.Body, "enabled", b.Line); v || !known {
			ebsDefault = true
		}
	}
	for _, spec := range encryptionSpecs {
		for _, b := range m.Resources(spec.typ) {
			addr := b.Address()
			body, line := b.Body, b.Line
			if spec.nested != "" {
				nb := terraform.Blocks(b.Body, spec.nested)
				if len(nb) > 0 {
					body, line = nb[0].Body, nb[0].TypeRange.Start.Line
				} else {
					body = nil
				}
			}
			hasKey := false
			for _, k := range spec.keys {
				if terraform.Attr(body, k) != nil {
					hasKey = true
				}
			}
			var on, known bool
			if spec.attr != "" && body != nil {
				on, known, line = boolAttr(m, body, spec.attr, line)
			}
			encrypted := hasKey || on || (spec.onByDefault && !(known && !on))
			if ebsDefault && (spec.typ == "aws_ebs_volume" || spec.typ == "aws_instance") && !known {
				encrypted = true
			}
			if spec.typ == "aws_kinesis_stream" {
				if t, ok := m.String(expr(terraform.Attr(b.Body, "encryption_type"))); ok && t == "KMS" {
					encrypted = true
				}
			}
			detail := "encrypted at rest"
			switch {
			case hasKey:
				detail = "encrypted at rest with a KMS key"
			case spec.typ == "aws_dynamodb_table" && !on:
				detail = "encrypted at rest with an AWS owned key (always on for DynamoDB)"
			case spec.onByDefault && !known:
				detail = "encrypted at rest by the service default"
			}
			if !encrypted {
				why := "is not encrypted at rest"
				switch {
				case known:
					why = fmt.Sprintf("is not encrypted at rest (%s = false)", spec.attr)
				case spec.attr != "" && spec.nested == "":
					why = fmt.Sprintf("is not encrypted at rest (%s is not set; it defaults to false)", spec.attr)
				case spec.attr == "":
					why = fmt.Sprintf("is not encrypted at rest (no %s)", strings.Join(spec.keys, " or "))
				}
				r.finding(ruleUnencryptedStorage, spec.sev, b.File, line, addr, spec.typ, fmt.Sprintf("%s %s %s", spec.what, addr, why))
				detail = "not encrypted at rest"
			}
			r.observe(evidence.EncryptedAtRest, addr, encrypted, b.File, b.Line, detail)
		}
	}
}
