import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { Fn, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { LambdaAsyncFailuresCaptured } from '../../guardrails/rules/lambda-async-failures-captured';
import { suppress } from '../../guardrails/suppressions';
import type { SeedEvent } from '../../lambda/seed-code/handler';
import { packageSeedCode, seedCodeFingerprint, seedManifest, SeedRepository } from '../../lambda/seed-code/seed-files';
import { SEED_SETTINGS } from '../../lambda/seed-code/settings';
import { bundleLambda } from './lambda-bundle';
import { ProjectFunction } from './project-function';

/** Handler of the seed-code function. */
export const SEED_CODE_ENTRY = `${__dirname}/../../lambda/seed-code/handler.ts`;

/** One repository to seed: the seed folder and the GitLab project receiving it. */
export interface SeedTargetProps {
  /** Folder of the seed code (`seed-code/<repository>`). */
  readonly repository: SeedRepository;
  /** GitLab project id. */
  readonly gitlabProjectId: string;
  /** Branch the seed commit creates. */
  readonly branch: string;
}

export interface RepositorySeedingProps {
  /** Name of the function (≤ 64 characters). */
  readonly functionName: string;
  /** Execution role ARN. */
  readonly roleArn: string;
  /** Base URL of the GitLab instance. */
  readonly gitlabUrl: string;
  /** Secret holding the GitLab token (its name). */
  readonly tokenSecretName: string;
  /** SageMaker project name (commit message, function description). */
  readonly sagemakerProjectName: string;
  /** SageMaker project id (commit trailer that marks the seed commit, logs). */
  readonly sagemakerProjectId: string;
  /** Folder holding `model-build/` and `model-deploy/`, packaged at synth. */
  readonly seedCodeDir: string;
  /** The repositories to seed. */
  readonly targets: SeedTargetProps[];
  /** What must exist before the first commit (CI variables, branch protection): the seed push starts a pipeline. */
  readonly after: ITerraformDependable[];
  /** Retention of the function's log group, in days. */
  readonly logRetentionDays: number;
}

/**
 * Seeds the project's GitLab repositories once: a function packaged with the seed code, invoked by
 * Terraform after the repositories and their CI settings exist. A failed seeding fails the apply;
 * running the apply again seeds what is still empty and leaves the rest.
 */
export class RepositorySeeding extends Construct {
  readonly function: ProjectFunction;
  readonly invocation: LambdaInvocation;

  constructor(scope: Construct, id: string, props: RepositorySeedingProps) {
    super(scope, id);
    const manifest = seedManifest(props.seedCodeDir);
    const code = bundleLambda(SEED_CODE_ENTRY, {
      fingerprint: seedCodeFingerprint(manifest),
      write: (dir) => packageSeedCode(props.seedCodeDir, dir, manifest),
    });
    this.function = new ProjectFunction(this, 'function', {
      functionName: props.functionName,
      description: `Commits the seed code into the GitLab repositories of SageMaker project ${props.sagemakerProjectName}`,
      code,
      roleArn: props.roleArn,
      // Room for retries against a slow GitLab; running out of it fails the apply like any failure.
      timeoutSeconds: 600,
      memoryMb: 512,
      logRetentionDays: props.logRetentionDays,
      environment: {
        [SEED_SETTINGS.gitlabUrl]: props.gitlabUrl,
        [SEED_SETTINGS.tokenSecretName]: props.tokenSecretName,
        [SEED_SETTINGS.projectName]: props.sagemakerProjectName,
        [SEED_SETTINGS.projectId]: props.sagemakerProjectId,
      },
    });
    // Only aws_lambda_invocation calls it, synchronously: its failure fails the apply, no event is left to capture.
    suppress(this.function, LambdaAsyncFailuresCaptured.id, 'invoked only synchronously, by aws_lambda_invocation while terraform applies; a failure fails the apply');
    const input: SeedEvent = {
      repositories: props.targets.map((target) => ({
        repository: target.repository,
        gitlabProjectId: Fn.tonumber(target.gitlabProjectId),
        branch: target.branch,
      })),
    };
    this.invocation = new LambdaInvocation(this, 'invocation', {
      functionName: this.function.functionName,
      input: Fn.jsonencode(input),
      // Invoked again only when the repositories or the seed code change; the handler never overwrites.
      triggers: Object.fromEntries([
        ...props.targets.map((target) => [`${target.repository}_project`, target.gitlabProjectId]),
        ...props.targets.map((target) => [`${target.repository}_seed_digest`, manifest[target.repository].digest]),
      ]),
      dependsOn: props.after,
    });
  }
}
