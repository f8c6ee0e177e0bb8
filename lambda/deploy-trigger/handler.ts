import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DEPLOY_REQUEST_ID_VARIABLE, MODEL_PACKAGE_ARN_VARIABLE } from '../../contract/ci-variables';
import { DEPLOY_TRIGGER_SETTINGS as SETTINGS, TRIGGER_TOKEN_SECRET_HOLDS } from '../../contract/function-settings';
import { SDK_CLIENT_CONFIG } from '../shared/aws';
import { requiredSetting } from '../shared/environment';
import { GitLab } from '../shared/gitlab';
import { createLogger } from '../shared/log';
import { Budget, InvocationClock, RetryPolicy } from '../shared/retry';
import { readSecret } from '../shared/secrets';
import { decideDeployment, ModelPackageStateChange } from './decide';
import { DeployRecords, StartedPipeline } from './records';
import { DeployTriggerResult, startDeployOnce } from './start-deploy';

/** Few, short attempts: an ambiguous start is never retried here but left to Lambda's retry of the event. */
const RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 4000, requestTimeoutMs: 15000 };
/** Kept back from the function's timeout for the last log line. */
const SAFETY_MARGIN_MS = 2000;
/** Kept back from GitLab's share for writing the record after GitLab failed. */
const RECORD_RESERVE_MS = 4000;

const TRIGGER_TOKEN = {
  holds: TRIGGER_TOKEN_SECRET_HOLDS,
  whenMissing: 'the seeding function stores it when Terraform applies the SageMaker project; apply the project again',
};

let clients: { secrets: SecretsManagerClient; dynamodb: DynamoDBClient } | undefined;

/**
 * The deploy-trigger handler: on approval of a model package of this project's group, starts the
 * deploy project's pipeline once (see startDeployOnce). Every failure is thrown: Lambda retries the
 * event and, after its last retry, sends it to the project's failure queue.
 */
export async function handler(event: ModelPackageStateChange, context: InvocationClock): Promise<DeployTriggerResult> {
  const env = process.env;
  const log = createLogger({ sagemakerProjectId: requiredSetting(env, SETTINGS.projectId), function: 'deploy-trigger', eventId: event.id });
  try {
    const decision = decideDeployment(event, requiredSetting(env, SETTINGS.modelPackageGroupName));
    if (decision.action === 'ignore') {
      log.info(`Event ignored: ${decision.reason}`);
      return { status: 'ignored', reason: decision.reason };
    }
    if (decision.action === 'reject') throw new Error(`Event rejected: ${decision.reason}.`);
    clients ??= { secrets: new SecretsManagerClient(SDK_CLIENT_CONFIG), dynamodb: new DynamoDBClient(SDK_CLIENT_CONFIG) };
    const budget = Budget.of(context, SAFETY_MARGIN_MS);
    const retry = { policy: RETRY_POLICY, budget, log };
    const secretArn = requiredSetting(env, SETTINGS.triggerTokenSecretArn);
    const token = await readSecret(clients.secrets, secretArn, TRIGGER_TOKEN, retry);
    const gitlab = new GitLab(
      { url: requiredSetting(env, SETTINGS.gitlabUrl), credentialSource: `secret ${secretArn}` },
      { ...retry, budget: budget.reserving(RECORD_RESERVE_MS) },
    );
    const deployProjectId = requiredSetting(env, SETTINGS.deployProjectId);
    const startPipeline = async (modelPackageArn: string, requestId: string): Promise<StartedPipeline> => {
      const pipeline = await gitlab.request<{ id: number; web_url: string }>({
        method: 'POST',
        path: `/projects/${encodeURIComponent(deployProjectId)}/trigger/pipeline`,
        form: {
          token,
          ref: requiredSetting(env, SETTINGS.deployBranch),
          [`variables[${MODEL_PACKAGE_ARN_VARIABLE}]`]: modelPackageArn,
          [`variables[${DEPLOY_REQUEST_ID_VARIABLE}]`]: requestId,
        },
        idempotent: false,
        secrets: [token],
        hints: {
          404: `GitLab does not know the trigger token in secret ${secretArn} for project ${deployProjectId} (deleted or revoked?): apply the SageMaker project again to create a new one.`,
        },
      });
      return { id: pipeline.id, webUrl: pipeline.web_url };
    };
    const records = new DeployRecords(clients.dynamodb, requiredSetting(env, SETTINGS.deployRecordsTable), retry);
    return await startDeployOnce(decision.modelPackageArn, event.id ?? 'unknown', {
      records,
      startPipeline,
      log,
      leaseExpiresAt: Date.now() + context.getRemainingTimeInMillis(),
    });
  } catch (error) {
    log.error((error as Error).message, { error: (error as Error).name });
    throw error;
  }
}
