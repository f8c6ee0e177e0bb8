import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ChildOutput, childOutput } from './child-output';
import { mirroredProviders } from './plugin-mirror';
import { removeUninstallableProviders, OfflineTransformOptions, OfflineTransformResult } from './offline-transform';
import { ProviderServerPool } from './provider-servers';

/** Directory of the provider filesystem mirror; a machine with internet access needs none. */
export const PLUGIN_MIRROR = process.env.TF_PLUGIN_MIRROR ?? '/opt/tf-plugins';
export const TERRAFORM_BIN = process.env.TERRAFORM_BIN ?? 'terraform';

/**
 * Commands that start providers. In a jest run they attach to the long-running servers of the
 * mirror's providers that the global setup started (test/harness/provider-servers.ts), unless
 * SMP_TF_PROVIDER_SERVERS=0; `init` always installs the providers from the mirror as a user's would.
 */
const PROVIDER_COMMANDS = new Set(['validate', 'plan', 'apply', 'show', 'console', 'refresh']);

let pool: ProviderServerPool | null | undefined;
const providerServers = (): ProviderServerPool | undefined => (pool ??= ProviderServerPool.forThisWorker() ?? null) ?? undefined;

/** How long one terraform command may run before it is killed: less than a test's timeout, so the test fails with terraform's output. */
const COMMAND_TIMEOUT_MS = 100_000;

/** What a terraform command printed and how it ended. */
export type TerraformResult = ChildOutput;

