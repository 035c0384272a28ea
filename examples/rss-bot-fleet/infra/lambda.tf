resource "aws_lambda_function" "bot" {
  for_each = local.lambda_bots

  function_name = "${local.fleet}-${each.key}"
  description   = each.value
  role          = aws_iam_role.super_bot_admin.arn
  runtime       = "python3.12"
  handler       = "bot.handler"
  filename      = "build/${each.key}.zip"

  environment {
    variables = {
      STATE_TABLE    = aws_dynamodb_table.bot_state.name
      OUTPUT_QUEUE   = aws_sqs_queue.items.url
      SUMMARIZER_URL = local.summarizer_url
    }
  }
}
