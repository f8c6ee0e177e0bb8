/**
 * `npm run verify`: plan-level verification of every stack of the app, with no AWS account.
 *
 * Each stack is synthesized as `cdktf synth` does (guardrails included), made installable offline
 * (test/harness/offline-transform.ts reports what it removes), then `terraform init` with the real
 * hashicorp/aws provider, `terraform validate`, and `terraform plan` against a local fake AWS
 * endpoint with a realistic variable set. Assertions read `terraform show -json` of the plan:
 * names resolved with the account id, what Studio and CommandRunner rely on, the guardrails'
 * policy rules on the resolved policies, and variables that validation must reject. Each step is
 * reported on stderr as it starts, with the seconds since the start (a plan takes tens of seconds);
 * the report goes to stdout.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, PlatformConfig } from '../config/load';
import { buildApp } from '../main';
import { FakeAws, useFakeAws } from '../test/harness/fake-aws';
import { checkPlan, COMMON_CHECKS, PlanContext, STACK_SPECS, StackSpec } from '../test/harness/plan-specs';
import { plannedResources, resourceActions, TerraformWorkspace } from '../test/harness/terraform';
import { formatTable } from './table';

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

/** Variables the stack declares without a default that the spec gives no value. */
function missingVariables(synthesized: Record<string, any>, given: Record<string, string>): string[] {
  return Object.entries(synthesized.variable ?? {})
    .filter(([name, declaration]: [string, any]) => declaration.default === undefined && !(name in given))
    .map(([name]) => name);
}

async function verifyStack(
  name: string,
  synthesizedPath: string,
  spec: StackSpec | undefined,
  config: PlatformConfig,
  fakeAws: FakeAws,
  progress: Progress,
): Promise<StackVerification> {
  const step = (what: string) => progress(`${name}: ${what}`);
  const synthesized = JSON.parse(readFileSync(synthesizedPath, 'utf8'));
  const workspace = TerraformWorkspace.create(synthesizedPath, { standIns: spec?.standIns?.(synthesized) });
  const removed = workspace.transform.removedProviders;
  const base = { stack: name, providersRemoved: removed, removedAddresses: workspace.transform.removedAddresses };
  const result = (rest: Partial<StackVerification>): StackVerification => ({ resourcesPlanned: 0, checks: [], warnings: [], problems: [], ...base, ...rest });
  if (!spec) return result({ problems: [`no plan spec for stack ${name}: give its variables and checks in test/harness/plan-specs.ts STACK_SPECS`] });

  const variables = spec.variables(config);
  const missing = missingVariables(synthesized, variables);
  if (missing.length > 0)
    return result({ problems: [`no value for variable(s) ${missing.join(', ')}: add them to the spec of ${name} in test/harness/plan-specs.ts`] });

  step(`terraform init${removed.length > 0 ? ` (without ${removed.join(', ')}: not installable offline)` : ''}`);
  await workspace.init();
  step('terraform validate');
  const validation = await workspace.validate();
  const errors = validation.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  const warnings = [...new Set(validation.diagnostics.filter((diagnostic) => diagnostic.severity !== 'error').map((diagnostic) => diagnostic.summary))];
  if (!validation.valid || errors.length > 0) {
    return result({
      warnings,
      problems: errors.map((diagnostic) => `terraform validate: ${diagnostic.summary}${diagnostic.detail ? `: ${diagnostic.detail}` : ''}`),
    });
  }

  workspace.update((stack) => useFakeAws(stack, fakeAws, config.region));
  step('terraform plan (against the fake AWS endpoint)');
  const planned = await workspace.plan(variables);
  if (!planned.ok) return result({ warnings, problems: [`terraform plan failed:\n${planned.output}`] });

  const context: PlanContext = {
    stack: name,
    config,
    synthesized,
    variables,
    plan: planned.plan,
    planOutput: planned.output,
    resources: plannedResources(planned.plan),
  };
  const resourcesPlanned = resourceActions(planned.plan).size;
  step(`${COMMON_CHECKS.length + spec.checks.length} checks on the plan of ${resourcesPlanned} resources`);
  const { checks: checkNames, problems } = checkPlan(spec, context);

  if (spec.rejected) {
    checkNames.push('validation rejects bad variables, naming what to fix');
    const mistakes = spec.rejected(config, synthesized);
    step(`${mistakes.length} plans with a bad variable each, which validation must reject`);
    const variablesOnly = TerraformWorkspace.ofVariables(synthesized);
    await variablesOnly.init();
    for (const [index, { variables: bad, mustName, mustNotShow, precondition }] of mistakes.entries()) {
      step(`bad-variable plan ${index + 1}/${mistakes.length}: ${mustName}${precondition ? ` (a precondition of ${precondition} checks it)` : ''}`);
      const rejected = await (precondition ? workspace.plan(bad, [precondition]) : variablesOnly.plan(bad));
      if (rejected.ok) problems.push(`a plan with a bad ${mustName} was accepted`);
      else if (!rejected.output.includes(mustName)) problems.push(`the rejection of a bad ${mustName} does not name it:\n${rejected.output}`);
      else if (mustNotShow && rejected.output.includes(mustNotShow)) problems.push(`the rejection of a bad ${mustName} shows its value`);
    }
  }
  return result({ resourcesPlanned, checks: checkNames, warnings, problems, plan: planned.plan, variables });
}

