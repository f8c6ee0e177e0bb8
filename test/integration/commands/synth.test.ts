import { spawnSync } from '../../harness/child-process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { userEnvironment } from '../../support/user-environment';

const root = join(__dirname, '..', '..', '..');

/** `npm run synth` as a CI job runs it: output not a terminal, CI unset (the CLI's worst case), no configuration. */
function npmRunSynth(outdir: string) {
  return spawnSync('npm', ['run', 'synth'], { cwd: root, encoding: 'utf8', env: userEnvironment({ CDKTF_OUTDIR: outdir }, ['CI']) });
}

describe('npm run synth', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = mkdtempSync(join(tmpdir(), 'npm-synth-'));
  });
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  test('writes both stacks with zero configuration and says so in one line: no spinner frames, nothing on stderr', () => {
    const result = npmRunSynth(outdir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('> '));
    expect(lines).toEqual([`Synthesized sagemaker-project, service-catalog into ${relative(root, join(outdir, 'stacks'))}/`]);
    for (const stack of ['service-catalog', 'sagemaker-project']) expect(existsSync(join(outdir, 'stacks', stack, 'cdk.tf.json'))).toBe(true);
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(true);
  });

  test('removes the folder of a stack the app no longer has, as cdktf synth does', () => {
    mkdirSync(join(outdir, 'stacks', 'retired-stack'), { recursive: true });
    writeFileSync(join(outdir, 'stacks', 'retired-stack', 'cdk.tf.json'), '{}');
    expect(npmRunSynth(outdir).status).toBe(0);
    expect(existsSync(join(outdir, 'stacks', 'retired-stack'))).toBe(false);
    expect(existsSync(join(outdir, 'stacks', 'service-catalog', 'cdk.tf.json'))).toBe(true);
  });
});
