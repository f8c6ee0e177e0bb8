"""The model build pipeline of this SageMaker project (see README.md)."""
