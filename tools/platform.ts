/**
 * `npm run deploy|diff|destroy|output [-- cdktf arguments]`: the cdktf CLI on the platform stack,
 * service-catalog, and nothing else.
 *
 * The app is synthesized first, in this process (tools/synth.ts): configuration and guardrail problems
 * are printed once, and the CLI then runs on what was written (`--skip-synth`). The CLI runs with
 * CHECKPOINT_DISABLE=1 (no version check calling checkpoint-api.hashicorp.com). With TF_PLUGIN_MIRROR
 * set, Terraform installs every provider from that filesystem mirror, through a CLI configuration
 * written for this run only (TF_CLI_CONFIG_FILE, in a temporary folder removed afterwards), and the
 * CLI's `terraform providers lock`, which always asks the registry, is skipped; unset, providers come
 * from the public registry as usual. The sagemaker-project stack is refused: the runner applies it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { APPLIED_BY_THE_RUNNER } from '../contract/runner';
import { SERVICE_CATALOG_STACK } from '../main';
import { patternSelects, positionalIndexes, stackPatterns } from '../stacks/by-hand';
import { SAGEMAKER_PROJECT_STACK } from '../stacks/sagemaker-project-stack';
import { OUTDIR, synthesizeOrExit } from './synth';

const ROOT = join(__dirname, '..');

/** The npm scripts of this file, by their cdktf command. */
export const PLATFORM_COMMANDS = ['deploy', 'diff', 'destroy', 'output'] as const;
export type PlatformCommand = (typeof PLATFORM_COMMANDS)[number];

/**
 * A provider filesystem mirror (`<host>/<namespace>/<type>/...`, as `terraform providers mirror`
 * writes it). The tests read the same variable (test/harness/terraform.ts), defaulting to /opt/tf-plugins;
 * these commands have no default: unset, providers come from the public registry.
 */
export const MIRROR_VARIABLE = 'TF_PLUGIN_MIRROR';

/** Options these commands set themselves (the app and where it is synthesized). */
const OWN_OPTIONS = ['--app', '-a', '--output', '-o'];

/**
 * An argument as these commands show it: everything after its first `=` hidden. Values such as
 * `--var gitlab_private_token=glpat-...` would otherwise end up in terminals and CI logs; a stack name
 * never contains `=`, so it is shown as given.
 */
export function masked(arg: string): string {
  const equals = arg.indexOf('=');
  return equals < 0 ? arg : `${arg.slice(0, equals)}=***`;
}

/**
 * Why `npm run <command> -- <args>` is refused, or undefined: a stack other than the platform stack
 * (above all sagemaker-project, which the runner applies), or an option the command sets itself.
 */
export function refusal(command: PlatformCommand, args: readonly string[]): string | undefined {
  const patterns = stackPatterns(args);
  const project = patterns.find((pattern) => patternSelects(pattern, SAGEMAKER_PROJECT_STACK));
  if (project !== undefined) return `npm run ${command} -- ${masked(project)}: refused. ${APPLIED_BY_THE_RUNNER}`;
  const unknown = patterns.find((pattern) => !patternSelects(pattern, SERVICE_CATALOG_STACK));
  if (unknown !== undefined) {
    // What is taken for a stack name may be an option's value (`-var x=...`, `--var a=1 b=2`): shown masked.
    const shown = masked(unknown);
    return `npm run ${command} -- ${shown}: refused. npm run ${command} runs on the platform stack, ${SERVICE_CATALOG_STACK}, and takes no stack name; "${shown}" names no stack of this app.`;
  }
  const own = args.find((arg) => OWN_OPTIONS.some((option) => arg === option || arg.startsWith(`${option}=`)));
  if (own !== undefined) {
    return `npm run ${command} -- ${own}: refused. npm run ${command} synthesizes this app into ${OUTDIR}/ itself; for another app or folder, run npx cdktf ${command} directly.`;
  }
  return undefined;
}

