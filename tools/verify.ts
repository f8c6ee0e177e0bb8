/**
 * `npm run verify`: plan-level verification of every stack of the app, with no AWS account.
 *
 * Each stack is synthesized as `cdktf synth` does (guardrails included), made installable offline
 * (tools/offline-transform.ts reports what it removes), then `terraform init` with the real
 * hashicorp/aws provider, `terraform validate`, and `terraform plan` against a local fake AWS
 * endpoint with a realistic variable set. Assertions read `terraform show -json` of the plan:
 * names resolved with the account id, what Studio and CommandRunner rely on, the guardrails'
 * policy rules on the resolved policies, and variables that validation must reject.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, PlatformConfig } from '../config/load';
import { ARTIFACT_KEYS } from '../constructs/command-runner/project-template';
import { PROJECT_PARAMETERS } from '../constructs/command-runner/project-parameters';
import { STUDIO_VISIBILITY_TAG } from '../constructs/service-catalog/sagemaker-projects-portfolio';
import { projectNames } from '../constructs/sagemaker-project/names';
import { evaluate, SUPPRESSION_RULE_ID } from '../guardrails/evaluate';
import { formatFinding, RulePack } from '../guardrails/rule';
import { IAM_RULES } from '../guardrails/security-pack';
import { SecretsReadableByNamedPrincipals } from '../guardrails/rules/secrets-readable-by-named-principals';
import { SynthesizedStack } from '../guardrails/synthesized-stack';
import { buildApp } from '../main';
import { SAGEMAKER_PROJECT_STACK } from '../stacks/sagemaker-project-stack';
import { SERVICE_CATALOG_STACK } from '../stacks/service-catalog-stack';
import { FAKE_ACCOUNT_ID, FakeAws, FakeAwsHandler, secretsManager, useFakeAws } from './fake-aws';
import { gitlabProjectStandIns } from './offline-transform';
import { PlannedResource, plannedResources, resourceActions, TerraformWorkspace } from './terraform';

/** What verify found for one stack. */
export interface StackVerification {
  readonly stack: string;
  /** Managed resources the plan creates (or changes). */
  readonly resourcesPlanned: number;
  /** Providers removed because they cannot be installed offline, and the addresses that went with them. */
  readonly providersRemoved: string[];
  readonly removedAddresses: string[];
  /** Names of the checks run on the plan. */
  readonly checks: string[];
  /** `terraform validate` warnings (they do not fail verify). */
  readonly warnings: string[];
  /** Everything that failed; empty = the stack passes. */
  readonly problems: string[];
  /** `terraform show -json` of the plan, and the variables it was made with (absent when there was no plan). */
  readonly plan?: any;
  readonly variables?: Record<string, string>;
}

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
  rejected?(config: PlatformConfig): Array<{ variables: Record<string, string>; mustName: string }>;
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
    : [`${what}: no ${type} with ${attribute} = ${JSON.stringify(value)} (planned: ${JSON.stringify(ofType(resources, type).map((resource) => resource.values[attribute]))})`];
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
      return [
        ...(actions.size === 0 ? ['the plan creates nothing'] : []),
        ...other.map(([address, list]) => `${address} is planned to ${list.join('+')}`),
      ];
    },
  },
  {
    name: 'secret values never show in the plan output and are planned as sensitive',
    problems: ({ synthesized, variables, plan, planOutput }) => [
      ...Object.entries(synthesized.variable ?? {})
        .filter(([name, declaration]: [string, any]) => declaration.sensitive === true && (variables[name] ?? '') !== '' && planOutput.includes(variables[name]))
        .map(([name]) => `the plan output shows the value of the sensitive variable ${name}`),
      ...(plan.resource_changes ?? [])
        .filter((change: any) => change.type === 'aws_secretsmanager_secret_version' && change.change.after_sensitive?.secret_string !== true)
        .map((change: any) => `${change.address}: secret_string is not planned as sensitive`),
    ],
  },
  {
    name: 'resolved policies pass the guardrails\' policy rules',
    problems: ({ stack, synthesized, resources }) =>
      evaluate(stackFromPlan(stack, synthesized, resources), RESOLVED_POLICY_RULES)
        // Suppressions are checked against the whole pack at synth; here only policy rules apply.
        .findings.filter((finding) => finding.ruleId !== SUPPRESSION_RULE_ID)
        .map((finding) => `resolved policy: ${formatFinding(finding)}`),
  },
];

