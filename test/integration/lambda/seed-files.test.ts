import { execFileSync } from '../../harness/child-process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isJunk, listSeedFiles, packageSeedCode, readSeedFiles, SeedCodeError } from '../../../lambda/seed-code/seed-files';
import { BINARY_CONTENT, FIXTURE_FILES, writeSeedFixture } from '../../support/seed-fixture';

/** Files under `dir`, found by find(1): an enumeration independent of the code under test. */
const filesFoundBy = (dir: string) =>
  execFileSync('find', ['.', '-type', 'f'], { cwd: dir, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((path) => path.replace(/^\.\//, ''))
    .sort();

describe('seed code packaging', () => {
  test('the package holds exactly the files of seed-code/<repo>, junk excluded', () => {
    const seedRoot = writeSeedFixture();
    const packageDir = mkdtempSync(join(tmpdir(), 'seed-package-'));
    const manifest = packageSeedCode(seedRoot, packageDir);

    for (const repository of ['model-build', 'model-deploy'] as const) {
      expect(filesFoundBy(join(packageDir, 'seed-code', repository))).toEqual([...FIXTURE_FILES[repository]].sort());
      expect(manifest[repository].files).toEqual([...FIXTURE_FILES[repository]].sort());
      // Every source file that is not junk is packaged: nothing dropped besides junk.
      const source = filesFoundBy(join(seedRoot, repository));
      expect(source.filter((path) => !isJunk(path))).toEqual(manifest[repository].files);
    }
    expect(readFileSync(join(packageDir, 'seed-code/model-build/data/logo.png'))).toEqual(BINARY_CONTENT);
  });

  test('files read back from the package have the source bytes', () => {
    const seedRoot = writeSeedFixture();
    const packageDir = mkdtempSync(join(tmpdir(), 'seed-package-'));
    const manifest = packageSeedCode(seedRoot, packageDir);
    const files = readSeedFiles(packageDir, 'model-deploy', manifest);
    expect(files.map((file) => file.path)).toEqual(manifest['model-deploy'].files);
    for (const file of files) expect(file.content).toEqual(readFileSync(join(seedRoot, 'model-deploy', file.path)));
  });

  test('the digest changes with any content and is stable otherwise', () => {
    const seedRoot = writeSeedFixture();
    const first = packageSeedCode(seedRoot, mkdtempSync(join(tmpdir(), 'seed-package-')));
    const again = packageSeedCode(seedRoot, mkdtempSync(join(tmpdir(), 'seed-package-')));
    expect(again['model-build'].digest).toBe(first['model-build'].digest);
    writeFileSync(join(seedRoot, 'model-build/setup.py'), 'changed');
    const changed = packageSeedCode(seedRoot, mkdtempSync(join(tmpdir(), 'seed-package-')));
    expect(changed['model-build'].digest).not.toBe(first['model-build'].digest);
    expect(changed['model-deploy'].digest).toBe(first['model-deploy'].digest);
  });

  test.each([
    ['__pycache__/x.cpython-312.pyc', true],
    ['a/b/__pycache__/mod.py', true],
    ['x.pyc', true],
    ['terraform/.terraform/modules/m.json', true],
    ['terraform/terraform.tfstate', true],
    ['terraform/terraform.tfstate.backup', true],
    ['.DS_Store', true],
    ['terraform/.terraform.lock.hcl', false],
    ['.gitlab-ci.yml', false],
    ['pipelines/pycache_notes.py', false],
  ])('isJunk(%s) = %s', (path, junk) => {
    expect(isJunk(path)).toBe(junk);
  });

  test('a missing or empty repository folder is an error naming the folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'seed-code-'));
    expect(() => listSeedFiles(join(root, 'model-build'))).toThrow(
      new SeedCodeError(`Seed code folder ${join(root, 'model-build')} does not exist: the seed Lambda would commit nothing.`),
    );
    mkdirSync(join(root, 'model-build/__pycache__'), { recursive: true });
    writeFileSync(join(root, 'model-build/__pycache__/a.pyc'), 'junk');
    expect(() => listSeedFiles(join(root, 'model-build'))).toThrow(/holds no files/);
  });

  test('a symbolic link is rejected', () => {
    const root = writeSeedFixture();
    symlinkSync('/etc/passwd', join(root, 'model-build/passwd'));
    expect(() => listSeedFiles(join(root, 'model-build'))).toThrow(/passwd is a symbolic link/);
  });
});
