/**
 * The runner script, run for real: real bash, real terraform (the machine's binary, zipped and served
 * through the script's download step, checksum included), a stub `aws` on PATH that copies from a local
 * folder in place of S3, and a local backend in place of S3 (SMP_LOCAL_STATE_DIR), except in the test
 * that checks the S3 backend arguments against terraform's own S3 backend.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_CONFIG } from '../../config/defaults';
import { ARTIFACT_KEYS, COMMAND_OUTPUT_FILE, commandOf, STATE_KEY_PREFIX } from '../../constructs/command-runner/project-template';
import { PROJECT_PARAMETERS } from '../../constructs/command-runner/project-parameters';
import { RUNNER_SCRIPT_PATH } from '../../constructs/command-runner/runner-script';
import { standaloneTemplate } from './support';
import { packTerraformRelease, runnerSeams } from '../support/runner-sandbox';

const BUCKET = 'example-dev-mlops-tfstate-123456789012-us-east-1';
const PROJECT_A = 'p-aaaaaaaaaaaa';
const PROJECT_B = 'p-bbbbbbbbbbbb';
/** Spaces, both quotes, `$`, a command substitution and a backslash: nothing may be interpreted. */
const AWKWARD_VALUE = `a b  "c" 'd' $HOME \${x} $(id) \\ end`;
const SECRET_SENTINEL = 'glpat-sentinel-never-printed-0123456789';

let sandbox: string;
let terraformZip: string;
let terraformZipSha256: string;
let markerDir: string;

/** Minimal stand-in for tf-code.zip: the contract's partial S3 backend, variables and a resource with a visible side effect. */
function testStack(extraResources: Record<string, unknown> = {}) {
  return {
    terraform: { backend: { s3: {} } },
    variable: {
      sagemaker_project_id: { type: 'string' },
      sagemaker_project_name: {
        type: 'string',
        validation: [{ condition: '${length(var.sagemaker_project_name) <= 32}', error_message: 'SageMakerProjectName must be at most 32 characters.' }],
      },
      git_build_repo_name: { type: 'string', default: '' },
      marker_dir: { type: 'string' },
      test_token: { type: 'string', default: '', sensitive: true },
    },
    resource: {
      terraform_data: {
        project: {
          input: { path: '${var.marker_dir}/${var.sagemaker_project_id}.created', token_length: '${length(var.test_token)}' },
          provisioner: [
            { 'local-exec': { command: 'touch "${self.input.path}"' } },
            { 'local-exec': { when: 'destroy', command: 'rm -f "${self.input.path}"' } },
          ],
        },
        ...extraResources,
      },
    },
    output: {
      repo_name: { value: '${var.git_build_repo_name}' },
      token_echo: { value: '${var.test_token}', sensitive: true },
    },
  };
}

/** Zips a stack as tf-code.zip into the fake S3 bucket under `key`. */
function publishCode(key: string, stack: object): void {
  const dir = mkdtempSync(join(sandbox, 'code-'));
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(stack, null, 2));
  const target = join(sandbox, 's3', BUCKET, key);
  mkdirSync(dirname(target), { recursive: true });
  const zipped = spawnSync('zip', ['-q', '-j', target, join(dir, 'cdk.tf.json')]);
  if (zipped.status !== 0) throw new Error(`zip failed: ${zipped.stderr}`);
}

interface Run {
  readonly status: number;
  readonly log: string;
  /** Content of the output file, or null when the script left none. */
  readonly result: string | null;
  readonly dir: string;
}

function runnerEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Nothing from the developer's environment that could steer terraform or the AWS CLI.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(TF_|AWS_|SMP_)/.test(name)));
  writeFileSync(join(dir, 'terraform.rc'), '');
  return {
    ...inherited,
    ...runnerSeams(dir, sandbox, terraformZip),
    ...extra,
  };
}