/** The cdktf CLI's arguments: the command on the platform stack, already synthesized in `outdir`, then the user's own. */
export function cdktfArguments(command: PlatformCommand, args: readonly string[], outdir: string, mirror: string | undefined): string[] {
  const stackNames = new Set(positionalIndexes(args));
  return [
    command,
    SERVICE_CATALOG_STACK,
    '--skip-synth',
    '--output',
    outdir,
    // `terraform providers lock` fetches checksums from the registry, whatever the CLI configuration says.
    ...(mirror ? ['--skip-provider-lock'] : []),
    ...args.filter((_, index) => !stackNames.has(index)),
  ];
}

/**
 * The cdktf command line as printed before it runs, the user's arguments masked. Masking keeps every
 * argument where it was and changes neither an option's name nor a stack name, so the same arguments
 * are left out as in cdktfArguments.
 */
export function shownCommandLine(command: PlatformCommand, args: readonly string[], outdir: string, mirror: string | undefined): string {
  return `cdktf ${cdktfArguments(command, args.map(masked), outdir, mirror).join(' ')}`;
}

/** Terraform's name of this machine's platform (`linux_amd64`, `darwin_arm64`, ...). */
export function terraformPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const os = platform === 'win32' ? 'windows' : platform;
  const cpu = ({ x64: 'amd64', ia32: '386' } as Record<string, string>)[arch] ?? arch;
  return `${os}_${cpu}`;
}

/** A required provider as cdk.tf.json declares it: a source (`aws`, `gitlabhq/gitlab`) and a version constraint. */
export interface RequiredProvider {
  readonly source: string;
  readonly version?: string;
}

/** The full address of a provider source: `aws` is `registry.terraform.io/hashicorp/aws`. */
export function providerAddress(source: string): string {
  const parts = source.split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${source}`;
  return parts.length === 2 ? `registry.terraform.io/${source}` : source;
}

/**
 * The providers `mirror` lacks for `platform`, each as `<address> <version>`. A mirror holds a provider
 * unpacked (`<address>/<version>/<platform>/`) or packed (`<address>/terraform-provider-<type>_<version>_<platform>.zip`);
 * a constraint other than an exact version is satisfied by any version for the platform.
 */
export function missingFromMirror(mirror: string, required: readonly RequiredProvider[], platform: string): string[] {
  return required
    .filter(({ source, version }) => {
      const address = providerAddress(source);
      const dir = join(mirror, address);
      if (!existsSync(dir)) return true;
      const type = address.split('/').pop();
      const exact = version && /^\d+\.\d+\.\d+$/.test(version) ? version : undefined;
      return !readdirSync(dir).some((entry) => {
        const packed = new RegExp(`^terraform-provider-${type}_(.+)_${platform}\\.zip$`).exec(entry);
        if (packed) return !exact || packed[1] === exact;
        return (!exact || entry === exact) && existsSync(join(dir, entry, platform));
      });
    })
    .map(({ source, version }) => `${providerAddress(source)} ${version ?? '(any version)'}`);
}

/**
 * The CLI configuration of a run with a mirror: the user's own (TF_CLI_CONFIG_FILE), if any, and a
 * provider installation from the mirror only. Refused (a string) when the user's file installs
 * providers its own way: one of the two has to go.
 */
export function cliConfiguration(command: PlatformCommand, mirror: string, userFile: string | undefined): { text: string } | { refusal: string } {
  const own = userFile && existsSync(userFile) ? readFileSync(userFile, 'utf8') : '';
  if (/^\s*provider_installation\b/m.test(own)) {
    return {
      refusal: `npm run ${command}: refused. ${MIRROR_VARIABLE} is set and ${userFile} (TF_CLI_CONFIG_FILE) has a provider_installation block of its own: unset ${MIRROR_VARIABLE}, or remove that block.`,
    };
  }
  const text = [
    `# Written by npm run ${command} for this run only: ${MIRROR_VARIABLE} is set, so every provider comes from it.`,
    ...(own ? [`# From ${userFile}:`, own.trimEnd(), ''] : []),
    'provider_installation {',
    '  filesystem_mirror {',
    `    path = ${JSON.stringify(mirror)}`,
    '  }',
    '}',
    '',
  ].join('\n');
  return { text };
}

