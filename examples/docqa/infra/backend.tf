# The Python backend runs on ECS Fargate.

resource "aws_iam_role" "backend" {
  name = "${local.app}-backend"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "backend" {
  role = aws_iam_role.backend.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:*"
      Resource = [aws_s3_bucket.uploads.arn, "${aws_s3_bucket.uploads.arn}/*"]
    }]
  })
}

resource "aws_ecs_task_definition" "backend" {
  family                   = "${local.app}-backend"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  task_role_arn            = aws_iam_role.backend.arn

  container_definitions = jsonencode([{
    name      = "backend"
    image     = "ghcr.io/docqa/backend:latest"
    essential = true
    environment = [
      { name = "UPLOADS_BUCKET", value = aws_s3_bucket.uploads.bucket },
      { name = "OPENAI_API_KEY", value = "sk-proj-EXAMPLEdocqaNOTAREALKEY0000" },
    ]
  }])
}

resource "aws_ecs_service" "backend" {
  name            = "${local.app}-backend"
  task_definition = aws_ecs_task_definition.backend.arn
  desired_count   = 2
  launch_type     = "FARGATE"
}
