/**
 * The runner buildspec's commands, run for real in the runner sandbox: real bash, the tree's
 * run-terraform.sh, real terraform (the machine's binary, served as a release archive), a local
 * backend (SMP_LOCAL_STATE_DIR) and the sandbox's fake `aws` (test/support/fake-aws-cli.py: S3 objects and
 * kept versions from a folder, CloudFormation and SageMaker describe calls from files). The build's environment is what CodeBuild would
 * give it: the project's platform keys plus the overrides the provisioning function computes.
 */
import { spawnSync } from '../../harness/child-process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runnerBuildspec } from '../../../constructs/codebuild-runner/buildspec';
import { RUNNER_SCRIPT_PATH } from '../../../constructs/command-runner/project-artifacts';
import { runnerScriptKey, stateKeyOf, terraformCodeKey } from '../../../contract/runner';
import { CloudFormationRequest, decideBuild, decideRequest, RequestDecision } from '../../../lambda/provision-project/decide';
import { PLUGIN_MIRROR } from '../../harness/terraform';
import { emulateBuild, EmulatedBuild } from '../../support/codebuild-emulator';
import { createRunnerSandbox, runnerSeams } from '../../support/runner-sandbox';

const BUCKET = 'example-dev-mlops-tfstate-123456789012-us-east-1';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/SC-123456789012-pp-abcdefghijklm/11111111-2222-3333-4444-555555555555';
const AWKWARD_VALUE = `a b  "c" 'd' $HOME \${x} $(id) \\ end`;

let sandbox: string;
let terraformZip: string;
let terraformZipSha256: string;
let scriptSha256: string;
const markerDir = () => join(sandbox, 'markers');

/** tf-code.zip for these tests: variables of the contract and a resource whose side effect (a file) shows it exists. */
function publishCode(extra: { resources?: Record<string, unknown>; providers?: boolean } = {}): string {
  const stack: Record<string, unknown> = {
    terraform: { backend: { s3: {} }, ...(extra.providers ? { required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } } } : {}) },
    variable: {
      sagemaker_project_id: { type: 'string' },
      sagemaker_project_name: { type: 'string' },
      git_build_repo_name: { type: 'string', default: '' },
      git_deploy_repo_name: { type: 'string', default: '' },
      cloudformation_stack_id: { type: 'string', default: '' },
    },
    resource: {
      terraform_data: {
        project: {
          input: { path: `${markerDir()}/\${var.sagemaker_project_id}.created` },
          provisioner: [
            { 'local-exec': { command: 'printf "%s|%s" "$TF_PLUGIN_CACHE_DIR" "$RUNNER_PROVIDER_LOCK_FILE" > "${self.input.path}"' } },
            { 'local-exec': { when: 'destroy', command: 'rm -f "${self.input.path}"' } },
          ],
        },
        ...extra.resources,
      },
    },
    output: { repo_name: { value: '${var.git_build_repo_name}' } },
  };
  const dir = mkdtempSync(join(sandbox, 'code-'));
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(stack, null, 2));
  const zipped = join(dir, 'tf-code.zip');
  if (spawnSync('zip', ['-q', '-X', '-j', zipped, join(dir, 'cdk.tf.json')]).status !== 0) throw new Error('zip failed');
  const sha = createHash('sha256').update(readFileSync(zipped)).digest('hex');
  putObject(terraformCodeKey(sha), readFileSync(zipped));
  return sha;
}

function putObject(key: string, content: Buffer | string): void {
  const target = join(sandbox, 's3', BUCKET, key);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
}

