/**
 * Environment variables the project's functions are deployed with: the constructs set them, the
 * handlers read them. Values are names, ids and ARNs, never a secret.
 */

/** How the project's GitLab CI jobs get AWS credentials (CI_AUTH_MODE). */
export const CI_AUTH_MODES = ['oidc', 'access-keys'] as const;
export type CiAuthMode = (typeof CI_AUTH_MODES)[number];

/** The seeding function: creates the deploy trigger's token, the CI key (access-keys mode) and the seed commits. */
export const SEED_SETTINGS = {
  /** Base URL of the platform's GitLab (https, no trailing slash). */
  gitlabUrl: 'GITLAB_URL',
  /** ARN of the secret holding the platform's namespace token (plain text). */
  tokenSecretArn: 'GITLAB_TOKEN_SECRET_ARN',
  projectName: 'SAGEMAKER_PROJECT_NAME',
  projectId: 'SAGEMAKER_PROJECT_ID',
  /** The two GitLab projects this function may write to, and nothing else. */
  buildProjectId: 'BUILD_GITLAB_PROJECT_ID',
  deployProjectId: 'DEPLOY_GITLAB_PROJECT_ID',
  /** Branch the seed commits create (the protected default branch). */
  defaultBranch: 'DEFAULT_BRANCH',
  /** ARN of the project's secret that receives the deploy project's pipeline trigger token. */
  triggerTokenSecretArn: 'DEPLOY_TRIGGER_TOKEN_SECRET_ARN',
  /** `oidc` or `access-keys` (CI_AUTH_MODES). */
  ciAuthMode: 'CI_AUTH_MODE',
  /** access-keys mode: the project's CI IAM user, whose key the function creates. Unset or empty in oidc mode. */
  ciUserName: 'CI_IAM_USER_NAME',
} as const;

/** The detail-type of the EventBridge events the deploy trigger's rule matches. */
export const MODEL_PACKAGE_STATE_CHANGE = 'SageMaker Model Package State Change';

/** The deploy-trigger function: one deploy pipeline per approved model package version. */
export const DEPLOY_TRIGGER_SETTINGS = {
  gitlabUrl: 'GITLAB_URL',
  /** ARN of the project's secret holding the deploy project's pipeline trigger token. */
  triggerTokenSecretArn: 'DEPLOY_TRIGGER_TOKEN_SECRET_ARN',
  deployProjectId: 'DEPLOY_GITLAB_PROJECT_ID',
  deployBranch: 'DEPLOY_BRANCH',
  modelPackageGroupName: 'MODEL_PACKAGE_GROUP_NAME',
  projectId: 'SAGEMAKER_PROJECT_ID',
  /** DynamoDB table of the project's deploy records (contract/deploy-records.ts). */
  deployRecordsTable: 'DEPLOY_RECORDS_TABLE',
} as const;

/**
 * What Terraform's aws_lambda_invocation sends the seeding function. The targets are the function's
 * own settings, never the input: the digest only makes Terraform invoke it again when the seed code
 * changes, and must equal the digest of the seed code packaged with the function.
 */
export interface SeedInvocationInput {
  /** seedCodeFingerprint() of the packaged seed code (lambda/seed-code/seed-files.ts): 64 hex digits. */
  readonly seedCodeDigest: string;
}

/** What the project's trigger-token secret holds, as both functions' messages name it. */
export const TRIGGER_TOKEN_SECRET_HOLDS = "the deploy project's pipeline trigger token";

/** The pipeline trigger the seeding function keeps on the deploy project: its description names the SageMaker project. */
export const deployTriggerDescription = (sagemakerProjectId: string) => `SageMaker project ${sagemakerProjectId} deploy trigger`;

/** The tag marking a repository's seed commit: its presence means "seeded", however many commits followed. */
export const seedTagName = (sagemakerProjectId: string) => `sagemaker-project-seed-${sagemakerProjectId}`;
