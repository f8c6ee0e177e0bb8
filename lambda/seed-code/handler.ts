import { IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CI_AUTH_MODES, CiAuthMode, SEED_SETTINGS as SETTINGS, SeedInvocationInput } from '../../contract/function-settings';
import { SDK_CLIENT_CONFIG } from '../shared/aws';
import { requiredSetting } from '../shared/environment';
import { GitLab } from '../shared/gitlab';
import { createLogger } from '../shared/log';
import { Budget, InvocationClock, RetryPolicy } from '../shared/retry';
import { readSecret } from '../shared/secrets';
import { ensureCiAccessKey } from './ci-access-key';
import { GitLabProjects } from './gitlab-projects';
import { readSeedManifest, seedCodeFingerprint } from './seed-files';
import { SeedOutcome, seedRepository } from './seed-repositories';
import { ensureDeployTrigger } from './trigger-token';

/** Patient attempts: the seed commit is large, and a failure fails the whole apply. */
const RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 8000, requestTimeoutMs: 30000 };
/** Kept back from the function's timeout for the error and its log line. */
const SAFETY_MARGIN_MS = 5000;

const NAMESPACE_TOKEN = {
  holds: "the platform's GitLab namespace token",
  whenMissing: 'store the platform\'s GitLab token (api scope) in it as plain text',
};

export interface SeedResult {
  readonly deployTrigger: 'kept' | 'created';
  readonly ciAccessKey: 'kept' | 'rotated' | 'not-used';
  readonly repositories: SeedOutcome[];
}

/** The invocation input, checked: only the digest, which must be that of the packaged seed code. */
export function parseSeedInput(event: unknown, packagedDigest: string): SeedInvocationInput {
  const digest = (event as Partial<SeedInvocationInput> | null)?.seedCodeDigest;
  if (typeof digest !== 'string' || !/^[0-9a-f]{64}$/.test(digest)) {
    throw new Error(`Invocation input needs "seedCodeDigest": the sha256 of the seed code (64 hex digits), not ${JSON.stringify(digest ?? null)}.`);
  }
  if (digest !== packagedDigest) {
    throw new Error(
      `Invocation input names seed code ${digest}, but this function's package holds ${packagedDigest}: the function and its invocation come from different synths; apply the project again.`,
    );
  }
  return { seedCodeDigest: digest };
}

function ciAuthMode(env: NodeJS.ProcessEnv): CiAuthMode {
  const mode = requiredSetting(env, SETTINGS.ciAuthMode);
  if (!(CI_AUTH_MODES as readonly string[]).includes(mode)) throw new Error(`Environment variable ${SETTINGS.ciAuthMode} is ${JSON.stringify(mode)}; expected one of ${CI_AUTH_MODES.join(', ')}.`);
  return mode as CiAuthMode;
}

const projectIdSetting = (env: NodeJS.ProcessEnv, name: string) => {
  const value = Number(requiredSetting(env, name));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`Environment variable ${name} must be a GitLab project id, not ${JSON.stringify(env[name])}.`);
  return value;
};

let clients: { secrets: SecretsManagerClient; iam: IAMClient } | undefined;

/**
 * The seeding function, invoked only by Terraform (aws_lambda_invocation). In order: the deploy
 * project's pipeline trigger and its secret; in access-keys mode, the CI user's key in both
 * projects' variables; then one seed commit per repository, since that push starts the build
 * pipeline, which needs the credentials. Every failure is thrown, so the apply fails.
 */
export async function handler(event: unknown, context: InvocationClock): Promise<SeedResult> {
  // The bundle's folder: the manifest and seed-code/ are packaged beside index.js.
  const packageDir = __dirname;
  const env = process.env;
  const project = { name: requiredSetting(env, SETTINGS.projectName), id: requiredSetting(env, SETTINGS.projectId) };
  const log = createLogger({ sagemakerProjectId: project.id, function: 'seed-code' });
  try {
    const manifest = readSeedManifest(packageDir);
    const { seedCodeDigest } = parseSeedInput(event, seedCodeFingerprint(manifest));
    log.info('Seeding invoked', { seedCodeDigest });
    const buildProjectId = projectIdSetting(env, SETTINGS.buildProjectId);
    const deployProjectId = projectIdSetting(env, SETTINGS.deployProjectId);
    const mode = ciAuthMode(env);
    clients ??= { secrets: new SecretsManagerClient(SDK_CLIENT_CONFIG), iam: new IAMClient(SDK_CLIENT_CONFIG) };
    const retry = { policy: RETRY_POLICY, budget: Budget.of(context, SAFETY_MARGIN_MS), log };
    const tokenSecretArn = requiredSetting(env, SETTINGS.tokenSecretArn);
    const token = await readSecret(clients.secrets, tokenSecretArn, NAMESPACE_TOKEN, retry);
    const gitlab = new GitLabProjects(new GitLab({ url: requiredSetting(env, SETTINGS.gitlabUrl), privateToken: token, credentialSource: `secret ${tokenSecretArn}` }, retry));

    const deployTrigger = await ensureDeployTrigger({
      gitlab,
      secrets: clients.secrets,
      deployProjectId,
      sagemakerProjectId: project.id,
      secretArn: requiredSetting(env, SETTINGS.triggerTokenSecretArn),
      retry,
      log,
    });
    const ciAccessKey =
      mode === 'access-keys'
        ? await ensureCiAccessKey({ gitlab, iam: clients.iam, userName: requiredSetting(env, SETTINGS.ciUserName), gitlabProjectIds: [buildProjectId, deployProjectId], retry, log })
        : 'not-used';
    const step = { gitlab, branch: requiredSetting(env, SETTINGS.defaultBranch), project, manifest, packageDir, log };
    const repositories: SeedOutcome[] = [];
    for (const target of [
      { repository: 'model-build', gitlabProjectId: buildProjectId },
      { repository: 'model-deploy', gitlabProjectId: deployProjectId },
    ] as const) {
      repositories.push(await seedRepository(step, target));
    }
    return { deployTrigger, ciAccessKey, repositories };
  } catch (error) {
    log.error(`Seeding failed: ${(error as Error).message}`, { error: (error as Error).name });
    throw error;
  }
}
