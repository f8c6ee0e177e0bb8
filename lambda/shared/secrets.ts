import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** A secret that cannot be read: the message names the secret and what to fix, never its value. */
export class SecretUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretUnavailableError';
  }
}

const errorName = (error: unknown) => (error as { name?: string })?.name ?? '';

/** The current string value of the secret `secretName`, trimmed; throws SecretUnavailableError when there is none. */
export async function readSecretString(client: SecretsManagerClient, secretName: string): Promise<string> {
  let value: string | undefined;
  try {
    value = (await client.send(new GetSecretValueCommand({ SecretId: secretName }))).SecretString;
  } catch (error) {
    const name = errorName(error);
    if (name === 'ResourceNotFoundException') {
      throw new SecretUnavailableError(
        `Secrets Manager has no secret "${secretName}" (or it has no current value): create it, or give the project the right name (SecretsManagerGitlabPrivateToken).`,
        { cause: error },
      );
    }
    if (name === 'AccessDeniedException') {
      throw new SecretUnavailableError(
        `This function's role may not read secret "${secretName}": grant it secretsmanager:GetSecretValue (and kms:Decrypt through Secrets Manager).`,
        { cause: error },
      );
    }
    throw new SecretUnavailableError(`Reading secret "${secretName}" failed: ${name || 'error'}: ${(error as Error).message}`, { cause: error });
  }
  if (value === undefined || value.trim() === '') {
    throw new SecretUnavailableError(`Secret "${secretName}" holds no string value: store the GitLab token in it as plain text.`);
  }
  return value.trim();
}
