resource "aws_security_group" "web" {
  name        = "${local.app}-web"
  description = "public web and API"

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# The admin dashboard has its own load balancer, reachable from anywhere
# "until we set up the VPN".
resource "aws_security_group" "admin" {
  name        = "${local.app}-admin"
  description = "admin dashboard"

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "ssh for debugging"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "public" {
  name               = "${local.app}-public"
  load_balancer_type = "application"
  security_groups    = [aws_security_group.web.id]
  subnets            = ["subnet-0d0c0a0000000001", "subnet-0d0c0a0000000002"]
}

resource "aws_lb_listener" "public_http" {
  load_balancer_arn = aws_lb.public.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_lb_target_group" "api" {
  name     = "${local.app}-api"
  port     = 8000
  protocol = "HTTP"
}

resource "aws_lb" "admin" {
  name               = "${local.app}-admin"
  load_balancer_type = "application"
  security_groups    = [aws_security_group.admin.id]
  subnets            = ["subnet-0d0c0a0000000001", "subnet-0d0c0a0000000002"]
}
