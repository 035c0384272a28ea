package iac

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/evidence"
)

func TestIsSecretName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"DB_PASSWORD", true},
		{"POSTGRES_PASSWORD", true},
		{"OPENAI_API_KEY", true},
		{"GITHUB_TOKEN", true},
		{"stripe.secret", true},
		{"AWS_SECRET_ACCESS_KEY", true},
		{"TOKEN_TTL", false},
		{"DB_PASSWORD_FILE", false},
		{"AWS_ACCESS_KEY_ID", false},
		{"SECRET_ARN", false},
		{"AUTHOR", false},
		{"AUTH_MODE", false},
		{"BASIC_AUTH_PASSWORD", true},
		{"TOKENIZER", false},
		{"PATH", false},
	}
	for _, tt := range tests {
		if got := isSecretName(tt.name); got != tt.want {
			t.Errorf("isSecretName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCheckImage(t *testing.T) {
	tests := []struct {
		image   string
		finding bool
		holds   bool
	}{
		{"nginx", true, false},
		{"nginx:latest", true, false},
		{"localhost:5000/app", true, false},
		{"ghcr.io/acme/app:1.2.3", true, false},
		{"ghcr.io/acme/app:1.2.3@sha256:abc", false, true},
		{"${IMAGE}", false, false},
		{"scratch", false, false},
	}
	for _, tt := range tests {
		r := &results{}
		checkImage(r, "x", "f", 1, tt.image)
		if got := len(r.set.Findings) == 1; got != tt.finding {
			t.Errorf("%s: finding = %v, want %v", tt.image, got, tt.finding)
		}
		holds := len(r.set.Observations) == 1 && r.set.Observations[0].Holds
		if holds != tt.holds {
			t.Errorf("%s: holds = %v, want %v", tt.image, holds, tt.holds)
		}
	}
}

// TestSecretsMasked checks that no secret value appears in any finding
// unless revealing was asked for.
func TestSecretsMasked(t *testing.T) {
	secrets := []string{"s3cr3t-from-default", "sk_live_abcdefghijklmnop", "sk-proj-abcdefghijklmnopqrstuv", "hunter22", "example-password", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"}
	for _, reveal := range []bool{false, true} {
		set, err := (&Scanner{RevealSecrets: reveal}).Scan(context.Background(), "testdata/fixtures")
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for _, f := range set.Findings {
			if f.Rule != ruleSecretLiteral.ID {
				continue
			}
			if f.Secret == "" {
				t.Errorf("%s:%d: secret finding without a (masked) value", f.File, f.Line)
			}
			for _, s := range secrets {
				if strings.Contains(f.Message, s) {
					t.Errorf("%s:%d: message shows the secret", f.File, f.Line)
				}
				if f.Secret == s {
					seen++
				}
			}
		}
		if reveal && seen != len(secrets) || !reveal && seen != 0 {
			t.Errorf("reveal=%v: %d secrets shown in clear", reveal, seen)
		}
	}
}

func TestObservations(t *testing.T) {
	set, err := New().Scan(context.Background(), "testdata/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		p       evidence.Property
		subject string
	}
	got := map[key]bool{}
	for _, o := range set.Observations {
		got[key{o.Property, o.Subject}] = o.Holds
	}
	want := map[key]bool{
		{evidence.PublicAccessBlocked, "aws_s3_bucket.private"}:     true,
		{evidence.PublicAccessBlocked, "aws_s3_bucket.public"}:      false,
		{evidence.PublicAccessBlocked, "aws_s3_bucket.half"}:        false,
		{evidence.EncryptedAtRest, "aws_s3_bucket.private"}:         true,
		{evidence.EncryptedAtRest, "aws_db_instance.good"}:          true,
		{evidence.EncryptedAtRest, "aws_db_instance.main"}:          false,
		{evidence.EncryptedAtRest, "aws_sqs_queue.default"}:         true,
		{evidence.EncryptedAtRest, "aws_sqs_queue.clear"}:           false,
		{evidence.EncryptedAtRest, "aws_dynamodb_table.state"}:      true,
		{evidence.AccessLogging, "aws_s3_bucket.private"}:           true,
		{evidence.AccessLogging, "aws_lb.public"}:                   true,
		{evidence.AuditLog, ""}:                                     true, // the CloudFormation fixture declares a trail
		{evidence.AuditLog, "Trail"}:                                true,
		{evidence.PublicAccessBlocked, "Private"}:                   true,
		{evidence.PublicAccessBlocked, "Uploads"}:                   false,
		{evidence.EncryptedAtRest, "Db2"}:                           true,
		{evidence.NotInternetExposed, "AdminSg"}:                    false,
		{evidence.NotInternetExposed, "aws_security_group.web"}:     false,
		{evidence.NotInternetExposed, "aws_db_instance.good"}:       true,
		{evidence.NotInternetExposed, "Service/internal"}:           true,
		{evidence.NotInternetExposed, "aws_lambda_function.worker"}: false,
		{evidence.NotInternetExposed, "aws_lb.admin"}:               false,
		{evidence.EncryptedInTransit, "aws_lb_listener.redirect"}:   true,
		{evidence.EncryptedInTransit, "aws_lb_listener.plain"}:      false,
		{evidence.NonRootContainer, "Deployment/hardened"}:          true,
		{evidence.NonRootContainer, "docker/hardened.Dockerfile"}:   true,
		{evidence.NonRootContainer, "docker/Dockerfile"}:            false,
		{evidence.PinnedImage, "Deployment/hardened"}:               true,
		{evidence.PinnedImage, "services.cache"}:                    true,
	}
	for k, holds := range want {
		h, ok := got[k]
		if !ok || h != holds {
			t.Errorf("%s %s: holds=%v present=%v, want holds=%v", k.p, k.subject, h, ok, holds)
		}
	}
}

func TestSingleFileParseError(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"main.tf", "resource \"a\" \"b\" {\n  x = \n}\n", "main.tf:2:7"},
		{"k8s.yaml", "kind: Pod\nspec:\n  - a\n  b: c\n", "k8s.yaml:"},
		{"Dockerfile", "# syntax=docker/dockerfile:1\n# nothing else\n", "Dockerfile:2:1"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		p := filepath.Join(dir, tt.name)
		if err := os.WriteFile(p, []byte(tt.src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := New().Scan(context.Background(), p)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want containing %q", tt.name, err, tt.want)
		}
	}
}

func TestRulesMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("duplicate rule id %s", r.ID)
		}
		seen[r.ID] = true
		if !strings.HasPrefix(r.ID, "iac-") || r.Title == "" || len(r.Description) < 40 {
			t.Errorf("rule %q lacks metadata: %+v", r.ID, r)
		}
	}
}

