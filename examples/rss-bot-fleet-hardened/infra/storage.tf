# State, queue, archive and cache, all encrypted at rest with the fleet key.

resource "aws_dynamodb_table" "bot_state" {
  name         = "rss-bot-state"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "feed_id"

  attribute {
    name = "feed_id"
    type = "S"
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.fleet.arn
  }
}

resource "aws_sqs_queue" "items" {
  name              = "rss-bot-items"
  kms_master_key_id = aws_kms_key.fleet.arn
}

resource "aws_s3_bucket" "feed_archive" {
  bucket = "botfleet-feed-archive"
}

resource "aws_s3_bucket_public_access_block" "feed_archive" {
  bucket                  = aws_s3_bucket.feed_archive.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "feed_archive" {
  bucket = aws_s3_bucket.feed_archive.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.fleet.arn
    }
  }
}

resource "aws_s3_bucket_logging" "feed_archive" {
  bucket        = aws_s3_bucket.feed_archive.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "feed-archive/"
}

resource "aws_s3_bucket" "access_logs" {
  bucket = "botfleet-access-logs"
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket                  = aws_s3_bucket.access_logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_db_instance" "archive" {
  identifier                  = "rss-archive"
  engine                      = "postgres"
  instance_class              = "db.t4g.micro"
  allocated_storage           = 20
  username                    = "bots"
  manage_master_user_password = true
  storage_encrypted           = true
  kms_key_id                  = aws_kms_key.fleet.arn
  skip_final_snapshot         = true
}

resource "aws_elasticache_replication_group" "dedup_cache" {
  replication_group_id       = "rss-dedup"
  description                = "seen-item hashes for the dedup bot"
  engine                     = "redis"
  node_type                  = "cache.t4g.micro"
  num_cache_clusters         = 1
  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.fleet.arn
  transit_encryption_enabled = true
}

resource "aws_cloudtrail" "fleet" {
  name                       = "${local.fleet}-trail"
  s3_bucket_name             = aws_s3_bucket.access_logs.id
  s3_key_prefix              = "cloudtrail"
  is_multi_region_trail      = true
  enable_log_file_validation = true
}
