import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, SERVICE_CATALOG_STACK } from '../../main';
import { FAKE_ACCOUNT_ID } from '../../tools/fake-aws';
import { PlannedResource } from '../../tools/terraform';
import { COMMON_CHECKS, formatReport, PlanContext, progressLine, STACK_SPECS, StackVerification, verify, VERIFY_GITLAB_TOKEN } from '../../tools/verify';
import { SAGEMAKER_PROJECT_STACK } from '../../stacks/sagemaker-project-stack';
import { testConfig } from '../support/synth';
import { markedBlock, README } from '../support/readme';
import { describeWithTerraform } from '../support/terraform';

const config = testConfig();

/** A plan context around hand-written planned resources, to show a check failing. */
function context(stack: string, resources: PlannedResource[], outputs: Record<string, unknown> = {}): PlanContext {
  const plan = {
    resource_changes: resources.map((resource) => ({ address: resource.address, mode: 'managed', change: { actions: ['create'] } })),
    output_changes: Object.fromEntries(Object.entries(outputs).map(([name, after]) => [name, { after }])),
  };
  return { stack, config, synthesized: {}, variables: {}, plan, planOutput: '', resources };
}

const planned = (type: string, name: string, values: Record<string, any>): PlannedResource => ({ address: `${type}.${name}`, type, name, values });
const problemsOf = (stack: string, checkName: RegExp, planContext: PlanContext) =>
  STACK_SPECS[stack].checks.filter((check) => checkName.test(check.name)).flatMap((check) => check.problems(planContext));

describeWithTerraform('npm run verify', () => {
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
      'bad-variable plan 1/2: gitlab_private_token (whole stack: a precondition checks it)',
      'bad-variable plan 2/2: gitlab_private_token (whole stack: a precondition checks it)',
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
    expect(result.checks).toEqual(expect.arrayContaining([...COMMON_CHECKS.map((check) => check.name), ...STACK_SPECS[stack].checks.map((check) => check.name)]));
    expect(result.checks).toContain('validation rejects bad variables, naming what to fix');
  });

  test('the plans hold the names the runner and CI read, and never the namespace token', () => {
    expect(Object.keys(resultOf(SERVICE_CATALOG_STACK).plan.planned_values.outputs)).toEqual(expect.arrayContaining(['terraform_lock_table', 's3_bucket_id']));
    expect(Object.keys(resultOf(SAGEMAKER_PROJECT_STACK).plan.planned_values.outputs)).toEqual(expect.arrayContaining(['artifact_bucket', 'cloudformation_stack_id']));
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

  test('the README shows the report verify prints on the embedded defaults, and how many addresses it removed offline', () => {
    const [table] = formatReport(results).split('\n\n');
    expect(markedBlock('verify-report')).toBe(table);
    expect(README).toContain(`<!-- verify-removed -->${resultOf(SAGEMAKER_PROJECT_STACK).removedAddresses.length} addresses of \`${SAGEMAKER_PROJECT_STACK}\``);
  });

  test('a stack name the app does not have is refused, naming the stacks it has', async () => {
    await expect(verify({ config, stacks: ['sagemaker-projects'] })).rejects.toThrow(
      `no stack named sagemaker-projects in the app (it has ${SAGEMAKER_PROJECT_STACK}, ${SERVICE_CATALOG_STACK})`,
    );
  });
});

