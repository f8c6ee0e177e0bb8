import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSeedHandler, SeedEvent } from '../../lambda/seed-code/handler';
import { packageSeedCode, SeedManifest } from '../../lambda/seed-code/seed-files';
import { startLambdaHarness, FAST_RETRY, TOKEN, TOKEN_SECRET } from '../support/lambda-harness';
import { writeSeedFixture } from '../support/seed-fixture';

const BUILD_PROJECT = 41;
const DEPLOY_PROJECT = 42;
const PROJECT_ID = 'p-abcdefghijkl';
const EVENT: SeedEvent = {
  repositories: [
    { repository: 'model-build', gitlabProjectId: BUILD_PROJECT, branch: 'main' },
    { repository: 'model-deploy', gitlabProjectId: DEPLOY_PROJECT, branch: 'main' },
  ],
};

describe('seed-code handler against a local GitLab', () => {
  let harness: Awaited<ReturnType<typeof startLambdaHarness>>;
  let seedRoot: string;
  let packageDir: string;
  let manifest: SeedManifest;

  beforeAll(() => {
    seedRoot = writeSeedFixture();
    packageDir = mkdtempSync(join(tmpdir(), 'seed-package-'));
    manifest = packageSeedCode(seedRoot, packageDir);
  });

  beforeEach(async () => {
    harness = await startLambdaHarness();
    harness.gitlab.addProject(BUILD_PROJECT, 'ml-team/churn-model-build');
    harness.gitlab.addProject(DEPLOY_PROJECT, 'ml-team/churn-model-deploy');
  });

  afterEach(() => harness.stop());

  const seed = (env: Record<string, string> = {}) =>
    createSeedHandler({
      secrets: harness.secretsClient,
      packageDir,
      retryPolicy: FAST_RETRY,
      write: harness.write,
      env: {
        GITLAB_URL: harness.gitlab.url,
        GITLAB_TOKEN_SECRET_NAME: TOKEN_SECRET,
        SAGEMAKER_PROJECT_NAME: 'churn',
        SAGEMAKER_PROJECT_ID: PROJECT_ID,
        ...env,
      },
    })(EVENT);

  test('fresh repositories get exactly one commit each, holding every seed file byte for byte', async () => {
    const result = await seed();

    for (const [projectId, repository] of [[BUILD_PROJECT, 'model-build'], [DEPLOY_PROJECT, 'model-deploy']] as const) {
      const commits = harness.gitlab.commits(projectId);
      expect(commits).toHaveLength(1);
      expect(commits[0].branch).toBe('main');
      expect([...commits[0].files.keys()].sort()).toEqual(manifest[repository].files);
      for (const [path, content] of commits[0].files) expect(content).toEqual(readFileSync(join(seedRoot, repository, path)));
      expect(commits[0].message).toContain(`SageMaker-Project-Seed: ${PROJECT_ID}`);
      expect(commits[0].message).toContain(`Seed-Code-Digest: sha256:${manifest[repository].digest}`);
    }
    expect(result.repositories.map((outcome) => outcome.outcome)).toEqual(['seeded', 'seeded']);
    expect(result.repositories[0].commitId).toBe(harness.gitlab.commits(BUILD_PROJECT)[0].id);
  });

  test('the binary file travels base64-encoded and text files as text', async () => {
    await seed();
    const [post] = harness.gitlab.requestsTo('POST', /^\/projects\/41\/repository\/commits$/);
    const encodings = Object.fromEntries(post.body.actions.map((action: any) => [action.file_path, action.encoding]));
    expect(encodings['data/logo.png']).toBe('base64');
    expect(encodings['setup.py']).toBe('text');
  });

  test('a fresh seeding makes 4 GitLab API calls: one lookup and one commit per repository', async () => {
    await seed();
    expect(harness.gitlab.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /projects/41',
      'POST /projects/41/repository/commits',
      'GET /projects/42',
      'POST /projects/42/repository/commits',
    ]);
  });

  test('a second run makes no commit and reports the repositories as already seeded', async () => {
    await seed();
    const before = harness.gitlab.requestsTo('POST', /commits$/).length;
    const result = await seed();
    expect(harness.gitlab.requestsTo('POST', /commits$/).length).toBe(before);
    expect(harness.gitlab.commits(BUILD_PROJECT)).toHaveLength(1);
    expect(harness.gitlab.commits(DEPLOY_PROJECT)).toHaveLength(1);
    expect(result.repositories.map((outcome) => outcome.outcome)).toEqual(['already-seeded', 'already-seeded']);
  });

  test('a repository with someone else\'s commits is left alone, with a log line saying so', async () => {
    harness.gitlab.push(BUILD_PROJECT, 'main', 'Initial commit', { 'README.md': 'ours' });
    const result = await seed();
    expect(harness.gitlab.commits(BUILD_PROJECT)).toHaveLength(1);
    expect(harness.gitlab.commits(BUILD_PROJECT)[0].message).toBe('Initial commit');
    expect(result.repositories[0].outcome).toBe('foreign-content');
    expect(result.repositories[1].outcome).toBe('seeded');
    const warning = harness.logLines.map((line) => JSON.parse(line)).find((line) => line.outcome === 'foreign-content');
    expect(warning).toMatchObject({ level: 'WARN', sagemakerProjectId: PROJECT_ID, repository: 'model-build' });
    expect(warning.message).toContain('Not seeding ml-team/churn-model-build');
    expect(warning.message).toContain('left untouched');
  });

  test('401 fails with an error naming the token secret, and commits nothing', async () => {
    harness.gitlab.failAlways('GET', /^\/projects\/41$/, 401);
    await expect(seed()).rejects.toThrow(
      `GET /projects/41: GitLab rejected the token from secret "${TOKEN_SECRET}" (401 Unauthorized): it is invalid, expired or revoked; store a valid token with the api scope.`,
    );
    expect(harness.gitlab.requestsTo('GET', /^\/projects\/41$/)).toHaveLength(1);
    expect(harness.gitlab.requestsTo('POST', /commits$/)).toHaveLength(0);
  });

  test('a token GitLab does not know is rejected the same way (real 401 from authentication)', async () => {
    await harness.stop();
    harness = await startLambdaHarness({ [TOKEN_SECRET]: 'glpat-revoked-token-000000' });
    harness.gitlab.addProject(BUILD_PROJECT, 'ml-team/churn-model-build');
    harness.gitlab.addProject(DEPLOY_PROJECT, 'ml-team/churn-model-deploy');
    await expect(seed()).rejects.toThrow(/401 Unauthorized/);
  });

  test('5xx twice then 201 succeeds with exactly one commit', async () => {
    harness.gitlab.failNext('POST', /^\/projects\/41\/repository\/commits$/, 503, 500);
    const result = await seed();
    expect(harness.gitlab.requestsTo('POST', /^\/projects\/41\/repository\/commits$/)).toHaveLength(3);
    expect(harness.gitlab.commits(BUILD_PROJECT)).toHaveLength(1);
    expect(result.repositories[0].outcome).toBe('seeded');
    const retries = harness.logLines.map((line) => JSON.parse(line)).filter((line) => line.message.startsWith('Retrying model-build'));
    expect(retries.map((line) => line.attempt)).toEqual([1, 2]);
  });

  test('a commit GitLab stored although it answered 502 is not made twice: the retry finds the seed commit', async () => {
    harness.gitlab.failNextAfterHandling('POST', /^\/projects\/41\/repository\/commits$/, 502);
    const result = await seed();
    expect(harness.gitlab.commits(BUILD_PROJECT)).toHaveLength(1);
    expect(result.repositories[0].outcome).toBe('seeded');
    expect(harness.gitlab.requests.filter((request) => request.path.startsWith('/projects/41')).map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /projects/41',
      // 502 is retried inside the client library first: the second POST is refused as the files exist.
      'POST /projects/41/repository/commits',
      'POST /projects/41/repository/commits',
      'GET /projects/41',
      'GET /projects/41/repository/commits',
    ]);
  });

  test('5xx forever fails after the retry budget, naming the request and the status', async () => {
    harness.gitlab.failAlways('POST', /^\/projects\/41\/repository\/commits$/, 500);
    await expect(seed()).rejects.toThrow(
      /^POST \/projects\/41\/repository\/commits: GitLab answered 500 \(a server-side failure\)\. GitLab said: 500 fake failure \(gave up after 4 attempts\)$/,
    );
    expect(harness.gitlab.requestsTo('POST', /^\/projects\/41\/repository\/commits$/)).toHaveLength(4);
    expect(harness.gitlab.requestsTo('GET', /^\/projects\/42/)).toHaveLength(0);
  });

  test('a missing secret fails naming it, before any GitLab call', async () => {
    await expect(seed({ GITLAB_TOKEN_SECRET_NAME: 'acme-dev-mlops/gitlab/nope' })).rejects.toThrow(
      'Secrets Manager has no secret "acme-dev-mlops/gitlab/nope" (or it has no current value): create it, or give the project the right name (SecretsManagerGitlabPrivateToken).',
    );
    expect(harness.gitlab.requests).toHaveLength(0);
  });

  test('a missing setting fails naming the environment variable', async () => {
    await expect(seed({ GITLAB_URL: '' })).rejects.toThrow('Environment variable GITLAB_URL is not set on this function');
  });

  test('bad invocation input fails naming the field', async () => {
    const handler = createSeedHandler({ secrets: harness.secretsClient, packageDir, write: harness.write, env: { SAGEMAKER_PROJECT_NAME: 'churn', SAGEMAKER_PROJECT_ID: PROJECT_ID } });
    await expect(handler({ repositories: [{ repository: 'model-train', gitlabProjectId: 1, branch: 'main' }] })).rejects.toThrow(
      'repositories[0].repository must be one of model-build, model-deploy, not "model-train".',
    );
    await expect(handler({ repositories: [{ repository: 'model-build', gitlabProjectId: 'x', branch: 'main' }] })).rejects.toThrow(
      'repositories[0].gitlabProjectId must be a GitLab project id',
    );
  });

  test('the token appears in no log line and no error, whatever happens', async () => {
    await seed();
    await seed();
    harness.gitlab.failAlways('GET', /^\/projects\/42$/, 403);
    const failure = await seed().catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain('403 Forbidden');
    expect(harness.logLines.length).toBeGreaterThan(4);
    for (const line of [...harness.logLines, (failure as Error).message]) expect(line).not.toContain(TOKEN);
  });
});