/** Runs terraform asynchronously (a fake AWS endpoint may be served from this same process). */
export function runTerraform(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<TerraformResult> {
  const child = spawn(TERRAFORM_BIN, args, { cwd, env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', ...env } });
  return childOutput(child, { timeoutMs: COMMAND_TIMEOUT_MS, command: `terraform ${args.join(' ')} in ${cwd}` });
}

/**
 * CLI configuration that installs the providers of the mirror from it (when the mirror exists)
 * and everything else directly from the registry.
 */
function writeCliConfig(dir: string): string {
  const path = join(dir, 'terraform.tfrc');
  const mirrored = mirroredProviders(PLUGIN_MIRROR).map((provider) => provider.source);
  const list = JSON.stringify(mirrored);
  writeFileSync(
    path,
    mirrored.length === 0
      ? ''
      : `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(PLUGIN_MIRROR)}\n    include = ${list}\n  }\n  direct {\n    exclude = ${list}\n  }\n}\n`,
  );
  return path;
}

/** Terraform's own files in a module directory: configuration and variable files, never state or caches. */
const TERRAFORM_FILE = /\.(tf|tf\.json|tfvars|tfvars\.json)$/;

export interface DirectoryOptions {
  /**
   * Override files to add (name without the `_override.tf.json` suffix -> content), e.g. a local
   * backend or a provider pointed at a fake endpoint. Terraform merges them into the module's
   * blocks (https://developer.hashicorp.com/terraform/language/files/override).
   * @default {}
   */
  readonly overrides?: Record<string, object>;
  /** Extra files to place beside the module (relative path -> content), e.g. `*.auto.tfvars.json`. @default {} */
  readonly files?: Record<string, string | Buffer>;
}

/**
 * A temporary directory where terraform init, validate and plan run for real, installing the
 * providers of the filesystem mirror from it.
 */
export class TerraformWorkdir {
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;

  protected constructor(dir: string) {
    this.dir = dir;
    this.env = { TF_CLI_CONFIG_FILE: writeCliConfig(dir), TF_DATA_DIR: join(dir, '.terraform') };
  }

  /** Prepares a workdir from a directory of `.tf` files (an HCL module), leaving the source untouched. */
  static fromDirectory(source: string, options: DirectoryOptions = {}): TerraformWorkdir {
    const dir = mkdtempSync(join(tmpdir(), 'tf-module-'));
    for (const name of readdirSync(source)) if (TERRAFORM_FILE.test(name)) copyFileSync(join(source, name), join(dir, name));
    for (const [name, content] of Object.entries(options.overrides ?? {}))
      writeFileSync(join(dir, `${name}_override.tf.json`), JSON.stringify(content, null, 2));
    for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), content);
    return new TerraformWorkdir(dir);
  }

  run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<TerraformResult> {
    // A provider server reads its own environment, not the command's: settings for the provider go in the configuration.
    const servers = PROVIDER_COMMANDS.has(args[0]) ? providerServers() : undefined;
    if (!servers) return runTerraform(args, this.dir, { ...this.env, ...env });
    return servers.with((reattach) => runTerraform(args, this.dir, { ...this.env, ...env, ...(reattach ? { TF_REATTACH_PROVIDERS: reattach } : {}) }));
  }

  /**
   * `terraform init` (local state in the workdir; `backend: false` skips the backend, as
   * `init -backend=false` before `validate`); throws with terraform's output when it fails.
   */
  async init(options: { backend?: boolean } = {}): Promise<void> {
    const result = await this.run(['init', '-input=false', '-no-color', ...(options.backend === false ? ['-backend=false'] : [])]);
    if (result.code !== 0) throw new Error(`terraform init failed in ${this.dir}:\n${result.stdout}\n${result.stderr}`);
  }

  /** `terraform validate -json`: the validity and the diagnostics. */
  async validate(): Promise<{ valid: boolean; diagnostics: Array<{ severity: string; summary: string; detail?: string }> }> {
    const result = await this.run(['validate', '-json', '-no-color']);
    const report = JSON.parse(result.stdout);
    return { valid: report.valid, diagnostics: report.diagnostics ?? [] };
  }

  /**
   * `terraform plan` with the given variables, then `terraform show -json` of the plan. Resolves
   * with the plan and the human-readable output (warnings included), or with the failure output
   * when the plan is rejected (e.g. by validation).
   */
  async plan(variables: Record<string, string>, targets: string[] = []): Promise<{ ok: true; plan: any; output: string } | { ok: false; output: string }> {
    const varEnv = Object.fromEntries(Object.entries(variables).map(([name, value]) => [`TF_VAR_${name}`, value]));
    const targeted = targets.map((address) => `-target=${address}`);
    const planned = await this.run(['plan', '-input=false', '-lock=false', '-refresh=false', '-no-color', '-out=plan.bin', ...targeted], varEnv);
    if (planned.code !== 0) return { ok: false, output: `${planned.stdout}\n${planned.stderr}` };
    const shown = await this.run(['show', '-json', 'plan.bin']);
    if (shown.code !== 0) throw new Error(`terraform show failed:\n${shown.stderr}`);
    return { ok: true, plan: JSON.parse(shown.stdout), output: planned.stdout };
  }
}

/** Files of a synthesized stack's directory that a fresh workspace does not take over. */
const SYNTH_DIR_SKIPPED = ['cdk.tf.json', '.terraform', '.terraform.lock.hcl', 'terraform.tfstate', 'plan.bin'];

export interface WorkspaceOptions extends OfflineTransformOptions {
  /** Extra files to place beside the stack (relative path -> content), e.g. stand-in archives. */
  readonly files?: Record<string, string | Buffer>;
}

/**
 * A temporary directory holding one synthesized stack, made installable offline, where terraform
 * init, validate and plan run for real.
 */
export class TerraformWorkspace extends TerraformWorkdir {
  readonly transform: OfflineTransformResult;

  private constructor(dir: string, transform: OfflineTransformResult) {
    super(dir);
    this.transform = transform;
  }

  /**
   * Prepares a workspace from a synthesized stack: `cdk.tf.json` content, or its path, in which
   * case the rest of its directory (assets) is copied too.
   */
  static create(stack: string | object, options: WorkspaceOptions = {}): TerraformWorkspace {
    const fromFile = typeof stack === 'string' && existsSync(stack);
    const json = typeof stack === 'string' ? JSON.parse(fromFile ? readFileSync(stack, 'utf8') : stack) : stack;
    const dir = mkdtempSync(join(tmpdir(), 'tf-workspace-'));
    // What the stack references by relative path (cdktf assets such as Lambda archives) comes along.
    if (fromFile) cpSync(dirname(stack), dir, { recursive: true, filter: (source) => !SYNTH_DIR_SKIPPED.includes(basename(source)) });
    const transform = removeUninstallableProviders(json, options);
    // State stays in the workspace: a partial S3 backend cannot be initialised without AWS.
    const terraformBlock = transform.config.terraform as Record<string, unknown> | undefined;
    if (terraformBlock?.backend) terraformBlock.backend = { local: {} };
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(transform.config, null, 2));
    for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), content);
    return new TerraformWorkspace(dir, transform);
  }

  /**
   * A workspace of the stack's variables alone: no provider to install or start, so a plan that
   * validation blocks reject fails in about a second instead of several. Holds only for validation
   * rules that refer to variables (not to resources or data sources).
   */
  static ofVariables(stack: Record<string, any>): TerraformWorkspace {
    return TerraformWorkspace.create({ variable: stack.variable ?? {} });
  }

  /** Rewrites the stack, e.g. after pointing the provider at a fake endpoint. */
  update(mutate: (config: Record<string, any>) => void): void {
    const path = join(this.dir, 'main.tf.json');
    const config = JSON.parse(readFileSync(path, 'utf8'));
    mutate(config);
    writeFileSync(path, JSON.stringify(config, null, 2));
  }
}

/** A managed resource as a plan says it will be after apply (unknown attributes are absent). */
export interface PlannedResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly values: Record<string, any>;
}

/** Managed resources of a `terraform show -json` plan, from the root and every child module. */
export function plannedResources(plan: any): PlannedResource[] {
  const fromModule = (module: any): PlannedResource[] => [
    ...(module?.resources ?? [])
      .filter((resource: any) => resource.mode === 'managed')
      .map((resource: any) => ({ address: resource.address, type: resource.type, name: resource.name, values: resource.values ?? {} })),
    ...(module?.child_modules ?? []).flatMap(fromModule),
  ];
  return fromModule(plan.planned_values?.root_module);
}

/** Addresses of managed resources a plan changes, by action (`create`, `update`, `delete`, ...). */
export function resourceActions(plan: any): Map<string, string[]> {
  return new Map(
    (plan.resource_changes ?? [])
      .filter((change: any) => change.mode === 'managed' && !(change.change.actions.length === 1 && change.change.actions[0] === 'no-op'))
      .map((change: any) => [change.address, change.change.actions]),
  );
}
