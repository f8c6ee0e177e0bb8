/**
 * The CodeBuild runner engine's own contract: what the Service Catalog template, the provisioning
 * function, the CodeBuild project and its buildspec agree on, beside the parameter table
 * (project-parameters.ts) and the runner keys (runner.ts) that both engines share.
 */
import { RUNNER_SETTINGS } from './runner';

/** CloudFormation type of the template's one resource with the CodeBuild engine. */
export const CUSTOM_RESOURCE_TYPE = 'Custom::SageMakerProjectTerraform';

/**
 * Properties of that resource written at synth (never form fields): each product version runs exactly
 * the code it was created with, under its content-addressed keys (runner.ts).
 */
export const FIXED_PROPERTIES = {
  /** SHA-256 (lowercase hex) of tf-code.zip: selects `terraformCodeKey(sha)` and is verified by the runner. */
  terraformCodeSha256: 'TerraformCodeSha256',
  /** SHA-256 (lowercase hex) of run-terraform.sh: selects `runnerScriptKey(sha)` and is verified by the buildspec. */
  runnerScriptSha256: 'RunnerScriptSha256',
} as const;

/** Properties CloudFormation itself defines on every custom resource; accepted, never used as input. */
export const CLOUDFORMATION_PROPERTIES = ['ServiceToken', 'ServiceTimeout'] as const;

export const SHA256_PATTERN = '^[0-9a-f]{64}$';

/** Environment variables of the provisioning function. */
export const PROVISIONER_SETTINGS = {
  /** Name of the one CodeBuild project the function starts and whose builds it answers for. */
  runnerProject: 'RUNNER_PROJECT_NAME',
} as const;

/** Environment variables of a runner build that are not keys of the parameters file. */
export const BUILD_VARIABLES = {
  /** SHA-256 of run-terraform.sh: the buildspec downloads `runnerScriptKey(sha)` and checks it. */
  runnerScriptSha256: 'RUNNER_SCRIPT_SHA256',
  /**
   * The CloudFormation request the build answers (JSON of `BuildRequestContext`), read back by the
   * function when the build ends; the buildspec unsets it before the runner starts.
   */
  cloudFormationRequest: 'RUNNER_CLOUDFORMATION_REQUEST',
} as const;

/** What a finished build tells the function (CodeBuild exported variables, set by the buildspec). */
export const BUILD_EXPORTS = {
  /** `applied`, `destroyed` (the runner's output file) or `failed`. */
  result: 'RUNNER_RESULT',
  /** The step the run failed at (the runner's `FAILED at step "<step>"`, or the buildspec's own step). */
  failedStep: 'RUNNER_FAILED_STEP',
} as const;

/** The types of CloudFormation custom resource requests. */
export const REQUEST_TYPES = ['Create', 'Update', 'Delete'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

/** The part of the CloudFormation request a build carries, so the function can answer when it ends. */
export interface BuildRequestContext {
  readonly RequestType: RequestType;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  /** The physical id to answer with when the build succeeds. */
  readonly PhysicalResourceId: string;
}

/**
 * Platform keys of the parameters file that the CodeBuild project sets (written at synth), and those the
 * function sets per build. AWS_REGION is CodeBuild's own variable.
 */
export const PROJECT_KEYS = [
  RUNNER_SETTINGS.stateBucket,
  RUNNER_SETTINGS.lockTable,
  RUNNER_SETTINGS.stateKeyPrefix,
  RUNNER_SETTINGS.stateKmsKeyArn,
  RUNNER_SETTINGS.terraformVersion,
  RUNNER_SETTINGS.terraformSha256,
  RUNNER_SETTINGS.artifactBucketOnDelete,
] as const;

export const PER_BUILD_KEYS = [RUNNER_SETTINGS.codeKey, RUNNER_SETTINGS.codeSha256, RUNNER_SETTINGS.stackId] as const;

/**
 * Steps of a run after which the project's resources may have changed: `terraform apply` or
 * `terraform destroy` and whatever follows them. A Create that failed at any earlier step (reading
 * parameters, the project binding check, downloads, init, plan) changed nothing, so CloudFormation's
 * Delete of it has nothing to destroy, and never destroys a state the Create was not allowed to touch.
 */
export const CHANGING_STEP = /^(terraform (apply|destroy)\b|record the result$)/;