/** Told each step as it starts (`<stack>: <step>`, or a step of the whole app). */
export type Progress = (step: string) => void;

export interface VerifyOptions {
  /** Configuration to synthesize with. @default loadConfig() */
  readonly config?: PlatformConfig;
  /** Names of the stacks to verify. @default every stack of the app */
  readonly stacks?: string[];
  /** Told each step as it starts. @default nothing is told */
  readonly progress?: Progress;
}

/** Synthesizes the app and verifies its stacks (in parallel); resolves with one result per stack. */
export async function verify(options: VerifyOptions = {}): Promise<StackVerification[]> {
  const progress = options.progress ?? (() => undefined);
  const config = options.config ?? loadConfig();
  const outdir = mkdtempSync(join(tmpdir(), 'verify-synth-'));
  progress('synthesizing the app (guardrails included)');
  buildApp(config, { outdir }).synth();
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const stacks = Object.values<any>(manifest.stacks).filter((stack) => options.stacks?.includes(stack.name) ?? true);
  const unknown = (options.stacks ?? []).filter((name) => !stacks.some((stack) => stack.name === name));
  if (unknown.length > 0) throw new Error(`no stack named ${unknown.join(', ')} in the app (it has ${Object.keys(manifest.stacks).join(', ')})`);
  const fakeAws = new FakeAws(stacks.flatMap((stack) => STACK_SPECS[stack.name]?.awsAnswers?.(config) ?? []));
  await fakeAws.start();
  try {
    return await Promise.all(
      stacks.map((stack) =>
        verifyStack(stack.name, join(outdir, stack.synthesizedStackPath), STACK_SPECS[stack.name], config, fakeAws, progress).then((result) => {
          progress(`${result.stack}: ${result.problems.length === 0 ? 'pass' : `FAIL (${result.problems.length} problems)`}`);
          return result;
        }),
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
  const table = formatTable(rows);
  const details = results.flatMap((result) => [
    ...(result.removedAddresses.length > 0 ? [`${result.stack}: removed offline (not planned): ${result.removedAddresses.join(', ')}`] : []),
    ...result.warnings.map((warning) => `${result.stack}: terraform validate warning: ${warning}`),
    ...result.problems.map((problem) => `${result.stack}: ${problem}`),
  ]);
  return [...table, ...(details.length > 0 ? ['', ...details] : [])].join('\n');
}

/** A progress line: seconds since `start`, then the step. */
export function progressLine(start: number, now: number, step: string): string {
  return `[${((now - start) / 1000).toFixed(1).padStart(5)} s] ${step}`;
}

/** `npm run verify [-- STACK...]`: every stack, or the ones named; each step on stderr as it starts, the report on stdout. */
async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const start = Date.now();
  const progress: Progress = (step) => process.stderr.write(`${progressLine(start, Date.now(), step)}\n`);
  const results = await verify({ progress, ...(names.length > 0 ? { stacks: names } : {}) });
  console.log(formatReport(results));
  process.exitCode = results.every((result) => result.problems.length === 0) ? 0 : 1;
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
