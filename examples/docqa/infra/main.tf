# docqa on AWS, as first shipped: the frontend and API behind a public load
# balancer, uploads in S3, Postgres on RDS, an admin dashboard on its own
# load balancer. This is the "before" state the threat map flags.

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

locals {
  app = "docqa"
}
