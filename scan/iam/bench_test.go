package iam

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

var benchActions = []string{"s3:GetObject", "s3:*", "dynamodb:Query", "sqs:SendMessage", "iam:PassRole", "lambda:CreateFunction", "kms:Decrypt", "*"}
var benchResources = []string{"*", "arn:aws:s3:::bucket/*", "arn:aws:dynamodb:eu-west-1:1:table/t", "${aws_sqs_queue.q.arn}"}

// writeCorpus generates a reproducible tree of Terraform IAM: roles with
// inline and attached policies, policy document data sources and the
// functions that use the roles.
func writeCorpus(tb testing.TB, dir string, seed int64, modules, rolesPerModule int) (resources int, size int64) {
	tb.Helper()
	rng := rand.New(rand.NewSource(seed))
	for m := 0; m < modules; m++ {
		var b strings.Builder
		for i := 0; i < rolesPerModule; i++ {
			fmt.Fprintf(&b, "resource \"aws_iam_role\" \"r%d\" {\n  name = \"r%d\"\n  assume_role_policy = data.aws_iam_policy_document.trust.json\n}\n\n", i, i)
			fmt.Fprintf(&b, "resource \"aws_iam_role_policy\" \"r%d\" {\n  role = aws_iam_role.r%d.id\n  policy = jsonencode({\n    Statement = [\n", i, i)
			for s := 0; s < 1+rng.Intn(4); s++ {
				fmt.Fprintf(&b, "      { Effect = \"Allow\", Action = [%q, %q], Resource = %q },\n",
					benchActions[rng.Intn(len(benchActions))], benchActions[rng.Intn(len(benchActions))], benchResources[rng.Intn(len(benchResources))])
			}
			b.WriteString("    ]\n  })\n}\n\n")
			for f := 0; f < 1+rng.Intn(2); f++ {
				fmt.Fprintf(&b, "resource \"aws_lambda_function\" \"f%d_%d\" {\n  function_name = \"f%d_%d\"\n  role = aws_iam_role.r%d.arn\n}\n\n", i, f, i, f, i)
				resources++
			}
			resources += 2
		}
		b.WriteString("data \"aws_iam_policy_document\" \"trust\" {\n  statement {\n    actions = [\"sts:AssumeRole\"]\n    principals {\n      type = \"Service\"\n      identifiers = [\"lambda.amazonaws.com\"]\n    }\n  }\n}\n")
		resources++
		p := filepath.Join(dir, fmt.Sprintf("mod%03d", m), "iam.tf")
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

// BenchmarkTerraformIAM compares the full iam scan of a generated corpus
// with the bare HCL parse of the same files in the same run.
func BenchmarkTerraformIAM(b *testing.B) {
	dir := b.TempDir()
	resources, size := writeCorpus(b, dir, 1, 40, 25)
	b.Run("hclparse", func(b *testing.B) {
		b.SetBytes(size)
		for i := 0; i < b.N; i++ {
			parseOnly(b, dir)
		}
		b.ReportMetric(float64(resources)*float64(b.N)/b.Elapsed().Seconds(), "resources/s")
	})
	b.Run("iam", func(b *testing.B) {
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

func TestCorpusFindings(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, 1, 2, 25)
	set, err := New().Scan(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]bool{}
	for _, f := range set.Findings {
		rules[f.Rule] = true
	}
	for _, want := range []string{"iam-admin-equivalent", "iam-wildcard-action", "iam-wildcard-resource", "iam-shared-identity"} {
		if !rules[want] {
			t.Errorf("corpus yields no %s", want)
		}
	}
}
