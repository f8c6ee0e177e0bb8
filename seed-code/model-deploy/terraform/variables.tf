# The build job writes these into build/<stage>.tfvars.json from <stage>-config.json and the
# project's CI/CD variables. Each can be wrong, so each is checked before anything is created.

variable "region" {
  type        = string
  description = "AWS region of the SageMaker project (CI/CD variable AWS_REGION)."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region code such as us-east-1."
  }
}

variable "sagemaker_project_name" {
  type        = string
  description = "Name of the SageMaker project (CI/CD variable SAGEMAKER_PROJECT_NAME); endpoint names start with it."

  validation {
    condition     = can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$", var.sagemaker_project_name))
    error_message = "sagemaker_project_name must be 1-32 letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "sagemaker_project_id" {
  type        = string
  description = "Id of the SageMaker project (CI/CD variable SAGEMAKER_PROJECT_ID)."

  validation {
    condition     = can(regex("^p-[a-z0-9]{12}$", var.sagemaker_project_id))
    error_message = "sagemaker_project_id must look like p-abcdefghijkl."
  }
}

variable "stage" {
  type        = string
  description = "Deployment stage: staging or prod. Part of every resource name."

  validation {
    condition     = contains(["staging", "prod"], var.stage)
    error_message = "stage must be staging or prod."
  }
}

variable "artifact_bucket" {
  type        = string
  description = "The project's artifact bucket (CI/CD variable ARTIFACT_BUCKET); captured requests and responses go there."

  validation {
    condition     = endswith(var.artifact_bucket, "-${var.sagemaker_project_id}")
    error_message = "artifact_bucket must be the project's bucket, <platform prefix>-<sagemaker_project_id> (the CI/CD variable ARTIFACT_BUCKET)."
  }
}

variable "model_package_arn" {
  type        = string
  description = "Approved model package to deploy (resolved by the build job)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:model-package/[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}/[0-9]+$", var.model_package_arn))
    error_message = "model_package_arn must be a versioned model package ARN: arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>."
  }
}

variable "execution_role_arn" {
  type        = string
  description = "Role the model runs as (CI/CD variable SAGEMAKER_PIPELINE_ROLE_ARN)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[a-zA-Z0-9/_+=,.@-]+$", var.execution_role_arn))
    error_message = "execution_role_arn must be an IAM role ARN."
  }
}

variable "instance_type" {
  type        = string
  description = "Instance type of the endpoint (<stage>-config.json); one the model package supports."

  validation {
    condition     = can(regex("^ml\\.[a-z0-9]+\\.[a-z0-9]+$", var.instance_type))
    error_message = "instance_type must be a SageMaker instance type such as ml.m5.large."
  }
}

variable "instance_count" {
  type        = number
  description = "Number of instances behind the endpoint (<stage>-config.json)."

  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 10 && floor(var.instance_count) == var.instance_count
    error_message = "instance_count must be a whole number from 1 to 10."
  }
}

variable "data_capture_sampling_percentage" {
  type        = number
  description = "Percentage of requests whose input and output are captured to the artifact bucket (<stage>-config.json)."

  validation {
    condition     = var.data_capture_sampling_percentage >= 1 && var.data_capture_sampling_percentage <= 100 && floor(var.data_capture_sampling_percentage) == var.data_capture_sampling_percentage
    error_message = "data_capture_sampling_percentage must be a whole number from 1 to 100."
  }
}
