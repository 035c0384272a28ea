package iac

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// writeCorpus generates a reproducible Terraform tree: modules directories
// of perModule resources each, a mix of buckets, access blocks, security
// groups, databases, queues, load balancers and functions, some compliant
// and some not. It returns the number of resources and bytes written.
func writeCorpus(tb testing.TB, dir string, seed int64, modules, perModule int) (resources int, size int64) {
	tb.Helper()
	rng := rand.New(rand.NewSource(seed))
	for m := 0; m < modules; m++ {
		var b strings.Builder
		fmt.Fprintf(&b, "provider \"aws\" {\n  region = var.region\n}\n\nvariable \"region\" {\n  default = \"eu-west-1\"\n}\n\nlocals {\n  prefix = \"m%d-${var.region}\"\n}\n\n", m)
		for i := 0; i < perModule; i++ {
			resources++
			name := fmt.Sprintf("r%d", i)
			switch rng.Intn(7) {
			case 0:
				fmt.Fprintf(&b, "resource \"aws_s3_bucket\" %q {\n  bucket = \"${local.prefix}-%s\"\n}\n\n", name, name)
				if rng.Intn(2) == 0 {
					fmt.Fprintf(&b, "resource \"aws_s3_bucket_public_access_block\" %q {\n  bucket = aws_s3_bucket.%s.id\n  block_public_acls = true\n  block_public_policy = true\n  ignore_public_acls = true\n  restrict_public_buckets = %v\n}\n\n", name, name, rng.Intn(4) > 0)
					resources++
				}
			case 1:
				fmt.Fprintf(&b, "resource \"aws_security_group\" %q {\n  name = \"%s\"\n  ingress {\n    from_port = %d\n    to_port = %d\n    protocol = \"tcp\"\n    cidr_blocks = [%q]\n  }\n}\n\n",
					name, name, []int{22, 443, 5432, 8080}[rng.Intn(4)], []int{22, 443, 5432, 8080}[rng.Intn(4)], []string{"0.0.0.0/0", "10.0.0.0/8"}[rng.Intn(2)])
			case 2:
				fmt.Fprintf(&b, "resource \"aws_db_instance\" %q {\n  engine = \"postgres\"\n  storage_encrypted = %v\n  password = %q\n  publicly_accessible = %v\n}\n\n", name, rng.Intn(2) == 0, fmt.Sprintf("pw-%08x", rng.Uint32()), rng.Intn(5) == 0)
			case 3:
				fmt.Fprintf(&b, "resource \"aws_sqs_queue\" %q {\n  name = \"${local.prefix}-%s\"\n  sqs_managed_sse_enabled = %v\n}\n\n", name, name, rng.Intn(3) > 0)
			case 4:
				fmt.Fprintf(&b, "resource \"aws_lb_listener\" %q {\n  load_balancer_arn = aws_lb.main.arn\n  port = %d\n  protocol = %q\n  default_action {\n    type = \"forward\"\n  }\n}\n\n", name, 80, []string{"HTTP", "HTTPS"}[rng.Intn(2)])
			case 5:
				fmt.Fprintf(&b, "resource \"aws_lambda_function\" %q {\n  function_name = \"%s\"\n  role = aws_iam_role.shared.arn\n  environment {\n    variables = {\n      PEER_URL = \"http://peer-%d.internal\"\n      API_TOKEN = \"tok-%08x\"\n    }\n  }\n}\n\n", name, name, i, rng.Uint32())
			default:
				fmt.Fprintf(&b, "resource \"aws_iam_role_policy\" %q {\n  role = aws_iam_role.shared.id\n  policy = jsonencode({\n    Statement = [{\n      Effect = \"Allow\"\n      Action = [%q, \"sqs:SendMessage\"]\n      Resource = %q\n    }]\n  })\n}\n\n",
					name, []string{"s3:*", "dynamodb:GetItem", "iam:PassRole"}[rng.Intn(3)], []string{"*", "arn:aws:sqs:eu-west-1:1:q"}[rng.Intn(2)])
			}
		}
		b.WriteString("resource \"aws_lb\" \"main\" {\n  internal = true\n}\n\nresource \"aws_iam_role\" \"shared\" {\n  name = \"shared\"\n}\n")
		resources += 2
		p := filepath.Join(dir, fmt.Sprintf("mod%03d", m), "main.tf")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
		size += int64(b.Len())
	}
	return resources, size
}

// parseOnly is the baseline: read and parse every file with hclsyntax,
// nothing else.
func parseOnly(tb testing.TB, dir string) {
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if _, diags := hclsyntax.ParseConfig(src, p, hcl.InitialPos); diags.HasErrors() {
			return diags
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkTerraformCorpus compares the full iac scan of a generated
// corpus with the bare HCL parse of the same files in the same run; the
// x-parse metric is the scan's cost in parses.
func BenchmarkTerraformCorpus(b *testing.B) {
	dir := b.TempDir()
	resources, size := writeCorpus(b, dir, 1, 40, 60)
	b.Run("hclparse", func(b *testing.B) {
		b.SetBytes(size)
		for i := 0; i < b.N; i++ {
			parseOnly(b, dir)
		}
		b.ReportMetric(float64(resources)*float64(b.N)/b.Elapsed().Seconds(), "resources/s")
	})
	b.Run("iac", func(b *testing.B) {
		b.SetBytes(size)
		var parse time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			start := time.Now()
			parseOnly(b, dir)
			parse += time.Since(start)
			b.StartTimer()
			if _, err := New().Scan(context.Background(), dir); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(resources)*float64(b.N)/b.Elapsed().Seconds(), "resources/s")
		b.ReportMetric(b.Elapsed().Seconds()/parse.Seconds(), "x-parse")
	})
}

// TestCorpusFindings guards the benchmark corpus: the generator must
// produce findings of the main families, or the benchmark measures
// nothing.
func TestCorpusFindings(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, 1, 2, 60)
	set, err := New().Scan(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]bool{}
	for _, f := range set.Findings {
		rules[f.Rule] = true
	}
	for _, want := range []string{"iac-s3-public-access-block", "iac-internet-exposed", "iac-unencrypted-storage", "iac-plain-http", "iac-secret-literal"} {
		if !rules[want] {
			t.Errorf("corpus yields no %s", want)
		}
	}
}
