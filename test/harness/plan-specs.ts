/**
 * What `npm run verify` plans for each stack of the app, and what each plan must show: the realistic
 * variables, the fake AWS answers the data sources need, the checks on `terraform show -json`, and
 * the bad inputs validation must reject. The tests read the same specs (and the values they plan
 * with), so a check that verify runs is a check the tests can show failing.
 */
import { PlatformConfig } from '../../config/load';
import { TOKEN_VARIABLE } from '../../constructs/gitlab/gitlab-token';
import { STUDIO_VISIBILITY_TAG } from '../../constructs/service-catalog/sagemaker-projects-portfolio';
import { PROJECT_PARAMETERS, ProjectParameter } from '../../contract/project-parameters';
import { evaluate, SUPPRESSION_RULE_ID } from '../../guardrails/evaluate';
import { formatFinding, RulePack } from '../../guardrails/rule';
import { IAM_RULES } from '../../guardrails/security-pack';
import { SecretsReadableByNamedPrincipals } from '../../guardrails/rules/secrets-readable-by-named-principals';
import { SynthesizedStack } from '../../guardrails/synthesized-stack';
import { SERVICE_CATALOG_STACK } from '../../main';
import { SAGEMAKER_PROJECT_STACK } from '../../stacks/sagemaker-project-stack';
import { FAKE_ACCOUNT_ID, FakeAwsHandler, kms, secretsManager } from './fake-aws';
import { gitlabProjectStandIns } from './offline-transform';
import { PlannedResource, resourceActions } from './terraform';

/** What a check sees: the configuration, the synthesized stack and the plan. */
export interface PlanContext {
  readonly stack: string;
  readonly config: PlatformConfig;
  readonly synthesized: Record<string, any>;
  /** The variables the plan was made with. */
  readonly variables: Record<string, string>;
  readonly plan: any;
  /** What `terraform plan` printed: what a CI or CommandRunner log would show. */
  readonly planOutput: string;
  readonly resources: PlannedResource[];
}

/** One assertion on a plan: a name saying what must hold, and the problems found. */
export interface PlanCheck {
  readonly name: string;
  problems(context: PlanContext): string[];
}

/** How one stack is planned and what its plan must show. */
export interface StackSpec {
  /** A realistic value for every variable of the stack. */
  variables(config: PlatformConfig): Record<string, string>;
  /**
   * Values standing in for references to what the offline transform removes, where a string
   * placeholder would not plan (a GitLab project id that must be a number, say). @default none
   */
  standIns?(synthesized: Record<string, any>): Record<string, string>;
  /** Answers of the fake AWS endpoint the stack's data sources need (e.g. Secrets Manager). @default STS only */
  awsAnswers?(config: PlatformConfig): FakeAwsHandler[];
  /** What the plan must show, beside the checks every stack passes. */
  checks: PlanCheck[];
  /**
   * Bad inputs, one mistake each (over the realistic variables), that validation blocks must
   * reject with a message naming what to fix. @default none
   */
  rejected?(
    config: PlatformConfig,
    synthesized: Record<string, any>,
  ): Array<{
    variables: Record<string, string>;
    mustName: string;
    /** A value the failure output must not show (a secret's). @default none */
    mustNotShow?: string;
    /**
     * Checked by a precondition of this resource (address) rather than by a validation block: planned
     * with the stack's providers, targeting that resource and what it depends on. @default a validation block
     */
    precondition?: string;
  }>;
}

/** Rules that need only policies, so they can run on the resolved policies of a plan. */
const RESOLVED_POLICY_RULES: RulePack = [...IAM_RULES, SecretsReadableByNamedPrincipals];

const ofType = (resources: PlannedResource[], type: string) => resources.filter((resource) => resource.type === type);

/** `<what>: expected <expected>, planned <actual>` unless they are equal. */
function expectEqual(what: string, actual: unknown, expected: unknown): string[] {
  return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [`${what}: expected ${JSON.stringify(expected)}, planned ${JSON.stringify(actual)}`];
}

