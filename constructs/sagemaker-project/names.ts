import { Fn, Token } from 'cdktf';
import { PROJECT_BUCKET_PREFIX } from '../gitlab/ci-permissions';
import { isEmpty } from '../terraform/counted';

/**
 * Prefix of every AWS resource name a SageMaker project gets (`sagemaker-project-<project id>-...`):
 * IAM policies scope to it, and the fixed-length id keeps names within their limits.
 */
export const PROJECT_RESOURCE_PREFIX = PROJECT_BUCKET_PREFIX;

/** Suffix of the queue keeping deploy triggers that failed (IAM grants scope to it). */
export const DEPLOY_FAILURE_QUEUE_SUFFIX = '-deploy-trigger-failures';

/** Suffixes of the GitLab project names derived from the SageMaker project name. */
export const REPOSITORY_SUFFIXES = { build: '-model-build', deploy: '-model-deploy' } as const;

/** AWS limits of the names below (characters). */
export const NAME_LIMITS = {
  bucket: 63,
  lambdaFunction: 64,
  eventRule: 64,
  sqsQueue: 80,
  modelPackageGroup: 63,
  codeRepository: 63,
} as const;

/** Names of one SageMaker project's resources, as Terraform expressions of its variables. */
export function projectNames(projectName: string, projectId: string, repositoryNames: { build: string; deploy: string }) {
  const prefix = `${PROJECT_RESOURCE_PREFIX}${projectId}`;
  return {
    /** Artifact bucket: the name CI variables and the deploy code use. */
    artifactBucket: prefix,
    /** Model package group the build pipeline registers into and the deploy trigger listens to. */
    modelPackageGroup: `${projectName}-${projectId}`,
    seedFunction: `${prefix}-seed-code`,
    deployTriggerFunction: `${prefix}-deploy-trigger`,
    approvalRule: `${prefix}-model-approved`,
    deployFailureQueue: `${prefix}${DEPLOY_FAILURE_QUEUE_SUFFIX}`,
    /** GitLab project names: as given, or derived from the SageMaker project name. */
    buildRepository: repositoryName(repositoryNames.build, projectName, REPOSITORY_SUFFIXES.build),
    deployRepository: repositoryName(repositoryNames.deploy, projectName, REPOSITORY_SUFFIXES.deploy),
    /** SageMaker code repositories, unique per project. */
    buildCodeRepository: `${projectName}-${projectId}${REPOSITORY_SUFFIXES.build}`,
    deployCodeRepository: `${projectName}-${projectId}${REPOSITORY_SUFFIXES.deploy}`,
  };
}

/** `given` when set, else `<project name><suffix>`. */
function repositoryName(given: string, projectName: string, suffix: string): string {
  return Token.asString(Fn.conditional(isEmpty(given), `${projectName}${suffix}`, given));
}
