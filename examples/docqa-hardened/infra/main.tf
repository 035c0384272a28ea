# docqa on AWS with its defences in place: a private, encrypted, logged
# uploads bucket served only through signed URLs; the admin dashboard
# reachable from the VPN only; TLS everywhere; an audit trail.

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

variable "vpn_cidr" {
  description = "the office VPN, the only network the admin dashboard accepts"
  type        = string
  default     = "10.8.0.0/16"
}

variable "certificate_arn" {
  type    = string
  default = "arn:aws:acm:us-east-1:123456789012:certificate/0f6c2a56-docqa"
}

locals {
  app = "docqa"
}

resource "aws_kms_key" "data" {
  description         = "docqa data at rest"
  enable_key_rotation = true
}
