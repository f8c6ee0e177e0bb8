import { CreateAccessKeyCommand, DeleteAccessKeyCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { ACCESS_KEY_ID_VARIABLE, SECRET_ACCESS_KEY_VARIABLE } from '../../contract/ci-variables';
import { callAws, isAwsError } from '../shared/aws';
import type { Logger } from '../shared/log';
import type { RetryContext } from '../shared/retry';
import type { CiVariable, GitLabProjects } from './gitlab-projects';

/** An access key of the CI user, as IAM lists it. */
export interface UserKey {
  readonly id: string;
  readonly active: boolean;
  /** Epoch milliseconds. */
  readonly created: number;
}

/** What one GitLab project's CI/CD variables hold. */
export interface ProjectKeyVariables {
  readonly keyId?: CiVariable;
  readonly secret?: CiVariable;
}

export type AccessKeyDecision =
  | { readonly action: 'keep'; readonly keyId: string; readonly remove: readonly string[] }
  /** `removeFirst`: keys to delete before creating one (IAM allows two per user); `removeAfter`: the rest, once the new key is written. */
  | { readonly action: 'rotate'; readonly reason: string; readonly removeFirst: readonly string[]; readonly removeAfter: readonly string[] };

const wellFormed = (variable?: CiVariable) => variable !== undefined && variable.masked && variable.protected && variable.raw;

/** IAM's limit of access keys per user. */
const KEYS_PER_USER = 2;

/**
 * Keeps the key when every project's variables hold one and the same active key of the user (masked,
 * protected and raw); otherwise a new key is created and written everywhere, and the others deleted.
 */
export function decideAccessKey(userKeys: readonly UserKey[], projects: readonly ProjectKeyVariables[]): AccessKeyDecision {
  const ids = new Set(projects.map((project) => project.keyId?.value));
  const [keyId] = [...ids];
  const key = userKeys.find((candidate) => candidate.id === keyId);
  const complete = projects.every((project) => wellFormed(project.keyId) && wellFormed(project.secret) && project.secret!.value !== '');
  if (ids.size === 1 && key?.active && complete) {
    return { action: 'keep', keyId: key.id, remove: userKeys.filter((candidate) => candidate !== key).map((candidate) => candidate.id) };
  }
  const reason = projects.some((project) => !project.keyId || !project.secret)
    ? 'a project lacks the key variables'
    : ids.size !== 1
      ? 'the projects hold different keys'
      : !key
        ? 'the variables hold no key of the CI user'
        : !key.active
          ? 'the key in the variables is inactive'
          : 'a variable is unmasked, unprotected or expanded';
  // Make room for the new key: unreferenced keys first, then the oldest.
  const byPreference = [...userKeys].sort((a, b) => Number(ids.has(a.id)) - Number(ids.has(b.id)) || a.created - b.created);
  const removeFirst = byPreference.slice(0, Math.max(0, userKeys.length - (KEYS_PER_USER - 1))).map((candidate) => candidate.id);
  return { action: 'rotate', reason, removeFirst, removeAfter: userKeys.map((candidate) => candidate.id).filter((id) => !removeFirst.includes(id)) };
}

export interface AccessKeyStep {
  readonly gitlab: GitLabProjects;
  readonly iam: IAMClient;
  readonly userName: string;
  /** The build and the deploy project. */
  readonly gitlabProjectIds: readonly number[];
  readonly retry: RetryContext;
  readonly log: Logger;
}

async function deleteKey(step: AccessKeyStep, keyId: string): Promise<void> {
  try {
    await callAws('IAM.DeleteAccessKey', (abortSignal) => step.iam.send(new DeleteAccessKeyCommand({ UserName: step.userName, AccessKeyId: keyId }), { abortSignal }), step.retry, { idempotent: true });
  } catch (error) {
    if (!isAwsError(error, 'NoSuchEntity') && !isAwsError(error, 'NoSuchEntityException')) throw error;
  }
  step.log.info('CI access key deleted', { iamUser: step.userName, accessKeyId: keyId });
}

/**
 * access-keys mode: both GitLab projects hold, as masked, protected, raw variables, an active key of
 * the project's CI user. The secret key goes from IAM's answer straight into GitLab, nowhere else.
 */
export async function ensureCiAccessKey(step: AccessKeyStep): Promise<'kept' | 'rotated'> {
  const listed = await callAws('IAM.ListAccessKeys', (abortSignal) => step.iam.send(new ListAccessKeysCommand({ UserName: step.userName }), { abortSignal }), step.retry, { idempotent: true });
  const userKeys = (listed.AccessKeyMetadata ?? []).map((key) => ({ id: key.AccessKeyId ?? '', active: key.Status === 'Active', created: key.CreateDate?.getTime() ?? 0 }));
  const projects = await Promise.all(
    step.gitlabProjectIds.map(async (id) => ({ keyId: await step.gitlab.variable(id, ACCESS_KEY_ID_VARIABLE), secret: await step.gitlab.variable(id, SECRET_ACCESS_KEY_VARIABLE) })),
  );
  const decision = decideAccessKey(userKeys, projects);
  if (decision.action === 'keep') {
    step.log.info('CI access key kept: both projects hold it', { iamUser: step.userName, accessKeyId: decision.keyId });
    for (const keyId of decision.remove) await deleteKey(step, keyId);
    return 'kept';
  }
  for (const keyId of decision.removeFirst) await deleteKey(step, keyId);
  // Not retried when ambiguous: a second key would be created; the next run deletes any orphan.
  const created = await callAws('IAM.CreateAccessKey', (abortSignal) => step.iam.send(new CreateAccessKeyCommand({ UserName: step.userName }), { abortSignal }), step.retry, { idempotent: false });
  const keyId = created.AccessKey?.AccessKeyId ?? '';
  const secret = created.AccessKey?.SecretAccessKey ?? '';
  step.log.info(`CI access key created: ${decision.reason}`, { iamUser: step.userName, accessKeyId: keyId });
  for (const [index, id] of step.gitlabProjectIds.entries()) {
    await step.gitlab.putSecretVariable(id, ACCESS_KEY_ID_VARIABLE, keyId, projects[index].keyId !== undefined);
    await step.gitlab.putSecretVariable(id, SECRET_ACCESS_KEY_VARIABLE, secret, projects[index].secret !== undefined);
    step.log.info('CI access key written to the project\'s CI/CD variables', { gitlabProjectId: id, accessKeyId: keyId });
  }
  for (const oldKey of decision.removeAfter) await deleteKey(step, oldKey);
  return 'rotated';
}
