/**
 * The runner script, run for real: real bash, real terraform (the machine's binary, zipped and served
 * through the script's download step, checksum included), a fake `aws` on PATH (test/support/fake-aws-cli.py:
 * objects, kept versions, stacks and SageMaker projects from files, `--query` evaluated with jmespath), and a
 * local backend in place of S3 (SMP_LOCAL_STATE_DIR), except in the test that checks the S3 backend
 * arguments against terraform's own S3 backend.
 */
import { spawnSync } from '../../harness/child-process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_CONFIG } from '../../../config/defaults';
import { RUNNER_SCRIPT_PATH } from '../../../constructs/command-runner/project-artifacts';
import { commandOf, runnerParameterLines } from '../../../constructs/command-runner/project-template';
import { parametersFor, PROJECT_PARAMETERS, runnerKeyOf } from '../../../contract/project-parameters';
import { COMMAND_OUTPUT_FILE, RUNNER_SETTINGS, runnerScriptKey, STATE_KEY_PREFIX, terraformCodeKey } from '../../../contract/runner';
import { STANDALONE_TEMPLATE, standaloneTemplate } from '../../support/command-runner';
import { createRunnerSandbox, runnerSeams } from '../../support/runner-sandbox';

const BUCKET = 'example-dev-mlops-tfstate-123456789012-us-east-1';
const ACCOUNT = '123456789012';
const stackArn = (name: string) => `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/SC-${ACCOUNT}-${name}/0a1b2c3d-1111-2222-3333-444455556666`;
/** Spaces, both quotes, `$`, a command substitution and a backslash: nothing may be interpreted. */
const AWKWARD_VALUE = `a b  "c" 'd' $HOME \${x} $(id) \\ end`;
const SECRET_SENTINEL = 'glpat-sentinel-never-printed-0123456789';

let sandbox: string;
let terraformZip: string;
let terraformZipSha256: string;
let markerDir: string;
const code: Record<'good' | 'failing', { key: string; sha256: string }> = {} as never;

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
      git_deploy_repo_name: { type: 'string', default: '' },
      cloudformation_stack_id: { type: 'string', default: '' },
      // Not form variables: the tests give them through the environment.
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
      cloudformation_stack_id: { value: '${var.cloudformation_stack_id}' },
    },
  };
}

const s3Path = (key: string) => join(sandbox, 's3', BUCKET, key);

/** Zips a stack as tf-code.zip into the fake bucket under its content-addressed key. */
function publishCode(stack: object): { key: string; sha256: string } {
  const dir = mkdtempSync(join(sandbox, 'code-'));
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(stack, null, 2));
  const zip = join(dir, 'tf-code.zip');
  const zipped = spawnSync('zip', ['-q', '-X', '-j', zip, join(dir, 'cdk.tf.json')]);
  if (zipped.status !== 0) throw new Error(`zip failed: ${zipped.stderr}`);
  const sha256 = createHash('sha256').update(readFileSync(zip)).digest('hex');
  const key = terraformCodeKey(sha256);
  mkdirSync(dirname(s3Path(key)), { recursive: true });
  copyFileSync(zip, s3Path(key));
  return { key, sha256 };
}

/** Moves the current object under `key` to the bucket's kept versions, as a deleting deployment would leave it. */
function keepOnlyAsVersion(key: string, version: string): void {
  const kept = join(sandbox, 's3', '.versions', BUCKET, key);
  mkdirSync(kept, { recursive: true });
  copyFileSync(s3Path(key), join(kept, version));
  rmSync(s3Path(key));
}

/** The SageMaker projects and Service Catalog stacks the fake AWS knows. */
const world = {
  stacks: {} as Record<string, { Tags: Array<{ Key: string; Value: string }> }>,
  projects: {} as Record<string, { ProjectId: string; ServiceCatalogProvisionedProductDetails: { ProvisionedProductId: string } }>,
};

