# Bots reach the summarizer through an internal load balancer, over plain
# HTTP: "it is inside the VPC" was the reasoning.

resource "aws_security_group" "bots" {
  name        = "bots"
  description = "bot fleet tasks and functions"

  ingress {
    description = "bot to bot HTTP"
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "internal" {
  name               = "bots-internal"
  internal           = true
  load_balancer_type = "application"
  security_groups    = [aws_security_group.bots.id]
  subnets            = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

resource "aws_lb_target_group" "summarizer" {
  name        = "summarizer"
  port        = 8080
  protocol    = "HTTP"
  target_type = "lambda"
}

resource "aws_lb_listener" "internal_http" {
  load_balancer_arn = aws_lb.internal.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.summarizer.arn
  }
}
