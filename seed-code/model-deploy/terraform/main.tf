# One stage of the model: SageMaker model (from the approved model package), endpoint
# configuration (with data capture to the artifact bucket) and endpoint.

resource "aws_sagemaker_model" "model" {
  name               = local.model_name
  execution_role_arn = var.execution_role_arn

  primary_container {
    model_package_name = var.model_package_arn
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_sagemaker_endpoint_configuration" "endpoint" {
  name = local.endpoint_configuration_name

  production_variants {
    variant_name           = "AllTraffic"
    model_name             = aws_sagemaker_model.model.name
    instance_type          = var.instance_type
    initial_instance_count = var.instance_count
  }

  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = var.data_capture_sampling_percentage
    destination_s3_uri          = local.data_capture_uri

    capture_options {
      capture_mode = "Input"
    }
    capture_options {
      capture_mode = "Output"
    }
    capture_content_type_header {
      csv_content_types = ["text/csv"]
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_sagemaker_endpoint" "endpoint" {
  name                 = local.endpoint_name
  endpoint_config_name = aws_sagemaker_endpoint_configuration.endpoint.name
}