/** The CLI's environment: no checkpoint call (cdktf's telemetry, Terraform's version check), and the mirror's CLI configuration when there is one. */
export function cliEnvironment(base: NodeJS.ProcessEnv, cliConfigFile: string | undefined): NodeJS.ProcessEnv {
  return { ...base, CHECKPOINT_DISABLE: '1', ...(cliConfigFile ? { TF_CLI_CONFIG_FILE: cliConfigFile } : {}) };
}

/** What the platform stack requires: `terraform.required_providers` of its synthesized cdk.tf.json. */
function requiredProviders(outdir: string): RequiredProvider[] {
  const stack = JSON.parse(readFileSync(join(outdir, 'stacks', SERVICE_CATALOG_STACK, 'cdk.tf.json'), 'utf8'));
  return Object.values(stack.terraform?.required_providers ?? {}) as RequiredProvider[];
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function main(): void {
  const [command, ...args] = process.argv.slice(2) as [PlatformCommand, ...string[]];
  if (!PLATFORM_COMMANDS.includes(command)) fail(`usage: tools/platform.ts ${PLATFORM_COMMANDS.join('|')} [cdktf arguments]`);
  const refused = refusal(command, args);
  if (refused) fail(refused);

  const mirrorSetting = process.env[MIRROR_VARIABLE];
  const mirror = mirrorSetting ? resolve(mirrorSetting) : undefined;
  if (mirror && !existsSync(mirror)) {
    fail(
      `npm run ${command}: refused. ${MIRROR_VARIABLE}=${mirrorSetting} names ${mirror}, which does not exist: fix the path, or unset it to install providers from the registry.`,
    );
  }

  const outdir = process.env.CDKTF_OUTDIR ? resolve(process.env.CDKTF_OUTDIR) : join(ROOT, OUTDIR);
  synthesizeOrExit(outdir);

  let configDir: string | undefined;
  let cliConfigFile: string | undefined;
  if (mirror) {
    const platform = terraformPlatform();
    const missing = missingFromMirror(mirror, requiredProviders(outdir), platform);
    if (missing.length > 0) {
      fail(
        `npm run ${command}: refused. ${MIRROR_VARIABLE}=${mirrorSetting} lacks ${missing.join(', ')} for ${platform}. ` +
          `Fill it where the registry is reachable: npm run synth && terraform -chdir=${OUTDIR}/stacks/${SERVICE_CATALOG_STACK} providers mirror -platform=${platform} ${mirror}`,
      );
    }
    const configuration = cliConfiguration(command, mirror, process.env.TF_CLI_CONFIG_FILE);
    if ('refusal' in configuration) fail(configuration.refusal);
    configDir = mkdtempSync(join(tmpdir(), 'smp-terraform-cli-'));
    cliConfigFile = join(configDir, 'terraform.tfrc');
    writeFileSync(cliConfigFile, configuration.text);
    console.error(`Providers from ${MIRROR_VARIABLE}=${mirror} only (CLI configuration for this run: ${cliConfigFile})`);
  }

  const cdktfOutdir = relative(ROOT, outdir) || '.';
  const cdktfArgs = cdktfArguments(command, args, cdktfOutdir, mirror);
  console.error(shownCommandLine(command, args, cdktfOutdir, mirror));
  const cli = spawn(join(ROOT, 'node_modules', '.bin', 'cdktf'), cdktfArgs, { cwd: ROOT, env: cliEnvironment(process.env, cliConfigFile), stdio: 'inherit' });
  // Ctrl-C reaches the CLI from the terminal; it stops Terraform gracefully, then this process cleans up.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => cli.kill('SIGTERM'));
  const cleanUp = () => configDir && rmSync(configDir, { recursive: true, force: true });
  cli.on('error', (error) => {
    cleanUp();
    fail(`npm run ${command}: cannot start the cdktf CLI (run npm ci): ${error.message}`);
  });
  cli.on('close', (code) => {
    cleanUp();
    process.exit(code ?? 1);
  });
}

if (require.main === module) main();
