resource "aws_lambda_function" "bot" {
  for_each = local.lambda_bots

  function_name = "${local.fleet}-${each.key}"
  description   = each.value
  role          = aws_iam_role.bot[each.key].arn
  runtime       = "python3.12"
  handler       = "bot.handler"
  filename      = "build/${each.key}.zip"
  kms_key_arn   = aws_kms_key.fleet.arn

  environment {
    variables = {
      STATE_TABLE    = aws_dynamodb_table.bot_state.name
      OUTPUT_QUEUE   = aws_sqs_queue.items.url
      SUMMARIZER_URL = local.summarizer_url
    }
  }
}
