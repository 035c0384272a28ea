resource "aws_apigatewayv2_api" "http" {
  name          = "http"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_route" "list" { # want: http GET /items [rate-limit]
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "GET /items"
  target    = "integrations/${aws_apigatewayv2_integration.fn.id}"
}

resource "aws_apigatewayv2_route" "create" { # want: http POST /items [auth,rate-limit]
  api_id             = aws_apigatewayv2_api.http.id
  route_key          = "POST /items"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.jwt.id
}

resource "aws_apigatewayv2_stage" "default" {
  api_id = aws_apigatewayv2_api.http.id
  name   = "$default"
  default_route_settings {
    throttling_rate_limit  = 50
    throttling_burst_limit = 100
  }
}

resource "aws_apigatewayv2_api" "quick" { # want: http ANY /{proxy} []
  name          = "quick"
  protocol_type = "HTTP"
  target        = aws_lambda_function.fn.arn
}

resource "aws_apigatewayv2_api" "open" {
  name          = "open"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_route" "open" { # want: http ANY /{proxy} []
  api_id    = aws_apigatewayv2_api.open.id
  route_key = "ANY /{proxy+}"
}

variable "target" {
  default = null
}

variable "route_key" {}

resource "aws_apigatewayv2_api" "module_style" {
  name          = "module"
  protocol_type = "HTTP"
  target        = var.target
}

resource "aws_apigatewayv2_route" "from_var" { # want-unresolved
  api_id    = aws_apigatewayv2_api.module_style.id
  route_key = var.route_key
}
