import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { callAws, isAwsError } from './aws';
import type { RetryContext } from './retry';

/**
 * Why a secret cannot be used: it does not exist or has no current value, holds an empty string or
 * JSON, may not be read, or could not be written.
 */
export type SecretProblem = 'missing' | 'empty' | 'json' | 'denied' | 'unwritable';

/** A secret that cannot be used: the message names the secret and what to fix, never its value. */
export class SecretUnavailableError extends Error {
  constructor(
    readonly problem: SecretProblem,
    message: string,
    options?: { cause?: Error },
  ) {
    super(message, options);
    this.name = 'SecretUnavailableError';
  }
}

/** What the secret holds and how it gets there, for the messages. */
export interface SecretPurpose {
  /** e.g. `the platform's GitLab token`. */
  readonly holds: string;
  /** What to do when it has no value, e.g. `store the token in it as plain text`. */
  readonly whenMissing: string;
}

/**
 * The current string value of secret `secretArn`, trimmed. Fails naming the secret when it is
 * missing, has no value, cannot be read by this role, or holds JSON instead of the plain value.
 */
export async function readSecret(client: SecretsManagerClient, secretArn: string, purpose: SecretPurpose, retry: RetryContext): Promise<string> {
  let value: string | undefined;
  try {
    value = (
      await callAws('SecretsManager.GetSecretValue', (abortSignal) => client.send(new GetSecretValueCommand({ SecretId: secretArn }), { abortSignal }), retry, {
        idempotent: true,
      })
    ).SecretString;
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) {
      throw new SecretUnavailableError('missing', `Secret ${secretArn} (${purpose.holds}) does not exist or has no current value: ${purpose.whenMissing}.`, {
        cause: error,
      });
    }
    if (isAwsError(error, 'AccessDeniedException')) {
      throw new SecretUnavailableError(
        'denied',
        `This function's role may not read secret ${secretArn} (${purpose.holds}): grant it secretsmanager:GetSecretValue on the secret (and kms:Decrypt on its key through Secrets Manager).`,
        { cause: error },
      );
    }
    throw error;
  }
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') throw new SecretUnavailableError('empty', `Secret ${secretArn} (${purpose.holds}) holds no string value: ${purpose.whenMissing}.`);
  if (trimmed.startsWith('{')) {
    throw new SecretUnavailableError(
      'json',
      `Secret ${secretArn} (${purpose.holds}) holds JSON; it must hold the value itself as plain text (SecretString = the token, not {"token": "…"}): ${purpose.whenMissing}.`,
    );
  }
  return trimmed;
}

/** Stores `value` as the new current version of secret `secretArn` (created by Terraform without a value). */
export async function putSecret(client: SecretsManagerClient, secretArn: string, value: string, retry: RetryContext): Promise<void> {
  try {
    await callAws(
      'SecretsManager.PutSecretValue',
      (abortSignal) => client.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: value }), { abortSignal }),
      retry,
      {
        idempotent: true,
        secrets: [value],
      },
    );
  } catch (error) {
    if (isAwsError(error, 'AccessDeniedException') || isAwsError(error, 'ResourceNotFoundException')) {
      throw new SecretUnavailableError(
        'unwritable',
        `Could not store a value in secret ${secretArn}: ${(error as Error).message}. The secret must exist (the project stack creates it) and this function's role needs secretsmanager:PutSecretValue on it.`,
        { cause: error },
      );
    }
    throw error;
  }
}