describe('plan checks fail on plans that break them', () => {
  test('a state bucket not named after the account, and a missing lock table, are reported', () => {
    const problems = problemsOf(SERVICE_CATALOG_STACK, /configured names/, context(SERVICE_CATALOG_STACK, [planned('aws_s3_bucket', 'b', { bucket: 'example-dev-mlops-tfstate' })]));
    expect(problems).toContain(
      `state bucket: no aws_s3_bucket with bucket = "example-dev-mlops-tfstate-${FAKE_ACCOUNT_ID}-us-east-1" (planned: ["example-dev-mlops-tfstate"])`,
    );
    expect(problems).toContain('lock table: no aws_dynamodb_table with name = "terraform-lock-example-dev-mlops" (planned: [])');
  });

  test('a project resource without the project tags is reported', () => {
    const problems = problemsOf(SAGEMAKER_PROJECT_STACK, /project's name and id/, context(SAGEMAKER_PROJECT_STACK, [planned('aws_s3_bucket', 'b', { tags_all: {} })]));
    expect(problems).toEqual(['aws_s3_bucket.b is planned without the project tags: {}']);
  });

  test('a secret variable shown in the plan output is reported, sensitive or ephemeral', () => {
    const planContext: PlanContext = {
      ...context(SERVICE_CATALOG_STACK, []),
      synthesized: { variable: { gitlab_private_token: { type: 'string', ephemeral: true }, ci_key: { type: 'string', sensitive: true }, name: { type: 'string' } } },
      variables: { gitlab_private_token: 'glpat-0123456789abcdefghij', ci_key: 'key-0123456789', name: 'churn' },
      planOutput: 'Error: glpat-0123456789abcdefghij is invalid; key-0123456789; churn',
    };
    const problems = COMMON_CHECKS.flatMap((check) => check.problems(planContext));
    expect(problems).toEqual([
      'the plan creates nothing',
      'the plan output shows the value of the secret variable gitlab_private_token',
      'the plan output shows the value of the secret variable ci_key',
    ]);
  });

  test('a token stored through secret_string, or anywhere in the plan, is reported', () => {
    const version = planned('aws_secretsmanager_secret_version', 'token', { secret_string: VERIFY_GITLAB_TOKEN });
    const planContext: PlanContext = {
      ...context(SERVICE_CATALOG_STACK, [version]),
      plan: { planned_values: { root_module: { resources: [{ values: { secret_string: VERIFY_GITLAB_TOKEN } }] } }, variables: { gitlab_private_token: { value: VERIFY_GITLAB_TOKEN } } },
    };
    expect(problemsOf(SERVICE_CATALOG_STACK, /write-only argument/, planContext)).toEqual([
      'the plan JSON holds the GitLab token',
      'aws_secretsmanager_secret_version.token stores secret_string',
    ]);
    // The variables block of a plan file holds what the plan was made with; the check reads everything else.
    const clean: PlanContext = { ...planContext, resources: [], plan: { variables: { gitlab_private_token: { value: VERIFY_GITLAB_TOKEN } } } };
    expect(problemsOf(SERVICE_CATALOG_STACK, /write-only argument/, clean)).toEqual([]);
  });

  test('a resolved policy that breaks a policy rule is reported with the rule', () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Pass', Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }] });
    const planContext = context(SERVICE_CATALOG_STACK, [planned('aws_iam_role_policy', 'p', { policy, role: 'r' })]);
    const problems = COMMON_CHECKS.flatMap((check) => check.problems(planContext));
    expect(problems).toEqual([
      expect.stringContaining('resolved policy: CKV_AWS_111 IamNoWriteOnWildcardResource at aws_iam_role_policy.p (aws_iam_role_policy.p) statement Pass: allows iam:PassRole on every resource.'),
      expect.stringContaining('resolved policy: SMP_IAM_PASSROLE_SCOPED IamPassRoleScoped at aws_iam_role_policy.p (aws_iam_role_policy.p) statement Pass: allows iam:PassRole but passes *'),
    ]);
  });
});

describe('progress of npm run verify', () => {
  test('a line gives the seconds since the start, aligned, then the step', () => {
    expect(progressLine(1_000, 1_000, 'synthesizing the app (guardrails included)')).toBe('[  0.0 s] synthesizing the app (guardrails included)');
    expect(progressLine(1_000, 68_560, 'service-catalog: pass')).toBe('[ 67.6 s] service-catalog: pass');
    expect(progressLine(0, 123_450, 'sagemaker-project: pass')).toBe('[123.5 s] sagemaker-project: pass');
  });

  test('npm run verify prints its steps on stderr, and only the report (here: the error) elsewhere', () => {
    const root = join(__dirname, '..', '..');
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toUpperCase().startsWith('SMP_')));
    const result = spawnSync('npm', ['run', '--silent', 'verify', '--', 'no-such-stack'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...env, SMP_CONFIG_FILE: join(root, 'test', 'fixtures', 'empty.config.json') },
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([
      expect.stringMatching(/^\[ +\d+\.\d s\] synthesizing the app \(guardrails included\)$/),
      `no stack named no-such-stack in the app (it has ${SAGEMAKER_PROJECT_STACK}, ${SERVICE_CATALOG_STACK})`,
      '',
    ]);
  });
});