func TestLooksLikePlaceholder(t *testing.T) {
	for v, want := range map[string]bool{
		"":                  true,
		"${DB_PASSWORD}":    true,
		"$DB_PASSWORD":      true,
		"<your-token-here>": true,
		"xxxxxxxx":          true,
		"********":          true,
		"3600":              true,
		"false":             true,
		"/run/secrets/db":   true,
		"arn:aws:secretsmanager:us-east-1:1:secret:x": true,
		"hunter22":       false,
		"sk_live_abcdef": false,
	} {
		if got := looksLikePlaceholder(v); got != want {
			t.Errorf("looksLikePlaceholder(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestAllowed(t *testing.T) {
	src := []byte("a # threatmap:allow\nb\n# threatmap:allow iac-plain-http why\nc\nd # threatmap:allow iam-x\n")
	tests := []struct {
		line int
		rule string
		want bool
	}{
		{1, "iac-anything", true},
		{2, "iac-anything", true}, // the line above allows everything
		{4, "iac-plain-http", true},
		{4, "iac-secret-literal", false},
		{5, "iac-plain-http", false},
		{5, "iam-x", true},
		{0, "iac-plain-http", false},
		{99, "iac-plain-http", false},
	}
	for _, tt := range tests {
		if got := evidence.Allowed(src, tt.line, tt.rule, "iac-", "iam-"); got != tt.want {
			t.Errorf("allowed(line %d, %s) = %v, want %v", tt.line, tt.rule, got, tt.want)
		}
	}
}

func TestBrokenYAMLInTree(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"config.yml":   "greeting: [unclosed\n",                                       // not infrastructure: ignored
		"deploy.yaml":  "apiVersion: v1\nkind: Pod\nspec: [unclosed\n",                // a manifest: reported
		"package.json": "{\"name\": \"x\", broken}\n",                                 // not a template: ignored
		"stack.json":   "{\"Resources\": {\"Q\": {\"Type\": \"AWS::SQS::Queue\"},}\n", // a template: reported
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := New().Scan(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range set.Findings {
		if f.Rule == ruleParseError.ID {
			got[f.File] = true
		}
	}
	if len(got) != 2 || !got["deploy.yaml"] || !got["stack.json"] {
		t.Errorf("parse errors reported for %v, want deploy.yaml and stack.json", got)
	}
}

// TestSkipLeavesAFileUnread: a file named in Skip is not read (a manifest
// there yields nothing), the same content elsewhere still is.
func TestSkipLeavesAFileUnread(t *testing.T) {
	dir := t.TempDir()
	pod := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:latest\n    securityContext:\n      privileged: true\n"
	for _, name := range []string{"threatmap.yaml", "deploy/pod.yaml"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(pod), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files := func(s *Scanner) map[string]bool {
		set, err := s.Scan(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, f := range set.Findings {
			got[f.File] = true
		}
		for _, o := range set.Observations {
			got[o.File] = true
		}
		return got
	}
	if got := files(New()); !got["threatmap.yaml"] || !got["deploy/pod.yaml"] {
		t.Fatalf("without Skip, evidence from %v, want both files", got)
	}
	if got := files(&Scanner{Skip: []string{"threatmap.yaml"}}); got["threatmap.yaml"] || !got["deploy/pod.yaml"] {
		t.Errorf("with Skip, evidence from %v, want deploy/pod.yaml alone", got)
	}
}
