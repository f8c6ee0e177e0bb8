import { App } from 'cdktf';
import { execFileSync } from '../../harness/child-process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectStackProps, SAGEMAKER_PROJECT_STACK, SageMakerProjectStack } from '../../../stacks/sagemaker-project-stack';
import { FIXTURE_FILES, writeSeedFixture } from '../../support/seed-fixture';
import { testConfig } from '../../support/synth';

/** Lambda's limit is 50 MB; ours is 1 MB zipped per function (seed code included), to keep tf-code.zip small. */
const BUNDLE_LIMIT_BYTES = 1024 * 1024;
/** The handler's own JavaScript (index.js), for quick cold starts. */
const HANDLER_LIMIT_BYTES = 100 * 1024;

/** The synthesized stack's function archives, by the construct that owns them (`seeding`, `deploy-trigger`). */
function synthesizedArchives(seedCodeDir = writeSeedFixture()): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'project-synth-'));
  const app = new App({ outdir });
  new SageMakerProjectStack(app, SAGEMAKER_PROJECT_STACK, projectStackProps(testConfig(), seedCodeDir));
  app.synth();
  const assets = join(outdir, 'stacks', SAGEMAKER_PROJECT_STACK, 'assets');
  return Object.fromEntries(
    readdirSync(assets).map((asset) => {
      const [hash] = readdirSync(join(assets, asset));
      return [asset.replace(/_function_code_\w+$/, ''), join(assets, asset, hash, 'archive.zip')];
    }),
  );
}

const zipListing = (archive: string) =>
  execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line && !line.endsWith('/'))
    .sort();

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

  test('each handler bundle is at most 100 KB of JavaScript, the AWS SDK left to the Lambda runtime', () => {
    for (const archive of Object.values(archives)) {
      const handler = readFileSync(join(unzipped(archive), 'index.js'), 'utf8');
      expect(Buffer.byteLength(handler)).toBeLessThanOrEqual(HANDLER_LIMIT_BYTES);
      expect(handler).toMatch(/require\("@aws-sdk\/client-[a-z-]+"\)/);
      expect(handler).not.toContain('@gitbeaker');
    }
  });
});