function expectPlanned(what: string, resources: PlannedResource[], type: string, attribute: string, value: unknown): string[] {
  return ofType(resources, type).some((resource) => resource.values[attribute] === value)
    ? []
    : [
        `${what}: no ${type} with ${attribute} = ${JSON.stringify(value)} (planned: ${JSON.stringify(ofType(resources, type).map((resource) => resource.values[attribute]))})`,
      ];
}

const outputValue = (plan: any, name: string): unknown => plan.output_changes?.[name]?.after;

/** A stack made of the plan's resolved values, with each resource's synthesized metadata (path, suppressions). */
function stackFromPlan(name: string, synthesized: Record<string, any>, resources: PlannedResource[]): SynthesizedStack {
  const resource: Record<string, Record<string, unknown>> = {};
  for (const planned of resources) {
    const comment = synthesized.resource?.[planned.type]?.[planned.name]?.['//'];
    (resource[planned.type] ??= {})[planned.name] = { ...planned.values, ...(comment ? { '//': comment } : {}) };
  }
  return new SynthesizedStack(name, { resource });
}

/** Checks every stack's plan must pass. */
export const COMMON_CHECKS: PlanCheck[] = [
  {
    name: 'a fresh workspace plans only creations',
    problems: ({ plan }) => {
      const actions = resourceActions(plan);
      const other = [...actions].filter(([, list]) => !(list.length === 1 && list[0] === 'create'));
      return [...(actions.size === 0 ? ['the plan creates nothing'] : []), ...other.map(([address, list]) => `${address} is planned to ${list.join('+')}`)];
    },
  },
  {
    name: 'secret variables never show in the plan output',
    problems: ({ synthesized, variables, planOutput }) =>
      Object.entries(synthesized.variable ?? {})
        .filter(
          ([name, declaration]: [string, any]) =>
            (declaration.sensitive === true || declaration.ephemeral === true) && (variables[name] ?? '') !== '' && planOutput.includes(variables[name]),
        )
        .map(([name]) => `the plan output shows the value of the secret variable ${name}`),
  },
  {
    name: "resolved policies pass the guardrails' policy rules",
    problems: ({ stack, synthesized, resources }) =>
      evaluate(stackFromPlan(stack, synthesized, resources), RESOLVED_POLICY_RULES)
        // Suppressions are checked against the whole pack at synth; here only policy rules apply.
        .findings.filter((finding) => finding.ruleId !== SUPPRESSION_RULE_ID)
        .map((finding) => `resolved policy: ${formatFinding(finding)}`),
  },
];

/** Runs the checks every plan passes and the stack's own on one plan: the names of the checks, and what failed (`<check>: <problem>`). */
export function checkPlan(spec: StackSpec, context: PlanContext): { checks: string[]; problems: string[] } {
  const checks = [...COMMON_CHECKS, ...spec.checks];
  return {
    checks: checks.map((check) => check.name),
    problems: checks.flatMap((check) => check.problems(context).map((problem) => `${check.name}: ${problem}`)),
  };
}

/** The namespace token as the fake Secrets Manager returns it: no plan may hold it. */
export const VERIFY_GITLAB_TOKEN = 'glpat-verify-token-never-in-a-plan-0000';
/** The key id the fake KMS gives the platform key's alias. */
export const VERIFY_KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
/** The CloudFormation stack the verified project's run belongs to. */
const VERIFY_STACK_ID = `arn:aws:cloudformation:us-east-1:${FAKE_ACCOUNT_ID}:stack/SC-${FAKE_ACCOUNT_ID}-pp-abcdefghijklm/0a1b2c3d-1111-2222-3333-444455556666`;

/** Variable values a SageMaker project gets from Studio, and the stack id the runner adds. */
function projectVariables(): Record<string, string> {
  return {
    sagemaker_project_name: 'churn-prediction',
    sagemaker_project_id: 'p-abcdefghijkl',
    git_build_repo_name: '',
    git_deploy_repo_name: '',
    cloudformation_stack_id: VERIFY_STACK_ID,
  };
}

/** The CloudFormation parameter feeding a project variable: what a validation message must name. */
const parameterOf = (variable: string) =>
  (PROJECT_PARAMETERS as readonly ProjectParameter[]).find((parameter) => parameter.variable === variable)?.name ?? variable;

