import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from '../harness/child-process';
import { TERRAFORM_BIN } from '../harness/terraform';

/**
 * A release archive like HashiCorp's in `dir`, for the runner's install step to download (through
 * SMP_TERRAFORM_URL), verify and unpack: its `terraform` runs the machine's terraform. It holds a
 * launcher rather than the 90 MB binary itself, so each run's install (download, SHA-256, unzip,
 * `terraform version` check) takes milliseconds instead of copying, hashing and unpacking 90 MB.
 */
function packTerraformRelease(dir: string): { zip: string; sha256: string } {
  const binary = spawnSync('sh', ['-c', `command -v ${TERRAFORM_BIN}`], { encoding: 'utf8' }).stdout.trim();
  if (!binary) throw new Error(`terraform (${TERRAFORM_BIN}) is not on PATH`);
  const release = join(dir, 'release');
  mkdirSync(release);
  writeFileSync(join(release, 'terraform'), `#!/bin/sh\nexec '${binary}' "$@"\n`);
  chmodSync(join(release, 'terraform'), 0o755);
  const zip = join(dir, 'terraform_1.11.4_linux_amd64.zip');
  const zipped = spawnSync('zip', ['-q', '-X', '-j', zip, join(release, 'terraform')]);
  if (zipped.status !== 0) throw new Error(`zip failed: ${zipped.stderr}`);
  return { zip, sha256: createHash('sha256').update(readFileSync(zip)).digest('hex') };
}

/** A sandbox the runner runs in: its directory, and the release archive in it with the archive's SHA-256. */
export interface RunnerSandbox {
  readonly dir: string;
  readonly terraformZip: string;
  readonly terraformZipSha256: string;
}

/**
 * Makes a sandbox in a new temporary directory named `prefix…`: the stub `aws`
 * (test/support/fake-aws-cli.py) in its bin/ and the release archive above.
 */
export function createRunnerSandbox(prefix: string): RunnerSandbox {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'bin'));
  const { zip, sha256 } = packTerraformRelease(dir);
  copyFileSync(join(__dirname, 'fake-aws-cli.py'), join(dir, 'bin', 'aws'));
  chmodSync(join(dir, 'bin', 'aws'), 0o755);
  return { dir, terraformZip: zip, terraformZipSha256: sha256 };
}

/**
 * The environment of one runner run in a sandbox: the stub `aws` first on PATH, its files under the
 * sandbox, a home and temporary directory of its own, and the runner's test seams (output file,
 * install directory, the release archive above, a local backend under the sandbox).
 */
export function runnerSeams(dir: string, sandbox: string, terraformZip: string): NodeJS.ProcessEnv {
  return {
    PATH: `${join(sandbox, 'bin')}:${process.env.PATH}`,
    HOME: dir,
    TMPDIR: dir,
    FAKE_S3_ROOT: join(sandbox, 's3'),
    FAKE_AWS_DIR: join(sandbox, 'aws'),
    FAKE_AWS_LOG: join(dir, 'aws-calls.log'),
    TF_CLI_CONFIG_FILE: join(dir, 'terraform.rc'),
    SMP_OUTPUT_FILE: join(dir, 'command-output.txt'),
    SMP_INSTALL_DIR: join(dir, 'install'),
    SMP_TERRAFORM_URL: `file://${terraformZip}`,
    SMP_LOCAL_STATE_DIR: join(sandbox, 'state'),
  };
}