/** A project created in Studio: SageMaker project `name` (`id`) backed by provisioned product `pp-<name>`, whose stack is returned. */
function studioProject(name: string, id: string): string {
  const product = `pp-${name.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
  const stack = stackArn(name);
  world.projects[name] = { ProjectId: id, ServiceCatalogProvisionedProductDetails: { ProvisionedProductId: product } };
  world.stacks[stack] = {
    Tags: [{ Key: 'aws:servicecatalog:provisionedProductArn', Value: `arn:aws:servicecatalog:us-east-1:${ACCOUNT}:stack/${name}/${product}` }],
  };
  writeFileSync(join(sandbox, 'aws', 'projects.json'), JSON.stringify(world.projects));
  writeFileSync(join(sandbox, 'aws', 'stacks.json'), JSON.stringify(world.stacks));
  return stack;
}

interface Run {
  readonly status: number;
  readonly log: string;
  /** Content of the output file, or null when the script left none. */
  readonly result: string | null;
  readonly dir: string;
  /** The fake AWS CLI calls made. */
  readonly awsCalls: string[];
}

function runnerEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Nothing from the developer's environment that could steer terraform or the AWS CLI.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(TF_|AWS_|SMP_)/.test(name)));
  writeFileSync(join(dir, 'terraform.rc'), '');
  return { ...inherited, ...runnerSeams(dir, sandbox, terraformZip), TF_VAR_marker_dir: markerDir, ...extra };
}

function finished(dir: string, status: number | null, stdout: string, stderr: string): Run {
  const output = join(dir, 'command-output.txt');
  const calls = join(dir, 'aws-calls.log');
  return {
    status: status ?? -1,
    log: `${stdout}${stderr}`,
    result: existsSync(output) ? readFileSync(output, 'utf8') : null,
    dir,
    awsCalls: existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [],
  };
}

/** Parameters as the template's bootstrap writes them, for one project. */
function parameters(name: string, projectId: string, stack: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    TF_VAR_sagemaker_project_name: name,
    TF_VAR_sagemaker_project_id: projectId,
    TF_VAR_git_build_repo_name: '',
    TF_VAR_git_deploy_repo_name: '',
    TERRAFORM_ACTION: 'apply',
    AWS_REGION: 'us-east-1',
    CLOUDFORMATION_STACK_ID: stack,
    TF_STATE_BUCKET: BUCKET,
    TF_STATE_LOCK_TABLE: 'terraform-lock-example-dev-mlops',
    TF_STATE_KEY_PREFIX: STATE_KEY_PREFIX,
    TF_STATE_KMS_KEY_ARN: '',
    TF_CODE_KEY: code.good.key,
    TF_CODE_SHA256: code.good.sha256,
    TERRAFORM_VERSION: '1.11.4',
    TERRAFORM_SHA256: terraformZipSha256,
    ...overrides,
  };
}

/** Runs run-terraform.sh with a parameters file holding `lines`. */
function runScript(lines: string[], extraEnv: Record<string, string> = {}): Run {
  const dir = mkdtempSync(join(sandbox, 'run-'));
  const file = join(dir, 'parameters.env');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const run = spawnSync('bash', [RUNNER_SCRIPT_PATH, file], { env: runnerEnv(dir, extraEnv), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return finished(dir, run.status, run.stdout, run.stderr);
}

const linesOf = (values: Record<string, string>) => Object.entries(values).map(([key, value]) => `${key}=${value}`);

const stateFile = (projectId: string) => join(sandbox, 'state', STATE_KEY_PREFIX, projectId, 'terraform.tfstate');
const stateOf = (projectId: string) => JSON.parse(readFileSync(stateFile(projectId), 'utf8'));

beforeAll(() => {
  // The tools the sandbox runs are the integration prerequisites, checked by jest's global setup (test/harness/prerequisites.ts).
  ({ dir: sandbox, terraformZip, terraformZipSha256 } = createRunnerSandbox('run-terraform-'));
  markerDir = join(sandbox, 'markers');
  for (const dir of [markerDir, join(sandbox, 'aws')]) mkdirSync(dir);

  code.good = publishCode(testStack());
  code.failing = publishCode(
    testStack({ broken: { provisioner: [{ 'local-exec': { command: "echo 'simulated failure: GitLab answered 403 Forbidden' >&2; exit 3" } }] } }),
  );
});

afterAll(() => {
  if (sandbox) rmSync(sandbox, { recursive: true, force: true });
});

describe('run-terraform.sh', () => {
  test('passes shellcheck', () => {
    const check = spawnSync('shellcheck', [RUNNER_SCRIPT_PATH], { encoding: 'utf8' });
    if (check.error) throw check.error;
    expect(`${check.stdout}${check.stderr}`).toBe('');
    expect(check.status).toBe(0);
  });

  test('accepts exactly the keys the contract and the template write', () => {
    const script = readFileSync(RUNNER_SCRIPT_PATH, 'utf8');
    const listed = (name: string) => new RegExp(`readonly ${name}=" ([^"]*) "`).exec(script)?.[1].split(' ').sort();
    const formKeys = PROJECT_PARAMETERS.map(runnerKeyOf);
    expect(listed('PROJECT_VARIABLES')).toEqual(
      formKeys
        .filter((key) => key.startsWith('TF_VAR_'))
        .map((key) => key.slice('TF_VAR_'.length))
        .sort(),
    );
    expect(listed('RUNNER_KEYS')).toEqual([...Object.values(RUNNER_SETTINGS), ...formKeys.filter((key) => !key.startsWith('TF_VAR_'))].sort());
    const written = runnerParameterLines('commandrunner', STANDALONE_TEMPLATE.runner).map((line) => line.split('=')[0]);
    expect(written.sort()).toEqual([...formKeys, ...Object.values(RUNNER_SETTINGS)].sort());
  });

  test('(a) apply succeeds, writes exactly "applied", records the stack in the state and logs each step', () => {
    const stack = studioProject('churn', 'p-aaaaaaaaaaaa');
    const run = runScript(linesOf(parameters('churn', 'p-aaaaaaaaaaaa', stack)));
    expect(run.status).toBe(0);
    expect(run.result).toBe('applied');
    for (const step of [
      'read parameters',
      'bind the run to its SageMaker project',
      'install terraform 1.11.4',
      `download s3://${BUCKET}/${code.good.key}`,
      'terraform init',
      "check the state's stack",
      'terraform plan',
      'terraform apply',
      'record the result',
    ]) {
      expect(run.log).toContain(`==> ${step}`);
    }
    expect(run.log).toContain('bound to SageMaker project churn (p-aaaaaaaaaaaa) and provisioned product pp-churn');
    expect(run.log).toContain(`checksum verified (${terraformZipSha256})`);
    expect(run.log).toContain(`tf-code.zip verified (${code.good.sha256})`);
    expect(existsSync(join(markerDir, 'p-aaaaaaaaaaaa.created'))).toBe(true);
    expect(stateOf('p-aaaaaaaaaaaa').outputs.cloudformation_stack_id.value).toBe(stack);
    expect(run.awsCalls.map((call) => call.split(' ').slice(0, 2).join(' '))).toEqual([
      'cloudformation describe-stacks',
      'sagemaker describe-project',
      's3api get-object',
    ]);
  });

  test("(b) a failing terraform apply leaves no output file, exits non-zero and shows the step and terraform's error", () => {
    const stack = studioProject('failing', 'p-cccccccccccc');
    const run = runScript(linesOf(parameters('failing', 'p-cccccccccccc', stack, { TF_CODE_KEY: code.failing.key, TF_CODE_SHA256: code.failing.sha256 })));
    expect(run.status).not.toBe(0);
    expect(run.result).toBeNull();
    expect(run.log).toContain('simulated failure: GitLab answered 403 Forbidden');
    expect(run.log).toMatch(/Error: local-exec provisioner error/);
    expect(run.log).toContain('FAILED at step "terraform apply"');
    expect(run.log).not.toContain('==> record the result');
  });

  test('(c) two projects keep their state under two keys, and applying one leaves the other alone', () => {
    const stackA = studioProject('alpha', 'p-dddddddddddd');
    const stackB = studioProject('beta', 'p-bbbbbbbbbbbb');
    expect(runScript(linesOf(parameters('alpha', 'p-dddddddddddd', stackA))).status).toBe(0);
    const before = readFileSync(stateFile('p-dddddddddddd'), 'utf8');
    const run = runScript(linesOf(parameters('beta', 'p-bbbbbbbbbbbb', stackB)));
    expect(run.status).toBe(0);
    expect(run.log).toContain(`${STATE_KEY_PREFIX}/p-bbbbbbbbbbbb/terraform.tfstate`);
    expect(readdirSync(join(sandbox, 'state', STATE_KEY_PREFIX))).toEqual(expect.arrayContaining(['p-dddddddddddd', 'p-bbbbbbbbbbbb']));
    expect(readFileSync(stateFile('p-dddddddddddd'), 'utf8')).toBe(before);
  });

  test('(d) destroy removes what apply created and writes exactly "destroyed"', () => {
    const stack = studioProject('gamma', 'p-eeeeeeeeeeee');
    expect(runScript(linesOf(parameters('gamma', 'p-eeeeeeeeeeee', stack))).status).toBe(0);
    expect(existsSync(join(markerDir, 'p-eeeeeeeeeeee.created'))).toBe(true);
    const run = runScript(linesOf(parameters('gamma', 'p-eeeeeeeeeeee', stack, { TERRAFORM_ACTION: 'destroy' })));
    expect(run.status).toBe(0);
    expect(run.result).toBe('destroyed');
    expect(run.log).toContain('==> terraform plan -destroy');
    expect(existsSync(join(markerDir, 'p-eeeeeeeeeeee.created'))).toBe(false);
    expect(stateOf('p-eeeeeeeeeeee').resources).toEqual([]);
  });

  test('(e) a value with spaces, quotes, $ and a backslash reaches terraform unchanged', () => {
    const stack = studioProject('delta', 'p-ffffffffffff');
    const run = runScript(linesOf(parameters('delta', 'p-ffffffffffff', stack, { TF_VAR_git_build_repo_name: AWKWARD_VALUE })));
    expect(run.status).toBe(0);
    expect(stateOf('p-ffffffffffff').outputs.repo_name.value).toBe(AWKWARD_VALUE);
  });

  test('(f) a Terraform download whose SHA-256 differs from the pinned one stops the run before terraform runs', () => {
    const stack = studioProject('epsilon', 'p-gggggggggggg');
    const run = runScript(linesOf(parameters('epsilon', 'p-gggggggggggg', stack, { TERRAFORM_SHA256: DEFAULT_CONFIG.runner.terraformSha256 })));
    expect(run.status).not.toBe(0);
    expect(run.result).toBeNull();
    expect(run.log).toContain(
      `SHA-256 mismatch for terraform_1.11.4_linux_amd64.zip: expected ${DEFAULT_CONFIG.runner.terraformSha256}, got ${terraformZipSha256}`,
    );
    expect(run.log).toContain('FAILED at step "install terraform 1.11.4"');
    expect(existsSync(join(run.dir, 'install', 'terraform'))).toBe(false);
    expect(existsSync(stateFile('p-gggggggggggg'))).toBe(false);
  });

  test('a sensitive value never appears in the log', () => {
    const stack = studioProject('zeta', 'p-hhhhhhhhhhhh');
    const run = runScript(linesOf(parameters('zeta', 'p-hhhhhhhhhhhh', stack)), { TF_VAR_test_token: SECRET_SENTINEL });
    expect(run.status).toBe(0);
    expect(stateOf('p-hhhhhhhhhhhh').outputs.token_echo.value).toBe(SECRET_SENTINEL);
    expect(run.log).not.toContain(SECRET_SENTINEL);
  });

  test("the S3 backend arguments are ones terraform's S3 backend accepts: init gets as far as looking for credentials", () => {
    const stack = studioProject('eta', 'p-iiiiiiiiiiii');
    const kmsKeyArn = 'arn:aws:kms:us-east-1:123456789012:key/404efc55-4f19-4dc7-ab80-81a249f4ac71';
    const run = runScript(linesOf(parameters('eta', 'p-iiiiiiiiiiii', stack, { TF_STATE_KMS_KEY_ARN: kmsKeyArn })), {
      SMP_LOCAL_STATE_DIR: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    });
    expect(run.status).not.toBe(0);
    expect(run.result).toBeNull();
    expect(run.log).toContain(
      `state: s3://${BUCKET}/${STATE_KEY_PREFIX}/p-iiiiiiiiiiii/terraform.tfstate (lock file and DynamoDB table terraform-lock-example-dev-mlops, encrypted)`,
    );
    expect(run.log).toContain('FAILED at step "terraform init"');
    expect(run.log).toContain('No valid credential sources found');
    expect(run.log).not.toMatch(/Invalid backend configuration argument|Invalid KMS Key|Unsupported argument/);
  });

  describe('integrity: only the code the product version was published with runs', () => {
    test("a tf-code.zip whose SHA-256 is not the template's stops the run before init", () => {
      const stack = studioProject('theta', 'p-jjjjjjjjjjjj');
      const run = runScript(linesOf(parameters('theta', 'p-jjjjjjjjjjjj', stack, { TF_CODE_KEY: code.failing.key })));
      expect(run.status).not.toBe(0);
      expect(run.log).toContain(
        `tf-code.zip is not the code this product version was published with: expected SHA-256 ${code.good.sha256}, got ${code.failing.sha256}`,
      );
      expect(run.log).toContain(`FAILED at step "download s3://${BUCKET}/${code.failing.key}"`);
      expect(run.log).not.toContain('==> terraform init');
    });

    test("code a later deployment deleted is found among the bucket's kept versions", () => {
      const older = publishCode({ ...testStack(), locals: { published: 'by an older deployment' } });
      keepOnlyAsVersion(older.key, '0001-older');
      const stack = studioProject('iota', 'p-kkkkkkkkkkkk');
      const run = runScript(linesOf(parameters('iota', 'p-kkkkkkkkkkkk', stack, { TF_CODE_KEY: older.key, TF_CODE_SHA256: older.sha256 })));
      expect(run.status).toBe(0);
      expect(run.log).toContain(`s3://${BUCKET}/${older.key} was deleted by a later deployment; using its kept version 0001-older`);
      expect(run.awsCalls.some((call) => call.includes('--version-id 0001-older'))).toBe(true);
    });

    test('code that was never published fails naming the key', () => {
      const stack = studioProject('kappa', 'p-llllllllllll');
      const missing = terraformCodeKey('d'.repeat(64));
      const run = runScript(linesOf(parameters('kappa', 'p-llllllllllll', stack, { TF_CODE_KEY: missing, TF_CODE_SHA256: 'd'.repeat(64) })));
      expect(run.status).not.toBe(0);
      expect(run.log).toContain(`s3://${BUCKET}/${missing} does not exist (no current object, no kept version)`);
    });
  });

  describe('binding: a run acts only for the project whose stack it belongs to', () => {
    test("another project's id with this project's name fails before any state is read, naming both", () => {
      const victim = studioProject('victim', 'p-vvvvvvvvvvvv');
      expect(runScript(linesOf(parameters('victim', 'p-vvvvvvvvvvvv', victim))).status).toBe(0);
      const before = readFileSync(stateFile('p-vvvvvvvvvvvv'), 'utf8');
      const attacker = studioProject('attacker', 'p-xxxxxxxxxxxx');
      const run = runScript(linesOf(parameters('attacker', 'p-vvvvvvvvvvvv', attacker, { TERRAFORM_ACTION: 'destroy' })));
      expect(run.status).not.toBe(0);
      expect(run.log).toContain('SageMaker project attacker has id p-xxxxxxxxxxxx, not p-vvvvvvvvvvvv');
      expect(run.log).toContain('FAILED at step "bind the run to its SageMaker project"');
      expect(run.log).not.toContain('==> terraform init');
      expect(readFileSync(stateFile('p-vvvvvvvvvvvv'), 'utf8')).toBe(before);
      expect(existsSync(join(markerDir, 'p-vvvvvvvvvvvv.created'))).toBe(true);
    });

    test("another project's name and id from a directly provisioned stack fails, naming both provisioned products", () => {
      const victim = studioProject('victim2', 'p-wwwwwwwwwwww');
      expect(runScript(linesOf(parameters('victim2', 'p-wwwwwwwwwwww', victim))).status).toBe(0);
      const attacker = studioProject('attacker2', 'p-yyyyyyyyyyyy');
      const run = runScript(linesOf(parameters('victim2', 'p-wwwwwwwwwwww', attacker, { TERRAFORM_ACTION: 'destroy' })));
      expect(run.status).not.toBe(0);
      expect(run.log).toContain(
        `SageMaker project victim2 (p-wwwwwwwwwwww) is backed by provisioned product pp-victim2, but this run belongs to pp-attacker2 (stack ${attacker})`,
      );
      expect(existsSync(join(markerDir, 'p-wwwwwwwwwwww.created'))).toBe(true);
    });

    test('a stack Service Catalog did not launch is refused', () => {
      const stack = stackArn('handmade');
      world.stacks[stack] = { Tags: [] };
      writeFileSync(join(sandbox, 'aws', 'stacks.json'), JSON.stringify(world.stacks));
      studioProject('lambda', 'p-mmmmmmmmmmmm');
      const run = runScript(linesOf(parameters('lambda', 'p-mmmmmmmmmmmm', stack)));
      expect(run.status).not.toBe(0);
      expect(run.log).toContain(`stack ${stack} was not launched by Service Catalog`);
    });

    test('a name SageMaker does not know is refused', () => {
      const stack = studioProject('mu', 'p-nnnnnnnnnnnn');
      const run = runScript(linesOf(parameters('no-such-project', 'p-nnnnnnnnnnnn', stack)));
      expect(run.status).not.toBe(0);
      expect(run.log).toContain('Project no-such-project does not exist');
      expect(run.log).toContain('cannot find SageMaker project no-such-project');
    });

    test('after the SageMaker project is gone, its own stack still destroys it; another stack may not', () => {
      const own = studioProject('nu', 'p-oooooooooooo');
      expect(runScript(linesOf(parameters('nu', 'p-oooooooooooo', own))).status).toBe(0);
      delete world.projects.nu;
      writeFileSync(join(sandbox, 'aws', 'projects.json'), JSON.stringify(world.projects));
      const other = studioProject('xi', 'p-qqqqqqqqqqqq');
      const refused = runScript(linesOf(parameters('nu', 'p-oooooooooooo', other, { TERRAFORM_ACTION: 'destroy' })));
      expect(refused.status).not.toBe(0);
      expect(refused.log).toContain(`the state of p-oooooooooooo belongs to stack ${own}, not to ${other}`);
      expect(existsSync(join(markerDir, 'p-oooooooooooo.created'))).toBe(true);
      const destroyed = runScript(linesOf(parameters('nu', 'p-oooooooooooo', own, { TERRAFORM_ACTION: 'destroy' })));
      expect(destroyed.status).toBe(0);
      expect(destroyed.log).toContain('SageMaker project nu no longer exists: destroying only if the state belongs to this stack');
      expect(existsSync(join(markerDir, 'p-oooooooooooo.created'))).toBe(false);
    });
  });

  describe('bad parameters are refused before anything is downloaded, naming the parameter', () => {
    const stack = stackArn('bad');
    test.each([
      ["a project id that is not SageMaker's", { TF_VAR_sagemaker_project_id: '../../etc' }, 'SageMakerProjectId must look like p-abcdefghijkl'],
      ['a project name SageMaker would not accept', { TF_VAR_sagemaker_project_name: 'a b' }, 'SageMakerProjectName must be 1-32 letters'],
      ['an unknown action', { TERRAFORM_ACTION: 'import' }, 'TerraformAction must be apply or destroy'],
      ['a missing lock table', { TF_STATE_LOCK_TABLE: '' }, 'the lock table is empty'],
      ['a code checksum that is not a SHA-256', { TF_CODE_SHA256: 'abc' }, 'the Terraform code checksum must be a lowercase hex SHA-256'],
    ])('%s', (_name, overrides, message) => {
      const run = runScript(linesOf(parameters('bad', 'p-rrrrrrrrrrrr', stack, overrides)));
      expect(run.status).not.toBe(0);
      expect(run.result).toBeNull();
      expect(run.log).toContain(message);
      expect(run.log).toContain('FAILED at step "read parameters"');
      expect(run.awsCalls).toEqual([]);
    });

    test.each([
      ['GitlabURL', 'TF_VAR_gitlab_url=https://gitlab-mirror.attacker.example'],
      ['the token secret', 'TF_VAR_secrets_manager_gitlab_secret_name=other/secret'],
      ['the instance profile', 'TF_VAR_command_runner_instance_profile=admin'],
    ])('a platform value passed as a variable (%s) is refused', (_name, line) => {
      const run = runScript([...linesOf(parameters('bad', 'p-rrrrrrrrrrrr', stack)), line]);
      expect(run.status).not.toBe(0);
      expect(run.log).toContain(
        `unexpected parameter ${line.split('=')[0]}: the form sets only TF_VAR_ of sagemaker_project_name sagemaker_project_id git_build_repo_name git_deploy_repo_name`,
      );
      expect(run.awsCalls).toEqual([]);
    });

    test('a parameter that is not a form variable or a runner setting', () => {
      const run = runScript([...linesOf(parameters('bad', 'p-rrrrrrrrrrrr', stack)), 'LD_PRELOAD=/tmp/evil.so']);
      expect(run.status).not.toBe(0);
      expect(run.log).toContain('unexpected parameter LD_PRELOAD');
    });

    test('a parameter given twice, as a value smuggling a second line would', () => {
      const run = runScript([...linesOf(parameters('bad', 'p-rrrrrrrrrrrr', stack)), 'TF_VAR_sagemaker_project_id=p-kkkkkkkkkkkk']);
      expect(run.status).not.toBe(0);
      expect(run.log).toContain('parameter TF_VAR_sagemaker_project_id is given twice');
    });
  });
});

