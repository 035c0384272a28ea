package terraform

import (
	"strings"
	"testing"
)

func load(t *testing.T, files ...string) *Module {
	t.Helper()
	var fs []File
	for i := 0; i+1 < len(files); i += 2 {
		fs = append(fs, File{Rel: files[i], Src: []byte(files[i+1])})
	}
	return Load("mod", fs)
}

func TestStaticEvaluation(t *testing.T) {
	m := load(t,
		"mod/main.tf", `
variable "env" { default = "dev" }
variable "port" { default = 22 }
variable "unset" {}
locals {
  name   = "${local.prefix}-${var.env}"
  prefix = upper("acme")
  bots   = toset(["a", "b", "c"])
  ref    = aws_s3_bucket.x.arn
}
resource "aws_s3_bucket" "x" {
  bucket = local.name
  tags   = { port = var.port, unset = var.unset, ref = local.ref }
}
resource "aws_lambda_function" "bot" {
  for_each = local.bots
  role     = aws_iam_role.r[each.key].arn
}
resource "aws_instance" "n" {
  count = 2
}
`,
		"mod/terraform.tfvars", `env = "prod"`)
	if len(m.Diagnostics) != 0 {
		t.Fatalf("diagnostics: %v", m.Diagnostics)
	}
	b := m.ByAddress("aws_s3_bucket.x")
	if b == nil {
		t.Fatal("bucket not loaded")
	}
	if got, ok := m.String(Attr(b.Body, "bucket").Expr); !ok || got != "ACME-prod" {
		t.Errorf("bucket = %q, %v; want ACME-prod (local through local, var from tfvars)", got, ok)
	}
	tags := m.Node(Attr(b.Body, "tags").Expr)
	vals := map[string]string{}
	for i := 0; i+1 < len(tags.Content); i += 2 {
		vals[tags.Content[i].Value] = tags.Content[i+1].Value
	}
	if vals["port"] != "22" || !strings.HasPrefix(vals["unset"], "${") || !strings.HasPrefix(vals["ref"], "${") {
		t.Errorf("tags = %v", vals)
	}
	if fn := m.ByAddress("aws_lambda_function.bot"); fn.Instances != 3 || strings.Join(fn.Keys, ",") != "a,b,c" {
		t.Errorf("for_each instances = %d %v", fn.Instances, fn.Keys)
	}
	if n := m.ByAddress("aws_instance.n"); n.Instances != 2 {
		t.Errorf("count instances = %d", n.Instances)
	}
	refs := References(Attr(m.ByAddress("aws_lambda_function.bot").Body, "role").Expr)
	if len(refs) != 1 || refs[0] != "aws_iam_role.r" {
		t.Errorf("references = %v", refs)
	}
}

func TestRenderKeepsUnknownParts(t *testing.T) {
	m := load(t, "mod/main.tf", `
resource "x" "y" {
  a = "${aws_s3_bucket.b.arn}/*"
  b = ["literal", aws_sqs_queue.q.arn]
  c = data.aws_iam_policy_document.d.json
}`)
	body := m.ByAddress("x.y").Body
	if got := m.Render(Attr(body, "a").Expr); got != "${aws_s3_bucket.b.arn}/*" {
		t.Errorf("render a = %q", got)
	}
	if got := m.Strings(Attr(body, "b").Expr); len(got) != 2 || got[0] != "literal" || got[1] != "${aws_sqs_queue.q.arn}" {
		t.Errorf("strings b = %q", got)
	}
	if refs := References(Attr(body, "c").Expr); len(refs) != 1 || refs[0] != "data.aws_iam_policy_document.d" {
		t.Errorf("refs c = %v", refs)
	}
}

func TestDiagnosticsArePositioned(t *testing.T) {
	m := load(t, "mod/bad.tf", "resource \"a\" \"b\" {\n  x = [1,\n}\n", "mod/good.tf", "resource \"a\" \"c\" {}\n")
	if len(m.Diagnostics) != 1 {
		t.Fatalf("diagnostics = %v", m.Diagnostics)
	}
	d := m.Diagnostics[0]
	if d.File != "mod/bad.tf" || d.Line == 0 || d.Column == 0 {
		t.Errorf("diagnostic = %+v", d)
	}
	if m.ByAddress("a.c") == nil || m.ByAddress("a.b") != nil {
		t.Errorf("want the good file loaded and the bad one left out")
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(`locals { a = "${local.b}" b = "${local.a}" }`))
	f.Add([]byte(`resource "a" "b" { for_each = { x = 1 } c = jsonencode({ k = [1, 2] }) }`))
	f.Add([]byte(`variable "v" { default = format("%s-%d", "a", 1) }`))
	f.Fuzz(func(t *testing.T, src []byte) {
		m := Load(".", []File{{Rel: "main.tf", Src: src}})
		for _, b := range m.Blocks {
			for _, a := range b.Body.Attributes {
				m.Render(a.Expr)
				m.Strings(a.Expr)
				m.Node(a.Expr)
				References(a.Expr)
			}
		}
	})
}

func TestHostileExpressionsStayBounded(t *testing.T) {
	m := load(t, "mod/main.tf", `
locals {
  wide = format("%999999999d", 1)
  big  = range(100000000)
}
resource "a" "b" {
  count = 100000000
  x     = local.wide
}`)
	b := m.ByAddress("a.b")
	if b.Instances != 0 {
		t.Errorf("instances = %d, want unknown (0)", b.Instances)
	}
	if s, ok := m.String(Attr(b.Body, "x").Expr); ok && len(s) > 1024 {
		t.Errorf("wide format evaluated to %d bytes", len(s))
	}
}
