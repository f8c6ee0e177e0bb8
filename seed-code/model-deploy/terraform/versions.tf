terraform {
  # S3 native state locking (use_lockfile) is generally available from 1.11.
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }

  # Partial configuration: the CI job gives bucket (the project's artifact bucket), key (one per
  # stage, so staging and prod never share state) and region to `terraform init`.
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      "sagemaker:project-name" = var.sagemaker_project_name
      "sagemaker:project-id"   = var.sagemaker_project_id
      "model-deploy:stage"     = var.stage
    }
  }
}
