import { stripVTControlCharacters } from 'node:util';
import { spawnSync } from '../../harness/child-process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APPLIED_BY_THE_RUNNER } from '../../../contract/runner';
import { NOT_THE_RUNNER_MESSAGE, STACK_ID_VARIABLE } from '../../../constructs/sagemaker-project/project-variables';
import { refusalOf } from '../../../stacks/by-hand';
import { SAGEMAKER_PROJECT_STACK } from '../../../stacks/sagemaker-project-stack';
import { TerraformWorkspace } from '../../harness/terraform';
import { synthApp } from '../../support/synth';
import { userEnvironment } from '../../support/user-environment';

const ROOT = join(__dirname, '..', '..', '..');
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/SC-123456789012-pp-abcdefghijklm/0a1b2c3d-1111-2222-3333-444455556666';
const FORM = { sagemaker_project_name: 'churn-prediction', sagemaker_project_id: 'p-abcdefghijkl' };

/** Terraform's diagnostics with line wrapping undone. */
const flat = (output: string) => output.replace(/\s+/g, ' ');
const errorsIn = (output: string) => output.match(/Error: /g)?.length ?? 0;

test('the refusal names the stack, the runner and the command that deploys the platform', () => {
  expect(APPLIED_BY_THE_RUNNER.startsWith(`${SAGEMAKER_PROJECT_STACK} is applied by the runner`)).toBe(true);
  expect(APPLIED_BY_THE_RUNNER).toContain('To deploy the platform, run: npm run deploy (the service-catalog stack).');
  expect(NOT_THE_RUNNER_MESSAGE).toBe(`${STACK_ID_VARIABLE} is empty, so this is not a run of the runner: ${APPLIED_BY_THE_RUNNER}`);
});

// Real terraform on the synthesized stack's variables: what a plan by hand (cdktf deploy, terraform apply
// in cdktf.out) meets once past init, before any provider starts or anything is created.
describe("the sagemaker-project stack applied without the runner's settings", () => {
  let workspace: TerraformWorkspace;

  beforeAll(async () => {
    workspace = TerraformWorkspace.ofVariables(synthApp().sagemakerProject);
    await workspace.init();
  }, 60_000);
  afterAll(() => rmSync(workspace.dir, { recursive: true, force: true }));

  test('no variables at all: refused at plan with that one message, not one error per missing form value', async () => {
    const plan = await workspace.plan({});
    expect(plan.ok).toBe(false);
    expect(flat(plan.output)).toContain(NOT_THE_RUNNER_MESSAGE);
    expect(errorsIn(plan.output)).toBe(1);
  });

  test('the form values without the stack id: refused the same way', async () => {
    const plan = await workspace.plan({ ...FORM, [STACK_ID_VARIABLE]: '' });
    expect(plan.ok).toBe(false);
    expect(flat(plan.output)).toContain(NOT_THE_RUNNER_MESSAGE);
    expect(errorsIn(plan.output)).toBe(1);
  });

  test('a stack id that is not a stack ARN is refused, naming the runner setting it comes from', async () => {
    const plan = await workspace.plan({ ...FORM, [STACK_ID_VARIABLE]: 'SC-123456789012-pp-abcdefghijklm' });
    expect(plan.ok).toBe(false);
    expect(flat(plan.output)).toContain(`${STACK_ID_VARIABLE} must be a CloudFormation stack ARN (the runner sets it from CLOUDFORMATION_STACK_ID).`);
    expect(flat(plan.output)).not.toContain(NOT_THE_RUNNER_MESSAGE);
  });

  test("the runner's run plans; its form values are still checked", async () => {
    expect((await workspace.plan({ ...FORM, [STACK_ID_VARIABLE]: STACK_ID })).ok).toBe(true);
    const badName = await workspace.plan({ ...FORM, sagemaker_project_name: 'churn_prediction!', [STACK_ID_VARIABLE]: STACK_ID });
    expect(badName.ok).toBe(false);
    expect(flat(badName.output)).toContain('SageMakerProjectName must be 1-32 letters, digits and hyphens, starting and ending with a letter or digit.');
    expect(flat(badName.output)).not.toContain(NOT_THE_RUNNER_MESSAGE);
  });
});

describe('the app run by the cdktf CLI for a command on sagemaker-project', () => {
  test.each([
    [['deploy', 'sagemaker-project'], 'deploy'],
    [['apply', 'sagemaker-project', '--auto-approve'], 'apply'],
    [['destroy', '*'], 'destroy'],
    [['diff', 'sagemaker-*'], 'diff'],
    [['plan', '--var', 'x=1', 'sagemaker-project'], 'plan'],
    [['output', 'service-catalog', 'sagemaker-project'], 'output'],
  ])('%j is refused', (args, command) => {
    expect(refusalOf(args)).toBe(`cdktf ${command} sagemaker-project: refused. ${APPLIED_BY_THE_RUNNER}`);
  });

  test.each([[['synth']], [['deploy', 'service-catalog']], [['diff', 'service-catalog', '--var-file', 'sagemaker-project.tfvars']], [['get']], [[]]])(
    '%j is not',
    (args) => {
      expect(refusalOf(args)).toBeUndefined();
    },
  );

  // The real CLI: without the guard, init of the partial S3 backend would ask "bucket: The name of the S3 bucket".
  test('npx cdktf deploy sagemaker-project: the refusal is the first thing printed, and nothing is initialised', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'by-hand-cdktf-'));
    try {
      const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'cdktf'), ['deploy', 'sagemaker-project', '--output', outdir], {
        cwd: ROOT,
        encoding: 'utf8',
        input: '',
        env: userEnvironment({ CI: 'true', CHECKPOINT_DISABLE: '1' }, ['TF_CLI_CONFIG_FILE']),
        timeout: 120_000,
      });
      const lines = stripVTControlCharacters(result.stdout + result.stderr)
        .split('\n')
        .filter((line) => line.trim() !== '');
      expect(result.status).toBe(1);
      expect(lines[0]).toMatch(/\[ERROR\] default - cdktf deploy sagemaker-project: refused\. /);
      expect(lines[0]).toContain(APPLIED_BY_THE_RUNNER);
      expect(existsSync(join(outdir, 'stacks'))).toBe(false);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
