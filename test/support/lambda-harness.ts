import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { FakeAws, secretsManager } from '../../tools/fake-aws';
import { FakeGitLab } from './fake-gitlab';

export const TOKEN_SECRET = 'acme-dev-mlops/gitlab/private-token';
export const TOKEN = 'glpat-AbCdEfGhIjKlMnOpQrSt';

/** Retries without waiting, so failure tests take milliseconds. */
export const FAST_RETRY = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };

/**
 * A fake GitLab and a fake Secrets Manager (real HTTP, the real SDK client) for handler tests; the
 * secrets fake holds the token unless `secrets` says otherwise.
 */
export async function startLambdaHarness(secrets: Record<string, string> = { [TOKEN_SECRET]: TOKEN }) {
  const gitlab = new FakeGitLab(TOKEN);
  await gitlab.start();
  const aws = new FakeAws([secretsManager(secrets)]);
  const endpoint = await aws.start();
  const secretsClient = new SecretsManagerClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAHANDLERTEST00000', secretAccessKey: 'handler-test-secret' },
    maxAttempts: 1,
  });
  const logLines: string[] = [];
  return {
    gitlab,
    aws,
    /** URL of the fake Secrets Manager. */
    endpoint,
    secretsClient,
    logLines,
    write: (line: string) => logLines.push(line),
    async stop() {
      secretsClient.destroy();
      await gitlab.stop();
      await aws.stop();
    },
  };
}
