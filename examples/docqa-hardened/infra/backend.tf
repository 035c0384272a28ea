# The Python backend runs on ECS Fargate with its own role, scoped to the
# uploads it reads and writes; its keys come from Secrets Manager.

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
    Statement = [
      {
        Sid      = "Uploads"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = "${aws_s3_bucket.uploads.arn}/*"
      },
      {
        Sid      = "UploadsKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.data.arn
      },
    ]
  })
}

resource "aws_secretsmanager_secret" "openai" {
  name       = "${local.app}/openai-api-key"
  kms_key_id = aws_kms_key.data.arn
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
    image     = "ghcr.io/docqa/backend@sha256:7d3f0c1be5a24c51f0c5b1d6f2a8e9c4b3a2d1e0f9c8b7a6d5e4f3a2b1c0d9e8"
    user      = "10001"
    essential = true
    environment = [
      { name = "UPLOADS_BUCKET", value = aws_s3_bucket.uploads.bucket },
    ]
    secrets = [
      { name = "OPENAI_API_KEY", valueFrom = aws_secretsmanager_secret.openai.arn },
    ]
  }])
}

resource "aws_ecs_service" "backend" {
  name            = "${local.app}-backend"
  task_definition = aws_ecs_task_definition.backend.arn
  desired_count   = 2
  launch_type     = "FARGATE"
}
