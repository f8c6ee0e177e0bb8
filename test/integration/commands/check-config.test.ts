import { spawnSync } from '../../harness/child-process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMPTY_CONFIG, userEnvironment } from '../../support/user-environment';

const root = join(__dirname, '..', '..', '..');

/** Runs a command in the repository with a clean SMP_* environment plus `env`; stdout and stderr together. */
function run(command: string, args: string[], env: Record<string, string>) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', env: userEnvironment({ CHECKPOINT_DISABLE: '1', ...env }) });
  return { status: result.status, stderr: result.stderr, output: result.stdout + result.stderr };
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

const BAD_CONFIGURATION = { SMP_REGION: 'eu-west-9', SMP_LOGS_RETENTION_DAYS: 'forever' };
const REGION_PROBLEM =
  'region = "eu-west-9": must be an AWS Region (commercial, China or GovCloud, opt-in Regions included; list of 2026-11-30 in config/regions.ts); did you mean eu-west-1, eu-west-2 or eu-west-3? (from SMP_REGION)';
const RETENTION_PROBLEM = 'logs.retentionDays = "forever": must be a number (from SMP_LOGS_RETENTION_DAYS)';

describe('npm run synth with a bad configuration', () => {
  test('prints each problem once, on stderr, and synthesizes nothing', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'bad-synth-'));
    const result = run('npm', ['run', 'synth'], { ...BAD_CONFIGURATION, CDKTF_OUTDIR: outdir });
    const written = readdirSync(outdir);
    rmSync(outdir, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(written).toEqual([]);
    expect(result.stderr).toContain(
      `Invalid configuration (embedded defaults + ${EMPTY_CONFIG} + SMP_* environment variables):\n  - ${RETENTION_PROBLEM}\n  - ${REGION_PROBLEM}\n`,
    );
    expect([occurrences(result.output, REGION_PROBLEM), occurrences(result.output, RETENTION_PROBLEM)]).toEqual([1, 1]);
    expect(result.output).not.toContain('cdktf encountered an error');
  });
});

test('npm run config:check accepts a valid configuration in one line', () => {
  const result = run('npm', ['run', '--silent', 'config:check'], { SMP_REGION: 'eu-central-2' });
  expect(result).toEqual({ status: 0, stderr: '', output: 'Configuration valid: resources named example-dev-mlops-*, region eu-central-2.\n' });
});
