/**
 * The CI/CD variables the sagemaker-project stack sets on both GitLab projects, and the pipeline
 * variable the deploy trigger passes: the contract the seed code's `.gitlab-ci.yml` files read.
 */
export const CI_VARIABLES = {
  /** Set on the build and the deploy project. */
  common: [
    'SAGEMAKER_PROJECT_NAME',
    'SAGEMAKER_PROJECT_ID',
    'SAGEMAKER_PROJECT_ARN',
    'AWS_REGION',
    'ARTIFACT_BUCKET',
    'MODEL_PACKAGE_GROUP_NAME',
    'SAGEMAKER_PIPELINE_ROLE_ARN',
  ],
  /** oidc mode: the role the jobs assume with a GitLab ID token (audience = the GitLab URL). */
  oidc: ['AWS_ROLE_ARN'],
  /** access-keys mode: masked and protected. */
  accessKeys: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
  /** Pipeline variable of deploy pipelines started by the deploy trigger on model approval. */
  deployPipeline: ['MODEL_PACKAGE_ARN'],
} as const;
