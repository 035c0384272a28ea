# Uploaded documents. The bucket was made public so that the frontend could
# link files directly; object keys are user_id/filename.

resource "aws_s3_bucket" "uploads" {
  bucket = "${local.app}-uploads"
}

resource "aws_s3_bucket_policy" "uploads_public_read" {
  bucket = aws_s3_bucket.uploads.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PublicRead"
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.uploads.arn}/*"
    }]
  })
}

resource "aws_db_instance" "app" {
  identifier          = "${local.app}-db"
  engine              = "postgres"
  instance_class      = "db.t4g.small"
  allocated_storage   = 20
  username            = "docqa"
  password            = "docqa-prod-pw-2025"
  skip_final_snapshot = true
}
