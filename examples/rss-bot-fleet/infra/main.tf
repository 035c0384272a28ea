# The RSS bot fleet: a dozen small bots that ingest feeds, enrich items and
# publish them. Eleven run as Lambda functions, the RSS ingestion bot runs on
# ECS. This is the "before" state: every bot runs as one shared,
# over-permissioned identity, storage is not encrypted at rest and bots call
# each other over plain HTTP.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}

locals {
  fleet = "rss-bot-fleet"

  # Every Lambda bot and what it does. The RSS ingestion bot is the twelfth
  # and runs on ECS (see ecs.tf).
  lambda_bots = {
    "summarizer"     = "summarises new items"
    "translator"     = "translates non-English items"
    "tagger"         = "tags items by topic"
    "dedup"          = "drops duplicate items"
    "publisher"      = "posts items to the channels"
    "digest-mailer"  = "mails the daily digest"
    "link-checker"   = "checks links in items"
    "thumbnailer"    = "renders preview images"
    "sentiment"      = "scores item sentiment"
    "archiver"       = "archives items older than 30 days"
    "alerting"       = "alerts on feed failures"
  }

  summarizer_url = "http://summarizer.${local.fleet}.internal:8080/summarize"
}
