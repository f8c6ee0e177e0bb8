import { SERVICE_CATALOG_STACK } from '../../main';
import { SAGEMAKER_PROJECT_STACK } from '../../stacks/sagemaker-project-stack';
import { FAKE_ACCOUNT_ID } from '../harness/fake-aws';
import { COMMON_CHECKS, PlanContext, STACK_SPECS, VERIFY_GITLAB_TOKEN } from '../harness/plan-specs';
import { PlannedResource } from '../harness/terraform';
import { testConfig } from '../support/synth';
import { formatReport, progressLine, StackVerification } from '../../tools/verify';

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

describe('plan checks fail on plans that break them', () => {
  test('a state bucket not named after the account, and a missing lock table, are reported', () => {
    const problems = problemsOf(
      SERVICE_CATALOG_STACK,
      /configured names/,
      context(SERVICE_CATALOG_STACK, [planned('aws_s3_bucket', 'b', { bucket: 'example-dev-mlops-tfstate' })]),
    );
    expect(problems).toContain(
      `state bucket: no aws_s3_bucket with bucket = "example-dev-mlops-tfstate-${FAKE_ACCOUNT_ID}-us-east-1" (planned: ["example-dev-mlops-tfstate"])`,
    );
    expect(problems).toContain('lock table: no aws_dynamodb_table with name = "terraform-lock-example-dev-mlops" (planned: [])');
  });

  test('a project resource without the project tags is reported', () => {
    const problems = problemsOf(
      SAGEMAKER_PROJECT_STACK,
      /project's name and id/,
      context(SAGEMAKER_PROJECT_STACK, [planned('aws_s3_bucket', 'b', { tags_all: {} })]),
    );
    expect(problems).toEqual(['aws_s3_bucket.b is planned without the project tags: {}']);
  });

  test('a secret variable shown in the plan output is reported, sensitive or ephemeral', () => {
    const planContext: PlanContext = {
      ...context(SERVICE_CATALOG_STACK, []),
      synthesized: {
        variable: { gitlab_private_token: { type: 'string', ephemeral: true }, ci_key: { type: 'string', sensitive: true }, name: { type: 'string' } },
      },
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
      plan: {
        planned_values: { root_module: { resources: [{ values: { secret_string: VERIFY_GITLAB_TOKEN } }] } },
        variables: { gitlab_private_token: { value: VERIFY_GITLAB_TOKEN } },
      },
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
      expect.stringContaining(
        'resolved policy: CKV_AWS_111 IamNoWriteOnWildcardResource at aws_iam_role_policy.p (aws_iam_role_policy.p) statement Pass: allows iam:PassRole on every resource.',
      ),
      expect.stringContaining(
        'resolved policy: SMP_IAM_PASSROLE_SCOPED IamPassRoleScoped at aws_iam_role_policy.p (aws_iam_role_policy.p) statement Pass: allows iam:PassRole but passes *',
      ),
    ]);
  });
});

describe('progress of npm run verify', () => {
  test('a line gives the seconds since the start, aligned, then the step', () => {
    expect(progressLine(1_000, 1_000, 'synthesizing the app (guardrails included)')).toBe('[  0.0 s] synthesizing the app (guardrails included)');
    expect(progressLine(1_000, 68_560, 'service-catalog: pass')).toBe('[ 67.6 s] service-catalog: pass');
    expect(progressLine(0, 123_450, 'sagemaker-project: pass')).toBe('[123.5 s] sagemaker-project: pass');
  });
});

describe('the report of npm run verify', () => {
  test('a table padded to its widest cells, without trailing spaces, then the details', () => {
    const result = (stack: string, rest: Partial<StackVerification>): StackVerification => ({
      stack,
      resourcesPlanned: 0,
      providersRemoved: [],
      removedAddresses: [],
      checks: [],
      warnings: [],
      problems: [],
      ...rest,
    });
    const report = formatReport([
      result('service-catalog', { resourcesPlanned: 42, checks: ['a', 'b'] }),
      result('sagemaker-project', { resourcesPlanned: 7, providersRemoved: ['gitlab'], removedAddresses: ['gitlab_project.build'], problems: ['boom'] }),
    ]);
    expect(report.split('\n')).toEqual([
      'stack              resources planned  removed offline  checks  result',
      'service-catalog    42                 -                2       pass',
      'sagemaker-project  7                  gitlab           0       FAIL (1)',
      '',
      'sagemaker-project: removed offline (not planned): gitlab_project.build',
      'sagemaker-project: boom',
    ]);
  });
});
