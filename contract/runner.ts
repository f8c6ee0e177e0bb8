/**
 * What both runner engines (CommandRunner, CodeBuild) agree on with run-terraform.sh: where the
 * artifacts live, the parameters file's platform keys, the state layout and the result file.
 */

/** Keys under the platform bucket. Code and script are content-addressed: `<prefix><sha256><suffix>`. */
export const ARTIFACT_KEYS = {
  /** Prefix only the platform deployer may write. */
  root: 'command-runner/',
  /** Template versions: `<prefix><version>.yaml`. */
  templatePrefix: 'command-runner/templates/sagemaker-project-',
  /** Runner script: `<prefix><sha256>.sh`. */
  runnerScriptPrefix: 'command-runner/run-terraform/',
  /** Synthesized sagemaker-project stack: `<prefix><sha256>.zip`. */
  terraformCodePrefix: 'command-runner/tf-code/',
} as const;

export const runnerScriptKey = (sha256: string) => `${ARTIFACT_KEYS.runnerScriptPrefix}${sha256}.sh`;
export const terraformCodeKey = (sha256: string) => `${ARTIFACT_KEYS.terraformCodePrefix}${sha256}.zip`;

/** Key prefix of the projects' Terraform state: `<prefix>/<project id>/terraform.tfstate`. */
export const STATE_KEY_PREFIX = 'sagemaker-projects';

export const stateKeyOf = (projectId: string) => `${STATE_KEY_PREFIX}/${projectId}/terraform.tfstate`;

/** The file CommandRunner sends back to CloudFormation after the command (its resource's Output). */
export const COMMAND_OUTPUT_FILE = '/command-output.txt';

/**
 * Platform keys of the runner's parameters file, beside the `TF_VAR_*` and runner keys of the
 * parameter table: written at synth (or, for the stack id, by CloudFormation), never typed by a user.
 */
export const RUNNER_SETTINGS = {
  region: 'AWS_REGION',
  stateBucket: 'TF_STATE_BUCKET',
  lockTable: 'TF_STATE_LOCK_TABLE',
  stateKeyPrefix: 'TF_STATE_KEY_PREFIX',
  stateKmsKeyArn: 'TF_STATE_KMS_KEY_ARN',
  codeKey: 'TF_CODE_KEY',
  codeSha256: 'TF_CODE_SHA256',
  terraformVersion: 'TERRAFORM_VERSION',
  terraformSha256: 'TERRAFORM_SHA256',
  /** The CloudFormation stack the run belongs to: bound to the SageMaker project before init. */
  stackId: 'CLOUDFORMATION_STACK_ID',
  /** What a destroy does with the project's artifact bucket: `empty` (deleted with its data) or `keep` (left as it is). */
  artifactBucketOnDelete: 'ARTIFACT_BUCKET_ON_DELETE',
} as const;

/** What a destroy does with the project's artifact bucket. */
export const ARTIFACT_BUCKET_ON_DELETE_VALUES = ['keep', 'empty'] as const;
export type ArtifactBucketOnDelete = (typeof ARTIFACT_BUCKET_ON_DELETE_VALUES)[number];

/**
 * Terraform addresses of the artifact bucket's resources start with this (the construct id of the
 * project stack's artifact bucket): with `keep`, the runner removes them from the state before destroying.
 */
export const ARTIFACT_BUCKET_ADDRESS_PREFIX = 'artifact-bucket_';

/** Environment (not parameters-file keys) the CodeBuild engine gives the runner: the provider cache's lock file. */
export const RUNNER_ENVIRONMENT = {
  /** Terraform's provider plugin cache (read by terraform itself). */
  pluginCache: 'TF_PLUGIN_CACHE_DIR',
  /**
   * Lock file of the tf-code version being run, kept beside the cache: the runner copies it into the
   * code before `terraform init` when it exists and back after a successful init, so the second run of
   * a version installs the providers from the cache, checked against the hashes the first one recorded.
   */
  lockFile: 'RUNNER_PROVIDER_LOCK_FILE',
} as const;

/**
 * Why the sagemaker-project stack is never deployed by hand, and what to deploy instead. Said by
 * `npm run deploy -- sagemaker-project` (tools/platform.ts), by the app when the cdktf CLI runs it for a
 * command on that stack (stacks/by-hand.ts), and by a plan of that stack without the runner's stack id.
 */
export const APPLIED_BY_THE_RUNNER =
  "sagemaker-project is applied by the runner (CommandRunner or CodeBuild), once per SageMaker project, when the project is created, updated or deleted in SageMaker Studio, with that project's variables and its own state; it is never deployed by hand. To deploy the platform, run: npm run deploy (the service-catalog stack).";
