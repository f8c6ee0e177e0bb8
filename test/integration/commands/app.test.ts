import { spawnSync } from '../../harness/child-process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userEnvironment } from '../../support/user-environment';

const root = join(__dirname, '..', '..', '..');

/** Runs the app exactly as cdktf.json does, in a user's environment plus `env`. */
function runApp(env: Record<string, string>) {
  const outdir = mkdtempSync(join(tmpdir(), 'app-'));
  const command = JSON.parse(readFileSync(join(root, 'cdktf.json'), 'utf8')).app.split(' ');
  const result = spawnSync(command[0], command.slice(1), {
    cwd: root,
    encoding: 'utf8',
    env: userEnvironment({ CDKTF_OUTDIR: outdir, ...env }),
  });
  return { ...result, outdir };
}

describe('the app (cdktf.json "app")', () => {
  test('synthesizes both stacks with zero configuration', () => {
    const result = runApp({});
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const stack of ['service-catalog', 'sagemaker-project']) expect(existsSync(join(result.outdir, 'stacks', stack, 'cdk.tf.json'))).toBe(true);
  });

  test('fails before synthesizing anything when the configuration is invalid, naming the field and the fix', () => {
    const result = runApp({ SMP_GITLAB_CI_AUTH_MODE: 'passwords' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('gitlab.ciAuthMode = "passwords": must be one of: oidc, access-keys');
    expect(result.stderr).toContain('SMP_GITLAB_CI_AUTH_MODE');
    expect(existsSync(join(result.outdir, 'stacks'))).toBe(false);
  });
});

describe('type checking', () => {
  // Incremental (tsconfig.json): the build info under node_modules/.cache makes unchanged files cheap to re-check.
  test('the whole app type-checks (tsc --noEmit)', () => {
    const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', root], { encoding: 'utf8' });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
