# Where the fleet keeps its state, its queue of items and its archive.

resource "aws_dynamodb_table" "bot_state" {
  name         = "rss-bot-state"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "feed_id"

  attribute {
    name = "feed_id"
    type = "S"
  }
}

resource "aws_sqs_queue" "items" {
  name                    = "rss-bot-items"
  sqs_managed_sse_enabled = false
}

resource "aws_s3_bucket" "feed_archive" {
  bucket = "botfleet-feed-archive"
}

resource "aws_db_instance" "archive" {
  identifier          = "rss-archive"
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  allocated_storage   = 20
  username            = "bots"
  password            = "bot-fleet-archive-2024"
  storage_encrypted   = false
  skip_final_snapshot = true
}

resource "aws_elasticache_replication_group" "dedup_cache" {
  replication_group_id       = "rss-dedup"
  description                = "seen-item hashes for the dedup bot"
  engine                     = "redis"
  node_type                  = "cache.t4g.micro"
  num_cache_clusters         = 1
  at_rest_encryption_enabled = false
  transit_encryption_enabled = false
}
