package iam

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/evidence"
)

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, action string
		want            bool
	}{
		{"*", "s3:GetObject", true},
		{"s3:*", "s3:GetObject", true},
		{"s3:*", "s3express:CreateSession", false},
		{"s3:Get*", "s3:getobject", true},
		{"s3:Get*", "s3:PutObject", false},
		{"iam:Put*Policy", "iam:PutRolePolicy", true},
		{"iam:Put*Policy", "iam:PutRolePermissionsBoundary", false},
		{"s3:?etObject", "s3:GetObject", true},
		{"dynamodb:GetItem", "dynamodb:GetItems", false},
		{"", "s3:GetObject", false},
		{"**", "", true},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.action); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.action, got, tt.want)
		}
	}
}

func TestResourceScope(t *testing.T) {
	tests := []struct {
		resource string
		want     Scope
	}{
		{"*", ScopeAll},
		{"arn:aws:s3:::*", ScopeAll},
		{"arn:aws:s3:::uploads/*", ScopeWholeBucket},
		{"arn:aws:s3:::uploads/user/*", ScopeSpecific},
		{"arn:aws:s3:::uploads-*", ScopeAllOfType},
		{"arn:aws:dynamodb:us-east-1:123456789012:table/*", ScopeAllOfType},
		{"arn:aws:dynamodb:us-east-1:123456789012:table/orders", ScopeSpecific},
		{"arn:aws:logs:REGION:ACCOUNT_ID:log-group:/aws/lambda/MyBotFunction:*", ScopeSpecific},
		{"arn:aws:secretsmanager:us-east-1:1:secret:*", ScopeAllOfType},
		{"arn:aws:*:*:*:*", ScopeAll},
		{"${aws_s3_bucket.x.arn}", ScopeSpecific},
		{"${aws_s3_bucket.x.arn}/*", ScopeWholeBucket},
		{"${aws_cloudwatch_log_group.x.arn}:*", ScopeSpecific},
		{"${Table.Arn}", ScopeSpecific},
	}
	for _, tt := range tests {
		if got := ResourceScope(tt.resource); got != tt.want {
			t.Errorf("ResourceScope(%q) = %v, want %v", tt.resource, got, tt.want)
		}
	}
}

func TestParseJSONPositions(t *testing.T) {
	n, err := parseJSON("p.json", []byte("{\n  \"Statement\": [\n    {\"Action\": \"s3:GetObject\"}\n  ]\n}"))
	if err != nil {
		t.Fatal(err)
	}
	sts := statementsFromNode(n)
	if len(sts) != 1 || sts[0].Line != 3 || sts[0].Actions[0].Line != 3 || sts[0].Actions[0].S != "s3:GetObject" {
		t.Fatalf("got %+v", sts)
	}
}

func TestParseJSONErrors(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{"{\n  \"a\": tru\n}", "p.json:2:"},
		{"{\"a\": 1", "p.json:1:8"},
		{"[1, 2] 3", "p.json:1:"},
		{"", "p.json:1:1"},
		{strings.Repeat("[", 600) + strings.Repeat("]", 600), "nested too deeply"},
	}
	for _, tt := range tests {
		_, err := parseJSON("p.json", []byte(tt.src))
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseJSON(%.20q) error = %v, want containing %q", tt.src, err, tt.want)
		}
	}
}

// TestSeedPolicyHoldsLeastPrivilege checks the seed's scoped policy: no
// finding, and a positive least-privilege observation a model can cite.
func TestSeedPolicyHoldsLeastPrivilege(t *testing.T) {
	set, err := New().Scan(context.Background(), "testdata/fixtures/json/seed-scoped.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Findings) != 0 {
		t.Fatalf("findings on the seed policy: %+v", set.Findings)
	}
	if len(set.Observations) != 1 || !set.Observations[0].Holds || set.Observations[0].Property != evidence.LeastPrivilege {
		t.Fatalf("observations = %+v", set.Observations)
	}
}

func TestObservations(t *testing.T) {
	set, err := New().Scan(context.Background(), "testdata/fixtures/terraform")
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
		{evidence.UnsharedIdentity, "aws_iam_role.shared"}:       false,
		{evidence.UnsharedIdentity, "aws_iam_role.bot"}:          true,
		{evidence.LeastPrivilege, "aws_iam_role.shared"}:         false,
		{evidence.LeastPrivilege, "aws_iam_role.bot"}:            true,
		{evidence.LeastPrivilege, "aws_iam_role.admin"}:          false,
		{evidence.LeastPrivilege, "aws_iam_user.ci"}:             false,
		{evidence.UnsharedIdentity, `aws_iam_role.bot["alpha"]`}: true,
		// Its one policy reads, writes and deletes the objects of one
		// bucket: that is one resource's contents.
		{evidence.LeastPrivilege, "aws_iam_role.managed_ref"}:  true,
		{evidence.LeastPrivilege, `aws_iam_role.bot["gamma"]`}: true,
	}
	for k, holds := range want {
		h, ok := got[k]
		if !ok || h != holds {
			t.Errorf("%s %s: holds=%v present=%v, want holds=%v", k.p, k.subject, h, ok, holds)
		}
	}
}

func TestSingleFileParseErrorIsAnError(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(p, []byte("{\n  \"Statement\": [\n    {\"Effect\": }\n  ]\n}"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := New().Scan(context.Background(), p)
	if err == nil || !strings.Contains(err.Error(), "bad.json:3:") {
		t.Fatalf("err = %v, want bad.json:3:col", err)
	}
	// In a tree the same file is a finding, and the scan goes on.
	set, err := New().Scan(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Findings) != 1 || set.Findings[0].Rule != "iam-parse-error" || set.Findings[0].Line != 3 {
		t.Fatalf("findings = %+v", set.Findings)
	}
}

func TestRulesMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("duplicate rule id %s", r.ID)
		}
		seen[r.ID] = true
		if !strings.HasPrefix(r.ID, "iam-") || r.Title == "" || len(r.Description) < 40 {
			t.Errorf("rule %q lacks metadata: %+v", r.ID, r)
		}
	}
	for _, c := range statementChecks {
		if !seen[c.info.ID] {
			t.Errorf("check %s not listed in Rules()", c.info.ID)
		}
	}
	for _, c := range identityChecks {
		if !seen[c.info.ID] {
			t.Errorf("check %s not listed in Rules()", c.info.ID)
		}
	}
}

// TestAliasBomb checks that a YAML document whose aliases describe
// billions of actions is read within a budget, not expanded.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("Resources:\n  R:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n        L0: &l0 [\"s3:GetObject\", \"s3:GetObject\", \"s3:GetObject\", \"s3:GetObject\", \"s3:GetObject\", \"s3:GetObject\", \"s3:GetObject\", \"s3:GetObject\", \"s3:GetObject\"]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "        L%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("        Statement:\n          - Effect: Allow\n            Action: *l9\n            Resource: \"*\"\n")
	n, err := parseYAML("bomb.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	inv := &Inventory{}
	readDocumentFile(inv, "bomb.yaml", n)
	Analyse(inv)
	if len(inv.Docs) != 1 || len(inv.Docs[0].Statements[0].Actions) != maxValues {
		t.Fatalf("docs = %d", len(inv.Docs))
	}
}
