variable "stage" { default = "prod" }

resource "aws_api_gateway_rest_api" "shop" {
  name = "shop"
}

resource "aws_api_gateway_resource" "api" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  parent_id   = aws_api_gateway_rest_api.shop.root_resource_id
  path_part   = "api"
}

resource "aws_api_gateway_resource" "orders" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  parent_id   = aws_api_gateway_resource.api.id
  path_part   = "orders"
}

resource "aws_api_gateway_resource" "order" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  parent_id   = aws_api_gateway_resource.orders.id
  path_part   = "{id}"
}

resource "aws_api_gateway_method" "root_get" { # want: http GET / []
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  resource_id   = aws_api_gateway_rest_api.shop.root_resource_id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_method" "orders_post" { # want: http POST /api/orders [auth]
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  resource_id   = aws_api_gateway_resource.orders.id
  http_method   = "POST"
  authorization = "COGNITO_USER_POOLS"
  authorizer_id = "x"
}

resource "aws_api_gateway_method" "order_get" { # want: http GET /api/orders/{id} [rate-limit]
  rest_api_id      = aws_api_gateway_rest_api.shop.id
  resource_id      = aws_api_gateway_resource.order.id
  http_method      = "GET"
  authorization    = "NONE"
  api_key_required = true
}

resource "aws_api_gateway_method" "order_delete" { # want: http DELETE /api/orders/{id} [auth]
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  resource_id   = aws_api_gateway_resource.order.id
  http_method   = "DELETE"
  authorization = "AWS_IAM"
}

resource "aws_api_gateway_method" "mystery" { # want-unresolved
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  resource_id   = var.resource_id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_usage_plan" "basic" {
  name = "basic"
  api_stages {
    api_id = aws_api_gateway_rest_api.shop.id
    stage  = var.stage
  }
  throttle_settings {
    rate_limit  = 10
    burst_limit = 20
  }
}

resource "aws_api_gateway_rest_api" "imported" { # want-unresolved
  name = "imported"
  body = file("openapi.json")
}
