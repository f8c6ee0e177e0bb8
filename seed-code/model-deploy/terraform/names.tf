# Names of one stage's resources, derived from the variables alone. Each starts with the SageMaker
# project id: the project's CI role may manage only endpoints, endpoint configurations and models
# whose names start with it (a project name could be the start of another project's name).
#
# Models and endpoint configurations cannot be changed in place. Their names end with a hash of
# their settings, so a new model version or new settings create new ones first, the endpoint is
# updated to them without downtime, and only then are the old ones deleted.

locals {
  endpoint_name         = "${var.sagemaker_project_id}-${var.stage}"
  model_package_version = regex("/([0-9]+)$", var.model_package_arn)[0]
  data_capture_uri      = "s3://${var.artifact_bucket}/data-capture/${local.endpoint_name}"

  model_settings = {
    model_package_arn  = var.model_package_arn
    execution_role_arn = var.execution_role_arn
  }
  model_name = "${local.endpoint_name}-v${local.model_package_version}-${substr(sha1(jsonencode(local.model_settings)), 0, 8)}"

  endpoint_settings = {
    model_name                       = local.model_name
    instance_type                    = var.instance_type
    instance_count                   = var.instance_count
    data_capture_sampling_percentage = var.data_capture_sampling_percentage
    data_capture_uri                 = local.data_capture_uri
  }
  endpoint_configuration_name = "${local.endpoint_name}-${substr(sha1(jsonencode(local.endpoint_settings)), 0, 8)}"
}
