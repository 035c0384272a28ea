# One role per bot. Each Lambda bot may read the fleet state table, send to
# the items queue and write its own log group, nothing else. The RSS
# ingestion bot's policy is the scoped policy in ../iam.

data "aws_iam_policy_document" "lambda_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "bot" {
  for_each           = local.lambda_bots
  name               = "bot-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
}

resource "aws_cloudwatch_log_group" "bot" {
  for_each          = local.lambda_bots
  name              = "/aws/lambda/${local.fleet}-${each.key}"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.fleet.arn
}

resource "aws_iam_role_policy" "bot" {
  for_each = local.lambda_bots
  role     = aws_iam_role.bot[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadBotState"
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:Query"]
        Resource = aws_dynamodb_table.bot_state.arn
      },
      {
        Sid      = "PublishItems"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = aws_sqs_queue.items.arn
      },
      {
        Sid      = "FleetKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.fleet.arn
      },
      {
        Sid      = "OwnLogGroup"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.bot[each.key].arn}:*"
      },
    ]
  })
}

data "aws_iam_policy_document" "ecs_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "rss_ingest" {
  name               = "bot-rss-ingest"
  assume_role_policy = data.aws_iam_policy_document.ecs_trust.json
}

resource "aws_iam_role_policy" "rss_ingest" {
  role   = aws_iam_role.rss_ingest.id
  policy = file("${path.module}/../iam/rss-ingest-scoped-policy.json")
}

# What the ECS agent uses to pull the image and write logs; the bot's code
# never runs as it.
resource "aws_iam_role" "ecs_execution" {
  name               = "rss-ingest-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_trust.json
}

resource "aws_iam_role_policy_attachment" "ecs_execution" {
  role       = aws_iam_role.ecs_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}