describe("the template's bootstrap command with the runner script", () => {
  const scriptSha256 = () => createHash('sha256').update(readFileSync(RUNNER_SCRIPT_PATH)).digest('hex');

  /** The template's command for this sandbox: its bucket, lock table, code and the runner script as published. */
  function command(): string {
    const runner = {
      ...STANDALONE_TEMPLATE.runner,
      bucket: BUCKET,
      stateKmsKeyArn: '',
      terraformSha256: terraformZipSha256,
      runnerScript: { key: runnerScriptKey(scriptSha256()), sha256: scriptSha256() },
      terraformCode: code.good,
    };
    return commandOf(standaloneTemplate({ runner }).document);
  }

  /** Runs the command as CommandRunner's user data does (the command, then the signal with the output file's content). */
  function runUserData(values: Record<string, string>, stack: string): Run & { signal: string } {
    const dir = mkdtempSync(join(sandbox, 'userdata-'));
    const outputFile = join(dir, 'command-output.txt');
    const resolved = command().replace(/\$\{([^}!]+)\}/g, (_whole, name: string) => {
      if (name === 'AWS::Region') return 'us-east-1';
      if (name === 'AWS::StackId') return stack;
      if (!(name in values)) throw new Error(`no value for \${${name}}`);
      return values[name];
    });
    const userData = `${resolved.split(COMMAND_OUTPUT_FILE).join(outputFile)}\necho "SIGNAL DATA: [$(cat ${outputFile} 2>/dev/null)]"\n`;
    const run = spawnSync('bash', ['-c', userData], { env: { ...runnerEnv(dir), SMP_OUTPUT_FILE: outputFile }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const result = finished(dir, run.status, run.stdout, run.stderr);
    return { ...result, signal: /SIGNAL DATA: \[(.*)\]/.exec(result.log)?.[1] ?? 'no signal' };
  }

  /** Studio values for every parameter of the form. */
  const formValues = (name: string, id: string, overrides: Record<string, string> = {}) => ({
    ...Object.fromEntries(parametersFor('commandrunner').map((parameter) => [parameter.name, parameter.default ?? ''])),
    SageMakerProjectName: name,
    SageMakerProjectId: id,
    ...overrides,
  });

  const publishScript = (content: Buffer) => {
    const key = runnerScriptKey(scriptSha256());
    mkdirSync(dirname(s3Path(key)), { recursive: true });
    writeFileSync(s3Path(key), content);
    return key;
  };

  test('a successful run signals "applied", and a form value with spaces and $ reaches terraform unchanged', () => {
    publishScript(readFileSync(RUNNER_SCRIPT_PATH));
    const stack = studioProject('omicron', 'p-ssssssssssss');
    const run = runUserData(formValues('omicron', 'p-ssssssssssss', { GitBuildRepoName: AWKWARD_VALUE }), stack);
    expect(run.signal).toBe('applied');
    expect(stateOf('p-ssssssssssss').outputs.repo_name.value).toBe(AWKWARD_VALUE);
  });

  test('a runner script that is not the published one is never run, and the signal is empty', () => {
    const key = publishScript(Buffer.concat([readFileSync(RUNNER_SCRIPT_PATH), Buffer.from('\ntouch /tmp/tampered\n')]));
    const stack = studioProject('pi', 'p-tttttttttttt');
    const run = runUserData(formValues('pi', 'p-tttttttttttt'), stack);
    expect(run.log).toContain(`run-terraform: s3://${BUCKET}/${key} is missing or is not the script this product version was published with`);
    expect(run.log).not.toContain('==> read parameters');
    expect(run.signal).toBe('');
    expect(run.status).toBe(0);
    publishScript(readFileSync(RUNNER_SCRIPT_PATH));
  });

  test("a runner script a later deployment deleted runs from the bucket's kept version", () => {
    const key = publishScript(readFileSync(RUNNER_SCRIPT_PATH));
    keepOnlyAsVersion(key, '0001-kept');
    const stack = studioProject('rho', 'p-uuuuuuuuuuuu');
    const run = runUserData(formValues('rho', 'p-uuuuuuuuuuuu'), stack);
    expect(run.signal).toBe('applied');
    expect(run.awsCalls.some((call) => call.includes('--version-id 0001-kept'))).toBe(true);
    publishScript(readFileSync(RUNNER_SCRIPT_PATH));
  });

  test('a failing run still reaches the signal, with an empty output, so CloudFormation fails at once', () => {
    const stack = studioProject('sigma', 'p-zzzzzzzzzzzz');
    const run = runUserData(formValues('sigma', 'p-zzzzzzzzzzzz', { SageMakerProjectId: 'p-000000000000' }), stack);
    expect(run.log).toContain('has id p-zzzzzzzzzzzz, not p-000000000000');
    expect(run.signal).toBe('');
    expect(run.status).toBe(0);
  });
});