function resultOf(dir: string): string | null {
  const file = join(dir, 'command-output.txt');
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** Parameters as the template's bootstrap writes them, for one project. */
function parameters(projectId: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    TF_VAR_sagemaker_project_name: 'demo',
    TF_VAR_sagemaker_project_id: projectId,
    TF_VAR_marker_dir: markerDir,
    MLOPS_S3_BUCKET: BUCKET,
    TF_STATE_LOCK_TABLE: 'terraform-lock-example-dev-mlops',
    TERRAFORM_ACTION: 'apply',
    TERRAFORM_INIT_ACTION: 'init',
    AWS_REGION: 'us-east-1',
    TERRAFORM_VERSION: '1.11.4',
    TERRAFORM_SHA256: terraformZipSha256,
    TF_CODE_KEY: ARTIFACT_KEYS.terraformCode,
    TF_STATE_KEY_PREFIX: STATE_KEY_PREFIX,
    ...overrides,
  };
}

/** Runs run-terraform.sh with a parameters file holding `lines`. */
function runScript(lines: string[], extraEnv: Record<string, string> = {}): Run {
  const dir = mkdtempSync(join(sandbox, 'run-'));
  const file = join(dir, 'parameters.env');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const run = spawnSync('bash', [RUNNER_SCRIPT_PATH, file], { env: runnerEnv(dir, extraEnv), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: run.status ?? -1, log: `${run.stdout}${run.stderr}`, result: resultOf(dir), dir };
}

const linesOf = (values: Record<string, string>) => Object.entries(values).map(([key, value]) => `${key}=${value}`);

const stateFile = (projectId: string) => join(sandbox, 'state', STATE_KEY_PREFIX, projectId, 'terraform.tfstate');
const stateOf = (projectId: string) => JSON.parse(readFileSync(stateFile(projectId), 'utf8'));

beforeAll(() => {
  for (const tool of ['bash', 'zip', 'unzip', 'curl', 'sha256sum']) {
    if (spawnSync('which', [tool]).status !== 0) throw new Error(`${tool} is required by the runner tests (.ci/run installs the Debian packages)`);
  }
  sandbox = mkdtempSync(join(tmpdir(), 'run-terraform-'));
  markerDir = join(sandbox, 'markers');
  mkdirSync(markerDir);
  mkdirSync(join(sandbox, 'bin'));

  ({ zip: terraformZip, sha256: terraformZipSha256 } = packTerraformRelease(sandbox));

  // `aws s3 cp s3://bucket/key dest ...` copies from FAKE_S3_ROOT; every call is logged.
  const stub = join(sandbox, 'bin', 'aws');
  writeFileSync(
    stub,
    [
      '#!/usr/bin/env bash',
      'set -euo pipefail',
      'printf "%s\\n" "$*" >> "$FAKE_AWS_LOG"',
      '[ "$1 $2" = "s3 cp" ] || { echo "stub aws: only s3 cp is supported, got: $*" >&2; exit 2; }',
      'source="$FAKE_S3_ROOT/${3#s3://}"',
      '[ -f "$source" ] || { echo "fatal error: An error occurred (404) when calling the HeadObject operation: Key not found" >&2; exit 1; }',
      'cp "$source" "$4"',
    ].join('\n'),
  );
  chmodSync(stub, 0o755);

  publishCode(ARTIFACT_KEYS.terraformCode, testStack());
  publishCode('command-runner/failing-apply.zip', testStack({ broken: { provisioner: [{ 'local-exec': { command: "echo 'simulated failure: GitLab answered 403 Forbidden' >&2; exit 3" } }] } }));
  // The runner script itself, where the bootstrap command downloads it.
  copyFileSync(RUNNER_SCRIPT_PATH, join(sandbox, 's3', BUCKET, ARTIFACT_KEYS.runnerScript));
});

afterAll(() => {
  if (sandbox) rmSync(sandbox, { recursive: true, force: true });
});

describe('run-terraform.sh', () => {
  test('passes shellcheck', () => {
    const check = spawnSync('shellcheck', [RUNNER_SCRIPT_PATH], { encoding: 'utf8' });
    if (check.error) throw new Error('shellcheck is not installed: .ci/run installs the Debian package shellcheck');
    expect(`${check.stdout}${check.stderr}`).toBe('');
    expect(check.status).toBe(0);
  });

  test('(a) apply succeeds, writes exactly "applied" and logs each step', () => {
    const run = runScript(linesOf(parameters(PROJECT_A)));
    expect(run.status).toBe(0);
    expect(run.result).toBe('applied');
    for (const step of ['read parameters', 'install terraform 1.11.4', `download s3://${BUCKET}/${ARTIFACT_KEYS.terraformCode}`, 'terraform init', 'terraform plan', 'terraform apply', 'record the result']) {
      expect(run.log).toContain(`==> ${step}`);
    }
    expect(run.log).toContain(`checksum verified (${terraformZipSha256})`);
    expect(existsSync(join(markerDir, `${PROJECT_A}.created`))).toBe(true);
    expect(stateOf(PROJECT_A).resources.map((resource: any) => resource.name)).toEqual(['project']);
  });

  test('(b) a failing terraform apply leaves no output file, exits non-zero and shows the step and terraform\'s error', () => {
    const run = runScript(linesOf(parameters('p-cccccccccccc', { TF_CODE_KEY: 'command-runner/failing-apply.zip' })));
    expect(run.status).not.toBe(0);
    expect(run.result).toBeNull();
    expect(run.log).toContain('simulated failure: GitLab answered 403 Forbidden');
    expect(run.log).toMatch(/Error: local-exec provisioner error/);
    expect(run.log).toContain('FAILED at step "terraform apply"');
    expect(run.log).not.toContain('==> record the result');
  });

  test('(b) input that terraform rejects at plan stops the run at the plan step', () => {
    const run = runScript(linesOf(parameters('p-dddddddddddd', { TF_VAR_sagemaker_project_name: 'n'.repeat(40) })));
    expect(run.status).not.toBe(0);
    expect(run.result).toBeNull();
    expect(run.log).toContain('SageMakerProjectName must be at most 32 characters.');
    expect(run.log).toContain('FAILED at step "terraform plan"');
    expect(existsSync(join(markerDir, 'p-dddddddddddd.created'))).toBe(false);
  });

  test('(c) two projects keep their state under two keys, and applying one leaves the other alone', () => {
    expect(runScript(linesOf(parameters(PROJECT_A))).status).toBe(0);
    const before = readFileSync(stateFile(PROJECT_A), 'utf8');
    const run = runScript(linesOf(parameters(PROJECT_B)));
    expect(run.status).toBe(0);
    expect(run.log).toContain(`${STATE_KEY_PREFIX}/${PROJECT_B}/terraform.tfstate`);
    expect(readdirSync(join(sandbox, 'state', STATE_KEY_PREFIX))).toEqual(expect.arrayContaining([PROJECT_A, PROJECT_B]));
    expect(stateOf(PROJECT_B).resources[0].instances[0].attributes.input.value.path).toBe(join(markerDir, `${PROJECT_B}.created`));
    expect(readFileSync(stateFile(PROJECT_A), 'utf8')).toBe(before);
  });

  test('(d) destroy removes what apply created and writes exactly "destroyed"', () => {
    const projectId = 'p-eeeeeeeeeeee';
    expect(runScript(linesOf(parameters(projectId))).status).toBe(0);
    expect(existsSync(join(markerDir, `${projectId}.created`))).toBe(true);
    const run = runScript(linesOf(parameters(projectId, { TERRAFORM_ACTION: 'destroy', TERRAFORM_INIT_ACTION: 'init -reconfigure' })));
    expect(run.status).toBe(0);
    expect(run.result).toBe('destroyed');
    expect(run.log).toContain('==> terraform init -reconfigure');
    expect(run.log).toContain('==> terraform plan -destroy');
    expect(existsSync(join(markerDir, `${projectId}.created`))).toBe(false);
    expect(stateOf(projectId).resources).toEqual([]);
  });

  test('(e) a value with spaces, quotes, $ and a backslash reaches terraform unchanged', () => {
    const run = runScript(linesOf(parameters('p-ffffffffffff', { TF_VAR_git_build_repo_name: AWKWARD_VALUE })));
    expect(run.status).toBe(0);
    expect(stateOf('p-ffffffffffff').outputs.repo_name.value).toBe(AWKWARD_VALUE);
  });

  test('(f) a Terraform download whose SHA-256 differs from the pinned one stops the run before anything else', () => {
    const run = runScript(linesOf(parameters('p-gggggggggggg', { TERRAFORM_SHA256: DEFAULT_CONFIG.commandRunner.terraformSha256 })));
    expect(run.status).not.toBe(0);
    expect(run.result).toBeNull();
    expect(run.log).toContain(`SHA-256 mismatch for terraform_1.11.4_linux_amd64.zip: expected ${DEFAULT_CONFIG.commandRunner.terraformSha256}, got ${terraformZipSha256}`);
    expect(run.log).toContain('FAILED at step "install terraform 1.11.4"');
    expect(existsSync(join(run.dir, 'install', 'terraform'))).toBe(false);
    expect(existsSync(join(run.dir, 'aws-calls.log'))).toBe(false);
    expect(existsSync(stateFile('p-gggggggggggg'))).toBe(false);
  });

  test('a sensitive value never appears in the log', () => {
    const run = runScript(linesOf(parameters('p-hhhhhhhhhhhh', { TF_VAR_test_token: SECRET_SENTINEL })));
    expect(run.status).toBe(0);
    expect(stateOf('p-hhhhhhhhhhhh').outputs.token_echo.value).toBe(SECRET_SENTINEL);
    expect(run.log).not.toContain(SECRET_SENTINEL);
  });

  test('the S3 backend arguments are ones terraform\'s S3 backend accepts: init gets as far as looking for credentials', () => {
    const kmsKeyArn = 'arn:aws:kms:us-east-1:123456789012:key/404efc55-4f19-4dc7-ab80-81a249f4ac71';
    const run = runScript(linesOf(parameters('p-iiiiiiiiiiii', { TF_STATE_KMS_KEY_ARN: kmsKeyArn })), {
      SMP_LOCAL_STATE_DIR: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    });
    expect(run.status).not.toBe(0);
    expect(run.result).toBeNull();
    expect(run.log).toContain(`state: s3://${BUCKET}/${STATE_KEY_PREFIX}/p-iiiiiiiiiiii/terraform.tfstate (lock file and DynamoDB table terraform-lock-example-dev-mlops, encrypted)`);
    expect(run.log).toContain('FAILED at step "terraform init"');
    expect(run.log).toContain('No valid credential sources found');
    expect(run.log).not.toMatch(/Invalid backend configuration argument|Invalid KMS Key|Unsupported argument/);
  });

  describe('bad parameters are refused before anything is downloaded, naming the parameter', () => {
    test.each([
      ['a project id that is not SageMaker\'s', { TF_VAR_sagemaker_project_id: '../../etc' }, 'SageMakerProjectId must look like p-abcdefghijkl'],
      ['an unknown action', { TERRAFORM_ACTION: 'import' }, 'TerraformAction must be apply or destroy'],
      ['an unknown init action', { TERRAFORM_INIT_ACTION: 'init -upgrade' }, 'TerraformInitAction must be "init" or "init -reconfigure"'],
      ['a missing lock table', { TF_STATE_LOCK_TABLE: '' }, 'TerraformStateLockTable is empty'],
    ])('%s', (_name, overrides, message) => {
      const run = runScript(linesOf(parameters('p-jjjjjjjjjjjj', overrides)));
      expect(run.status).not.toBe(0);
      expect(run.result).toBeNull();
      expect(run.log).toContain(message);
      expect(run.log).toContain('FAILED at step "read parameters"');
      expect(existsSync(join(run.dir, 'aws-calls.log'))).toBe(false);
    });

    test('a parameter that is not a Terraform variable or a runner setting', () => {
      const run = runScript([...linesOf(parameters('p-jjjjjjjjjjjj')), 'LD_PRELOAD=/tmp/evil.so']);
      expect(run.status).not.toBe(0);
      expect(run.log).toContain('unexpected parameter LD_PRELOAD');
    });

    test('a parameter given twice, as a value smuggling a second line would', () => {
      const run = runScript([...linesOf(parameters('p-jjjjjjjjjjjj')), 'TF_VAR_sagemaker_project_id=p-kkkkkkkkkkkk']);
      expect(run.status).not.toBe(0);
      expect(run.log).toContain('parameter TF_VAR_sagemaker_project_id is given twice');
    });
  });
});

describe('the template\'s bootstrap command with the runner script', () => {
  /** Resolves the Fn::Sub command as CloudFormation would, for the given parameter values. */
  function resolveCommand(values: Record<string, string>): string {
    const command = commandOf(standaloneTemplate().document);
    return command.replace(/\$\{([^}!]+)\}/g, (_whole, name: string) => {
      if (name === 'AWS::Region') return 'us-east-1';
      if (!(name in values)) throw new Error(`no value for \${${name}}`);
      return values[name];
    });
  }

  /** Studio values for every parameter of the form. */
  function formValues(projectId: string, overrides: Record<string, string> = {}): Record<string, string> {
    const values: Record<string, string> = Object.fromEntries(PROJECT_PARAMETERS.map((parameter) => [parameter.name, parameter.allowedValues?.[0] ?? '']));
    return {
      ...values,
      SageMakerProjectName: 'demo',
      SageMakerProjectId: projectId,
      MLOpsS3Bucket: BUCKET,
      TerraformStateLockTable: 'terraform-lock-example-dev-mlops',
      ...overrides,
    };
  }

  /**
   * Runs the command as CommandRunner's user data does (the command, then the signal with the output
   * file's content), with the output file moved into the sandbox and the runner pointed at the test
   * Terraform release, code and state.
   */
  function runUserData(values: Record<string, string>, runnerSettings: { sha256: string }): { status: number; log: string; signal: string } {
    const dir = mkdtempSync(join(sandbox, 'userdata-'));
    const outputFile = join(dir, 'command-output.txt');
    // The template pins its own checksum; the test release is another archive.
    const command = resolveCommand(values)
      .replace(/^TERRAFORM_SHA256=.*$/m, `TERRAFORM_SHA256=${runnerSettings.sha256}`)
      .replace(/^TF_STATE_KMS_KEY_ARN=.*$/m, 'TF_STATE_KMS_KEY_ARN=')
      .split(COMMAND_OUTPUT_FILE)
      .join(outputFile);
    const userData = `${command}\necho "SIGNAL DATA: [$(cat ${outputFile} 2>/dev/null)]"\n`;
    const run = spawnSync('bash', ['-c', userData], {
      env: { ...runnerEnv(dir), SMP_OUTPUT_FILE: outputFile, TF_VAR_marker_dir: markerDir },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const log = `${run.stdout}${run.stderr}`;
    return { status: run.status ?? -1, log, signal: /SIGNAL DATA: \[(.*)\]/.exec(log)?.[1] ?? 'no signal' };
  }

  test('a successful run signals "applied", and a form value with spaces and $ reaches terraform unchanged', () => {
    const projectId = 'p-llllllllllll';
    const run = runUserData(formValues(projectId, { GitBuildRepoName: AWKWARD_VALUE }), { sha256: terraformZipSha256 });
    expect(run.signal).toBe('applied');
    expect(stateOf(projectId).outputs.repo_name.value).toBe(AWKWARD_VALUE);
  });

  test('a failing run still reaches the signal, with an empty output, so CloudFormation fails at once', () => {
    const run = runUserData(formValues('p-mmmmmmmmmmmm'), { sha256: '0'.repeat(64) });
    expect(run.log).toContain('SHA-256 mismatch');
    expect(run.signal).toBe('');
    expect(run.status).toBe(0);
  });
});
