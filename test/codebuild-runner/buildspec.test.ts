import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runnerBuildspec } from '../../constructs/codebuild-runner/buildspec';

// The buildspec's shape is a construct test (test/constructs/codebuild-runner/buildspec.test.ts); this one runs shellcheck.
const buildCommand = (runnerBuildspec().document.phases as any).build.commands[0] as string;

describe('runner buildspec: shellcheck', () => {
  test('the build command passes shellcheck', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'buildspec-')), 'build.sh');
    writeFileSync(file, `#!/usr/bin/env bash\n${buildCommand}\n`);
    const check = spawnSync('shellcheck', ['--shell=bash', file], { encoding: 'utf8' });
    if (check.error) throw new Error('shellcheck is not installed: .ci/run installs the Debian package shellcheck');
    expect(`${check.stdout}${check.stderr}`).toBe('');
  });
});