/** Variable values a SageMaker project gets from Studio and the platform's template defaults. */
function projectVariables(config: PlatformConfig): Record<string, string> {
  const accessKeys = config.gitlab.ciAuthMode === 'access-keys';
  const secretPrefix = config.names.secretPrefix;
  return {
    sagemaker_project_name: 'churn-prediction',
    sagemaker_project_id: 'p-abcdefghijkl',
    git_build_repo_name: '',
    git_deploy_repo_name: '',
    gitlab_url: config.gitlab.url,
    git_user_name: config.gitlab.namespace,
    secrets_manager_gitlab_secret_name: `${secretPrefix}/private-token`,
    secrets_manager_gitlab_user_secret_arn: `arn:aws:secretsmanager:${config.region}:${FAKE_ACCOUNT_ID}:secret:${secretPrefix}/user-credentials-AbCdEf`,
    gitlab_ci_role_arn: accessKeys ? '' : `arn:aws:iam::${FAKE_ACCOUNT_ID}:role/${config.names.gitlabCiIdentity}`,
    secrets_manager_gitlab_iam_access_key: accessKeys ? `${secretPrefix}/ci-access-key-id` : '',
    secrets_manager_gitlab_iam_secret_key: accessKeys ? `${secretPrefix}/ci-secret-access-key` : '',
  };
}

/** The CloudFormation parameter feeding a project variable: what a validation message must name. */
const parameterOf = (variable: string) => PROJECT_PARAMETERS.find((parameter) => parameter.variable === variable)?.name ?? variable;

