package tfsrc

import (
	"testing"
	"time"
)

// TestHugeNumbersStayBounded checks that a number literal with a huge
// exponent where a string is expected (a route key, a path part, a limit)
// is treated as unknown rather than printed digit by digit.
func TestHugeNumbersStayBounded(t *testing.T) {
	done := make(chan Result, 1)
	go func() {
		done <- Extract([]File{{Rel: "m/main.tf", Src: []byte(`
resource "aws_apigatewayv2_route" "r" {
  route_key = 1e99999999
}
resource "aws_api_gateway_resource" "p" {
  parent_id = aws_api_gateway_rest_api.a.root_resource_id
  path_part = 9e99999999
}
resource "aws_api_gateway_method" "m" {
  resource_id   = aws_api_gateway_resource.p.id
  http_method   = "GET"
  authorization = 1e-99999999
}
`)}})
	}()
	select {
	case res := <-done:
		if len(res.Unresolved) == 0 {
			t.Errorf("a route key that is a huge number was not reported unresolved: %+v", res)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("extraction of huge numbers did not finish in 20 s")
	}
}

// TestHugeNumbersInTemplatesStayBounded covers a huge number reaching a
// string through a variable or inline in a template.
func TestHugeNumbersInTemplatesStayBounded(t *testing.T) {
	done := make(chan Result, 1)
	go func() {
		done <- Extract([]File{{Rel: "m/main.tf", Src: []byte(`
variable "x" { default = 1e99999999 }
locals { y = [2e99999999] }
resource "aws_apigatewayv2_route" "a" { route_key = "GET /${var.x}" }
resource "aws_apigatewayv2_route" "b" { route_key = "GET /${3e99999999}" }
resource "aws_apigatewayv2_route" "c" { route_key = "GET /${local.y[0]}" }
`)}})
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("extraction of templates holding huge numbers did not finish in 20 s")
	}
}
