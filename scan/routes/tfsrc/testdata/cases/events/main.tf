resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}

resource "aws_lambda_event_source_mapping" "jobs" { # want: queue CONSUME aws_sqs_queue.jobs []
  event_source_arn = aws_sqs_queue.jobs.arn
  function_name    = aws_lambda_function.worker.arn
}

resource "aws_cloudwatch_event_rule" "nightly" { # want: cron SCHEDULE nightly-report []
  name                = "nightly-report"
  schedule_expression = "cron(0 3 * * ? *)"
}

resource "aws_cloudwatch_event_target" "nightly" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = aws_lambda_function.report.arn
}

resource "aws_cloudwatch_event_rule" "on_upload" {
  event_pattern = jsonencode({ source = ["aws.s3"] })
}

resource "aws_scheduler_schedule" "sync" { # want: cron SCHEDULE sync []
  schedule_expression = "rate(1 hour)"
  flexible_time_window { mode = "OFF" }
  target {
    arn      = aws_lambda_function.sync.arn
    role_arn = aws_iam_role.scheduler.arn
  }
}
