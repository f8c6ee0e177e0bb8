import { App } from 'cdktf';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectStackProps, SAGEMAKER_PROJECT_STACK, SageMakerProjectStack } from '../../stacks/sagemaker-project-stack';
import { startLambdaHarness, TOKEN_SECRET } from '../support/lambda-harness';
import { FIXTURE_FILES, writeSeedFixture } from '../support/seed-fixture';
import { testConfig } from '../support/synth';

/** Lambda's limit is 50 MB; ours is 1 MB zipped per function, to keep cold starts and tf-code.zip small. */
const BUNDLE_LIMIT_BYTES = 1024 * 1024;

/** The synthesized stack's function archives, by the construct that owns them (`seeding`, `deploy-trigger`). */
function synthesizedArchives(seedCodeDir = writeSeedFixture()): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'project-synth-'));
  const app = new App({ outdir });
  new SageMakerProjectStack(app, projectStackProps(testConfig(), seedCodeDir));
  app.synth();
  const assets = join(outdir, 'stacks', SAGEMAKER_PROJECT_STACK, 'assets');
  return Object.fromEntries(
    readdirSync(assets).map((asset) => {
      const [hash] = readdirSync(join(assets, asset));
      return [asset.replace(/_function_code_\w+$/, ''), join(assets, asset, hash, 'archive.zip')];
    }),
  );
}

const zipListing = (archive: string) => execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8' }).split('\n').filter((line) => line && !line.endsWith('/')).sort();

const unzipped = (archive: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-package-'));
  execFileSync('unzip', ['-q', archive, '-d', dir]);
  return dir;
};

describe('Lambda packages as synthesized', () => {
  const archives = synthesizedArchives();

  test('there is one archive per function, each at most 1 MB zipped', () => {
    expect(Object.keys(archives).sort()).toEqual(['deploy-trigger', 'seeding']);
    for (const archive of Object.values(archives)) expect(statSync(archive).size).toBeLessThanOrEqual(BUNDLE_LIMIT_BYTES);
  });

  test('the seed package holds the bundled handler, the manifest and exactly the seed files, junk excluded', () => {
    const expected = [
      'index.js',
      'seed-manifest.json',
      ...Object.entries(FIXTURE_FILES).flatMap(([repository, files]) => files.map((file) => `seed-code/${repository}/${file}`)),
    ].sort();
    expect(zipListing(archives.seeding)).toEqual(expected);
  });

  test('the deploy-trigger package is the bundled handler alone', () => {
    expect(zipListing(archives['deploy-trigger'])).toEqual(['index.js']);
  });

  test('the archives are reproducible: the same seed code, copied anew and bundled anew, zips to the same bytes', () => {
    // A new fixture folder (same contents, new modification times) and an empty package cache: a real second build.
    process.env.SMP_LAMBDA_CACHE_DIR = mkdtempSync(join(tmpdir(), 'lambda-cache-'));
    let again: Record<string, string>;
    try {
      again = synthesizedArchives();
    } finally {
      delete process.env.SMP_LAMBDA_CACHE_DIR;
    }
    const digest = (archive: string) => execFileSync('sha256sum', [archive], { encoding: 'utf8' }).split(' ')[0];
    expect(again.seeding).not.toBe(archives.seeding);
    expect(digest(again.seeding)).toBe(digest(archives.seeding));
  });

  test('a changed seed file changes the package: cached packages are keyed by their content', () => {
    const seedCodeDir = writeSeedFixture();
    const before = synthesizedArchives(seedCodeDir);
    appendFileSync(join(seedCodeDir, 'model-build', 'README.md'), 'one more line\n');
    const after = synthesizedArchives(seedCodeDir);
    const readme = (archive: string) => execFileSync('unzip', ['-p', archive, 'seed-code/model-build/README.md'], { encoding: 'utf8' });
    expect(readme(before.seeding)).not.toContain('one more line');
    expect(readme(after.seeding)).toContain('one more line');
    expect(readFileSync(after['deploy-trigger'])).toEqual(readFileSync(before['deploy-trigger']));
  });

  describe('the bundled handlers run with their own SDK and GitLab client', () => {
    let harness: Awaited<ReturnType<typeof startLambdaHarness>>;
    const savedEnv = { ...process.env };

    beforeEach(async () => {
      harness = await startLambdaHarness();
      harness.gitlab.addProject(41, 'ml-team/churn-model-build');
      harness.gitlab.addProject(42, 'ml-team/churn-model-deploy');
      Object.assign(process.env, {
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIABUNDLETEST000000',
        AWS_SECRET_ACCESS_KEY: 'bundle-test-secret',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: harness.endpoint,
        GITLAB_URL: harness.gitlab.url,
        GITLAB_TOKEN_SECRET_NAME: TOKEN_SECRET,
        SAGEMAKER_PROJECT_NAME: 'churn',
        SAGEMAKER_PROJECT_ID: 'p-abcdefghijkl',
        DEPLOY_GITLAB_PROJECT_ID: '42',
        DEPLOY_BRANCH: 'main',
        MODEL_PACKAGE_GROUP_NAME: 'churn-p-abcdefghijkl',
      });
    });

    afterEach(async () => {
      process.env = { ...savedEnv };
      await harness.stop();
    });

    test('the seed handler commits every packaged file into both repositories', async () => {
      const { handler } = require(join(unzipped(archives.seeding), 'index.js'));
      const result = await handler({ repositories: [{ repository: 'model-build', gitlabProjectId: 41, branch: 'main' }, { repository: 'model-deploy', gitlabProjectId: 42, branch: 'main' }] });
      expect(result.repositories.map((outcome: any) => outcome.outcome)).toEqual(['seeded', 'seeded']);
      expect([...harness.gitlab.commits(41)[0].files.keys()].sort()).toEqual([...FIXTURE_FILES['model-build']].sort());
      expect([...harness.gitlab.commits(42)[0].files.keys()].sort()).toEqual([...FIXTURE_FILES['model-deploy']].sort());
      expect(harness.aws.requests.map((request) => request.target)).toEqual(['secretsmanager.GetSecretValue']);
    });

    test('the deploy-trigger handler starts the deploy pipeline', async () => {
      const { handler } = require(join(unzipped(archives['deploy-trigger']), 'index.js'));
      const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-p-abcdefghijkl/1';
      await handler({
        source: 'aws.sagemaker',
        'detail-type': 'SageMaker Model Package State Change',
        detail: { ModelPackageGroupName: 'churn-p-abcdefghijkl', ModelPackageArn: arn, ModelApprovalStatus: 'Approved' },
      });
      expect(harness.gitlab.pipelines(42)).toEqual([expect.objectContaining({ ref: 'main', variables: [{ key: 'MODEL_PACKAGE_ARN', value: arn, variable_type: 'env_var' }] })]);
    });
  });
});