/** The policy documents planned for roles and users (inline and managed), by the name of their principal. */
function policiesOf(
  resources: PlannedResource[],
  principal: (resource: PlannedResource) => string | undefined,
): Array<{ principal: string; statements: any[] }> {
  return resources.flatMap((resource) => {
    const name = principal(resource);
    return name && typeof resource.values.policy === 'string' ? [{ principal: name, statements: [JSON.parse(resource.values.policy).Statement].flat() }] : [];
  });
}

/** No value of the plan JSON, the variables aside, holds `secret`. */
function secretProblems(plan: any, planOutput: string, secret: string, what: string): string[] {
  const { variables: _variables, ...rest } = plan;
  return [
    ...(JSON.stringify(rest).includes(secret) ? [`the plan JSON holds ${what}`] : []),
    ...(planOutput.includes(secret) ? [`the plan output shows ${what}`] : []),
  ];
}

export const STACK_SPECS: Record<string, StackSpec> = {
  [SAGEMAKER_PROJECT_STACK]: {
    variables: projectVariables,
    standIns: gitlabProjectStandIns,
    // The gitlab provider reads the token through an ephemeral resource; the key and secret are looked up by name.
    awsAnswers: (config) => [
      secretsManager({ [config.names.gitlabTokenSecret]: VERIFY_GITLAB_TOKEN }, config.region),
      kms({ [config.names.kmsAlias]: VERIFY_KEY_ID }, config.region),
    ],
    checks: [
      {
        name: "the artifact bucket is named after the platform and the project id, SSE-KMS with the platform key, and is the stack's output",
        problems: ({ config, resources, plan }) => {
          const bucket = `${config.names.projectResourcePrefix}${projectVariables().sagemaker_project_id}`;
          const encryption = ofType(resources, 'aws_s3_bucket_server_side_encryption_configuration')[0]?.values.rule?.[0]
            ?.apply_server_side_encryption_by_default?.[0];
          return [
            ...expectPlanned('artifact bucket', resources, 'aws_s3_bucket', 'bucket', bucket),
            ...expectEqual('output artifact_bucket', outputValue(plan, 'artifact_bucket'), bucket),
            ...expectEqual('artifact bucket encryption', encryption, {
              kms_master_key_id: `arn:aws:kms:${config.region}:${FAKE_ACCOUNT_ID}:key/${VERIFY_KEY_ID}`,
              sse_algorithm: 'aws:kms',
            }),
          ];
        },
      },
      {
        name: "every tagged resource carries the project's name and id",
        problems: ({ resources }) => {
          const variables = projectVariables();
          return resources
            .filter((resource) => resource.values.tags_all !== undefined)
            .filter(
              (resource) =>
                resource.values.tags_all?.['sagemaker:project-id'] !== variables.sagemaker_project_id ||
                resource.values.tags_all?.['sagemaker:project-name'] !== variables.sagemaker_project_name,
            )
            .map((resource) => `${resource.address} is planned without the project tags: ${JSON.stringify(resource.values.tags_all)}`);
        },
      },
      {
        name: 'every role and user the project creates carries the platform boundary, under the project IAM path',
        problems: ({ config: { names }, resources }) => {
          const boundary = `arn:aws:iam::${FAKE_ACCOUNT_ID}:policy${names.projectIamPath}${names.projectBoundary}`;
          return [...ofType(resources, 'aws_iam_role'), ...ofType(resources, 'aws_iam_user')].flatMap((identity) => [
            ...(identity.values.permissions_boundary === boundary
              ? []
              : [`${identity.address} has boundary ${identity.values.permissions_boundary}, not ${boundary}`]),
            ...(identity.values.path === names.projectIamPath ? [] : [`${identity.address} is under ${identity.values.path}, not ${names.projectIamPath}`]),
          ]);
        },
      },
      {
        name: "the CI role trusts exactly the project's two GitLab projects on the default branch (StringEquals)",
        problems: ({ config, resources }) => {
          const ciRole = ofType(resources, 'aws_iam_role').find((role) => String(role.values.name).endsWith('-ci'));
          if (!ciRole) return config.gitlab.ciAuthMode === 'oidc' ? ['no CI role is planned'] : [];
          const [statement] = JSON.parse(ciRole.values.assume_role_policy).Statement;
          const host = config.gitlab.url.replace(/^https:\/\//, '');
          const branch = config.gitlab.defaultBranch;
          const expected = ['churn-prediction-model-build', 'churn-prediction-model-deploy'].map(
            (name) => `project_path:ml-team/gitlab_project.${name}:ref_type:branch:ref:${branch}`,
          );
          const subjects = [statement.Condition?.StringEquals?.[`${host}:sub`]].flat();
          return [
            ...(statement.Condition?.StringLike ? [`the CI role's trust uses StringLike: ${JSON.stringify(statement.Condition.StringLike)}`] : []),
            ...expectEqual('CI role audience', statement.Condition?.StringEquals?.[`${host}:aud`], config.gitlab.url),
            ...(subjects.length === 2 &&
            subjects.every((subject: string) => subject.startsWith('project_path:ml-team/') && subject.endsWith(`:ref_type:branch:ref:${branch}`))
              ? []
              : [`the CI role trusts ${JSON.stringify(subjects)}, not the two project paths (like ${JSON.stringify(expected)})`]),
          ];
        },
      },
      {
        name: "no project role may read the namespace token except the seeding function's",
        problems: ({ config, resources }) =>
          policiesOf(resources, (resource) => (resource.type === 'aws_iam_role_policy' ? String(resource.values.role) : undefined))
            .filter(({ principal }) => !principal.endsWith('-seed-code'))
            .filter(({ statements }) =>
              statements.some(
                (statement) =>
                  [statement.Action].flat().includes('secretsmanager:GetSecretValue') &&
                  JSON.stringify(statement.Resource).includes(config.names.gitlabTokenSecret),
              ),
            )
            .map(({ principal }) => `${principal} may read the namespace token`),
      },
      {
        name: 'the namespace token is in no plan value and no plan output',
        problems: ({ plan, planOutput }) => secretProblems(plan, planOutput, VERIFY_GITLAB_TOKEN, 'the namespace token'),
      },
    ],
    rejected: () => {
      const mistakes: Array<Record<string, string>> = [
        { sagemaker_project_name: 'churn_prediction!' },
        { sagemaker_project_name: 'a'.repeat(33) },
        { sagemaker_project_id: 'project-1' },
        { git_build_repo_name: 'build repo' },
      ];
      return mistakes.map((mistake) => ({ variables: { ...projectVariables(), ...mistake }, mustName: parameterOf(Object.keys(mistake)[0]) }));
    },
  },
  [SERVICE_CATALOG_STACK]: {
    variables: () => ({ [TOKEN_VARIABLE]: VERIFY_GITLAB_TOKEN }),
    rejected: (_config, synthesized) => {
      // Checked by a precondition of the secret's version (Terraform prints a failed validation block's sensitive value); the value must not show.
      const [version] = Object.keys(synthesized.resource?.aws_secretsmanager_secret_version ?? {});
      const precondition = `aws_secretsmanager_secret_version.${version}`;
      return [
        { variables: { [TOKEN_VARIABLE]: 'glpat-typo with space' }, mustName: TOKEN_VARIABLE, mustNotShow: 'glpat-typo with space', precondition },
        {
          variables: { [TOKEN_VARIABLE]: '{"token": "glpat-in-json-000000000000"}' },
          mustName: TOKEN_VARIABLE,
          mustNotShow: 'glpat-in-json-000000000000',
          precondition,
        },
      ];
    },
    checks: [
      {
        name: 'shared resources carry the configured names, resolved with the account id',
        problems: ({ config: { names, logs, region }, resources }) => [
          ...expectPlanned('state bucket', resources, 'aws_s3_bucket', 'bucket', names.stateBucket(FAKE_ACCOUNT_ID)),
          ...expectPlanned('lock table', resources, 'aws_dynamodb_table', 'name', names.lockTable),
          ...expectPlanned('log group', resources, 'aws_cloudwatch_log_group', 'name', names.logGroup),
          ...expectPlanned('log retention', resources, 'aws_cloudwatch_log_group', 'retention_in_days', logs.retentionDays),
          ...expectPlanned('key alias', resources, 'aws_kms_alias', 'name', names.kmsAlias),
          ...expectPlanned('runner role', resources, 'aws_iam_role', 'name', names.runnerRole),
          ...expectPlanned('launch role', resources, 'aws_iam_role', 'name', names.launchRole),
          ...expectPlanned('project boundary', resources, 'aws_iam_policy', 'name', names.projectBoundary),
          ...expectPlanned('GitLab token secret', resources, 'aws_secretsmanager_secret', 'name', names.gitlabTokenSecret),
          ...runLogsProblems(resources, `arn:aws:logs:${region}:${FAKE_ACCOUNT_ID}:log-group:${names.logGroup}`),
        ],
      },
      {
        name: "only the runner touches project state, only the deployer writes the runner's artifacts",
        problems: ({ config: { names }, resources }) => {
          const policy = ofType(resources, 'aws_s3_bucket_policy').find((candidate) =>
            String(candidate.values.policy).includes('ProjectStateOnlyForTheRunner'),
          );
          if (!policy) return ["the state bucket's policy is not planned resolved"];
          const statements: any[] = JSON.parse(policy.values.policy).Statement;
          const denyUnless = (sid: string) => statements.find((statement) => statement.Sid === sid)?.Condition?.ArnNotEquals?.['aws:PrincipalArn'];
          return [
            ...expectEqual('state readers', denyUnless('ProjectStateOnlyForTheRunner'), `arn:aws:iam::${FAKE_ACCOUNT_ID}:role/${names.runnerRole}`),
            ...expectEqual('artifact writers', denyUnless('RunnerArtifactsOnlyFromTheDeployer'), `arn:aws:iam::${FAKE_ACCOUNT_ID}:user/plan-verifier`),
          ];
        },
      },
      {
        name: 'the token is written only through a write-only argument, and is in no plan value or output',
        problems: ({ plan, planOutput, resources }) => [
          ...secretProblems(plan, planOutput, VERIFY_GITLAB_TOKEN, 'the GitLab token'),
          ...ofType(resources, 'aws_secretsmanager_secret_version')
            .filter((version) => version.values.secret_string !== undefined && version.values.secret_string !== null)
            .map((version) => `${version.address} stores secret_string`),
        ],
      },
      {
        name: 'the product is visible in Studio and the outputs name the shared resources',
        problems: ({ config: { names }, resources, plan }) => [
          ...ofType(resources, 'aws_servicecatalog_product')
            .filter((product) => JSON.stringify(product.values.tags) !== JSON.stringify(STUDIO_VISIBILITY_TAG))
            .map((product) => `${product.address} is tagged ${JSON.stringify(product.values.tags)}, not ${JSON.stringify(STUDIO_VISIBILITY_TAG)}`),
          ...expectEqual('output s3_bucket_id', outputValue(plan, 's3_bucket_id'), names.stateBucket(FAKE_ACCOUNT_ID)),
          ...expectEqual('output cw_log_group_name', outputValue(plan, 'cw_log_group_name'), names.logGroup),
          ...expectEqual('output terraform_lock_table', outputValue(plan, 'terraform_lock_table'), names.lockTable),
        ],
      },
    ],
  },
};

/** The runner's log policy names only the account and region, so the plan resolves it: it must name the log group. */
function runLogsProblems(resources: PlannedResource[], logGroupArn: string): string[] {
  const policy = ofType(resources, 'aws_iam_role_policy').find((candidate) => candidate.values.name === 'run-logs');
  if (typeof policy?.values.policy !== 'string') return ['the run-logs policy is not resolved at plan'];
  const resourcesNamed = JSON.parse(policy.values.policy).Statement.flatMap((statement: any) => [statement.Resource].flat());
  return resourcesNamed.includes(logGroupArn) ? [] : [`the run-logs policy names ${JSON.stringify(resourcesNamed)}, not ${logGroupArn}`];
}
