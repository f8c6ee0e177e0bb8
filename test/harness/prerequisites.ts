/**
 * What the integration tests need from the machine, checked in seconds before any test runs.
 *
 * Debian packages that are missing are installed when this process can (root, apt-get present), the
 * way `playwright install-deps` does, saying so on stderr; otherwise, and for what Debian does not
 * provide (terraform, the provider mirror), the run stops at once with every missing piece and the
 * command that installs it. A test that needs one of these never skips: it cannot start without it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../config/defaults';
import { compareVersions } from './provider-servers';
import { PLUGIN_MIRROR, TERRAFORM_BIN } from './terraform';

/** The interpreter the seed-code tests run (Debian's, which has the scientific stack as packages). */
export const SEED_PYTHON = process.env.SEED_PYTHON ?? '/usr/bin/python3';
/** The interpreter of the runner sandbox's fake AWS CLI (its #! line). */
const SYSTEM_PYTHON = '/usr/bin/python3';
/** The oldest terraform the stacks plan with: ephemeral resources and write-only arguments. */
const MINIMUM_TERRAFORM = '1.11.0';
/** The terraform to install: the runner's. */
const TERRAFORM_VERSION = DEFAULT_CONFIG.runner.terraformVersion;

/** Commands the integration tests run, and the Debian package of each. */
const TOOLS: Record<string, string> = { shellcheck: 'shellcheck', zip: 'zip', unzip: 'unzip', curl: 'curl', openssl: 'openssl', git: 'git' };
/** Python modules the seed code and the test drivers import, and the Debian package of each. */
const SEED_MODULES: Record<string, { debian: string; pip: string }> = {
  pandas: { debian: 'python3-pandas', pip: 'pandas' },
  sklearn: { debian: 'python3-sklearn', pip: 'scikit-learn' },
  xgboost: { debian: 'python3-xgboost', pip: 'xgboost' },
  yaml: { debian: 'python3-yaml', pip: 'pyyaml' },
  boto3: { debian: 'python3-boto3', pip: 'boto3' },
  jmespath: { debian: 'python3-jmespath', pip: 'jmespath' },
};

/** Every Debian package the integration tests may need: the tools, and the modules of Debian's python3. */
export const DEBIAN_PACKAGES = [...new Set([...Object.values(TOOLS), ...Object.values(SEED_MODULES).map((module) => module.debian)])];

/** Where to look: the machine's PATH, terraform, provider mirror and interpreters. */
export interface Machine {
  readonly path: string;
  readonly terraform: string;
  readonly mirror: string;
  /** The interpreter of the seed-code tests. */
  readonly seedPython: string;
  /** Debian's interpreter (the fake AWS CLI's): missing modules of it are Debian packages. */
  readonly systemPython: string;
}

/** This machine, as the tests will use it. */
export const thisMachine = (): Machine => ({
  path: process.env.PATH ?? '',
  terraform: TERRAFORM_BIN,
  mirror: PLUGIN_MIRROR,
  seedPython: SEED_PYTHON,
  systemPython: SYSTEM_PYTHON,
});

/** One missing piece: what it is, and the Debian package or the command that provides it. */
export interface Missing {
  readonly what: string;
  readonly debianPackage?: string;
  readonly fix?: string;
}

const onPath = (command: string, path: string) => spawnSync('/bin/sh', ['-c', `command -v "$0"`, command], { env: { PATH: path }, timeout: 5000 }).status === 0;

/** The hashicorp/aws version the stacks pin: the one @cdktf/provider-aws was generated from. */
export function awsProviderVersion(): string {
  const source = readFileSync(require.resolve('@cdktf/provider-aws/lib/provider'), 'utf8');
  const version = /providerVersion: '([^']+)'/.exec(source)?.[1];
  if (!version) throw new Error('cannot read the provider version @cdktf/provider-aws was generated for (lib/provider/index.js providerVersion)');
  return version;
}

function missingTerraform({ terraform, path }: Machine): Missing[] {
  const install = `install terraform ${TERRAFORM_VERSION} (https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/terraform_${TERRAFORM_VERSION}_linux_amd64.zip, unzip into /usr/local/bin) or set TERRAFORM_BIN to its path`;
  const run = spawnSync(terraform, ['version', '-json'], { encoding: 'utf8', env: { ...process.env, PATH: path, CHECKPOINT_DISABLE: '1' }, timeout: 10_000 });
  if (run.status !== 0) return [{ what: `terraform (${terraform}) cannot be run${run.error ? `: ${run.error.message}` : ''}`, fix: install }];
  const version = String(JSON.parse(run.stdout).terraform_version);
  return compareVersions(version, MINIMUM_TERRAFORM) < 0 ? [{ what: `terraform ${version} is older than ${MINIMUM_TERRAFORM}`, fix: install }] : [];
}

