# Bots reach the summarizer through the internal load balancer over HTTPS.

resource "aws_security_group" "bots" {
  name        = "bots"
  description = "bot fleet tasks and functions"

  ingress {
    description = "bot to bot HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "internal" {
  name               = "bots-internal"
  internal           = true
  load_balancer_type = "application"
  security_groups    = [aws_security_group.bots.id]
  subnets            = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]

  access_logs {
    bucket  = aws_s3_bucket.access_logs.id
    prefix  = "internal-lb"
    enabled = true
  }
}

resource "aws_lb_target_group" "summarizer" {
  name        = "summarizer"
  target_type = "lambda"
}

resource "aws_lb_listener" "internal_https" {
  load_balancer_arn = aws_lb.internal.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.summarizer.arn
  }
}
