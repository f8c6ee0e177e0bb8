import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CI_VARIABLES } from '../../contract/ci-variables';
import { requiredSetting } from '../shared/environment';
import { DEPLOY_TRIGGER_SETTINGS } from './settings';
import { connectGitLab, GitLabAccess, isRetryableGitLabError } from '../shared/gitlab';
import { createLogger } from '../shared/log';
import { DEFAULT_RETRY_POLICY, RetryPolicy, withRetry } from '../shared/retry';
import { decideDeployment, ModelPackageStateChange } from './decide';

/** The pipeline variable carrying the approved model package (the seed code's contract). */
const [MODEL_PACKAGE_ARN_VARIABLE] = CI_VARIABLES.deployPipeline;

/** `env` holds DEPLOY_TRIGGER_SETTINGS. */
export interface DeployTriggerDependencies extends GitLabAccess {
  /** Retries of GitLab failures. @default DEFAULT_RETRY_POLICY */
  readonly retryPolicy?: RetryPolicy;
  /** Where log lines go. @default console.log */
  readonly write?: (line: string) => void;
}

export type DeployTriggerResult =
  | { readonly status: 'ignored'; readonly reason: string }
  | { readonly status: 'started'; readonly pipelineId: number; readonly pipelineUrl: string };

/**
 * The deploy-trigger handler: on approval of a model package of this project's group, starts the
 * deploy project's pipeline on its default branch with the package's ARN. Failures are thrown so
 * Lambda retries the event and, after the last retry, hands it to the failure queue.
 */
export function createDeployTriggerHandler(dependencies: DeployTriggerDependencies) {
  return async (event: ModelPackageStateChange): Promise<DeployTriggerResult> => {
    const { env } = dependencies;
    const log = createLogger({ sagemakerProjectId: requiredSetting(env, DEPLOY_TRIGGER_SETTINGS.projectId), function: 'deploy-trigger' }, dependencies.write);
    const decision = decideDeployment(event, requiredSetting(env, DEPLOY_TRIGGER_SETTINGS.modelPackageGroupName));
    if (decision.action === 'ignore') {
      log.info(`Event ignored: ${decision.reason}`);
      return { status: 'ignored', reason: decision.reason };
    }
    try {
      const tokenSecretName = requiredSetting(env, DEPLOY_TRIGGER_SETTINGS.tokenSecretName);
      const deployProjectId = Number(requiredSetting(env, DEPLOY_TRIGGER_SETTINGS.deployProjectId));
      const branch = requiredSetting(env, DEPLOY_TRIGGER_SETTINGS.deployBranch);
      const gitlab = await connectGitLab(dependencies, tokenSecretName, DEPLOY_TRIGGER_SETTINGS.gitlabUrl);
      const pipeline = await withRetry(
        () => gitlab.createPipeline(deployProjectId, branch, { [MODEL_PACKAGE_ARN_VARIABLE]: decision.modelPackageArn }),
        isRetryableGitLabError,
        dependencies.retryPolicy ?? DEFAULT_RETRY_POLICY,
        (error, attempt, delayMs) => log.warn(`Retrying in ${delayMs} ms: ${error.message}`, { attempt }),
      );
      log.info('Deploy pipeline started', { modelPackageArn: decision.modelPackageArn, pipelineId: pipeline.id, pipelineUrl: pipeline.webUrl });
      return { status: 'started', pipelineId: pipeline.id, pipelineUrl: pipeline.webUrl };
    } catch (error) {
      log.error(`Starting the deploy pipeline for ${decision.modelPackageArn} failed: ${(error as Error).message}`);
      throw error;
    }
  };
}

export const handler = createDeployTriggerHandler({ secrets: new SecretsManagerClient({}), env: process.env });
