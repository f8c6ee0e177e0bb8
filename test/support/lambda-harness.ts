import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { bundleLambda } from '../../constructs/sagemaker-project/lambda-bundle';
import { packageSeedCode, seedCodeFingerprint, seedManifest } from '../../lambda/seed-code/seed-files';
import { FakeAws, secretArn } from '../harness/fake-aws';
import { startDynalite } from './dynalite';
import { FakeAccessKey, iamAccessKeys, mutableSecretsManager } from './fake-aws-services';
import { FakeGitLab } from './fake-gitlab';

const ROOT = join(__dirname, '..', '..');
export const DEPLOY_TRIGGER_ENTRY = join(ROOT, 'lambda', 'deploy-trigger', 'handler.ts');
export const SEED_CODE_ENTRY = join(ROOT, 'lambda', 'seed-code', 'handler.ts');

export const PROJECT_ID = 'p-abcdefghijkl';
export const BUILD_PROJECT = 41;
export const DEPLOY_PROJECT = 42;
export const CI_USER = `sagemaker-project-${PROJECT_ID}-ci`;
/** The platform's namespace token and the secret holding it. */
export const TOKEN = 'glpat-AbCdEfGhIjKlMnOpQrSt';
export const TOKEN_SECRET = 'acme-dev-mlops/gitlab/private-token';
/** The per-project secret of the deploy pipeline trigger token (created by Terraform without a value). */
export const TRIGGER_SECRET = `sagemaker-project-${PROJECT_ID}/deploy-trigger-token`;

/** The context Lambda passes: `ms` of time left from now. */
export const contextWith = (ms: number) => {
  const deadline = Date.now() + ms;
  return { getRemainingTimeInMillis: () => deadline - Date.now() };
};

/** A handler as the bundle exports it. */
export type BundledHandler = (event: unknown, context: { getRemainingTimeInMillis(): number }) => Promise<any>;

/** The bundled deploy-trigger handler, as synth packages it. */
export function bundledDeployTrigger(): BundledHandler {
  // The bundle is built at run time, so its path is only known here.
  return require(join(bundleLambda(DEPLOY_TRIGGER_ENTRY).dir, 'index.js')).handler;
}

/** The bundled seeding handler, packaged with the seed code under `seedRoot`; and that code's digest. */
export function bundledSeedHandler(seedRoot: string): { handler: BundledHandler; seedCodeDigest: string; dir: string } {
  const manifest = seedManifest(seedRoot);
  const seedCodeDigest = seedCodeFingerprint(manifest);
  const { dir } = bundleLambda(SEED_CODE_ENTRY, { fingerprint: seedCodeDigest, write: (target) => packageSeedCode(seedRoot, target, manifest) });
  return { handler: require(join(dir, 'index.js')).handler, seedCodeDigest, dir };
}

/**
 * Everything the bundled handlers reach, on localhost: a fake GitLab with the build and deploy
 * projects, dynalite for the deploy records, and a fake AWS endpoint for Secrets Manager (read and
 * write) and IAM access keys. `env()` is the environment Lambda would give the functions (the SDK
 * reaches the fakes through AWS_ENDPOINT_URL_*). Start it once per test file: the handlers keep
 * their SDK clients, and so their endpoints, across invocations; `reset()` empties it between tests.
 */
export async function startLambdaHarness() {
  const gitlab = new FakeGitLab(TOKEN);
  await gitlab.start();
  const secrets: Record<string, string> = {};
  const emptySecrets = new Set<string>();
  const iamUsers: Record<string, FakeAccessKey[]> = {};
  const aws = new FakeAws([mutableSecretsManager(secrets, emptySecrets), iamAccessKeys(iamUsers)]);
  const awsEndpoint = await aws.start();
  const dynamo = await startDynalite();
  let table = '';
  const harness = {
    gitlab,
    aws,
    dynamo,
    secrets,
    iamUsers,
    get table() {
      return table;
    },
    /**
     * Back to a fresh state: the two projects, the namespace token, an empty trigger secret, a new
     * records table, no keys; and `env()` (naming the new table) in process.env.
     */
    async reset() {
      gitlab.requests.length = 0;
      gitlab.clearFaults();
      gitlab.addProject(BUILD_PROJECT, 'ml-team/churn-model-build');
      gitlab.addProject(DEPLOY_PROJECT, 'ml-team/churn-model-deploy');
      for (const name of Object.keys(secrets)) delete secrets[name];
      secrets[TOKEN_SECRET] = TOKEN;
      emptySecrets.clear();
      emptySecrets.add(TRIGGER_SECRET);
      for (const name of Object.keys(iamUsers)) delete iamUsers[name];
      iamUsers[CI_USER] = [];
      aws.requests.length = 0;
      table = await dynamo.deployRecordsTable();
      useEnvironment(harness.env());
    },
    /** Sets a secret's current value; undefined leaves it without one. */
    setSecret(name: string, value: string | undefined) {
      if (value === undefined) delete secrets[name];
      else secrets[name] = value;
    },
    /** The functions' environment (both functions' settings), with `overrides`. */
    env(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
      return {
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIAHANDLERTEST00000',
        AWS_SECRET_ACCESS_KEY: 'handler-test-secret',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: awsEndpoint,
        AWS_ENDPOINT_URL_IAM: awsEndpoint,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        GITLAB_URL: gitlab.url,
        GITLAB_TOKEN_SECRET_ARN: secretArn(TOKEN_SECRET),
        DEPLOY_TRIGGER_TOKEN_SECRET_ARN: secretArn(TRIGGER_SECRET),
        SAGEMAKER_PROJECT_NAME: 'churn',
        SAGEMAKER_PROJECT_ID: PROJECT_ID,
        BUILD_GITLAB_PROJECT_ID: String(BUILD_PROJECT),
        DEPLOY_GITLAB_PROJECT_ID: String(DEPLOY_PROJECT),
        DEFAULT_BRANCH: 'main',
        DEPLOY_BRANCH: 'main',
        CI_AUTH_MODE: 'oidc',
        CI_IAM_USER_NAME: '',
        MODEL_PACKAGE_GROUP_NAME: `churn-${PROJECT_ID}`,
        DEPLOY_RECORDS_TABLE: table,
        ...overrides,
      };
    },
    async stop() {
      await gitlab.stop();
      await aws.stop();
      await dynamo.stop();
    },
  };
  return harness;
}

export type LambdaHarness = Awaited<ReturnType<typeof startLambdaHarness>>;

/** Makes `env` the functions' settings in process.env (settings of an earlier test removed). */
export function useEnvironment(env: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(process.env))
    if (!(name in env) && /^(AWS_|GITLAB_|DEPLOY_|SAGEMAKER_|BUILD_|CI_|DEFAULT_|MODEL_)/.test(name)) delete process.env[name];
  Object.assign(process.env, env);
}

/** A TCP port nothing listens on (for connection-refused cases). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Structured log lines the bundled handlers wrote through console.log during `run`. */
export async function capturingLogs<T>(run: () => Promise<T>): Promise<{ result?: T; error?: Error; lines: Array<Record<string, any>>; raw: string[] }> {
  const raw: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void raw.push(String(line)));
  try {
    return { result: await run(), lines: raw.map((line) => JSON.parse(line)), raw };
  } catch (error) {
    return { error: error as Error, lines: raw.map((line) => JSON.parse(line)), raw };
  } finally {
    spy.mockRestore();
  }
}
