import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../main';
import { FAKE_ACCOUNT_ID } from '../../tools/fake-aws';
import { PlannedResource } from '../../tools/terraform';
import { COMMON_CHECKS, formatReport, PlanContext, STACK_SPECS, StackVerification, verify } from '../../tools/verify';
import { SAGEMAKER_PROJECT_STACK } from '../../stacks/sagemaker-project-stack';
import { SERVICE_CATALOG_STACK } from '../../stacks/service-catalog-stack';
import { testConfig } from '../support/synth';
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

// The sagemaker-project stack is verified in test/sagemaker-project/plan.test.ts, which also reads its plan.
describeWithTerraform('npm run verify', () => {
  let results: StackVerification[];

  beforeAll(async () => {
    results = await verify({ config, stacks: [SERVICE_CATALOG_STACK] });
  }, 300_000);

  test('every stack of the app has a plan spec, so npm run verify plans them all', () => {
    const stacks = buildApp(config, { outdir: mkdtempSync(join(tmpdir(), 'verify-stacks-')) }).node.children.map((stack) => stack.node.id);
    expect(stacks.sort()).toEqual([SAGEMAKER_PROJECT_STACK, SERVICE_CATALOG_STACK]);
    expect(Object.keys(STACK_SPECS).sort()).toEqual(stacks);
  });

  test('the service-catalog stack initialises with the real aws provider, validates, plans and passes its checks', () => {
    expect(results.map((result) => result.stack)).toEqual([SERVICE_CATALOG_STACK]);
    const [result] = results;
    expect(result.problems).toEqual([]);
    expect(result.resourcesPlanned).toBeGreaterThan(30);
    expect(result.checks.length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(result.plan.planned_values.outputs)).toContain('terraform_lock_table');
  });

  test('the report says which providers were removed offline and what went with them', () => {
    const serviceCatalog = results.find((result) => result.stack === SERVICE_CATALOG_STACK)!;
    expect(serviceCatalog.providersRemoved).toEqual(['archive']);
    expect(serviceCatalog.removedAddresses).toEqual([expect.stringMatching(/^data\.archive_file\.tf-code/)]);
    const report = formatReport(results);
    expect(report).toMatch(/^stack\s+resources planned\s+removed offline\s+checks\s+result$/m);
    expect(report).toMatch(new RegExp(`^${SERVICE_CATALOG_STACK}\\s+\\d+\\s+archive\\s+\\d+\\s+pass$`, 'm'));
    expect(report).toContain('removed offline (not planned): data.archive_file.tf-code');
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

  test('a sensitive variable shown in the plan output, or a secret value planned in clear, is reported', () => {
    const planContext: PlanContext = {
      ...context(SERVICE_CATALOG_STACK, []),
      synthesized: { variable: { gitlab_private_token: { type: 'string', sensitive: true } } },
      variables: { gitlab_private_token: 'glpat-0123456789abcdefghij' },
      planOutput: '+ secret_string = "glpat-0123456789abcdefghij"',
      plan: { resource_changes: [{ address: 'aws_secretsmanager_secret_version.token', type: 'aws_secretsmanager_secret_version', mode: 'managed', change: { actions: ['create'], after_sensitive: {} } }] },
    };
    const problems = COMMON_CHECKS.flatMap((check) => check.problems(planContext));
    expect(problems).toEqual([
      'the plan output shows the value of the sensitive variable gitlab_private_token',
      'aws_secretsmanager_secret_version.token: secret_string is not planned as sensitive',
    ]);
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
