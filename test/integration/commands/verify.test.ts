/** `npm run verify` as a user runs it: both stacks synthesized, initialised, validated and planned by real terraform. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, SERVICE_CATALOG_STACK } from '../../../main';
import { SAGEMAKER_PROJECT_STACK } from '../../../stacks/sagemaker-project-stack';
import { formatReport, StackVerification, verify } from '../../../tools/verify';
import { spawnSync } from '../../harness/child-process';
import { markedBlock, README } from '../../support/readme';
import { COMMON_CHECKS, STACK_SPECS, VERIFY_GITLAB_TOKEN } from '../../harness/plan-specs';
import { testConfig } from '../../support/synth';
import { userEnvironment } from '../../support/user-environment';

const config = testConfig();

describe('npm run verify', () => {
  let results: StackVerification[];
  const steps: string[] = [];
  const resultOf = (stack: string) => results.find((result) => result.stack === stack)!;

  beforeAll(async () => {
    results = await verify({ config, progress: (step) => steps.push(step) });
  }, 300_000);

  test('each step is reported as it starts: synth, then per stack init, validate, plan, checks, each bad-variable plan, the result', () => {
    expect(steps[0]).toBe('synthesizing the app (guardrails included)');
    const stepsOf = (stack: string) => steps.filter((step) => step.startsWith(`${stack}: `)).map((step) => step.slice(stack.length + 2));
    expect(stepsOf(SERVICE_CATALOG_STACK)).toEqual([
      'terraform init',
      'terraform validate',
      'terraform plan (against the fake AWS endpoint)',
      `${resultOf(SERVICE_CATALOG_STACK).checks.length - 1} checks on the plan of ${resultOf(SERVICE_CATALOG_STACK).resourcesPlanned} resources`,
      '2 plans with a bad variable each, which validation must reject',
      expect.stringMatching(
        /^bad-variable plan 1\/2: gitlab_private_token \(a precondition of aws_secretsmanager_secret_version\.gitlab-token_secret_value_[0-9A-F]+ checks it\)$/,
      ),
      expect.stringMatching(
        /^bad-variable plan 2\/2: gitlab_private_token \(a precondition of aws_secretsmanager_secret_version\.gitlab-token_secret_value_[0-9A-F]+ checks it\)$/,
      ),
      'pass',
    ]);
    expect(stepsOf(SAGEMAKER_PROJECT_STACK)).toEqual([
      'terraform init (without gitlab: not installable offline)',
      'terraform validate',
      'terraform plan (against the fake AWS endpoint)',
      `${resultOf(SAGEMAKER_PROJECT_STACK).checks.length - 1} checks on the plan of ${resultOf(SAGEMAKER_PROJECT_STACK).resourcesPlanned} resources`,
      '4 plans with a bad variable each, which validation must reject',
      'bad-variable plan 1/4: SageMakerProjectName',
      'bad-variable plan 2/4: SageMakerProjectName',
      'bad-variable plan 3/4: SageMakerProjectId',
      'bad-variable plan 4/4: GitBuildRepoName',
      'pass',
    ]);
  });

  test('the README shows the report verify prints on the embedded defaults, and how many addresses it removed offline', () => {
    const [table] = formatReport(results).split('\n\n');
    expect(markedBlock('verify-report')).toBe(table);
    expect(README).toContain(`<!-- verify-removed -->${resultOf(SAGEMAKER_PROJECT_STACK).removedAddresses.length} addresses of \`${SAGEMAKER_PROJECT_STACK}\``);
  });

  test('npm run verify prints its steps on stderr, and only the report (here: the error) elsewhere', () => {
    const root = join(__dirname, '..', '..', '..');
    const result = spawnSync('npm', ['run', '--silent', 'verify', '--', 'no-such-stack'], { cwd: root, encoding: 'utf8', env: userEnvironment() });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([
      expect.stringMatching(/^\[ +\d+\.\d s\] synthesizing the app \(guardrails included\)$/),
      `no stack named no-such-stack in the app (it has ${SAGEMAKER_PROJECT_STACK}, ${SERVICE_CATALOG_STACK})`,
      '',
    ]);
  });

  test('every stack of the app has a plan spec, so npm run verify plans them all', () => {
    const stacks = buildApp(config, { outdir: mkdtempSync(join(tmpdir(), 'verify-stacks-')) }).node.children.map((stack) => stack.node.id);
    expect(stacks.sort()).toEqual([SAGEMAKER_PROJECT_STACK, SERVICE_CATALOG_STACK]);
    expect(Object.keys(STACK_SPECS).sort()).toEqual(stacks);
    expect(results.map((result) => result.stack).sort()).toEqual(stacks);
  });

  test.each([SERVICE_CATALOG_STACK, SAGEMAKER_PROJECT_STACK])('%s initialises with the real aws provider, validates, plans and passes its checks', (stack) => {
    const result = resultOf(stack);
    expect(result.problems).toEqual([]);
    expect(result.resourcesPlanned).toBeGreaterThan(25);
    expect(result.checks).toEqual(
      expect.arrayContaining([...COMMON_CHECKS.map((check) => check.name), ...STACK_SPECS[stack].checks.map((check) => check.name)]),
    );
    expect(result.checks).toContain('validation rejects bad variables, naming what to fix');
  });

  test('the plans hold the names the runner and CI read, and never the namespace token', () => {
    expect(Object.keys(resultOf(SERVICE_CATALOG_STACK).plan.planned_values.outputs)).toEqual(expect.arrayContaining(['terraform_lock_table', 's3_bucket_id']));
    expect(Object.keys(resultOf(SAGEMAKER_PROJECT_STACK).plan.planned_values.outputs)).toEqual(
      expect.arrayContaining(['artifact_bucket', 'cloudformation_stack_id']),
    );
    for (const result of results) {
      const { variables: _variables, ...plan } = result.plan;
      expect(JSON.stringify(plan)).not.toContain(VERIFY_GITLAB_TOKEN);
    }
  });

  test('the report says which providers were removed offline and what went with them: only the gitlab provider of the project stack', () => {
    expect(resultOf(SERVICE_CATALOG_STACK).providersRemoved).toEqual([]);
    expect(resultOf(SERVICE_CATALOG_STACK).removedAddresses).toEqual([]);
    const project = resultOf(SAGEMAKER_PROJECT_STACK);
    expect(project.providersRemoved).toEqual(['gitlab']);
    expect(project.removedAddresses.length).toBeGreaterThan(0);
    expect(project.removedAddresses.filter((address) => !/^(data\.)?gitlab_/.test(address))).toEqual([]);
    const report = formatReport(results);
    expect(report).toMatch(/^stack\s+resources planned\s+removed offline\s+checks\s+result$/m);
    expect(report).toMatch(new RegExp(`^${SERVICE_CATALOG_STACK}\\s+\\d+\\s+-\\s+\\d+\\s+pass$`, 'm'));
    expect(report).toMatch(new RegExp(`^${SAGEMAKER_PROJECT_STACK}\\s+\\d+\\s+gitlab\\s+\\d+\\s+pass$`, 'm'));
    expect(report).toContain(`${SAGEMAKER_PROJECT_STACK}: removed offline (not planned): ${project.removedAddresses[0]}`);
  });

  test('a stack name the app does not have is refused, naming the stacks it has', async () => {
    await expect(verify({ config, stacks: ['sagemaker-projects'] })).rejects.toThrow(
      `no stack named sagemaker-projects in the app (it has ${SAGEMAKER_PROJECT_STACK}, ${SERVICE_CATALOG_STACK})`,
    );
  });
});
