import { Fn, Token } from 'cdktf';
import { DEPLOY_TRIGGER_SUFFIX } from '../../config/names';
import { isEmpty } from '../terraform/counted';

/** Suffix of the seeding function's role: the token secret's policy lets roles named so read it. */
export const SEED_ROLE_SUFFIX = '-seed-code';

/** Suffix of the queue keeping deploy triggers that failed. */
export const DEPLOY_FAILURE_QUEUE_SUFFIX = '-deploy-trigger-failures';

/** Suffixes of the GitLab project names derived from the SageMaker project name. */
export const REPOSITORY_SUFFIXES = { build: '-model-build', deploy: '-model-deploy' } as const;

/** `<org>-<env>-<role>` from the platform prefix `<org>-<env>-<role>-`: the platform tag's value and the first part of project secret names. */
export function platformName(platformPrefix: string): string {
  return platformPrefix.replace(/-$/, '');
}

/** AWS limits of the names below (characters). */
export const NAME_LIMITS = {
  bucket: 63,
  lambdaFunction: 64,
  iamRole: 64,
  eventRule: 64,
  sqsQueue: 80,
  modelPackageGroup: 63,
  codeRepository: 63,
  dynamoDbTable: 255,
} as const;

/**
 * Names of one SageMaker project's resources, as Terraform expressions of its variables.
 *
 * AWS resources the platform creates for a project start with `<platform prefix><project id>`
 * (`example-dev-mlops-p-abcdefghijkl-...`): unique to the platform (never AWS's `sagemaker-project-*`,
 * which AWS managed policies open to every Studio user), scoped by IAM to the one project, and within
 * their limits because the id has a fixed length. SageMaker resources Studio shows keep the project
 * name for readers (`<project name>-<project id>`); endpoints, models and endpoint configurations of
 * the deploy code start with the project id (`<project id>-<stage>...`).
 *
 * @param platformPrefix `<org>-<env>-<role>-`
 */
export function projectNames(platformPrefix: string, projectName: string, projectId: string, repositoryNames: { build: string; deploy: string }) {
  const prefix = `${platformPrefix}${projectId}`;
  const sagemakerName = `${projectName}-${projectId}`;
  return {
    projectId,
    /** `<platform prefix><project id>`: the start of every AWS name below that is not a SageMaker one. */
    prefix,
    artifactBucket: prefix,
    deployRecordsTable: `${prefix}-deploys`,
    /** Secret of the deploy project's pipeline trigger token: `<platform prefix without dash>/<project id>/...`. */
    triggerTokenSecret: `${platformName(platformPrefix)}/${projectId}/deploy-trigger-token`,
    seedFunction: `${prefix}-seed-code`,
    deployTriggerFunction: `${prefix}${DEPLOY_TRIGGER_SUFFIX}`,
    approvalRule: `${prefix}-model-approved`,
    deployFailureQueue: `${prefix}${DEPLOY_FAILURE_QUEUE_SUFFIX}`,
    /** IAM roles (and the CI user) of the project. */
    ciIdentity: `${prefix}-ci`,
    pipelineRole: `${prefix}-pipeline`,
    seedRole: `${prefix}${SEED_ROLE_SUFFIX}`,
    deployTriggerRole: `${prefix}${DEPLOY_TRIGGER_SUFFIX}`,
    /** Model package group the build pipeline registers into and the deploy trigger listens to. */
    modelPackageGroup: sagemakerName,
    /** SageMaker Pipeline the build repository upserts (the seed code's default name). */
    pipeline: sagemakerName,
    /** Start of the names of the project's endpoints, endpoint configurations and models. */
    endpointPrefix: `${projectId}-`,
    /** GitLab project names: as given, or derived from the SageMaker project name. */
    buildRepository: repositoryName(repositoryNames.build, projectName, REPOSITORY_SUFFIXES.build),
    deployRepository: repositoryName(repositoryNames.deploy, projectName, REPOSITORY_SUFFIXES.deploy),
    /** SageMaker code repositories, unique per project. */
    buildCodeRepository: `${sagemakerName}${REPOSITORY_SUFFIXES.build}`,
    deployCodeRepository: `${sagemakerName}${REPOSITORY_SUFFIXES.deploy}`,
  };
}

export type ProjectNames = ReturnType<typeof projectNames>;

/** `given` when set, else `<project name><suffix>`. */
function repositoryName(given: string, projectName: string, suffix: string): string {
  return Token.asString(Fn.conditional(isEmpty(given), `${projectName}${suffix}`, given));
}
