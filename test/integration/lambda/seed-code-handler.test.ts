import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { deployTriggerDescription, seedTagName } from '../../../contract/function-settings';
import { readSeedManifest, SeedManifest } from '../../../lambda/seed-code/seed-files';
import { seedCommitMessage } from '../../../lambda/seed-code/seed-plan';
import {
  BUILD_PROJECT,
  BundledHandler,
  bundledSeedHandler,
  capturingLogs,
  CI_USER,
  closedPort,
  contextWith,
  DEPLOY_PROJECT,
  LambdaHarness,
  PROJECT_ID,
  startLambdaHarness,
  TOKEN,
  TOKEN_SECRET,
  TRIGGER_SECRET,
  useEnvironment,
} from '../../support/lambda-harness';
import { writeSeedFixture } from '../../support/seed-fixture';

const TAG = seedTagName(PROJECT_ID);
const DESCRIPTION = deployTriggerDescription(PROJECT_ID);

describe('the bundled seeding function against a fake GitLab and fake AWS', () => {
  let harness: LambdaHarness;
  let seedRoot: string;
  let handler: BundledHandler;
  let seedCodeDigest: string;
  let manifest: SeedManifest;

  beforeAll(async () => {
    harness = await startLambdaHarness();
    seedRoot = writeSeedFixture();
    const bundled = bundledSeedHandler(seedRoot);
    ({ handler, seedCodeDigest } = bundled);
    manifest = readSeedManifest(bundled.dir);
  });
  afterAll(() => harness.stop());

  beforeEach(async () => {
    await harness.reset();
  });

  const seed = (options: { env?: Record<string, string>; timeLeftMs?: number; input?: unknown } = {}) => {
    if (options.env) useEnvironment(harness.env(options.env));
    return capturingLogs(() => handler(options.input ?? { seedCodeDigest }, contextWith(options.timeLeftMs ?? 600000)));
  };
  const gitlabCalls = () => harness.gitlab.requests.map((request) => `${request.method} ${request.path.replace(TAG, '<tag>')}`);
  const commitPosts = (project: number) => harness.gitlab.requestsTo('POST', new RegExp(`^/projects/${project}/repository/commits$`));

  describe('seed commits', () => {
    test('fresh repositories get one tagged commit each, holding every seed file byte for byte', async () => {
      const { result } = await seed();
      for (const [projectId, repository] of [
        [BUILD_PROJECT, 'model-build'],
        [DEPLOY_PROJECT, 'model-deploy'],
      ] as const) {
        const commits = harness.gitlab.commits(projectId);
        expect(commits).toHaveLength(1);
        expect(commits[0].branch).toBe('main');
        expect([...commits[0].files.keys()].sort()).toEqual(manifest[repository].files);
        for (const [path, content] of commits[0].files) expect(content).toEqual(readFileSync(join(seedRoot, repository, path)));
        expect(commits[0].message).toBe(seedCommitMessage(repository, { name: 'churn', id: PROJECT_ID }, manifest[repository].digest));
        expect(harness.gitlab.tags(projectId).get(TAG)).toBe(commits[0].id);
      }
      expect(result.repositories).toEqual([
        { repository: 'model-build', gitlabProjectId: BUILD_PROJECT, outcome: 'seeded', commitId: harness.gitlab.commits(BUILD_PROJECT)[0].id },
        { repository: 'model-deploy', gitlabProjectId: DEPLOY_PROJECT, outcome: 'seeded', commitId: harness.gitlab.commits(DEPLOY_PROJECT)[0].id },
      ]);
    });

    test('the binary file travels base64-encoded and text files as text', async () => {
      await seed();
      const encodings = Object.fromEntries(commitPosts(BUILD_PROJECT)[0].body.actions.map((action: any) => [action.file_path, action.encoding]));
      expect(encodings['data/logo.png']).toBe('base64');
      expect(encodings['setup.py']).toBe('text');
    });

    test('the deploy trigger exists before the first push (which starts the build pipeline): calls in order', async () => {
      await seed();
      expect(gitlabCalls()).toEqual([
        'GET /projects/42/triggers',
        'POST /projects/42/triggers',
        'GET /projects/41',
        'GET /projects/41/repository/tags/<tag>',
        'POST /projects/41/repository/commits',
        'POST /projects/41/repository/tags',
        'GET /projects/42',
        'GET /projects/42/repository/tags/<tag>',
        'POST /projects/42/repository/commits',
        'POST /projects/42/repository/tags',
      ]);
    });

    test('a second run commits nothing and reports both repositories as seeded already', async () => {
      await seed();
      const { result } = await seed();
      expect(commitPosts(BUILD_PROJECT)).toHaveLength(1);
      expect(commitPosts(DEPLOY_PROJECT)).toHaveLength(1);
      expect(result.repositories.map((outcome: any) => outcome.outcome)).toEqual(['already-seeded', 'already-seeded']);
    });

    test('the seed commit is recognised after 150 later commits: the tag marks it, no history is searched', async () => {
      await seed();
      for (let index = 1; index <= 150; index++) harness.gitlab.push(BUILD_PROJECT, 'main', `Experiment ${index}`);
      harness.gitlab.requests.length = 0;
      const { result } = await seed();
      expect(result.repositories[0]).toMatchObject({ outcome: 'already-seeded', commitId: harness.gitlab.commits(BUILD_PROJECT)[0].id });
      expect(harness.gitlab.requestsTo('GET', /repository\/commits/)).toHaveLength(0);
      expect(commitPosts(BUILD_PROJECT)).toHaveLength(0);
    });

    test('a repository someone pushed to first fails the apply, naming the repository, the branch, what is there and how to proceed', async () => {
      harness.gitlab.push(BUILD_PROJECT, 'main', 'Initial commit\n\nour own start', { 'README.md': 'ours' });
      const { error, lines } = await seed();
      expect(error?.name).toBe('ForeignContentError');
      expect(error?.message).toContain('Repository ml-team/churn-model-build (GitLab project 41) was not seeded');
      expect(error?.message).toContain("branch main holds commits that are not this project's seed commit");
      expect(error?.message).toContain('"Initial commit"');
      expect(error?.message).toContain(`create the tag ${TAG} on branch main and apply again`);
      expect(error?.message).toContain('empty the repository');
      expect(harness.gitlab.commits(BUILD_PROJECT)).toHaveLength(1);
      expect(commitPosts(BUILD_PROJECT)).toHaveLength(0);
      expect(lines.filter((line) => line.level === 'ERROR')).toEqual([
        expect.objectContaining({ message: expect.stringContaining('Seeding failed: Repository ml-team/churn-model-build') }),
      ]);
    });

    test('a repository with only another branch fails the same way, naming the branches it has', async () => {
      harness.gitlab.push(DEPLOY_PROJECT, 'develop', 'Work in progress');
      const { error } = await seed();
      expect(error?.message).toContain(
        'Repository ml-team/churn-model-deploy (GitLab project 42) was not seeded: branch main does not exist, but the repository has other branches (develop)',
      );
      expect(commitPosts(DEPLOY_PROJECT)).toHaveLength(0);
    });

    test('a maintainer who tags their own content accepts it as seeded: the apply succeeds without touching it', async () => {
      const own = harness.gitlab.push(BUILD_PROJECT, 'main', 'Our own code');
      harness.gitlab.tags(BUILD_PROJECT).set(TAG, own.id);
      const { result } = await seed();
      expect(result.repositories[0]).toMatchObject({ outcome: 'already-seeded', commitId: own.id });
      expect(commitPosts(BUILD_PROJECT)).toHaveLength(0);
    });

    test('a seed commit GitLab stored although it answered 502 is not made twice: it is found and tagged', async () => {
      harness.gitlab.failNextAfterHandling('POST', /^\/projects\/41\/repository\/commits$/, 502);
      const { result } = await seed();
      expect(commitPosts(BUILD_PROJECT)).toHaveLength(1);
      expect(harness.gitlab.commits(BUILD_PROJECT)).toHaveLength(1);
      expect(harness.gitlab.tags(BUILD_PROJECT).get(TAG)).toBe(harness.gitlab.commits(BUILD_PROJECT)[0].id);
      expect(result.repositories[0].outcome).toBe('seeded');
    });

    test('a run that stopped between commit and tag is completed: the untagged seed commit gets its tag, no second commit', async () => {
      harness.gitlab.push(BUILD_PROJECT, 'main', seedCommitMessage('model-build', { name: 'churn', id: PROJECT_ID }, manifest['model-build'].digest));
      const { result } = await seed();
      expect(commitPosts(BUILD_PROJECT)).toHaveLength(0);
      expect(harness.gitlab.tags(BUILD_PROJECT).get(TAG)).toBe(harness.gitlab.commits(BUILD_PROJECT)[0].id);
      expect(result.repositories[0].outcome).toBe('seeded');
    });

    test('500 twice before GitLab stored anything: looks again each time, then commits once', async () => {
      harness.gitlab.failNext('POST', /^\/projects\/41\/repository\/commits$/, 500, 500);
      const { result } = await seed();
      expect(commitPosts(BUILD_PROJECT)).toHaveLength(3);
      expect(harness.gitlab.commits(BUILD_PROJECT)).toHaveLength(1);
      expect(result.repositories[0].outcome).toBe('seeded');
    });
  });

  describe('the deploy pipeline trigger', () => {
    test('a new project gets one trigger whose token is stored in the per-project secret', async () => {
      const { result } = await seed();
      const triggers = harness.gitlab.triggers(DEPLOY_PROJECT);
      expect(triggers).toEqual([expect.objectContaining({ description: DESCRIPTION })]);
      expect(harness.secrets[TRIGGER_SECRET]).toBe(triggers[0].token);
      expect(result.deployTrigger).toBe('created');
    });

    test('kept when the secret holds its token; stale triggers of ours are deleted, other triggers left alone', async () => {
      const ours = harness.gitlab.addTrigger(DEPLOY_PROJECT, DESCRIPTION);
      const stale = harness.gitlab.addTrigger(DEPLOY_PROJECT, DESCRIPTION);
      const someoneElses = harness.gitlab.addTrigger(DEPLOY_PROJECT, 'nightly rebuild');
      harness.secrets[TRIGGER_SECRET] = ours.token;
      const { result } = await seed();
      expect(result.deployTrigger).toBe('kept');
      expect(harness.gitlab.requestsTo('POST', /\/triggers$/)).toHaveLength(0);
      expect(harness.gitlab.triggers(DEPLOY_PROJECT).map((trigger) => trigger.id)).toEqual([ours.id, someoneElses.id]);
      expect(harness.gitlab.requestsTo('DELETE', /\/triggers\//).map((request) => request.path)).toEqual([`/projects/42/triggers/${stale.id}`]);
    });

    test('replaced when the secret holds no token of ours (e.g. a trigger created by another user): new one stored, old one deleted', async () => {
      const other = harness.gitlab.addTrigger(DEPLOY_PROJECT, DESCRIPTION, { foreign: true });
      harness.secrets[TRIGGER_SECRET] = other.token;
      const { result } = await seed();
      expect(result.deployTrigger).toBe('created');
      const [created] = harness.gitlab.triggers(DEPLOY_PROJECT);
      expect(created.id).not.toBe(other.id);
      expect(harness.secrets[TRIGGER_SECRET]).toBe(created.token);
    });
  });

  describe('access-keys mode', () => {
    const accessKeys = { CI_AUTH_MODE: 'access-keys', CI_IAM_USER_NAME: CI_USER };
    const keyVariables = (project: number) => [
      harness.gitlab.variables(project).get('AWS_ACCESS_KEY_ID'),
      harness.gitlab.variables(project).get('AWS_SECRET_ACCESS_KEY'),
    ];
    const iamCalls = () =>
      harness.aws.requests.map((request) => request.action).filter((action) => action.endsWith('AccessKey') || action === 'ListAccessKeys');

    test("both projects get the CI user's new key as masked, protected, raw variables, before the first push", async () => {
      const { result } = await seed({ env: accessKeys });
      const [key] = harness.iamUsers[CI_USER];
      expect(result.ciAccessKey).toBe('rotated');
      for (const project of [BUILD_PROJECT, DEPLOY_PROJECT]) {
        expect(keyVariables(project)).toEqual([
          { key: 'AWS_ACCESS_KEY_ID', value: key.id, masked: true, protected: true, raw: true },
          { key: 'AWS_SECRET_ACCESS_KEY', value: key.secret, masked: true, protected: true, raw: true },
        ]);
      }
      const firstPush = harness.gitlab.requests.findIndex((request) => request.path.endsWith('/repository/commits'));
      const lastVariable = harness.gitlab.requests.map((request) => request.path.includes('/variables')).lastIndexOf(true);
      expect(lastVariable).toBeLessThan(firstPush);
      expect(iamCalls()).toEqual(['ListAccessKeys', 'CreateAccessKey']);
    });

    test('a second run keeps the key: no new key, no variable written', async () => {
      await seed({ env: accessKeys });
      const [key] = harness.iamUsers[CI_USER];
      harness.aws.requests.length = 0;
      harness.gitlab.requests.length = 0;
      const { result } = await seed({ env: accessKeys });
      expect(result.ciAccessKey).toBe('kept');
      expect(iamCalls()).toEqual(['ListAccessKeys']);
      expect(harness.gitlab.requests.filter((request) => request.path.includes('/variables') && request.method !== 'GET')).toHaveLength(0);
      expect(harness.iamUsers[CI_USER].map((candidate) => candidate.id)).toEqual([key.id]);
    });

    test("rotates when the variables hold a key the user no longer has; the user's other keys are deleted, two at most at any time", async () => {
      await seed({ env: accessKeys });
      const [first] = harness.iamUsers[CI_USER].splice(0, 1);
      harness.iamUsers[CI_USER].push(
        { id: 'AKIAORPHAN0000000001', secret: 'orphan-secret-1', status: 'Active', created: new Date(Date.now() - 2000) },
        { id: 'AKIAORPHAN0000000002', secret: 'orphan-secret-2', status: 'Inactive', created: new Date(Date.now() - 1000) },
      );
      harness.aws.requests.length = 0;
      const { result } = await seed({ env: accessKeys });
      expect(result.ciAccessKey).toBe('rotated');
      const keys = harness.iamUsers[CI_USER];
      expect(keys).toHaveLength(1);
      expect(keys[0].id).not.toBe(first.id);
      expect(iamCalls()).toEqual(['ListAccessKeys', 'DeleteAccessKey', 'CreateAccessKey', 'DeleteAccessKey']);
      for (const project of [BUILD_PROJECT, DEPLOY_PROJECT])
        expect(keyVariables(project).map((variable) => variable?.value)).toEqual([keys[0].id, keys[0].secret]);
    });

    test('rotates when a variable lost its protection', async () => {
      await seed({ env: accessKeys });
      harness.gitlab.variables(DEPLOY_PROJECT).get('AWS_SECRET_ACCESS_KEY')!.protected = false;
      const { result } = await seed({ env: accessKeys });
      expect(result.ciAccessKey).toBe('rotated');
      expect(keyVariables(DEPLOY_PROJECT)[1]).toMatchObject({ protected: true, value: harness.iamUsers[CI_USER][0].secret });
    });

    test('oidc mode makes no IAM call and writes no key', async () => {
      const { result } = await seed();
      expect(result.ciAccessKey).toBe('not-used');
      expect(iamCalls()).toEqual([]);
      expect(harness.gitlab.variables(BUILD_PROJECT).size).toBe(0);
    });
  });

  describe('failures', () => {
    test('a GitLab that never answers: a clear, logged error before the time runs out', async () => {
      harness.gitlab.failAlways('GET', /^\/projects\/42\/triggers$/, 'hang');
      const started = Date.now();
      // 6 s left, 5 s of them the function's safety margin: GitLab gets about a second.
      const { error, lines } = await seed({ timeLeftMs: 6000 });
      expect(Date.now() - started).toBeLessThan(6000);
      expect(error?.message).toMatch(/^GET \/projects\/42\/triggers: GitLab did not answer within \d+ ms/);
      expect(lines.at(-1)).toMatchObject({ level: 'ERROR', message: expect.stringContaining('did not answer'), sagemakerProjectId: PROJECT_ID });
    });

    test('429 with Retry-After: 1 is honoured before the request is sent again', async () => {
      harness.gitlab.answerNext('GET', /^\/projects\/41$/, 429, { 'Retry-After': '1' });
      const { result } = await seed();
      const [first, second] = harness.gitlab.requestsTo('GET', /^\/projects\/41$/);
      expect(second.at - first.at).toBeGreaterThanOrEqual(1000);
      expect(result.repositories[0].outcome).toBe('seeded');
    });

    test('a refused connection names ECONNREFUSED and gives up within the time left', async () => {
      // 1.5 s beyond the safety margin: room for one retry after the first refusal, not for the next.
      const { error } = await seed({ env: { GITLAB_URL: `http://127.0.0.1:${await closedPort()}` }, timeLeftMs: 6500 });
      expect(error?.message).toMatch(/could not be reached \(ECONNREFUSED\)/);
      expect(error?.message).toContain('gave up');
    });

    test.each([
      ['is missing', undefined, "does not exist or has no current value: store the platform's GitLab token"],
      ['holds JSON', '{"token":"glpat-x"}', 'holds JSON; it must hold the value itself as plain text'],
    ])('a namespace token secret that %s fails naming it, before any GitLab call', async (_case, value, message) => {
      harness.setSecret(TOKEN_SECRET, value);
      const { error } = await seed();
      expect(error?.message).toContain(
        `Secret arn:aws:secretsmanager:us-east-1:123456789012:secret:${TOKEN_SECRET}-AbCdEf (the platform's GitLab namespace token)`,
      );
      expect(error?.message).toContain(message);
      expect(harness.gitlab.requests).toHaveLength(0);
    });

    test('a revoked token fails naming the secret', async () => {
      harness.secrets[TOKEN_SECRET] = 'glpat-revoked-token-000000';
      const { error } = await seed();
      expect(error?.message).toContain(
        `GitLab rejected the credential from secret arn:aws:secretsmanager:us-east-1:123456789012:secret:${TOKEN_SECRET}-AbCdEf (401)`,
      );
    });

    test('the input must name the packaged seed code: a bad or different digest fails before any call', async () => {
      expect((await seed({ input: { repositories: [] } })).error?.message).toContain('Invocation input needs "seedCodeDigest"');
      expect((await seed({ input: { seedCodeDigest: 'a'.repeat(64) } })).error?.message).toContain(`but this function's package holds ${seedCodeDigest}`);
      expect(harness.gitlab.requests).toHaveLength(0);
    });

    test('a missing setting fails naming the environment variable', async () => {
      expect((await seed({ env: { DEPLOY_GITLAB_PROJECT_ID: '' } })).error?.message).toContain('Environment variable DEPLOY_GITLAB_PROJECT_ID is not set');
      expect((await seed({ env: { CI_AUTH_MODE: 'keys' } })).error?.message).toContain('CI_AUTH_MODE is "keys"; expected one of oidc, access-keys');
    });

    test('no error property at any depth, and no log line, holds the namespace token, the trigger token or the secret key', async () => {
      const env = { CI_AUTH_MODE: 'access-keys', CI_IAM_USER_NAME: CI_USER };
      const first = await seed({ env });
      const secrets = [TOKEN, harness.secrets[TRIGGER_SECRET], harness.iamUsers[CI_USER][0].secret];
      const outcomes = [first];
      harness.gitlab.failAlways('GET', /^\/projects\/42$/, 403);
      outcomes.push(await seed({ env }));
      harness.gitlab.clearFaults();
      harness.gitlab.failAlways('PUT', /variables/, 400);
      harness.gitlab.variables(BUILD_PROJECT).get('AWS_ACCESS_KEY_ID')!.value = 'AKIAGONE000000000000';
      outcomes.push(await seed({ env }));
      secrets.push(harness.iamUsers[CI_USER][0].secret);
      expect(outcomes.filter((outcome) => outcome.error)).toHaveLength(2);
      for (const outcome of outcomes) {
        const text = [inspect(outcome.error, { depth: Infinity }), ...outcome.raw].join('\n');
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
    });
  });
});
