resource "aws_security_group" "web" {
  name        = "${local.app}-web"
  description = "public web and API, HTTPS only (80 only redirects)"

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# The admin dashboard is internal and accepts the VPN only; no SSH at all
# (ECS Exec with MFA replaces it).
resource "aws_security_group" "admin" {
  name        = "${local.app}-admin"
  description = "admin dashboard, VPN only"

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.vpn_cidr]
  }
}

resource "aws_lb" "public" {
  name               = "${local.app}-public"
  load_balancer_type = "application"
  security_groups    = [aws_security_group.web.id]
  subnets            = ["subnet-0d0c0a0000000001", "subnet-0d0c0a0000000002"]

  access_logs {
    bucket  = aws_s3_bucket.access_logs.id
    prefix  = "public-lb"
    enabled = true
  }
}

resource "aws_lb_listener" "public_https" {
  load_balancer_arn = aws_lb.public.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_lb_listener" "public_redirect" {
  load_balancer_arn = aws_lb.public.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_target_group" "api" {
  name     = "${local.app}-api"
  port     = 8443
  protocol = "HTTPS"
}

resource "aws_lb" "admin" {
  name               = "${local.app}-admin"
  internal           = true
  load_balancer_type = "application"
  security_groups    = [aws_security_group.admin.id]
  subnets            = ["subnet-0d0c0a0000000003", "subnet-0d0c0a0000000004"]

  access_logs {
    bucket  = aws_s3_bucket.access_logs.id
    prefix  = "admin-lb"
    enabled = true
  }
}

resource "aws_lb_listener" "admin_https" {
  load_balancer_arn = aws_lb.admin.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}