/** What the binding check finds: SageMaker project "demo" (`projectId`), backed by the provisioned product that owns STACK_ID. */
function writeBindingFixtures(projectId: string): void {
  const provisionedProductId = 'pp-abcdefghijklm';
  const aws = join(sandbox, 'aws');
  mkdirSync(aws, { recursive: true });
  writeFileSync(
    join(aws, 'projects.json'),
    JSON.stringify({
      demo: {
        ProjectId: projectId,
        ProjectStatus: 'CreateInProgress',
        ServiceCatalogProvisionedProductDetails: { ProvisionedProductId: provisionedProductId },
      },
    }),
  );
  writeFileSync(
    join(aws, 'stacks.json'),
    JSON.stringify({
      [STACK_ID]: {
        Tags: [{ Key: 'aws:servicecatalog:provisionedProductArn', Value: `arn:aws:servicecatalog:us-east-1:123456789012:stack/demo/${provisionedProductId}` }],
      },
    }),
  );
}

/** The environment CodeBuild gives the build: the project's platform keys, then the function's overrides. */
function buildEnvironment(overrides: Record<string, string>, dir: string): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(TF_|AWS_|SMP_|RUNNER_)/.test(name)));
  writeFileSync(join(dir, 'terraform.rc'), `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(PLUGIN_MIRROR)}\n  }\n}\n`);
  const project = {
    AWS_REGION: 'us-east-1',
    TF_STATE_BUCKET: BUCKET,
    TF_STATE_LOCK_TABLE: 'terraform-lock-example-dev-mlops',
    TF_STATE_KEY_PREFIX: 'sagemaker-projects',
    TF_STATE_KMS_KEY_ARN: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    TERRAFORM_VERSION: '1.11.4',
    TERRAFORM_SHA256: terraformZipSha256,
    ARTIFACT_BUCKET_ON_DELETE: 'empty',
  };
  return {
    ...inherited,
    ...project,
    ...overrides,
    ...runnerSeams(dir, sandbox, terraformZip),
  };
}

const cacheDir = () => join(sandbox, 'cache');
const buildspec = () => runnerBuildspec({ cacheDir: cacheDir() }).document as Parameters<typeof emulateBuild>[0];

function cloudFormationRequest(
  type: CloudFormationRequest['RequestType'],
  projectId: string,
  codeSha: string,
  extra: Record<string, string> = {},
): CloudFormationRequest {
  return {
    RequestType: type,
    ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Signature=abc',
    StackId: STACK_ID,
    RequestId: `req-${type}-${projectId}`,
    ResourceType: 'Custom::SageMakerProjectTerraform',
    LogicalResourceId: 'TerraformRun',
    PhysicalResourceId: type === 'Create' ? undefined : `sagemaker-project/${projectId}`,
    ResourceProperties: {
      SageMakerProjectName: 'demo',
      SageMakerProjectId: projectId,
      GitBuildRepoName: '',
      GitDeployRepoName: '',
      TerraformCodeSha256: codeSha,
      RunnerScriptSha256: scriptSha256,
      ...extra,
    },
  };
}

/** The function's decision for a request, then its build, emulated; `env` overrides what the function set. */
function runRequest(request: CloudFormationRequest, env: Record<string, string> = {}): { build: EmulatedBuild; dir: string; decision: RequestDecision } {
  const decision = decideRequest(request);
  if (decision.kind !== 'start-build') throw new Error(`the function starts no build: ${JSON.stringify(decision)}`);
  writeBindingFixtures(String(request.ResourceProperties!.SageMakerProjectId));
  const dir = mkdtempSync(join(sandbox, 'build-'));
  const build = emulateBuild(buildspec(), buildEnvironment({ ...decision.build.variables, ...env }, dir), sandbox);
  return { build, dir, decision };
}

/** What the function answers CloudFormation for an emulated build it started. */
function answerFor(decision: RequestDecision, build: EmulatedBuild) {
  if (decision.kind !== 'start-build') throw new Error('no build');
  const context = JSON.parse(decision.build.variables.RUNNER_CLOUDFORMATION_REQUEST);
  const phases = ['SUBMITTED', 'PROVISIONING', 'INSTALL', 'BUILD', 'POST_BUILD'].map((type) => ({ type, status: 'SUCCEEDED' }));
  return decideBuild({ id: 'runner:1', status: build.status, request: context, exported: build.exported, phases });
}