export const STACK_SPECS: Record<string, StackSpec> = {
  [SAGEMAKER_PROJECT_STACK]: {
    variables: projectVariables,
    standIns: gitlabProjectStandIns,
    // The GitLab provider is configured from the token secret, read while planning.
    awsAnswers: (config) => {
      const variables = projectVariables(config);
      return [secretsManager({ [variables.secrets_manager_gitlab_secret_name]: 'glpat-verify-00000000000000000000' })];
    },
    checks: [
      {
        name: 'the artifact bucket is named after the project id, and is the stack\'s output',
        problems: ({ config, resources, plan }) => {
          const variables = projectVariables(config);
          const repositories = { build: variables.git_build_repo_name, deploy: variables.git_deploy_repo_name };
          const bucket = projectNames(variables.sagemaker_project_name, variables.sagemaker_project_id, repositories).artifactBucket;
          return [...expectPlanned('artifact bucket', resources, 'aws_s3_bucket', 'bucket', bucket), ...expectEqual('output artifact_bucket', outputValue(plan, 'artifact_bucket'), bucket)];
        },
      },
      {
        name: 'every tagged resource carries the project\'s name and id',
        problems: ({ config, resources }) => {
          const variables = projectVariables(config);
          return resources
            .filter((resource) => resource.values.tags_all !== undefined)
            .filter((resource) => resource.values.tags_all?.['sagemaker:project-id'] !== variables.sagemaker_project_id || resource.values.tags_all?.['sagemaker:project-name'] !== variables.sagemaker_project_name)
            .map((resource) => `${resource.address} is planned without the project tags: ${JSON.stringify(resource.values.tags_all)}`);
        },
      },
    ],
    rejected: (config) => {
      const mistakes: Array<Record<string, string>> = [
        { sagemaker_project_name: 'churn_prediction!' },
        { sagemaker_project_id: 'project-1' },
        { gitlab_url: 'http://gitlab.example.com/' },
        { git_user_name: 'ml team' },
        // Both CI identities at once: the mode check names the parameter to fix.
        { secrets_manager_gitlab_iam_access_key: 'a', secrets_manager_gitlab_iam_secret_key: 'b' },
      ];
      return mistakes.map((mistake) => ({ variables: { ...projectVariables(config), ...mistake }, mustName: parameterOf(Object.keys(mistake)[0]) }));
    },
  },
  [SERVICE_CATALOG_STACK]: {
    variables: () => ({ gitlab_private_token: 'glpat-verify-00000000000000000000' }),
    rejected: () => [{ variables: { gitlab_private_token: 'short' }, mustName: 'gitlab_private_token' }],
    checks: [
      {
        name: 'shared resources carry the configured names, resolved with the account id',
        problems: ({ config: { names, logs, region }, resources }) => [
          ...expectPlanned('state bucket', resources, 'aws_s3_bucket', 'bucket', names.stateBucket(FAKE_ACCOUNT_ID)),
          ...expectPlanned('lock table', resources, 'aws_dynamodb_table', 'name', names.lockTable),
          ...expectPlanned('log group', resources, 'aws_cloudwatch_log_group', 'name', names.logGroup),
          ...expectPlanned('log retention', resources, 'aws_cloudwatch_log_group', 'retention_in_days', logs.retentionDays),
          ...expectPlanned('key alias', resources, 'aws_kms_alias', 'name', names.kmsAlias),
          ...expectPlanned('CommandRunner role', resources, 'aws_iam_role', 'name', names.commandRunnerRole),
          ...expectPlanned('CommandRunner instance profile', resources, 'aws_iam_instance_profile', 'name', names.commandRunnerRole),
          ...expectPlanned('launch role', resources, 'aws_iam_role', 'name', names.launchRole),
          ...ofType(resources, 'aws_secretsmanager_secret')
            .filter((secret) => !String(secret.values.name).startsWith(`${names.secretPrefix}/`))
            .map((secret) => `secret ${secret.values.name} is not under ${names.secretPrefix}/`),
          ...runLogsProblems(resources, `arn:aws:logs:${region}:${FAKE_ACCOUNT_ID}:log-group:${names.logGroup}`),
        ],
      },
      {
        name: 'the template, runner script and tf-code.zip go where Service Catalog and CommandRunner fetch them',
        problems: ({ config, resources }) => {
          const bucket = config.names.stateBucket(FAKE_ACCOUNT_ID);
          const expected: Array<[string, (key: string) => boolean]> = [
            [`${ARTIFACT_KEYS.templatePrefix}<version>.yaml`, (key) => key.startsWith(ARTIFACT_KEYS.templatePrefix) && key.endsWith('.yaml')],
            [ARTIFACT_KEYS.runnerScript, (key) => key === ARTIFACT_KEYS.runnerScript],
            [ARTIFACT_KEYS.terraformCode, (key) => key === ARTIFACT_KEYS.terraformCode],
          ];
          return expected.flatMap(([what, matches]) =>
            ofType(resources, 'aws_s3_object').some((object) => matches(String(object.values.key)) && object.values.bucket === bucket) ? [] : [`no aws_s3_object ${what} in ${bucket}`],
          );
        },
      },
      {
        name: 'the product is visible in Studio and the outputs give the template defaults',
        problems: ({ config: { names }, resources, plan }) => [
          ...ofType(resources, 'aws_servicecatalog_product')
            .filter((product) => JSON.stringify(product.values.tags) !== JSON.stringify(STUDIO_VISIBILITY_TAG))
            .map((product) => `${product.address} is tagged ${JSON.stringify(product.values.tags)}, not ${JSON.stringify(STUDIO_VISIBILITY_TAG)}`),
          ...expectEqual('output s3_bucket_id', outputValue(plan, 's3_bucket_id'), names.stateBucket(FAKE_ACCOUNT_ID)),
          ...expectEqual('output cw_log_group_name', outputValue(plan, 'cw_log_group_name'), names.logGroup),
          ...expectEqual('output command_runner_instance_profile', outputValue(plan, 'command_runner_instance_profile'), names.commandRunnerRole),
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

/** Variables the stack declares without a default that the spec gives no value. */
function missingVariables(synthesized: Record<string, any>, given: Record<string, string>): string[] {
  return Object.entries(synthesized.variable ?? {})
    .filter(([name, declaration]: [string, any]) => declaration.default === undefined && !(name in given))
    .map(([name]) => name);
}

async function verifyStack(name: string, synthesizedPath: string, spec: StackSpec | undefined, config: PlatformConfig, endpoint: string): Promise<StackVerification> {
  const synthesized = JSON.parse(readFileSync(synthesizedPath, 'utf8'));
  const workspace = TerraformWorkspace.create(synthesizedPath, { standIns: spec?.standIns?.(synthesized) });
  const base = { stack: name, providersRemoved: workspace.transform.removedProviders, removedAddresses: workspace.transform.removedAddresses };
  const result = (rest: Partial<StackVerification>): StackVerification => ({ resourcesPlanned: 0, checks: [], warnings: [], problems: [], ...base, ...rest });
  if (!spec) return result({ problems: [`no plan spec for stack ${name}: give its variables and checks in tools/verify.ts STACK_SPECS`] });

  const variables = spec.variables(config);
  const missing = missingVariables(synthesized, variables);
  if (missing.length > 0) return result({ problems: [`no value for variable(s) ${missing.join(', ')}: add them to the spec of ${name} in tools/verify.ts`] });

  await workspace.init();
  const validation = await workspace.validate();
  const errors = validation.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  const warnings = [...new Set(validation.diagnostics.filter((diagnostic) => diagnostic.severity !== 'error').map((diagnostic) => diagnostic.summary))];
  if (!validation.valid || errors.length > 0) {
    return result({ warnings, problems: errors.map((diagnostic) => `terraform validate: ${diagnostic.summary}${diagnostic.detail ? `: ${diagnostic.detail}` : ''}`) });
  }

  workspace.update((stack) => useFakeAws(stack, endpoint, config.region));
  const planned = await workspace.plan(variables);
  if (!planned.ok) return result({ warnings, problems: [`terraform plan failed:\n${planned.output}`] });

  const context: PlanContext = { stack: name, config, synthesized, variables, plan: planned.plan, planOutput: planned.output, resources: plannedResources(planned.plan) };
  const checks = [...COMMON_CHECKS, ...spec.checks];
  const problems = checks.flatMap((check) => check.problems(context).map((problem) => `${check.name}: ${problem}`));
  const checkNames = checks.map((check) => check.name);

  if (spec.rejected) {
    checkNames.push('validation rejects bad variables, naming what to fix');
    const variablesOnly = TerraformWorkspace.ofVariables(synthesized);
    await variablesOnly.init();
    for (const { variables: bad, mustName } of spec.rejected(config)) {
      const rejected = await variablesOnly.plan(bad);
      if (rejected.ok) problems.push(`a plan with a bad ${mustName} was accepted`);
      else if (!rejected.output.includes(mustName)) problems.push(`the rejection of a bad ${mustName} does not name it:\n${rejected.output}`);
    }
  }
  return result({ resourcesPlanned: resourceActions(planned.plan).size, checks: checkNames, warnings, problems, plan: planned.plan, variables });
}

export interface VerifyOptions {
  /** Configuration to synthesize with. @default loadConfig() */
  readonly config?: PlatformConfig;
  /** Names of the stacks to verify. @default every stack of the app */
  readonly stacks?: string[];
}

/** Synthesizes the app and verifies its stacks (in parallel); resolves with one result per stack. */
export async function verify(options: VerifyOptions = {}): Promise<StackVerification[]> {
  const config = options.config ?? loadConfig();
  const outdir = mkdtempSync(join(tmpdir(), 'verify-synth-'));
  buildApp(config, { outdir }).synth();
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const stacks = Object.values<any>(manifest.stacks).filter((stack) => options.stacks?.includes(stack.name) ?? true);
  const unknown = (options.stacks ?? []).filter((name) => !stacks.some((stack) => stack.name === name));
  if (unknown.length > 0) throw new Error(`no stack named ${unknown.join(', ')} in the app (it has ${Object.keys(manifest.stacks).join(', ')})`);
  const fakeAws = new FakeAws(stacks.flatMap((stack) => STACK_SPECS[stack.name]?.awsAnswers?.(config) ?? []));
  const endpoint = await fakeAws.start();
  try {
    return await Promise.all(
      stacks.map((stack) =>
        verifyStack(stack.name, join(outdir, stack.synthesizedStackPath), STACK_SPECS[stack.name], config, endpoint),
      ),
    );
  } finally {
    await fakeAws.stop();
  }
}

/** The short table: stack, resources planned, providers removed offline, checks, result; then the details. */
export function formatReport(results: StackVerification[]): string {
  const rows = [
    ['stack', 'resources planned', 'removed offline', 'checks', 'result'],
    ...results.map((result) => [
      result.stack,
      String(result.resourcesPlanned),
      result.providersRemoved.length > 0 ? result.providersRemoved.join(', ') : '-',
      String(result.checks.length),
      result.problems.length === 0 ? 'pass' : `FAIL (${result.problems.length})`,
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const table = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
  const details = results.flatMap((result) => [
    ...(result.removedAddresses.length > 0 ? [`${result.stack}: removed offline (not planned): ${result.removedAddresses.join(', ')}`] : []),
    ...result.warnings.map((warning) => `${result.stack}: terraform validate warning: ${warning}`),
    ...result.problems.map((problem) => `${result.stack}: ${problem}`),
  ]);
  return [...table, ...(details.length > 0 ? ['', ...details] : [])].join('\n');
}

/** `npm run verify [-- STACK...]`: every stack, or the ones named. */
async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const results = await verify(names.length > 0 ? { stacks: names } : {});
  console.log(formatReport(results));
  process.exitCode = results.every((result) => result.problems.length === 0) ? 0 : 1;
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
