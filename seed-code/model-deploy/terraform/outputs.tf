output "endpoint_name" {
  description = "Name of the endpoint to invoke (the deploy-and-test-staging job reads it)."
  value       = aws_sagemaker_endpoint.endpoint.name
}

output "endpoint_arn" {
  description = "ARN of the endpoint."
  value       = aws_sagemaker_endpoint.endpoint.arn
}

output "model_name" {
  description = "Name of the SageMaker model the endpoint serves."
  value       = aws_sagemaker_model.model.name
}

output "model_package_arn" {
  description = "Model package the model was created from."
  value       = var.model_package_arn
}

output "data_capture_uri" {
  description = "S3 prefix where the endpoint's captured requests and responses land."
  value       = local.data_capture_uri
}
