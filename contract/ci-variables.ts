/**
 * The CI/CD variables the sagemaker-project stack sets on the project's two GitLab projects, and the
 * pipeline variables the deploy trigger passes: what the seed code's `.gitlab-ci.yml` files read.
 */
export const CI_VARIABLES = {
  /** Set on the build and the deploy project, in plain sight (none is a secret). */
  common: [
    'SAGEMAKER_PROJECT_NAME',
    'SAGEMAKER_PROJECT_ID',
    'SAGEMAKER_PROJECT_ARN',
    'AWS_REGION',
    'ARTIFACT_BUCKET',
    'MODEL_PACKAGE_GROUP_NAME',
    'SAGEMAKER_PIPELINE_ROLE_ARN',
  ],
  /** Deploy project only: the table where a deploy pipeline claims the approval it was started for. */
  deploy: ['DEPLOY_RECORDS_TABLE'],
  /** oidc mode: the project's own CI role, assumed with a GitLab ID token (audience = the GitLab URL). */
  oidc: ['AWS_ROLE_ARN'],
  /**
   * access-keys mode: the key of the project's own CI user, masked, protected and raw. The seeding
   * function writes them (never Terraform, so the key is in no state file).
   */
  accessKeys: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
  /**
   * Pipeline variables of deploy pipelines started by the deploy trigger on model approval: the approved
   * package, and the marker of the request (the pipeline claims the deploy record with it).
   */
  deployPipeline: ['MODEL_PACKAGE_ARN', 'DEPLOY_REQUEST_ID'],
} as const;

/** The access-keys mode's variables, by role. */
export const [ACCESS_KEY_ID_VARIABLE, SECRET_ACCESS_KEY_VARIABLE] = CI_VARIABLES.accessKeys;
/** The deploy trigger's pipeline variables, by role. */
export const [MODEL_PACKAGE_ARN_VARIABLE, DEPLOY_REQUEST_ID_VARIABLE] = CI_VARIABLES.deployPipeline;