function missingMirror({ mirror }: Machine): Missing[] {
  const version = awsProviderVersion();
  const provider = join(mirror, 'registry.terraform.io', 'hashicorp', 'aws');
  const unpacked = existsSync(join(provider, version));
  const packed = existsSync(provider) && readdirSync(provider).some((name) => name.startsWith(`terraform-provider-aws_${version}_`) && name.endsWith('.zip'));
  if (unpacked || packed) return [];
  return [
    {
      what: `the hashicorp/aws ${version} provider is not in the filesystem mirror ${mirror} (TF_PLUGIN_MIRROR)`,
      fix: `where registry.terraform.io is reachable, run \`terraform providers mirror -platform=linux_amd64 ${mirror}\` in a folder whose configuration requires hashicorp/aws ${version}, or set TF_PLUGIN_MIRROR to a mirror that has it`,
    },
  ];
}

/** Modules of `modules` that `python` cannot find (found without importing them: this takes milliseconds). */
function missingModules(python: string, modules: string[], path: string): string[] | undefined {
  const probe = 'import importlib.util, sys\nprint(" ".join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))';
  const run = spawnSync(python, ['-c', probe, ...modules], { encoding: 'utf8', env: { PATH: path }, timeout: 10_000 });
  return run.status === 0 ? run.stdout.split(/\s+/).filter(Boolean) : undefined;
}

function missingPython({ seedPython, systemPython, path }: Machine): Missing[] {
  const debianPython = (python: string) => python === systemPython;
  const check = (python: string, modules: string[]): Missing[] => {
    const missing = missingModules(python, modules, path);
    if (missing === undefined)
      return debianPython(python)
        ? [{ what: `${python} cannot be run`, debianPackage: 'python3' }]
        : [{ what: `${python} (SEED_PYTHON) cannot be run`, fix: 'install it or unset SEED_PYTHON' }];
    return missing.map((module) =>
      debianPython(python)
        ? { what: `Python module ${module} for ${python}`, debianPackage: SEED_MODULES[module].debian }
        : { what: `Python module ${module} for ${python} (SEED_PYTHON)`, fix: `${python} -m pip install ${SEED_MODULES[module].pip}` },
    );
  };
  return seedPython === systemPython
    ? check(systemPython, Object.keys(SEED_MODULES))
    : [...check(seedPython, Object.keys(SEED_MODULES)), ...check(systemPython, ['jmespath'])];
}

/** Everything the integration tests need that `machine` lacks. */
export function findMissing(machine: Machine = thisMachine()): Missing[] {
  const tools = Object.entries(TOOLS)
    .filter(([command]) => !onPath(command, machine.path))
    .map(([command, debianPackage]) => ({ what: `${command} (not on PATH)`, debianPackage }));
  return [...missingTerraform(machine), ...missingMirror(machine), ...missingPython(machine), ...tools];
}

const aptInstall = (packages: string[]) => `apt-get install -y --no-install-recommends ${packages.join(' ')}`;

/** Installs Debian packages with apt-get, its output on `log`; throws when apt-get fails. */
function install(packages: string[], machine: Machine, log: (text: string) => void): void {
  log(`\nThe integration tests need Debian packages this machine lacks; installing them: ${aptInstall(packages)}\n`);
  const env = { ...process.env, PATH: machine.path, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...packages],
  ]) {
    const run = spawnSync('apt-get', args, { encoding: 'utf8', env, timeout: 15 * 60_000 });
    log(`${run.stdout ?? ''}${run.stderr ?? ''}`);
    if (run.status !== 0)
      throw new Error(`apt-get ${args.join(' ')} failed (exit ${run.status ?? run.signal}); run \`${aptInstall(packages)}\` as root and try again`);
  }
}

/** The report of what is missing, one line each with its fix. */
export function formatMissing(missing: Missing[]): string {
  const packages = [...new Set(missing.flatMap((item) => (item.debianPackage ? [item.debianPackage] : [])))];
  const lines = missing.map((item) => `  - ${item.what}: ${item.debianPackage ? `Debian package ${item.debianPackage}` : item.fix}`);
  return [
    'The integration tests cannot run on this machine; missing:',
    ...lines,
    ...(packages.length > 0 ? ['', `Install the Debian packages (as root): apt-get update && ${aptInstall(packages)}`] : []),
    '',
    'Only the construct tests need none of these: npm run test:constructs',
  ].join('\n');
}

export interface EnsureOptions {
  /** @default this machine */
  readonly machine?: Machine;
  /** Where to say what is being installed. @default stderr */
  readonly log?: (text: string) => void;
  /** Whether this process runs as root. @default process.getuid() === 0 */
  readonly root?: boolean;
}

/**
 * Checks the prerequisites; installs the missing Debian packages when this process can (root, with
 * apt-get on the PATH), saying so, and throws the report of whatever is still missing.
 */
export function ensurePrerequisites(options: EnsureOptions = {}): void {
  const { machine = thisMachine(), log = (text: string) => void process.stderr.write(text), root = process.getuid?.() === 0 } = options;
  let missing = findMissing(machine);
  const packages = [...new Set(missing.flatMap((item) => (item.debianPackage ? [item.debianPackage] : [])))];
  if (packages.length > 0 && root && onPath('apt-get', machine.path)) {
    install(packages, machine, log);
    missing = findMissing(machine);
  }
  if (missing.length > 0) throw new Error(formatMissing(missing));
}
