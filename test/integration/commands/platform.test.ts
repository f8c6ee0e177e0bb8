import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { APPLIED_BY_THE_RUNNER } from '../../../contract/runner';
import { childOutput } from '../../harness/child-output';
import { FakeAws } from '../../harness/fake-aws';
import { terraformPlatform } from '../../../tools/platform';
import { PLUGIN_MIRROR } from '../../harness/terraform';

const root = join(__dirname, '..', '..', '..');
const EMPTY_CONFIG = join(root, 'test', 'fixtures', 'empty.config.json');

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'platform-commands-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const folder = (name: string) => {
  const path = join(scratch, name);
  mkdirSync(path, { recursive: true });
  return path;
};

/** `npm run <script> -- <args>` as a user runs it: no SMP_* variable but the empty configuration file, CI set. */
async function npmRun(script: string, args: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toUpperCase().startsWith('SMP_') && name !== 'TF_PLUGIN_MIRROR'));
  const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
    cwd: root,
    env: { ...base, CI: 'true', SMP_CONFIG_FILE: EMPTY_CONFIG, CDKTF_OUTDIR: folder(`out-${script}-${Date.now()}`), ...env },
  });
  return childOutput(child);
}

describe('npm run deploy|diff|destroy|output', () => {
  test('npm run deploy -- sagemaker-project is refused before anything is synthesized', async () => {
    const result = await npmRun('deploy', ['sagemaker-project']);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `npm run deploy -- sagemaker-project: refused. ${APPLIED_BY_THE_RUNNER}\n` });
  });

  test("an option's value taken for a stack name is refused without showing it", async () => {
    const result = await npmRun('deploy', ['-var', 'gitlab_private_token=glpat-platform-refusal-0000']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('npm run deploy -- gitlab_private_token=***: refused.');
    expect(result.stdout + result.stderr).not.toContain('glpat-platform-refusal-0000');
  });

  test('a bad configuration: each problem once, and the cdktf CLI is never started', async () => {
    const result = await npmRun('diff', [], { SMP_REGION: 'eu-west-9', SMP_LOGS_RETENTION_DAYS: 'forever' });
    expect(result.code).toBe(1);
    const output = result.stdout + result.stderr;
    expect(output.split('region = "eu-west-9"').length - 1).toBe(1);
    expect(output.split('logs.retentionDays = "forever"').length - 1).toBe(1);
    expect(output).not.toContain('cdktf diff');
  });

  test("a mirror without the platform stack's provider is refused, naming it and how to fill the mirror", async () => {
    const mirror = folder('empty-mirror');
    const platform = terraformPlatform();
    const result = await npmRun('diff', [], { TF_PLUGIN_MIRROR: mirror });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `npm run diff: refused. TF_PLUGIN_MIRROR=${mirror} lacks registry.terraform.io/hashicorp/aws 5.100.0 for ${platform}. ` +
        `Fill it where the registry is reachable: npm run synth && terraform -chdir=cdktf.out/stacks/service-catalog providers mirror -platform=${platform} ${mirror}\n`,
    );
  });

  test('a mirror that does not exist is refused before synth', async () => {
    const result = await npmRun('output', [], { TF_PLUGIN_MIRROR: join(scratch, 'no-such-mirror') });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `npm run output: refused. TF_PLUGIN_MIRROR=${join(scratch, 'no-such-mirror')} names ${join(scratch, 'no-such-mirror')}, which does not exist: fix the path, or unset it to install providers from the registry.\n`,
    });
  });
});

// The whole path with no registry: synth, terraform init from the mirror, and a plan whose only AWS calls
// (the provider's credential check) go to a local fake STS given by environment variables alone.
describe('npm run diff with TF_PLUGIN_MIRROR, offline', () => {
  test("installs the aws provider from the mirror, passes the user's arguments, and plans the platform stack with no spinner frame and no left-over file", async () => {
    const fakeAws = new FakeAws();
    const endpoint = await fakeAws.start();
    const outdir = folder('out-offline-diff');
    try {
      const result = await npmRun('diff', ['--no-color'], {
        TF_PLUGIN_MIRROR: PLUGIN_MIRROR,
        CDKTF_OUTDIR: outdir,
        TF_PLUGIN_CACHE_DIR: folder('plugin-cache'),
        TF_VAR_gitlab_private_token: 'glpat-platform-diff-test-0000',
        AWS_ACCESS_KEY_ID: 'AKIAPLATFORMDIFF0000',
        AWS_SECRET_ACCESS_KEY: 'platform-diff-secret',
        AWS_ENDPOINT_URL_STS: endpoint,
        AWS_EC2_METADATA_DISABLED: 'true',
      });
      const output = result.stdout + result.stderr;
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`cdktf diff service-catalog --skip-synth --output ${relative(root, outdir)} --skip-provider-lock --no-color\n`);
      expect(output).toContain('Installed hashicorp/aws v5.100.0');
      expect(Number(/Plan: (\d+) to add, 0 to change, 0 to destroy\./.exec(output)?.[1])).toBeGreaterThan(25);
      expect(fakeAws.requests.map((request) => request.action)).toContain('GetCallerIdentity');
      // --no-color reached the CLI and Terraform; CI=true keeps the CLI to its final frame.
      expect(output).not.toContain('\u001b[');
      expect(output).not.toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /m);
      const configFile = /CLI configuration for this run: (\S+)\)/.exec(result.stderr)?.[1];
      expect(configFile).toBeDefined();
      expect(existsSync(configFile!)).toBe(false);
    } finally {
      await fakeAws.stop();
    }
  }, 300_000);
});
