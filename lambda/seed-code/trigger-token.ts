import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { deployTriggerDescription, TRIGGER_TOKEN_SECRET_HOLDS } from '../../contract/function-settings';
import type { Logger } from '../shared/log';
import type { RetryContext } from '../shared/retry';
import { putSecret, readSecret, SecretProblem, SecretUnavailableError } from '../shared/secrets';
import type { GitLabProjects, PipelineTrigger } from './gitlab-projects';

export type TriggerDecision =
  | { readonly action: 'keep'; readonly triggerId: number; readonly remove: readonly number[] }
  | { readonly action: 'create'; readonly remove: readonly number[] };

/**
 * Keeps our trigger whose token the secret holds; otherwise a new one is needed. Every other trigger
 * of ours (same description) is stale and goes. Triggers of other descriptions are not ours to touch.
 */
export function decideTrigger(ours: readonly PipelineTrigger[], storedToken: string | undefined): TriggerDecision {
  const kept = storedToken === undefined ? undefined : ours.find((trigger) => trigger.token === storedToken);
  const remove = ours.filter((trigger) => trigger !== kept).map((trigger) => trigger.id);
  return kept ? { action: 'keep', triggerId: kept.id, remove } : { action: 'create', remove };
}

export interface TriggerTokenStep {
  readonly gitlab: GitLabProjects;
  readonly secrets: SecretsManagerClient;
  readonly deployProjectId: number;
  readonly sagemakerProjectId: string;
  /** The per-project secret the deploy-trigger function reads the token from. */
  readonly secretArn: string;
  readonly retry: RetryContext;
  readonly log: Logger;
}

/** Problems of a secret that simply holds no token yet: a new trigger replaces whatever it holds. */
const NO_TOKEN_YET: readonly SecretProblem[] = ['missing', 'empty', 'json'];

/** The secret's token, or undefined while it has none (Terraform creates it without a value). */
async function storedToken(step: TriggerTokenStep): Promise<string | undefined> {
  try {
    return await readSecret(step.secrets, step.secretArn, { holds: TRIGGER_TOKEN_SECRET_HOLDS, whenMissing: 'a new trigger is created' }, step.retry);
  } catch (error) {
    if (error instanceof SecretUnavailableError && NO_TOKEN_YET.includes(error.problem)) return undefined;
    throw error;
  }
}

/**
 * Makes sure the deploy project has one pipeline trigger of ours whose token the secret holds:
 * create, store, then delete stale ones, so the secret never names a deleted trigger.
 */
export async function ensureDeployTrigger(step: TriggerTokenStep): Promise<'kept' | 'created'> {
  const description = deployTriggerDescription(step.sagemakerProjectId);
  const ours = (await step.gitlab.triggers(step.deployProjectId)).filter((trigger) => trigger.description === description);
  const decision = decideTrigger(ours, await storedToken(step));
  if (decision.action === 'create') {
    const created = await step.gitlab.createTrigger(step.deployProjectId, description);
    await putSecret(step.secrets, step.secretArn, created.token, step.retry);
    step.log.info('Deploy pipeline trigger created and its token stored', { gitlabProjectId: step.deployProjectId, triggerId: created.id, secretArn: step.secretArn });
  } else {
    step.log.info('Deploy pipeline trigger kept: the secret holds its token', { gitlabProjectId: step.deployProjectId, triggerId: decision.triggerId });
  }
  for (const triggerId of decision.remove) {
    await step.gitlab.deleteTrigger(step.deployProjectId, triggerId);
    step.log.info('Stale deploy pipeline trigger deleted', { gitlabProjectId: step.deployProjectId, triggerId });
  }
  return decision.action === 'create' ? 'created' : 'kept';
}
