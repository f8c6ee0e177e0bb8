import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { Fn, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { SEED_SETTINGS } from '../../contract/function-settings';
import { LambdaAsyncFailuresCaptured } from '../../guardrails/rules/lambda-async-failures-captured';
import { suppress } from '../../guardrails/suppressions';
import { packageSeedCode, seedCodeFingerprint, seedManifest, SEED_REPOSITORIES } from '../../lambda/seed-code/seed-files';
import { Role } from '../iam/role';
import { bundleLambda } from './lambda-bundle';
import { ProjectFunction } from './project-function';

/** Handler of the seed-code function. */
export const SEED_CODE_ENTRY = `${__dirname}/../../lambda/seed-code/handler.ts`;

/**
 * What the seeding function does besides the seed commits (the deploy trigger's token, the CI key):
 * raise it when that changes, so existing projects run it again at their next apply.
 */
export const SEEDING_REVISION = 2;

export interface RepositorySeedingProps {
  /** Name of the function (≤ 64 characters). */
  readonly functionName: string;
  /** The function's own role (the only project role that may read the namespace token). */
  readonly role: Role;
  /** Base URL of the platform's GitLab. */
  readonly gitlabUrl: string;
  /** ARN of the secret holding the namespace token. */
  readonly tokenSecretArn: string;
  readonly sagemakerProjectName: string;
  readonly sagemakerProjectId: string;
  /** The two GitLab projects the function writes to, and no other. */
  readonly buildProjectId: string;
  readonly deployProjectId: string;
  /** Branch the seed commits create. */
  readonly defaultBranch: string;
  /** ARN of the project's secret that receives the deploy project's pipeline trigger token. */
  readonly triggerTokenSecretArn: string;
  /** `oidc`, or `access-keys` with the project's CI user, whose key the function creates. */
  readonly ciAuthMode: 'oidc' | 'access-keys';
  readonly ciUserName?: string;
  /** Folder holding `model-build/` and `model-deploy/`, packaged at synth. */
  readonly seedCodeDir: string;
  /** What must exist before the first commit (CI variables, branch protection): the seed push starts a pipeline. */
  readonly after: ITerraformDependable[];
  /** Retention of the function's log group, in days. */
  readonly logRetentionDays: number;
}

/**
 * Sets up the project's two GitLab projects once: the deploy trigger's token, the CI key in access-keys
 * mode, then one seed commit per repository. A function packaged with the seed code, invoked by
 * Terraform after the repositories and their CI settings exist; a failure fails the apply. Its targets
 * are in its environment, never in the invocation: it can only ever write to this project.
 */
export class RepositorySeeding extends Construct {
  readonly function: ProjectFunction;
  readonly invocation: LambdaInvocation;

  constructor(scope: Construct, id: string, props: RepositorySeedingProps) {
    super(scope, id);
    const manifest = seedManifest(props.seedCodeDir);
    const fingerprint = seedCodeFingerprint(manifest);
    const code = bundleLambda(SEED_CODE_ENTRY, {
      fingerprint,
      write: (dir) => packageSeedCode(props.seedCodeDir, dir, manifest),
    });
    this.function = new ProjectFunction(this, 'function', {
      functionName: props.functionName,
      description: `Sets up and seeds the GitLab repositories of SageMaker project ${props.sagemakerProjectName}`,
      code,
      role: props.role,
      // Room for retries against a slow GitLab; running out of it fails the apply like any failure.
      timeoutSeconds: 600,
      memoryMb: 512,
      logRetentionDays: props.logRetentionDays,
      environment: {
        [SEED_SETTINGS.gitlabUrl]: props.gitlabUrl,
        [SEED_SETTINGS.tokenSecretArn]: props.tokenSecretArn,
        [SEED_SETTINGS.projectName]: props.sagemakerProjectName,
        [SEED_SETTINGS.projectId]: props.sagemakerProjectId,
        [SEED_SETTINGS.buildProjectId]: props.buildProjectId,
        [SEED_SETTINGS.deployProjectId]: props.deployProjectId,
        [SEED_SETTINGS.defaultBranch]: props.defaultBranch,
        [SEED_SETTINGS.triggerTokenSecretArn]: props.triggerTokenSecretArn,
        [SEED_SETTINGS.ciAuthMode]: props.ciAuthMode,
        [SEED_SETTINGS.ciUserName]: props.ciUserName ?? '',
      },
    });
    // Only aws_lambda_invocation calls it, synchronously: its failure fails the apply, no event is left to capture.
    suppress(
      this.function,
      LambdaAsyncFailuresCaptured.id,
      'invoked only synchronously, by aws_lambda_invocation while terraform applies; a failure fails the apply',
    );
    this.invocation = new LambdaInvocation(this, 'invocation', {
      functionName: this.function.functionName,
      input: Fn.jsonencode({ seedCodeDigest: fingerprint }),
      // Invoked again only when the repositories, the seed code or the setup change; the handler never overwrites.
      triggers: {
        build_project: props.buildProjectId,
        deploy_project: props.deployProjectId,
        ...Object.fromEntries(SEED_REPOSITORIES.map((repository) => [`${repository}_seed_digest`, manifest[repository].digest])),
        seeding_revision: String(SEEDING_REVISION),
      },
      dependsOn: props.after,
    });
  }
}
