# One service account for the whole fleet. Every bot runs as it, so every bot
# can do what any bot needs, and more.

resource "aws_iam_role" "super_bot_admin" {
  name = "super_bot_admin"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = ["lambda.amazonaws.com", "ecs-tasks.amazonaws.com"] }
    }]
  })
}

resource "aws_iam_policy" "super_bot_admin" {
  name        = "super_bot_admin"
  description = "Everything the bots might need"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Data"
        Effect   = "Allow"
        Action   = ["dynamodb:*", "s3:*", "sqs:*"]
        Resource = "*"
      },
      {
        Sid      = "Secrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue", "kms:Decrypt"]
        Resource = "*"
      },
      {
        Sid      = "Deploy"
        Effect   = "Allow"
        Action   = ["iam:PassRole", "lambda:CreateFunction", "lambda:UpdateFunctionCode"]
        Resource = "*"
      },
      {
        Sid      = "Logs"
        Effect   = "Allow"
        Action   = "logs:*"
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "super_bot_admin" {
  role       = aws_iam_role.super_bot_admin.name
  policy_arn = aws_iam_policy.super_bot_admin.arn
}
