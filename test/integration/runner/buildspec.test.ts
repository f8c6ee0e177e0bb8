/** The CodeBuild runner's build command through shellcheck, as bash runs it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runnerBuildspec } from '../../../constructs/codebuild-runner/buildspec';
import { spawnSync } from '../../harness/child-process';

const buildCommand = (runnerBuildspec().document.phases as any).build.commands[0] as string;

describe('runner buildspec', () => {
  test('the build command passes shellcheck', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'buildspec-')), 'build.sh');
    writeFileSync(file, `#!/usr/bin/env bash\n${buildCommand}\n`);
    const check = spawnSync('shellcheck', ['--shell=bash', file], { encoding: 'utf8' });
    if (check.error) throw check.error;
    expect(`${check.stdout}${check.stderr}`).toBe('');
  });
});
