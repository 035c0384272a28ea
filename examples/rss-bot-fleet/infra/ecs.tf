# The RSS ingestion bot polls feeds on a schedule and runs as an ECS service.

resource "aws_ecs_cluster" "bots" {
  name = local.fleet
}

resource "aws_ecs_task_definition" "rss_ingest" {
  family                   = "rss-ingest"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  task_role_arn            = aws_iam_role.super_bot_admin.arn
  execution_role_arn       = aws_iam_role.super_bot_admin.arn

  container_definitions = jsonencode([{
    name      = "rss-ingest"
    image     = "ghcr.io/botfleet/rss-ingest:latest"
    essential = true
    environment = [
      { name = "SUMMARIZER_URL", value = local.summarizer_url },
      { name = "FEED_LIST_BUCKET", value = "botfleet-feed-archive" },
    ]
  }])
}

resource "aws_ecs_service" "rss_ingest" {
  name            = "rss-ingest"
  cluster         = aws_ecs_cluster.bots.id
  task_definition = aws_ecs_task_definition.rss_ingest.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = ["subnet-0a1b2c3d4e5f60001"]
    security_groups = [aws_security_group.bots.id]
  }
}
