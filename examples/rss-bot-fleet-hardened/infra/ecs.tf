# The RSS ingestion bot: its own task role, an image pinned by digest, a
# non-root user, HTTPS to the summarizer.

resource "aws_ecs_cluster" "bots" {
  name = local.fleet
}

resource "aws_ecs_task_definition" "rss_ingest" {
  family                   = "rss-ingest"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  task_role_arn            = aws_iam_role.rss_ingest.arn
  execution_role_arn       = aws_iam_role.ecs_execution.arn

  container_definitions = jsonencode([{
    name      = "rss-ingest"
    image     = "ghcr.io/botfleet/rss-ingest@sha256:3b9e1c4d5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e"
    user      = "10001:10001"
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