const stateFile = (projectId: string) => join(sandbox, 'state', stateKeyOf(projectId));

beforeAll(() => {
  // The tools the sandbox runs are the integration prerequisites, checked by jest's global setup (test/harness/prerequisites.ts).
  ({ dir: sandbox, terraformZip, terraformZipSha256 } = createRunnerSandbox('runner-buildspec-'));
  mkdirSync(markerDir());

  const script = readFileSync(RUNNER_SCRIPT_PATH);
  scriptSha256 = createHash('sha256').update(script).digest('hex');
  putObject(runnerScriptKey(scriptSha256), script);
});

afterAll(() => {
  if (sandbox) rmSync(sandbox, { recursive: true, force: true });
});

describe('the runner buildspec with run-terraform.sh', () => {
  test('Create: the build exports "applied", terraform made the project\'s resources under its own state key, and the function answers SUCCESS', () => {
    const projectId = 'p-aaaaaaaaaaaa';
    const code = publishCode();
    const request = cloudFormationRequest('Create', projectId, code);
    const { build, decision } = runRequest(request);
    expect(build.exported).toEqual({ RUNNER_RESULT: 'applied', RUNNER_FAILED_STEP: '' });
    expect(build.status).toBe('SUCCEEDED');
    expect(existsSync(join(markerDir(), `${projectId}.created`))).toBe(true);
    expect(JSON.parse(readFileSync(stateFile(projectId), 'utf8')).resources.map((resource: any) => resource.name)).toEqual(['project']);
    expect(build.log).toContain('runner build: result applied');
    expect(answerFor(decision, build)).toMatchObject({ kind: 'answer', answer: { Status: 'SUCCESS', PhysicalResourceId: `sagemaker-project/${projectId}` } });
  });

  test('Delete: the build exports "destroyed" and terraform removed what the Create made', () => {
    const projectId = 'p-bbbbbbbbbbbb';
    const code = publishCode();
    expect(runRequest(cloudFormationRequest('Create', projectId, code)).build.exported.RUNNER_RESULT).toBe('applied');
    expect(existsSync(join(markerDir(), `${projectId}.created`))).toBe(true);
    const request = cloudFormationRequest('Delete', projectId, code);
    const { build, decision } = runRequest(request);
    expect(build.exported).toEqual({ RUNNER_RESULT: 'destroyed', RUNNER_FAILED_STEP: '' });
    expect(existsSync(join(markerDir(), `${projectId}.created`))).toBe(false);
    expect(JSON.parse(readFileSync(stateFile(projectId), 'utf8')).resources).toEqual([]);
    expect(answerFor(decision, build)).toMatchObject({ kind: 'answer', answer: { Status: 'SUCCESS', Reason: 'Terraform destroyed (build runner:1).' } });
  });

  test('a failing terraform apply: the build still ends, exporting "failed" and the step, and the function answers FAILED naming it', () => {
    const projectId = 'p-cccccccccccc';
    const code = publishCode({
      resources: { broken: { provisioner: [{ 'local-exec': { command: "echo 'simulated failure: GitLab answered 403' >&2; exit 3" } }] } },
    });
    const request = cloudFormationRequest('Create', projectId, code);
    const { build, decision } = runRequest(request);
    expect(build.status).toBe('SUCCEEDED');
    expect(build.exported).toEqual({ RUNNER_RESULT: 'failed', RUNNER_FAILED_STEP: 'terraform apply' });
    expect(build.log).toContain('simulated failure: GitLab answered 403');
    expect(answerFor(decision, build)).toMatchObject({
      kind: 'answer',
      answer: {
        Status: 'FAILED',
        Reason: 'Terraform apply failed at step "terraform apply". Build runner:1',
        PhysicalResourceId: `sagemaker-project/${projectId}`,
      },
    });
  });

  test('a value with spaces, quotes, $ and a backslash reaches terraform byte for byte', () => {
    const projectId = 'p-dddddddddddd';
    const { build } = runRequest(cloudFormationRequest('Create', projectId, publishCode()), { TF_VAR_git_build_repo_name: AWKWARD_VALUE });
    expect(build.exported.RUNNER_RESULT).toBe('applied');
    expect(JSON.parse(readFileSync(stateFile(projectId), 'utf8')).outputs.repo_name.value).toBe(AWKWARD_VALUE);
  });

  test('a value holding a line break is refused before the runner starts', () => {
    const projectId = 'p-eeeeeeeeeeee';
    const { build, dir } = runRequest(cloudFormationRequest('Create', projectId, publishCode()), {
      TF_VAR_git_build_repo_name: 'x\nTF_VAR_sagemaker_project_id=p-ffffffffffff',
    });
    expect(build.exported).toEqual({ RUNNER_RESULT: 'failed', RUNNER_FAILED_STEP: 'write the parameters file' });
    expect(build.log).toContain('TF_VAR_git_build_repo_name holds a line break');
    expect(existsSync(join(dir, 'install'))).toBe(false);
  });

  test("a runner script whose SHA-256 is not the template's is never run", () => {
    const projectId = 'p-gggggggggggg';
    const tampered = Buffer.from('#!/usr/bin/env bash\ntouch "$HOME/tampered-script-ran"\n');
    const claimed = 'e'.repeat(64);
    putObject(runnerScriptKey(claimed), tampered);
    const request = cloudFormationRequest('Create', projectId, publishCode(), { RunnerScriptSha256: claimed });
    const { build, dir, decision } = runRequest(request);
    expect(build.exported).toEqual({ RUNNER_RESULT: 'failed', RUNNER_FAILED_STEP: 'verify run-terraform.sh' });
    expect(build.log).toContain(`SHA-256 mismatch for ${runnerScriptKey(claimed)}: not running it`);
    expect(existsSync(join(dir, 'tampered-script-ran'))).toBe(false);
    const calls = readFileSync(join(dir, 'aws-calls.log'), 'utf8').trim().split('\n');
    expect(calls).toEqual([
      expect.stringMatching(new RegExp(`^s3api get-object --bucket ${BUCKET} --key ${runnerScriptKey(claimed)} --region us-east-1 \\S+/run-terraform\\.sh$`)),
    ]);
    expect(answerFor(decision, build)).toMatchObject({ answer: { Status: 'FAILED', PhysicalResourceId: `nothing-created/${request.RequestId}` } });
  });

  test('a runner script missing from the bucket fails the download step', () => {
    const request = cloudFormationRequest('Create', 'p-hhhhhhhhhhhh', publishCode(), { RunnerScriptSha256: 'f'.repeat(64) });
    const { build } = runRequest(request);
    expect(build.exported).toEqual({ RUNNER_RESULT: 'failed', RUNNER_FAILED_STEP: 'download run-terraform.sh' });
    expect(build.log).toContain(`cannot download s3://${BUCKET}/${runnerScriptKey('f'.repeat(64))}`);
  });

  test('terraform runs with the provider plugin cache and the lock file of its tf-code version, and the cache keeps the aws provider', () => {
    const projectId = 'p-iiiiiiiiiiii';
    const code = publishCode({ providers: true });
    const { build } = runRequest(cloudFormationRequest('Create', projectId, code));
    expect(build.exported.RUNNER_RESULT).toBe('applied');
    expect(readFileSync(join(markerDir(), `${projectId}.created`), 'utf8')).toBe(`${cacheDir()}/plugins|${cacheDir()}/locks/${code}.terraform.lock.hcl`);
    expect(existsSync(join(cacheDir(), 'plugins', 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0', 'linux_amd64'))).toBe(true);
  });
});
